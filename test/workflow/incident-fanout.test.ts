import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getRun, resumeHook, start } from 'workflow/api';
import { waitForHook } from '@workflow/vitest';
import { getWorld } from 'workflow/runtime';
import { actionToken, DEFAULT_LIFECYCLE, type IncidentAction, type LifecycleSettings } from '../../src/incident/lifecycle.js';
import type { Incident } from '../../src/incident/incident.js';
import { DEFAULT_RULES } from '../../src/routing/rules.js';
import { incidentFanout } from '../../src/workflows/incident-fanout.js';
import { loadRouting } from '../../src/routing/routing-source.js';
import { threadLines } from '../support/incidents.js';
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

const NO_ESCALATION: LifecycleSettings = { escalation: {}, closeAfterMs: DEFAULT_LIFECYCLE.closeAfterMs };
const routingDir = mkdtempSync(join(tmpdir(), 'incident-router-routing-'));

/**
 * Starts an incident with the default rules and the given escalation, loaded from a
 * routing file against the test's environment, as the server does when one is reported.
 */
function launch(input: Incident, { lifecycle = NO_ESCALATION, extra = {} as Record<string, unknown> } = {}) {
  const file = join(routingDir, `${input.id}.json`);
  const escalation = Object.fromEntries(
    Object.entries(lifecycle.escalation).map(([severity, p]) => [severity, { after: p!.afterMs, rounds: p!.rounds, targets: p!.targets, mentionHere: p!.mentionHere }]),
  );
  writeFileSync(file, JSON.stringify({ rules: DEFAULT_RULES, escalation, closeAfter: lifecycle.closeAfterMs, ...extra }));
  const { loaded, problems } = loadRouting({ ...process.env, ROUTING_FILE: file });
  if (!loaded) throw new Error(problems.map((p) => p.message).join('\n'));
  return start(incidentFanout, [{ incident: input, routing: loaded }]);
}

function click(input: Incident, action: IncidentAction['action'], userId = 'U0ONCALL') {
  return resumeHook(actionToken(input.id), { action, userId, userName: 'sam', at: new Date().toISOString() });
}

const rootOf = (input: Incident) =>
  // The root message is the one with a header block (the alerts-channel copy has none).
  providers.slack.waitFor(() =>
    providers.slack.messages.find((m) => !m.thread_ts && m.blocks?.[0]?.type === 'header' && JSON.stringify(m.blocks).includes(input.id)),
  );
/** Thread replies line by line: results that land together share one message. */
const repliesOf = async (input: Incident) => threadLines(providers, await rootOf(input));
/** Waits for a thread reply of this incident that matches `pattern`. */
async function replyMatching(input: Incident, pattern: RegExp): Promise<string> {
  const root = await rootOf(input);
  return providers.slack.waitFor(() => threadLines(providers, root).find((line) => pattern.test(line)));
}

