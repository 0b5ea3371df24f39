import { describe, expect, it } from 'vitest';
import { MESSAGE_MAX_LENGTH, type Incident } from '../../src/incident/incident.js';
import { incidentModal, parseIncidentSubmission } from '../../src/slack/blocks/incident-modal.js';
import { rootMessage, statusSummary } from '../../src/slack/blocks/root-message.js';
import { outcomeReply, routingReply, summaryReply } from '../../src/slack/blocks/thread-replies.js';

const incident = (message: string): Incident => ({
  id: 'INC-7K3F9Q2M',
  severity: 'critical',
  message,
  reporterId: 'U0REPORTER',
  reporterName: 'jane',
  channelId: 'C0INCIDENT',
  reportedAt: '2026-12-03T10:00:00.000Z',
});

/** Slack's limits for what we build. */
function expectWithinSlackLimits(blocks: any[], text: string) {
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(text.length).toBeLessThanOrEqual(4000);
  for (const block of blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
  }
}

describe('root message', () => {
  it('shows badge, id, message, reporter, routed channels and the live summary', () => {
    const message = rootMessage(incident('db latency is spiking'), { statuses: [
      { channel: 'slack', status: 'delivered' },
      { channel: 'email', status: 'delivered' },
      { channel: 'sms', status: 'pending' },
      { channel: 'pagerduty', status: 'failed' },
    ] });
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 CRITICAL · INC-7K3F9Q2M' } });
    expect(JSON.stringify(message.blocks)).toContain('Reported by <@U0REPORTER> · Routing to: slack, email, sms, pagerduty');
    expect(JSON.stringify(message.blocks)).toContain('✅ slack  ✅ email  ⏳ sms  ❌ pagerduty — 2/4 delivered');
    expect(message.text).toBe('CRITICAL incident INC-7K3F9Q2M: db latency is spiking');
  });

  it('stays inside Slack limits for the longest message, even when escaping grows it', () => {
    for (const body of ['x'.repeat(MESSAGE_MAX_LENGTH), '<'.repeat(MESSAGE_MAX_LENGTH), '&'.repeat(MESSAGE_MAX_LENGTH)]) {
      const message = rootMessage(incident(body), { statuses: [{ channel: 'slack', status: 'failed' }] }, 'note');
      expectWithinSlackLimits(message.blocks, message.text);
    }
  });

  it('is a control panel: Acknowledge until acknowledged, Retry failed only while a channel failed, nothing once resolved', () => {
    const at = '2026-12-03T10:05:09.000Z';
    const buttons = (view: Parameters<typeof rootMessage>[1]) =>
      rootMessage(incident('x'), view).blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => (e as { action_id: string }).action_id) : []));
    const delivered = [{ channel: 'slack', status: 'delivered' as const }];
    const failed = [{ channel: 'sms', status: 'failed' as const }];
    expect(buttons({ statuses: delivered })).toEqual(['incident_acknowledge', 'incident_resolve']);
    expect(buttons({ statuses: failed })).toEqual(['incident_acknowledge', 'incident_resolve', 'incident_retry']);
    expect(buttons({ statuses: failed, acknowledged: { userId: 'U0ONCALL', userName: 'sam', at } })).toEqual(['incident_resolve', 'incident_retry']);
    expect(buttons({ statuses: failed, resolved: { userId: 'U0ONCALL', userName: 'sam', at } })).toEqual([]);
    expect(buttons({ statuses: delivered, closed: true })).toEqual([]);
    const acked = JSON.stringify(rootMessage(incident('x'), { statuses: delivered, acknowledged: { userId: 'U0ONCALL', userName: 'sam', at } }).blocks);
    expect(acked).toContain('👀 Acknowledged by <@U0ONCALL> at 10:05 UTC');
    const escalated = JSON.stringify(rootMessage(incident('x'), { statuses: delivered, escalation: { round: 2, rounds: 3 } }).blocks);
    expect(escalated).toContain('🔔 Open, not acknowledged · 🚨 escalated 2/3');
    const resolved = rootMessage(incident('x'), { statuses: delivered, resolved: { userId: 'U0LEAD', userName: 'lee', at } });
    expect(JSON.stringify(resolved.blocks)).toContain('✅ Resolved by <@U0LEAD> at 10:05 UTC');
    expect(resolved.text).toMatch(/^RESOLVED CRITICAL incident/);
  });

  it('says so when nothing matched', () => {
    expect(statusSummary([])).toMatch(/No channel matched/);
  });
});

