import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/channels/channel.js';
import { DeliveryError } from '../../src/channels/failure.js';
import { CHANNELS } from '../../src/channels/registry.js';
import { resolveChannelSettings } from '../../src/channels/settings.js';
import type { Incident } from '../../src/incident/incident.js';
import { StandIn, type Answer } from '../support/stand-in.js';
import { TEST_SECRETS } from '../support/providers.js';

/**
 * One table, every channel: the same provider answers must lead to the same decision
 * (delivered / retry / fatal) whatever the channel. A new channel gets a row in
 * `PROVIDERS` and is covered by every case.
 */
interface ProviderModel {
  /** Environment that points the channel at the stand-in. */
  env(url: string): Record<string, string>;
  /** The provider's success answer. */
  ok: Answer;
  /** How the provider words an error with this HTTP status. */
  error(status: number): Answer;
}

const PROVIDERS: Record<string, ProviderModel> = {
  slack: {
    env: (url) => ({ SLACK_API_URL: `${url}/api/`, SLACK_BOT_TOKEN: TEST_SECRETS.SLACK_BOT_TOKEN, ALERT_SLACK_CHANNEL: 'C0ALERTS01' }),
    ok: { body: { ok: true, channel: 'C0ALERTS01', ts: '1.2' } },
    error: (status) => ({ status, body: { ok: false, error: status === 429 ? 'ratelimited' : 'http_error' } }),
  },
  email: {
    env: (url) => ({
      SENDGRID_API_URL: url,
      SENDGRID_API_KEY: TEST_SECRETS.SENDGRID_API_KEY,
      ALERT_EMAIL_FROM: 'alerts@example.com',
      ALERT_EMAIL_TO: 'oncall@example.com',
    }),
    ok: { status: 202, headers: { 'x-message-id': 'm1' } },
    error: (status) => ({ status, body: { errors: [{ message: `error ${status}`, field: null }] } }),
  },
  sms: {
    env: (url) => ({
      TWILIO_API_URL: url,
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: TEST_SECRETS.TWILIO_AUTH_TOKEN,
      TWILIO_FROM_NUMBER: '+15550000001',
      ALERT_SMS_TO: '+15551234567',
    }),
    ok: { status: 201, body: { sid: 'SM1', status: 'queued' } },
    error: (status) => ({ status, body: { code: 20000 + status, message: `error ${status}`, status } }),
  },
  pagerduty: {
    env: (url) => ({ PAGERDUTY_EVENTS_URL: `${url}/v2/enqueue`, PAGERDUTY_ROUTING_KEY: TEST_SECRETS.PAGERDUTY_ROUTING_KEY }),
    ok: { status: 202, body: { status: 'success', dedup_key: 'INC-TEST0001' } },
    error: (status) => ({ status, body: { status: 'error', message: `error ${status}` } }),
  },
  webhook: {
    env: (url) => ({ ALERT_WEBHOOK_URL: `${url}/hooks?token=secret-in-url`, ALERT_WEBHOOK_SECRET: TEST_SECRETS.ALERT_WEBHOOK_SECRET }),
    ok: { status: 204 },
    error: (status) => ({ status, body: `error ${status}` }),
  },
};

type Expectation = { outcome: 'delivered' } | { outcome: 'retry'; retryAfterMs?: number } | { outcome: 'fatal' };

const CASES: Array<[string, (model: ProviderModel) => Answer, Expectation]> = [
  ['2xx', (m) => m.ok, { outcome: 'delivered' }],
  ['400', (m) => m.error(400), { outcome: 'fatal' }],
  ['401', (m) => m.error(401), { outcome: 'fatal' }],
  ['404', (m) => m.error(404), { outcome: 'fatal' }],
  ['429 with Retry-After', (m) => ({ ...m.error(429), headers: { 'retry-after': '7' } }), { outcome: 'retry', retryAfterMs: 7000 }],
  ['500', (m) => m.error(500), { outcome: 'retry' }],
  ['503', (m) => m.error(503), { outcome: 'retry' }],
  ['network error', () => ({ network: true }), { outcome: 'retry' }],
];

const incident: Incident = {
  id: 'INC-TEST0001',
  severity: 'critical',
  message: 'db latency is spiking',
  reporterId: 'U0REPORTER',
  reporterName: 'jane',
  channelId: 'C0INCIDENT',
  reportedAt: '2026-12-03T10:00:00.000Z',
};

let standIn: StandIn;
let answer: Answer;
beforeAll(async () => {
  standIn = await new StandIn(() => answer).start();
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

it('every registered channel has a row in the table', () => {
  expect(Object.keys(PROVIDERS).sort()).toEqual([...CHANNELS.keys()].sort());
});

describe.each([...CHANNELS.values()].map((channel) => [channel.name, channel] as const))('%s', (name, channel: Channel<any>) => {
  const model = PROVIDERS[name]!;

  it.each(CASES)('%s', async (_label, makeAnswer, expected) => {
    answer = makeAnswer(model);
    const resolved = resolveChannelSettings(channel, model.env(standIn.url));
    expect(resolved.state).toBe('configured');
    if (resolved.state !== 'configured') return;

    const result = await channel
      .deliver(resolved.settings, incident, { idempotencyKey: 'step_01TEST', attempt: 1 })
      .then((receipt) => ({ receipt }), (error: unknown) => ({ error }));
    expect(standIn.calls.length).toBe(1);

    if (expected.outcome === 'delivered') {
      expect('receipt' in result && result.receipt.recipients.length).toBeGreaterThan(0);
      return;
    }
    expect('error' in result).toBe(true);
    const error = (result as { error: unknown }).error;
    expect(error).toBeInstanceOf(DeliveryError);
    const failure = error as DeliveryError;
    expect(failure.kind).toBe(expected.outcome);
    if (expected.outcome === 'retry' && expected.retryAfterMs) expect(failure.retryAfterMs).toBe(expected.retryAfterMs);
    // No secret, and not the webhook URL's token, in the reason shown to people.
    for (const secret of [...Object.values(TEST_SECRETS), 'secret-in-url']) expect(failure.message).not.toContain(secret);
  });
});
