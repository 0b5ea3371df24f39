import type { ChannelOutcome } from './outcome.js';
import { escapeMrkdwn, truncateEscaped } from '../mrkdwn.js';

/** Thread replies are short mrkdwn texts; anything that came from outside is escaped. */

export function routingReply(incidentId: string, channels: readonly string[]): string {
  if (channels.length === 0) return `No routing rule matched ${incidentId}: no channel will be notified.`;
  const noun = channels.length === 1 ? 'channel' : 'channels';
  return `Routing ${incidentId} to ${channels.length} ${noun}: ${channels.join(', ')}. Results follow as each one lands.`;
}

export function outcomeReply(outcome: ChannelOutcome): string {
  if (outcome.status === 'delivered') {
    // A channel link the slack channel built from an id (`<#C0123>`) stays a link;
    // everything else is escaped, so it shows as text.
    const to = outcome.recipients.map((r) => (/^<#[CG][A-Z0-9]{2,}>$/.test(r) ? r : escapeMrkdwn(r))).join(', ');
    const attempts = outcome.attempt > 1 ? ` (on attempt ${outcome.attempt})` : '';
    return `✅ *${outcome.channel}* delivered to ${to}${attempts}`;
  }
  return `❌ *${outcome.channel}* failed: ${truncateEscaped(escapeMrkdwn(outcome.reason), 2500)}`;
}

export interface DeliverySummary {
  incidentId: string;
  matched: string[];
  delivered: string[];
  failed: Array<{ channel: string; reason: string }>;
}

export function summaryReply(summary: DeliverySummary, runId: string): string {
  const { matched, delivered, failed } = summary;
  if (matched.length === 0) return `Done: ${summary.incidentId} matched no channel. Run \`${runId}\`.`;
  const head = failed.length === 0 ? '🏁 All delivered' : '⚠️ Delivery finished with failures';
  const failedPart = failed.length > 0 ? `; failed: ${failed.map((f) => f.channel).join(', ')}` : '';
  return `${head}: ${delivered.length}/${matched.length} channels delivered${failedPart}. Run \`${runId}\` (inspect with \`npx workflow inspect runs\`).`;
}