/** Runs the fan-out to its summary reply, then resolves the incident so that the run ends. */
async function run(input: Incident) {
  const handle = await launch(input);
  await replyMatching(input, /Run `wrun_/);
  await click(input, 'resolve');
  const result = await handle.returnValue;
  const root = await rootOf(input);
  return { result, root, replies: await repliesOf(input) };
}

describe('incidentFanout', () => {
  it('delivers a critical incident to every matched channel', async () => {
    const { result, root, replies } = await run(incident('critical'));
    expect(result).toMatchObject({
      incidentId: expect.stringMatching(/^INC-WF/),
      severity: 'critical',
      matched: ALL,
      delivered: expect.arrayContaining(ALL),
      failed: [],
      escalations: 0,
      ended: 'resolved',
    });
    expect(result.delivered).toHaveLength(5);
    // Routing, five results, the summary; then the resolve and PagerDuty's resolve.
    expect(replies).toHaveLength(1 + 5 + 1 + 2);
    expect(JSON.stringify(root.blocks)).toContain('5/5 delivered');
    // Results that land together share one root update (and one thread message), so
    // there are fewer updates than results; the last one shows the resolve.
    expect(root.updates).toBeGreaterThanOrEqual(2);
    expect(root.updates).toBeLessThanOrEqual(5 + 1);
    expect(JSON.stringify(root.blocks)).toContain('Resolved by <@U0ONCALL>');
  });

  it('reports a permanent failure once while the other channels deliver', async () => {
    providers.pagerduty.script('/v2/enqueue', { status: 400, body: { status: 'invalid event', message: 'Event object is invalid' } });
    const { result, replies } = await run(incident('critical'));
    expect(result.delivered).toHaveLength(4);
    expect(result.failed).toEqual([
      { channel: 'pagerduty', reason: 'PagerDuty answered 400 Bad Request: Event object is invalid (permanent error, not retried)' },
    ]);
    expect(providers.pagerduty.calls.filter((c) => c.body.event_action === 'trigger')).toHaveLength(1);
    expect(replies.filter((r) => r.startsWith('❌ *pagerduty* failed'))).toHaveLength(1);
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
    const { result, replies } = await run(incident('critical'));
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

/** The escalation policy of the defaults: critical, every 5 minutes, 3 rounds, SMS and PagerDuty. */
const ESCALATING: LifecycleSettings = DEFAULT_LIFECYCLE;
const DAY = 86_400_000;

/**
 * Wakes the next escalation sleep at once (the SDK's test helper), instead of waiting
 * real minutes. Escalation sleeps are the ones due within a day; the other pending
 * sleep is the buttons' expiry, a week away.
 */
async function wakeNextEscalation(runId: string, woken: Set<string>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { data } = await getWorld().events.list({ runId, pagination: { limit: 1000 }, resolveData: 'all' });
    const completed = new Set(data.filter((e) => e.eventType === 'wait_completed').map((e) => e.correlationId));
    const next = data.find(
      (e) =>
        e.eventType === 'wait_created' &&
        !completed.has(e.correlationId) &&
        !woken.has(e.correlationId!) &&
        Date.parse(String((e as { eventData?: { resumeAt?: unknown } }).eventData?.resumeAt)) < Date.now() + DAY,
    );
    if (next?.correlationId) {
      woken.add(next.correlationId);
      await getRun(runId).wakeUp({ correlationIds: [next.correlationId] });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no pending escalation sleep in run ${runId}`);
}

const pagerDutyActions = () => providers.pagerduty.calls.map((c) => c.body.event_action as string);
const ephemeralTexts = () => providers.slack.method('chat.postEphemeral').map((c) => String(c.body.text));

