import type { KnownBlock } from '@slack/types';
import { SEVERITY_EMOJI, type Incident } from '../../incident/incident.js';
import { mentionUser, userText } from '../mrkdwn.js';
import { STATUS_ICON, type ChannelStatus } from './outcome.js';

export interface RootMessage {
  text: string;
  blocks: KnownBlock[];
}

/** `✅ slack ✅ email ⏳ sms ❌ pagerduty — 2/4 delivered` */
export function statusSummary(statuses: ReadonlyArray<{ channel: string; status: ChannelStatus }>): string {
  if (statuses.length === 0) return 'No channel matched the routing rules: nobody else was notified.';
  const delivered = statuses.filter((s) => s.status === 'delivered').length;
  const icons = statuses.map((s) => `${STATUS_ICON[s.status]} ${s.channel}`).join('  ');
  return `${icons} — ${delivered}/${statuses.length} delivered`;
}

/**
 * The incident's root message: severity badge, id, message, reporter, routed channels
 * and a live delivery summary. Only the user's message is user text, and it is escaped.
 */
export function rootMessage(incident: Incident, statuses: ReadonlyArray<{ channel: string; status: ChannelStatus }>, note?: string): RootMessage {
  const severity = incident.severity.toUpperCase();
  const routed = statuses.length > 0 ? statuses.map((s) => s.channel).join(', ') : 'no channel';
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${SEVERITY_EMOJI[incident.severity]} ${severity} · ${incident.id}`, emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: userText(incident.message, 2900) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Reported by ${mentionUser(incident.reporterId)} · Routing to: ${routed}` }],
    },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: `*Delivery:* ${statusSummary(statuses)}` } },
  ];
  if (note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: note }] });
  return {
    text: `${severity} incident ${incident.id}: ${userText(incident.message, 200)}`,
    blocks,
  };
}
