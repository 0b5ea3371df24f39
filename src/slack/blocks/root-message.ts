import type { KnownBlock, Button } from '@slack/types';
import { SEVERITY_EMOJI, type Incident } from '../../incident/incident.js';
import { formatTime, type Actor, type IncidentActionKind } from '../../incident/lifecycle.js';
import { escapeMrkdwn, mentionUser, userText } from '../mrkdwn.js';
import { STATUS_ICON, type ChannelStatus } from './outcome.js';

export interface RootMessage {
  text: string;
  blocks: KnownBlock[];
}

/** What the root message shows: each routed channel's delivery and where the incident stands. */
export interface IncidentView {
  statuses: ReadonlyArray<{ channel: string; status: ChannelStatus }>;
  acknowledged?: Actor;
  resolved?: Actor;
  /** Escalation rounds sent so far, of how many. */
  escalation?: { round: number; rounds: number };
  /** The buttons expired before anyone resolved the incident. */
  closed?: boolean;
}

/** Block and action ids of the root message's buttons; the button's value is the incident id. */
export const INCIDENT_ACTIONS_BLOCK_ID = 'incident_actions';
export const ACTION_IDS: Record<IncidentActionKind, string> = {
  acknowledge: 'incident_acknowledge',
  resolve: 'incident_resolve',
  retry: 'incident_retry',
};

/** `✅ slack ✅ email ⏳ sms ❌ pagerduty — 2/4 delivered` */
export function statusSummary(statuses: IncidentView['statuses']): string {
  if (statuses.length === 0) return 'No channel matched the routing rules: nobody else was notified.';
  const delivered = statuses.filter((s) => s.status === 'delivered').length;
  const icons = statuses.map((s) => `${STATUS_ICON[s.status]} ${s.channel}`).join('  ');
  return fit(`${icons} — ${delivered}/${statuses.length} delivered`, 2900);
}

/** Configuration-made text (target names) kept inside Slack's per-text limit. */
function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `*Status:* 👀 Acknowledged by @jane at 10:05 UTC` and the like. */
export function incidentStatus(view: IncidentView): string {
  if (view.resolved) return `✅ Resolved by ${mentionUser(view.resolved.userId)} at ${formatTime(view.resolved.at)}`;
  const parts: string[] = [];
  if (view.acknowledged) parts.push(`👀 Acknowledged by ${mentionUser(view.acknowledged.userId)} at ${formatTime(view.acknowledged.at)}`);
  else parts.push('🔔 Open, not acknowledged');
  if (view.escalation && !view.acknowledged) parts.push(`🚨 escalated ${view.escalation.round}/${view.escalation.rounds}`);
  if (view.closed) parts.push('buttons expired');
  return parts.join(' · ');
}

function button(incidentId: string, action: IncidentActionKind, text: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: ACTION_IDS[action],
    text: { type: 'plain_text', text, emoji: true },
    value: incidentId,
    ...(style ? { style } : {}),
    ...(action === 'resolve'
      ? {
          confirm: {
            title: { type: 'plain_text', text: 'Resolve this incident?' },
            text: { type: 'plain_text', text: `${incidentId} will be marked resolved, escalation stops and PagerDuty is resolved.` },
            confirm: { type: 'plain_text', text: 'Resolve' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        }
      : {}),
  };
}

/** The control panel: Acknowledge until someone does, Resolve, and Retry failed while a channel has failed. */
function controls(incident: Incident, view: IncidentView): Button[] {
  if (view.resolved || view.closed) return [];
  const buttons: Button[] = [];
  if (!view.acknowledged) buttons.push(button(incident.id, 'acknowledge', '👀 Acknowledge', 'primary'));
  buttons.push(button(incident.id, 'resolve', '✅ Resolve'));
  if (view.statuses.some((s) => s.status === 'failed')) buttons.push(button(incident.id, 'retry', '🔁 Retry failed', 'danger'));
  return buttons;
}

/**
 * The incident's root message: severity badge, id, message, reporter, routed channels,
 * a live delivery summary, where the incident stands, and its buttons. Only the user's
 * message is user text, and it is escaped.
 */
export function rootMessage(incident: Incident, view: IncidentView, note?: string): RootMessage {
  const severity = incident.severity.toUpperCase();
  const routed = view.statuses.length > 0 ? view.statuses.map((s) => s.channel).join(', ') : 'no target';
  const topic = incident.topic ? ` · Topic: ${escapeMrkdwn(incident.topic)}` : '';
  const broadcast = incident.broadcast ? '📣 *BROADCAST* to every configured target · ' : '';
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${SEVERITY_EMOJI[incident.severity]} ${severity} · ${incident.id}`, emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: userText(incident.message, 2900) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: fit(`${broadcast}Reported by ${mentionUser(incident.reporterId)}${topic} · Routing to: ${routed}`, 2900) }],
    },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: `*Delivery:* ${statusSummary(view.statuses)}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*Status:* ${incidentStatus(view)}` } },
  ];
  const buttons = controls(incident, view);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: INCIDENT_ACTIONS_BLOCK_ID, elements: buttons });
  if (note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: note }] });
  const state = view.resolved ? 'RESOLVED ' : '';
  return {
    text: `${state}${severity} incident ${incident.id}: ${userText(incident.message, 200)}`,
    blocks,
  };
}
