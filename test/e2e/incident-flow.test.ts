import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { startProviders, TEST_SECRETS, type Providers } from '../support/providers.js';
import { signedPost, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';

let providers: Providers;
let app: AppProcess;
const secret = TEST_SECRETS.SLACK_SIGNING_SECRET;

beforeAll(async () => {
  providers = await startProviders();
  app = await startApp({ ...providers.env, DELIVERY_RETRY_BASE_MS: '200' });
});
afterAll(async () => {
  await app?.stop();
  await providers?.close();
});
beforeEach(() => providers.reset());

/** Submits the modal and returns the root message once it is posted. */
async function submit(fields: { severity: string; message: string; channelId?: string }) {
  const response = await signedPost(app.eventsUrl, viewSubmissionBody(fields), { secret });
  expect(response.status).toBe(200);
  return response;
}

/** Waits for the final summary reply and returns the whole thread. */
async function finishedThread(channel = 'C0INCIDENT') {
  const root = await providers.slack.waitFor(() => providers.slack.messages.find((m) => m.channel === channel && !m.thread_ts));
  await providers.slack.waitFor(() => providers.slack.thread(root.ts).find((m) => /delivered.*Run `wrun_/.test(m.text ?? '')));
  return { root, replies: providers.slack.thread(root.ts) };
}

describe('/incident end to end', () => {
  it('opens the modal pre-filled with the command text', async () => {
    const response = await signedPost(app.eventsUrl, slashCommandBody({ text: 'db latency is spiking' }), { secret });
    expect(response.status).toBe(200);
    const [call] = await providers.slack.waitFor((calls) => {
      const opens = calls.filter((c) => c.path === '/api/views.open');
      return opens.length > 0 && opens;
    });
    expect(call!.body.trigger_id).toBe('1234567890.123.abcdef');
    expect(call!.body.view.title.text).toBe('Report an incident');
    const message = call!.body.view.blocks.find((b: any) => b.block_id === 'message');
    expect(message.element.initial_value).toBe('db latency is spiking');
  });

  it('delivers a critical incident to every channel and reports each in the thread', async () => {
    await submit({ severity: 'critical', message: 'db latency is spiking' });
    const { root, replies } = await finishedThread();

    expect(root.blocks?.[0].text.text).toMatch(/CRITICAL · INC-[0-9A-Z]{8}/);
    const texts = replies.map((r) => r.text ?? '');
    expect(texts[0]).toMatch(/^Routing INC-\w+ to 5 channels: slack, email, sms, pagerduty, webhook/);
    for (const channel of ['slack', 'email', 'sms', 'pagerduty', 'webhook']) {
      expect(texts.filter((t) => t.startsWith(`✅ *${channel}* delivered`))).toHaveLength(1);
    }
    expect(texts.at(-1)).toMatch(/All delivered: 5\/5 channels delivered/);
    expect(JSON.stringify(root.blocks)).toContain('5/5 delivered');

    expect(providers.sendgrid.callsTo('/v3/mail/send')).toHaveLength(1);
    expect(providers.twilio.calls).toHaveLength(1);
    expect(providers.pagerduty.calls).toHaveLength(1);
    expect(providers.webhook.calls).toHaveLength(1);
  });
});
