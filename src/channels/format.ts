import type { Incident } from '../incident/incident.js';
import type { EscalationRound } from './channel.js';

/** Plain-text renderings of an incident shared by the non-Slack channels. */

/** First line of the message, shortened: `[CRITICAL] INC-7K3F9Q2M: db latency is spiking`. */
export function alertTitle(incident: Incident, max = 120): string {
  const firstLine = incident.message.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const title = `[${incident.severity.toUpperCase()}] ${incident.id}: ${firstLine}`;
  return shorten(title, max);
}

/** Full plain-text body used by email and webhooks. */
export function alertText(incident: Incident): string {
  return [
    `${incident.severity.toUpperCase()} incident ${incident.id}`,
    '',
    incident.message,
    '',
    `Reported by ${incident.reporterName} at ${incident.reportedAt} via Slack.`,
  ].join('\n');
}

export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** `+15551234567` → `+1•••••4567`: enough to tell numbers apart, not to dial them. */
export function maskPhone(number: string): string {
  if (number.length <= 6) return '•'.repeat(number.length);
  return `${number.slice(0, 2)}${'•'.repeat(number.length - 6)}${number.slice(-4)}`;
}

/** A URL reduced to its origin, so tokens in paths or queries never reach Slack or logs. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The incident as an escalation re-sends it: its message opens with the round, so
 * every channel (subject, SMS, PagerDuty summary, alerts channel) says why it came again.
 */
export function asEscalation(incident: Incident, escalation: EscalationRound | undefined): Incident {
  if (!escalation) return incident;
  const notice = `ESCALATION ${escalation.round}/${escalation.rounds}: not acknowledged yet.`;
  return { ...incident, message: `${notice}\n${incident.message}` };
}
