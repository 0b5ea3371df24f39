import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockAction, type ButtonAction } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_USER, SlackInteractions } from '../../src/sandbox/interactions.js';
import { SlackStandIn } from '../../src/sandbox/slack-stand-in.js';

/**
 * The sandbox page's button clicks, through a real Bolt receiver (which checks every
 * signature) and back through the Slack stand-in: chat.update, chat.postEphemeral and
 * respond() land where the page shows them.
 */
const SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00';
let slack: SlackStandIn;
let app: App;
let interactions: SlackInteractions;
const received: BlockAction[] = [];

beforeAll(async () => {
  slack = await new SlackStandIn().start();
  app = new App({ token: 'xoxb-sandbox', signingSecret: SECRET, clientOptions: { slackApiUrl: `${slack.url}/api/` }, deferInitialization: true });
  app.action('ack', async ({ ack, body, client }) => {
    await ack();
    const action = body as BlockAction<ButtonAction>;
    received.push(action);
    await client.chat.update({ channel: action.channel!.id, ts: action.message!.ts, text: 'acknowledged', blocks: [] });
    await client.chat.postEphemeral({ channel: action.channel!.id, user: action.user.id, text: 'You acknowledged it.' });
  });
  app.action('resolve', async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'resolved' });
  });
  await app.init();
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  interactions = new SlackInteractions(slack, SECRET);
  interactions.eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

async function postWithButtons(): Promise<string> {
  const response = await fetch(`${slack.url}/api/chat.postMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-sandbox' },
    body: JSON.stringify({
      channel: 'C0INCIDENT',
      text: 'incident',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'INC-1' } },
        {
          type: 'actions',
          block_id: 'lifecycle',
          elements: [
            { type: 'button', action_id: 'ack', value: 'INC-1', text: { type: 'plain_text', text: 'Acknowledge' } },
            { type: 'button', action_id: 'resolve', value: 'INC-1', text: { type: 'plain_text', text: 'Resolve' } },
          ],
        },
      ],
    }),
  });
  return ((await response.json()) as { ts: string }).ts;
}

describe('sandbox button clicks', () => {
  it('send a signed block_actions payload shaped like Slack’s; chat.update and chat.postEphemeral show up', async () => {
    const ts = await postWithButtons();
    expect(await interactions.action({ channel: 'C0INCIDENT', ts, blockIndex: 1, element: 0 })).toEqual({ ok: true });
    await slack.waitFor(() => slack.ephemerals.length > 0);

    const [payload] = received;
    expect(payload!.actions[0]).toMatchObject({ type: 'button', action_id: 'ack', block_id: 'lifecycle', value: 'INC-1' });
    expect(payload!.container).toMatchObject({ type: 'message', message_ts: ts, channel_id: 'C0INCIDENT', is_ephemeral: false });
    expect(payload!.channel).toEqual({ id: 'C0INCIDENT', name: 'incidents' });
    expect(payload!.message).toMatchObject({ ts, text: 'incident' });
    expect(payload!.user.id).toBe(SANDBOX_USER.id);
    expect(payload!.trigger_id).toMatch(/\S/);

    expect(slack.messages.find((m) => m.ts === ts)).toMatchObject({ text: 'acknowledged', updates: 1 });
    expect(slack.ephemerals).toEqual([expect.objectContaining({ channel: 'C0INCIDENT', user: SANDBOX_USER.id, text: 'You acknowledged it.' })]);
  });

  it('respond({ replace_original }) through response_url replaces the message clicked', async () => {
    const ts = await postWithButtons();
    await interactions.action({ channel: 'C0INCIDENT', ts, blockIndex: 1, element: 1 });
    await slack.waitFor(() => slack.messages.find((m) => m.ts === ts && m.text === 'resolved'));
  });

  it('refuses a click on a button that is not there', async () => {
    const ts = await postWithButtons();
    expect(await interactions.action({ channel: 'C0INCIDENT', ts, blockIndex: 0, element: 0 })).toEqual({ ok: false, error: 'that button is gone' });
  });

  it('posts what the person types as their message, escaped as Slack does', async () => {
    await interactions.message('C0INCIDENT', 'hello <!here> & all');
    expect(slack.messages.at(-1)).toMatchObject({ channel: 'C0INCIDENT', user: SANDBOX_USER.id, text: 'hello &lt;!here&gt; &amp; all' });
  });
});