describe('incident lifecycle', () => {
  it('acknowledge stops escalation, tells PagerDuty once, and a second click changes nothing', async () => {
    const input = incident('critical');
    const handle = await launch(input, { lifecycle: ESCALATING });
    await waitForHook(handle, { token: actionToken(input.id) });
    await replyMatching(input, /Run `wrun_/);

    await click(input, 'acknowledge', 'U0ONCALL');
    await replyMatching(input, /^👀 Acknowledged by <@U0ONCALL> at \d\d:\d\d UTC\. Escalation stopped\.$/);
    await replyMatching(input, /^✅ \*pagerduty\* acknowledged/);
    await click(input, 'acknowledge', 'U0SECOND');
    await providers.slack.waitFor(() => ephemeralTexts().find((t) => t.includes('already acknowledged by <@U0ONCALL>')));

    await click(input, 'resolve', 'U0ONCALL');
    const result = await handle.returnValue;
    expect(result).toMatchObject({ acknowledged: { userId: 'U0ONCALL' }, resolved: { userId: 'U0ONCALL' }, escalations: 0, ended: 'resolved' });
    expect(pagerDutyActions()).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(providers.twilio.calls).toHaveLength(1);
    const replies = await repliesOf(input);
    expect(replies.filter((r) => r.startsWith('👀 Acknowledged'))).toHaveLength(1);
    expect(replies.some((r) => r.startsWith('🚨'))).toBe(false);
    const root = await rootOf(input);
    expect(JSON.stringify(root.blocks)).toContain('Resolved by <@U0ONCALL>');
    expect(root.blocks!.some((b: { type: string }) => b.type === 'actions')).toBe(false);
  });

  it('escalates round after round while nobody acknowledges, then stops at the limit', async () => {
    const input = incident('critical');
    const handle = await launch(input, { lifecycle: ESCALATING });
    await replyMatching(input, /Run `wrun_/);
    const woken = new Set<string>();
    for (const round of [1, 2, 3]) {
      await wakeNextEscalation(handle.runId, woken);
      await replyMatching(input, new RegExp(`^🚨 <!here> Escalation ${round}/3: ${input.id} is not acknowledged after ${5 * round} min\\. Re-notifying sms, pagerduty\\.`));
      await replyMatching(input, new RegExp(`^✅ \\*sms\\* delivered .*\\(escalation ${round}/3\\)$`));
    }
    await replyMatching(input, /Escalation 3\/3: .* This was the last escalation round\.$/);
    // The last round's replies are in: no further escalation sleep was created.
    await expect(wakeNextEscalation(handle.runId, woken, 1000).then(() => 'woke', () => 'none')).resolves.toBe('none');
    expect(providers.twilio.calls).toHaveLength(1 + 3);
    expect(providers.twilio.calls.at(-1)!.body.Body).toMatch(/ESCALATION 3\/3: not acknowledged yet\./);
    expect(pagerDutyActions().filter((a) => a === 'trigger')).toHaveLength(1 + 3);
    // Every trigger carries the incident's dedup key: PagerDuty folds them into one alert.
    expect(new Set(providers.pagerduty.calls.map((c) => c.body.dedup_key))).toEqual(new Set([input.id]));

    await click(input, 'resolve');
    expect(await handle.returnValue).toMatchObject({ escalations: 3, ended: 'resolved' });
  }, 90_000);

  it('resolve mid-escalation cancels the rounds still pending', async () => {
    const input = incident('critical');
    const handle = await launch(input, { lifecycle: ESCALATING });
    await replyMatching(input, /Run `wrun_/);
    await wakeNextEscalation(handle.runId, new Set());
    await replyMatching(input, /^✅ \*sms\* delivered .*\(escalation 1\/3\)$/);
    await click(input, 'resolve', 'U0ONCALL');
    const result = await handle.returnValue;
    expect(result).toMatchObject({ escalations: 1, ended: 'resolved', resolved: { userId: 'U0ONCALL' } });
    expect(providers.twilio.calls).toHaveLength(2);
    expect(pagerDutyActions()).toEqual(['trigger', 'trigger', 'resolve']);
  });

  it('retry failed re-delivers only the failed channels, then has nothing left to retry', async () => {
    const input = incident('critical');
    providers.twilio.script('/2010-04-01/', { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } });
    const handle = await launch(input);
    await replyMatching(input, /Run `wrun_/);
    const root = await rootOf(input);
    await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('incident_retry'));

    await click(input, 'retry', 'U0ONCALL');
    await replyMatching(input, /^🔁 Retry of the failed channels \(sms\) asked by <@U0ONCALL>/);
    await replyMatching(input, /^✅ \*sms\* delivered .*\(retry\)$/);
    await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('5/5 delivered'));
    expect(JSON.stringify(root.blocks)).not.toContain('incident_retry');

    await click(input, 'retry', 'U0ONCALL');
    await providers.slack.waitFor(() => ephemeralTexts().find((t) => t.includes('no failed channel to retry')));
    await click(input, 'resolve');
    const result = await handle.returnValue;
    expect(result).toMatchObject({ delivered: ALL, failed: [] });
    expect(providers.twilio.calls).toHaveLength(2);
    expect(providers.sendgrid.callsTo('/v3/mail/send')).toHaveLength(1);
    expect(providers.webhook.calls).toHaveLength(1);
    expect(pagerDutyActions()).toEqual(['trigger', 'resolve']);
  });
});