describe('thread replies', () => {
  it('words each outcome plainly, escaping what came from outside', () => {
    const routed = (name: string, why: string) => ({ target: { name }, why: [why] });
    expect(routingReply('INC-1', [routed('slack', 'rule 1: every severity'), routed('payments-email', 'payments-team follows payments')])).toBe(
      'Routing INC-1 to 2 targets: slack (rule 1: every severity), payments-email (payments-team follows payments). Results follow as each one lands.',
    );
    expect(routingReply('INC-1', [routed('slack', 'broadcast')], true)).toMatch(/^📣 Broadcast: routing INC-1 to every configured target, 1 target: slack \(broadcast\)/);
    expect(outcomeReply({ channel: 'email', status: 'delivered', recipients: ['a@example.com'], attempt: 1 })).toBe(
      '✅ *email* delivered to a@example.com',
    );
    expect(outcomeReply({ channel: 'sms', status: 'delivered', recipients: ['+1•••••4567'], attempt: 3 })).toBe(
      '✅ *sms* delivered to +1•••••4567 (on attempt 3)',
    );
    expect(outcomeReply({ channel: 'webhook', status: 'failed', reason: 'receiver said <!channel>' })).toBe(
      '❌ *webhook* failed: receiver said &lt;!channel&gt;',
    );
    expect(outcomeReply({ channel: 'webhook', status: 'failed', reason: 'x'.repeat(10_000) }).length).toBeLessThan(3000);
  });

  it('keeps the alerts channel a channel link, and escapes anything else that looks like markup', () => {
    expect(outcomeReply({ channel: 'slack', status: 'delivered', recipients: ['<#C0ALERTS01>'], attempt: 1 })).toBe(
      '✅ *slack* delivered to <#C0ALERTS01>',
    );
    expect(outcomeReply({ channel: 'slack', status: 'delivered', recipients: ['<#C0ALERTS01|x> <!here>'], attempt: 1 })).toBe(
      '✅ *slack* delivered to &lt;#C0ALERTS01|x&gt; &lt;!here&gt;',
    );
  });

  it('summarises with the run id to inspect', () => {
    const text = summaryReply(
      { incidentId: 'INC-1', matched: ['slack', 'sms'], delivered: ['slack'], failed: [{ channel: 'sms', reason: 'x' }] },
      'wrun_01',
    );
    expect(text).toBe('⚠️ Delivery finished with failures: 1/2 channels delivered; failed: sms. Run `wrun_01` (inspect with `npx workflow inspect runs`).');
  });
});

describe('incident modal', () => {
  it('fits Slack modal limits and pre-fills the command text', () => {
    const view = incidentModal({ channelId: 'C0INCIDENT', initialMessage: '  db down  ', topics: [] });
    expect(view.title!.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(view.private_metadata!.length).toBeLessThanOrEqual(3000);
    const input = view.blocks.find((b) => b.block_id === 'message') as any;
    expect(input.element.max_length).toBeLessThanOrEqual(3000);
    expect(input.element.initial_value).toBe('db down');
  });

  it('truncates an over-long command text to what the field accepts', () => {
    const view = incidentModal({ channelId: 'C0INCIDENT', initialMessage: 'y'.repeat(5000), topics: [] });
    expect((view.blocks.find((b) => b.block_id === 'message') as any).element.initial_value).toHaveLength(MESSAGE_MAX_LENGTH);
  });

  const submitted = (severity: string | null, message: string | null, metadata = JSON.stringify({ channelId: 'C0INCIDENT' })) => ({
    private_metadata: metadata,
    state: {
      values: {
        severity: { severity_select: { selected_option: severity ? { value: severity } : null } },
        message: { message_input: { value: message } },
      },
    },
  });

  it('accepts a valid submission', () => {
    expect(parseIncidentSubmission(submitted('warning', '  disk 91%  '))).toEqual({
      ok: true,
      severity: 'warning',
      message: 'disk 91%',
      channelId: 'C0INCIDENT',
      broadcast: false,
    });
  });

  it('reads the topic and broadcast choices, and refuses a topic nobody follows (a tampered payload)', () => {
    const base = submitted('critical', 'cards declined');
    const view = {
      ...base,
      state: {
        values: {
          ...base.state.values,
          topic: { topic_select: { selected_option: { value: 'payments' } } },
          broadcast: { broadcast_toggle: { selected_options: [{ value: 'broadcast' }] } },
        },
      },
    };
    expect(parseIncidentSubmission(view, ['payments'])).toMatchObject({ ok: true, topic: 'payments', broadcast: true });
    expect(parseIncidentSubmission(view, ['search'])).toEqual({ ok: false, errors: { topic: expect.stringMatching(/^Pick one of the listed topics/) } });
  });

  it('previews who will be notified, and why, once a severity is picked', () => {
    const routed = [{ target: { name: 'payments-email', type: 'email', settings: {}, secrets: {} }, why: ['payments-team follows payments'] }];
    const text = (choices: Partial<Parameters<typeof incidentModal>[0]>) =>
      JSON.stringify(incidentModal({ channelId: 'C0INCIDENT', topics: ['payments'], ...choices }).blocks.find((b) => b.block_id === 'routing_preview'));
    expect(text({})).toContain('pick a severity to see who');
    expect(text({ severity: 'info', preview: routed })).toContain('*Will notify:* 1 target\\n• *payments-email* (email): payments-team follows payments');
    expect(text({ severity: 'info', preview: [] })).toContain('nobody: no rule or subscription matches');
    expect(text({ severity: 'info', broadcast: true, preview: routed })).toContain('📣 every configured target, 1 target');
    const view = incidentModal({ channelId: 'C0INCIDENT', topics: ['payments', 'search'], severity: 'critical', topic: 'search' });
    const topic = view.blocks.find((b) => b.block_id === 'topic') as any;
    expect(topic.element.options.map((o: any) => o.value)).toEqual(['payments', 'search']);
    expect(topic.element.initial_option.value).toBe('search');
    for (const id of ['severity', 'topic', 'broadcast']) expect((view.blocks.find((b) => b.block_id === id) as any).dispatch_action).toBe(true);
    expect(incidentModal({ channelId: 'C0INCIDENT', topics: [] }).blocks.some((b) => b.block_id === 'topic')).toBe(false);
  });

  it('rejects every invalid field at once', () => {
    expect(parseIncidentSubmission(submitted('sev0', ''))).toEqual({
      ok: false,
      errors: { severity: 'Pick one of Info, Warning or Critical.', message: 'Describe what is happening.' },
    });
  });

  it('rejects a tampered channel', () => {
    const result = parseIncidentSubmission(submitted('info', 'x', JSON.stringify({ channelId: '<!channel>' })));
    expect(result).toEqual({ ok: false, errors: { message: expect.stringMatching(/lost track of its channel/) } });
  });
});
