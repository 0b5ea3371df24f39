import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { setUpEngine, type EngineKind, type TestEngine } from '../support/engines.js';
import { finished, incidentIdOf, replies, rootFor, submitIncident } from '../support/incidents.js';
import { startProviders, TEST_SECRETS, type Providers, type SlackMessage } from '../support/providers.js';
import { blockActionsBody, signedPost } from '../support/slack-requests.js';

/**
 * The root message as the incident's control panel, driven with signed `block_actions`
 * clicks through the real app process. Runs once per engine.
 *
 * Routing for these tests: warning incidents page PagerDuty and escalate after 30 s (a
 * margin no click needs), critical ones escalate after 2 s, twice: short enough to watch.
 */
export function lifecycleSuite(engineKind: EngineKind): void {
  let providers: Providers;
  let app: AppProcess;
  let engine: TestEngine;
  let env: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-router-data-'));

  beforeAll(async () => {
    engine = await setUpEngine(engineKind);
    providers = await startProviders();
    const routing = join(mkdtempSync(join(tmpdir(), 'incident-router-routing-')), 'routing.json');
    writeFileSync(
      routing,
      JSON.stringify({
        rules: [
          { channel: 'slack', minSeverity: 'info' },
          { channel: 'pagerduty', minSeverity: 'warning' },
          { channel: 'sms', minSeverity: 'warning' },
        ],
        escalation: {
          warning: { after: '30s', rounds: 1, targets: ['sms'] },
          critical: { after: '2s', rounds: 2, targets: ['sms', 'pagerduty'] },
        },
      }),
    );
    env = { ...providers.env, ...engine.env, ROUTING_FILE: routing, DELIVERY_RETRY_BASE_MS: '200' };
    app = await startApp(env, { dataDir });
  });
  afterAll(async () => {
    await app?.stop();
    await providers?.close();
    await engine?.drop();
  });
  beforeEach(() => providers.reset());

  const click = async (root: SlackMessage, actionId: string, userId = 'U0ONCALL') => {
    const body = blockActionsBody({ actionId, value: incidentIdOf(root), channelId: root.channel, messageTs: root.ts, userId });
    const response = await signedPost(app.eventsUrl, body, { secret: TEST_SECRETS.SLACK_SIGNING_SECRET });
    expect(response.status).toBe(200);
  };
  const reply = (root: SlackMessage, pattern: RegExp) =>
    providers.slack.waitFor(() => replies(providers, root).find((text) => pattern.test(text)), 45_000);
  const ephemeral = (pattern: RegExp) =>
    providers.slack.waitFor(() => providers.slack.method('chat.postEphemeral').find((c) => pattern.test(String(c.body.text))));
  const pagerDutyActions = () => providers.pagerduty.calls.map((c) => c.body.event_action as string);
  /** Resolves, and waits until PagerDuty's resolve is reported: nothing of this incident is left in flight. */
  const resolve = async (root: SlackMessage, userId = 'U0ONCALL') => {
    await click(root, 'incident_resolve', userId);
    await reply(root, new RegExp(`^✅ Resolved by <@${userId}>`));
    await reply(root, /^✅ \*pagerduty\* resolved/);
  };
  const hasButton = (root: SlackMessage, actionId: string) => JSON.stringify(root.blocks).includes(`"action_id":"${actionId}"`);

  describe('incident lifecycle through the buttons', () => {
    it('a double-clicked Acknowledge acts once: one reply, one PagerDuty acknowledge', async () => {
      await submitIncident(app.eventsUrl, { severity: 'warning', message: 'ack me twice' });
      const { root } = await finished(providers, 'ack me twice');
      expect(hasButton(root, 'incident_acknowledge')).toBe(true);

      await Promise.all([click(root, 'incident_acknowledge', 'U0ONCALL'), click(root, 'incident_acknowledge', 'U0ONCALL')]);
      await reply(root, /^👀 Acknowledged by <@U0ONCALL> at \d\d:\d\d UTC\. Escalation stopped\.$/);
      await reply(root, /^✅ \*pagerduty\* acknowledged/);
      await ephemeral(/already acknowledged by <@U0ONCALL>/);
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('Acknowledged by <@U0ONCALL>'));
      expect(hasButton(root, 'incident_acknowledge')).toBe(false);
      expect(replies(providers, root).filter((t) => t.startsWith('👀'))).toHaveLength(1);
      expect(pagerDutyActions()).toEqual(['trigger', 'acknowledge']);
      expect(replies(providers, root).some((t) => t.startsWith('🚨'))).toBe(false);

      await resolve(root);
    });

    it('Resolve resolves PagerDuty and removes the buttons; a later click gets a clear answer', async () => {
      await submitIncident(app.eventsUrl, { severity: 'warning', message: 'resolve me' });
      const { root } = await finished(providers, 'resolve me');
      await resolve(root, 'U0LEAD');
      expect(replies(providers, root)).toContainEqual(expect.stringMatching(/^✅ Resolved by <@U0LEAD> at \d\d:\d\d UTC\./));
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('Resolved by <@U0LEAD>'));
      expect(root.blocks!.some((b) => b.type === 'actions')).toBe(false);
      expect(pagerDutyActions()).toEqual(['trigger', 'resolve']);

      // A stale client still shows the buttons: the click is answered, nothing happens.
      await click(root, 'incident_acknowledge', 'U0LATE');
      const answer = await ephemeral(/is no longer active/);
      expect(answer.body).toMatchObject({ channel: root.channel, user: 'U0LATE' });
      expect(pagerDutyActions()).toEqual(['trigger', 'resolve']);
    });

    it('escalates an unacknowledged critical incident round by round, then stops at the limit', async () => {
      await submitIncident(app.eventsUrl, { severity: 'critical', message: 'nobody is awake' });
      const root = await rootFor(providers, 'nobody is awake');
      const id = incidentIdOf(root);
      await reply(root, new RegExp(`^🚨 <!here> Escalation 1/2: ${id} is not acknowledged after 2 s\\. Re-notifying sms, pagerduty\\.$`));
      await reply(root, /^🚨 <!here> Escalation 2\/2: .* after 4 s\. Re-notifying sms, pagerduty\. This was the last escalation round\.$/);
      await reply(root, /^✅ \*sms\* delivered .*\(escalation 2\/2\)$/);
      await reply(root, /^✅ \*pagerduty\* delivered .*\(escalation 2\/2\)$/);
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('escalated 2/2'));
      expect(providers.twilio.calls).toHaveLength(1 + 2);
      // Escalations are broadcast to the channel: people not following the thread see them.
      const escalations = providers.slack.method('chat.postMessage').filter((c) => String(c.body.text).startsWith('🚨'));
      expect(escalations.map((c) => c.body.reply_broadcast)).toEqual(['true', 'true']);
      expect(providers.twilio.calls.at(-1)!.body.Body).toMatch(/ESCALATION 2\/2: not acknowledged yet\./);

      // Acknowledging late still records it; there is nothing left to stop.
      await click(root, 'incident_acknowledge');
      await reply(root, /^👀 Acknowledged by <@U0ONCALL> at \d\d:\d\d UTC\.$/);
      await resolve(root);
      expect(replies(providers, root).filter((t) => t.startsWith('🚨'))).toHaveLength(2);
      // Only the escalations are broadcast to the channel; every other reply (results,
      // acknowledge, resolve) stays in the thread.
      const broadcast = providers.slack.method('chat.postMessage').filter((c) => c.body.reply_broadcast === 'true');
      expect(broadcast.map((c) => String(c.body.text).slice(0, 2))).toEqual(['🚨', '🚨']);
    });

    it('Retry failed re-sends only the failed channel once the provider recovers', async () => {
      providers.twilio.script('/2010-04-01/', { status: 400, body: { code: 21211, message: 'Invalid To number', status: 400 } });
      await submitIncident(app.eventsUrl, { severity: 'warning', message: 'retry sms' });
      const { root } = await finished(providers, 'retry sms');
      expect(replies(providers, root)).toContainEqual(expect.stringMatching(/^❌ \*sms\* failed: Twilio answered 400/));
      await providers.slack.waitFor(() => hasButton(root, 'incident_retry'));

      await click(root, 'incident_retry', 'U0ONCALL');
      await reply(root, /^🔁 Retry of the failed channels \(sms\) asked by <@U0ONCALL>/);
      await reply(root, /^✅ \*sms\* delivered .*\(retry\)$/);
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('3/3 delivered') && !hasButton(root, 'incident_retry'));
      expect(providers.twilio.calls).toHaveLength(2);
      expect(providers.pagerduty.calls).toHaveLength(1);
      expect(providers.slack.method('chat.postMessage').filter((c) => c.body.channel === 'C0ALERTS01')).toHaveLength(1);
      await resolve(root);
    });

    it('an Acknowledge after a restart reaches the sleeping workflow', async () => {
      await submitIncident(app.eventsUrl, { severity: 'warning', message: 'survive a restart' });
      const { root } = await finished(providers, 'survive a restart');
      // A deploy: SIGTERM, then a new process on the same engine state. (A SIGKILL is
      // the reliability tests' business: there a step cut off waits for lock recovery.)
      await app.stop();
      app = await startApp(env, { dataDir });

      await click(root, 'incident_acknowledge', 'U0AFTER');
      await reply(root, /^👀 Acknowledged by <@U0AFTER> at \d\d:\d\d UTC\. Escalation stopped\.$/);
      await reply(root, /^✅ \*pagerduty\* acknowledged/);
      await resolve(root, 'U0AFTER');
      expect(pagerDutyActions()).toEqual(['trigger', 'acknowledge', 'resolve']);
      expect(replies(providers, root).filter((t) => t.startsWith('✅ *sms* delivered'))).toHaveLength(1);
    });
  });
}
