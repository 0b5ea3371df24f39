import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { start } from 'workflow/api';
import type { Incident } from '../../src/incident/incident.js';
import { DEFAULT_RULES } from '../../src/routing/rules.js';
import { incidentFanout } from '../../src/workflows/incident-fanout.js';
import { startProviders, type Providers } from '../support/providers.js';

/**
 * The real workflow, compiled by the SDK's vitest plugin and run in-process on a
 * local world; its steps talk to the local stand-ins through the real SDKs.
 */
let providers: Providers;
const saved = { ...process.env };

beforeAll(async () => {
  providers = await startProviders();
});
afterAll(async () => {
  await providers.close();
});
beforeEach(() => {
  providers.reset();
  process.env = { ...saved, ...providers.env, DELIVERY_RETRY_BASE_MS: '50' };
});

let sequence = 0;
function incident(severity: Incident['severity'], message = 'db latency is spiking'): Incident {
  return {
    id: `INC-WF${String(++sequence).padStart(6, '0')}`,
    severity,
    message,
    reporterId: 'U0REPORTER',
    reporterName: 'jane',
    channelId: 'C0INCIDENT',
    reportedAt: new Date().toISOString(),
  };
}

const ALL = ['slack', 'email', 'sms', 'pagerduty', 'webhook'];

async function run(input: Incident, configured = ALL) {
  const handle = await start(incidentFanout, [{ incident: input, rules: [...DEFAULT_RULES], configured }]);
  const result = await handle.returnValue;
  const root = providers.slack.messages.find((m) => m.channel === 'C0INCIDENT' && !m.thread_ts)!;
  return { result, root, replies: providers.slack.thread(root.ts).map((m) => m.text ?? '') };
}

describe('incidentFanout', () => {
  it('delivers a critical incident to every matched channel', async () => {
    const { result, root, replies } = await run(incident('critical'));
    expect(result).toEqual({
      incidentId: expect.stringMatching(/^INC-WF/),
      severity: 'critical',
      matched: ALL,
      delivered: expect.arrayContaining(ALL),
      failed: [],
    });
    expect(result.delivered).toHaveLength(5);
    expect(replies).toHaveLength(1 + 5 + 1);
    expect(JSON.stringify(root.blocks)).toContain('5/5 delivered');
    // One root update per settled delivery, each one newer than the last.
    expect(root.updates).toBe(5);
  });

  it('reports a permanent failure once while the other channels deliver', async () => {
    providers.pagerduty.script('/v2/enqueue', { status: 400, body: { status: 'invalid event', message: 'Event object is invalid' } });
    const { result, replies } = await run(incident('critical'));
    expect(result.delivered).toHaveLength(4);
    expect(result.failed).toEqual([
      { channel: 'pagerduty', reason: 'PagerDuty answered 400 Bad Request: Event object is invalid (permanent error, not retried)' },
    ]);
    expect(providers.pagerduty.calls).toHaveLength(1);
    expect(replies.filter((r) => r.startsWith('❌'))).toHaveLength(1);
  });

  it('retries a transient failure and then delivers', async () => {
    providers.sendgrid.script('/v3/mail/send', { status: 503, body: { errors: [{ message: 'try later' }] } });
    const { result, replies } = await run(incident('warning'));
    expect(result).toMatchObject({ matched: ['slack', 'email', 'webhook'], failed: [] });
    expect(providers.sendgrid.calls).toHaveLength(2);
    expect(replies).toContain('✅ *email* delivered to oncall@example.com, sre@example.com (on attempt 2)');
  });

  it('reports an unconfigured channel without calling anyone, and delivers the rest', async () => {
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER', 'ALERT_SMS_TO']) delete process.env[name];
    const { result, replies } = await run(incident('critical'), ['slack', 'email', 'pagerduty', 'webhook']);
    expect(result.failed).toEqual([
      {
        channel: 'sms',
        reason: 'not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, ALERT_SMS_TO to enable it',
      },
    ]);
    expect(result.delivered).toHaveLength(4);
    expect(providers.twilio.calls).toHaveLength(0);
    expect(replies).toContain(
      '❌ *sms* failed: not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER, ALERT_SMS_TO to enable it',
    );
  });

  it('gives up after the retry budget and says so', async () => {
    process.env.DELIVERY_RETRY_BASE_MS = '5';
    for (let i = 0; i < 12; i++) providers.webhook.script('/hooks/', { status: 503, body: 'down' });
    const { result } = await run(incident('info'));
    expect(result.failed).toEqual([
      { channel: 'webhook', reason: 'gave up after 12 attempts: the webhook receiver answered 503 Service Unavailable: down' },
    ]);
    expect(providers.webhook.calls).toHaveLength(12);
    expect(result.delivered).toEqual(['slack']);
  });
});
