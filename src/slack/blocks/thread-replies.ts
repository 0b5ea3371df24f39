import type { ChannelOutcome } from './outcome.js';
import { formatDuration, formatTime, type Actor } from '../../incident/lifecycle.js';
import { escapeMrkdwn, mentionUser, truncateEscaped } from '../mrkdwn.js';

/** Thread replies are short mrkdwn texts; anything that came from outside is escaped. */

/** `Routing INC-… to 3 targets: slack (rule 1: every severity), payments-email (payments-team follows payments).` */
export function routingReply(incidentId: string, routed: ReadonlyArray<{ target: { name: string }; why: readonly string[] }>, broadcast = false): string {
  if (routed.length === 0) return `No routing rule matched ${incidentId}: no target will be notified.`;
  const noun = routed.length === 1 ? 'target' : 'targets';
  const list = routed.map((r) => `${r.target.name} (${r.why.join('; ')})`).join(', ');
  const head = broadcast ? `📣 Broadcast: routing ${incidentId} to every configured target, ${routed.length}` : `Routing ${incidentId} to ${routed.length}`;
  return `${head} ${noun}: ${list}. Results follow as each one lands.`;
}

/** One channel's result; `context` names a later round, e.g. `escalation 1/3` or `retry`. */
export function outcomeReply(outcome: ChannelOutcome, context?: string): string {
  const label = context ? ` (${context})` : '';
  if (outcome.status === 'delivered') {
    // A channel link the slack channel built from an id (`<#C0123>`) stays a link;
    // everything else is escaped, so it shows as text.
    const to = outcome.recipients.map((r) => (/^<#[CG][A-Z0-9]{2,}>$/.test(r) ? r : escapeMrkdwn(r))).join(', ');
    const attempts = outcome.attempt > 1 ? ` (on attempt ${outcome.attempt})` : '';
    return `✅ *${outcome.channel}* delivered to ${to}${attempts}${label}`;
  }
  return `❌ *${outcome.channel}* failed${label}: ${truncateEscaped(escapeMrkdwn(outcome.reason), 2500)}`;
}

/** `by <@U123> at 10:05 UTC`: the audit trail of every button. */
function byWhom(actor: Actor): string {
  return `by ${mentionUser(actor.userId)} at ${formatTime(actor.at)}`;
}

export function acknowledgedReply(actor: Actor, stoppedEscalation: boolean): string {
  return `👀 Acknowledged ${byWhom(actor)}.${stoppedEscalation ? ' Escalation stopped.' : ''}`;
}

export function resolvedReply(actor: Actor): string {
  return `✅ Resolved ${byWhom(actor)}. The buttons are gone; escalation, if any, stopped.`;
}

export function retryReply(actor: Actor, channels: readonly string[]): string {
  return `🔁 Retry of the failed channels (${channels.join(', ')}) asked ${byWhom(actor)}. Results follow.`;
}

/** The bot's own `<!here>`: never built from user text. */
export function escalationReply(
  incidentId: string,
  round: { round: number; rounds: number; afterMs: number; mentionHere: boolean },
  channels: readonly string[],
): string {
  const here = round.mentionHere ? '<!here> ' : '';
  const waited = formatDuration(round.afterMs * round.round);
  const targets = channels.length > 0 ? `Re-notifying ${channels.join(', ')}.` : 'No escalation channel is configured: this message is the escalation.';
  const last = round.round >= round.rounds ? ' This was the last escalation round.' : '';
  return `🚨 ${here}Escalation ${round.round}/${round.rounds}: ${incidentId} is not acknowledged after ${waited}. ${targets}${last}`;
}

export function closedReply(closeAfterMs: number): string {
  return `⌛ ${formatDuration(closeAfterMs)} without a resolve: this incident's buttons have expired. Resolve it in PagerDuty (if it was paged) and report anything new with /incident.`;
}

export function pagerDutyEventReply(target: string, action: 'acknowledge' | 'resolve', outcome: { ok: true } | { ok: false; reason: string }): string {
  const past = action === 'acknowledge' ? 'acknowledged' : 'resolved';
  return outcome.ok
    ? `✅ *${target}* ${past} (same dedup key)`
    : `❌ *${target}* could not be ${past}: ${truncateEscaped(escapeMrkdwn(outcome.reason), 2500)}`;
}

/** Ephemeral answers to a click that changes nothing. */
export function alreadyAcknowledgedNotice(incidentId: string, actor: Actor): string {
  return `${incidentId} is already acknowledged ${byWhom(actor)}: nothing changed.`;
}

export function nothingToRetryNotice(incidentId: string): string {
  return `${incidentId} has no failed channel to retry right now: nothing was sent.`;
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
