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
const closed: string[] = [];
const viewActions: BlockAction[] = [];

function modal(callbackId: string, title: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'modal' as const,
    callback_id: callbackId,
    title: { type: 'plain_text' as const, text: title },
    submit: { type: 'plain_text' as const, text: 'Next' },
    blocks: [{ type: 'input' as const, block_id: 'name', label: { type: 'plain_text' as const, text: 'Name' }, element: { type: 'plain_text_input' as const, action_id: 'name_input' } }],
    ...extra,
  };
}

async function openView(view: unknown): Promise<string> {
  const response = await fetch(`${slack.url}/api/views.open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ trigger_id: '1.2.sandbox', view }),
  });
  return ((await response.json()) as { view: { id: string } }).view.id;
}

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
  app.view('step_one', async ({ ack }) => {
    await ack({ response_action: 'update', view: modal('step_two', 'Step two') });
  });
  app.view('step_two', async ({ ack, body, client }) => {
    await ack({ response_action: 'errors', errors: { name: 'Too short' } });
    await client.views.update({ view_id: body.view.id, view: modal('step_two', 'Updated') });
  });
  // A modal field with dispatch_action: redraw the view from the state it carries.
  app.action(/^(level|notify)$/, async ({ ack, body, client }) => {
    await ack();
    const action = body as BlockAction;
    viewActions.push(action);
    await client.views.update({ view_id: action.view!.id, hash: action.view!.hash, view: modal('choices', `Level ${JSON.stringify(action.view!.state.values.level)}`) });
  });
  app.view({ callback_id: 'closable', type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    closed.push(body.view.callback_id);
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

  it('follows response_action "update", returns "errors" for the page, and applies views.update to the open modal', async () => {
    const id = await openView(modal('step_one', 'Step one'));
    expect(await interactions.submit(id, { name: { name_input: 'x' } })).toEqual({ ok: true });
    const open = slack.views.find((v) => v.id === id)!;
    expect(open).toMatchObject({ open: true, view: { callback_id: 'step_two' } });
    expect(await interactions.submit(id, { name: { name_input: 'y' } })).toEqual({ ok: false, errors: { name: 'Too short' } });
    await slack.waitFor(() => slack.method('views.update').length > 0);
    expect(open).toMatchObject({ open: true, view: { title: { text: 'Updated' } } });
    await interactions.close(id);
  });

  it('sends a change in a dispatching select or checkbox group as a block_actions from the view, with the whole state', async () => {
    const option = (value: string) => ({ text: { type: 'plain_text', text: value.toUpperCase() }, value });
    const id = await openView({
      ...modal('choices', 'Choices'),
      blocks: [
        { type: 'input', block_id: 'level', dispatch_action: true, label: { type: 'plain_text', text: 'Level' }, element: { type: 'static_select', action_id: 'level', options: [option('low'), option('high')] } },
        { type: 'input', block_id: 'notify', dispatch_action: true, optional: true, label: { type: 'plain_text', text: 'Notify' }, element: { type: 'checkboxes', action_id: 'notify', options: [option('all'), option('some')] } },
        { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'name_input' } },
      ],
    });
    const fields = { level: { level: 'high' }, notify: { notify: ['some'] }, name: { name_input: 'db' } };
    expect(await interactions.viewAction(id, { blockId: 'notify', actionId: 'notify' }, fields)).toEqual({ ok: true });
    await slack.waitFor(() => slack.views.find((v) => v.id === id)?.view.title?.text.startsWith('Level'));

    const [payload] = viewActions;
    expect(payload!.container).toEqual({ type: 'view', view_id: id });
    expect(payload!.view).toMatchObject({ id, callback_id: 'choices', hash: expect.stringMatching(/\S/) });
    expect(payload!.view!.state.values).toEqual({
      level: { level: { type: 'static_select', selected_option: option('high') } },
      notify: { notify: { type: 'checkboxes', selected_options: [option('some')] } },
      name: { name_input: { type: 'plain_text_input', value: 'db' } },
    });
    expect(payload!.actions).toEqual([{ type: 'checkboxes', action_id: 'notify', block_id: 'notify', selected_options: [option('some')], action_ts: expect.stringMatching(/^\d+\.\d{6}$/) }]);
    // The app's views.update is applied to the open modal, for the page to redraw.
    expect(slack.views.find((v) => v.id === id)!.view.title.text).toBe('Level {"level":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"HIGH"},"value":"high"}}}');

    // A field without dispatch_action sends nothing, as in Slack.
    expect(await interactions.viewAction(id, { blockId: 'name', actionId: 'name_input' }, fields)).toEqual({ ok: false, error: 'that field does not send its changes' });
    expect(viewActions).toHaveLength(1);
    await interactions.close(id);
  });

  it('tells the app about a cancelled modal only when it asked (notify_on_close)', async () => {
    const quiet = await openView(modal('quiet', 'Quiet'));
    await interactions.close(quiet);
    const closable = await openView(modal('closable', 'Closable', { notify_on_close: true }));
    expect(await interactions.close(closable)).toEqual({ ok: true });
    expect(closed).toEqual(['closable']);
    expect(slack.views.filter((v) => v.open)).toEqual([]);
  });
});
