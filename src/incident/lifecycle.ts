// Pure lifecycle types and helpers: the workflow imports this, so no I/O and no Node modules here.
import type { Severity } from './incident.js';

/** Who did something, and when (ISO timestamp). */
export interface Actor {
  userId: string;
  userName: string;
  at: string;
}

/** The buttons on the root message. */
export const INCIDENT_ACTIONS = ['acknowledge', 'resolve', 'retry'] as const;
export type IncidentActionKind = (typeof INCIDENT_ACTIONS)[number];

/** A button click, handed from the Slack listener to the incident's workflow. */
export interface IncidentAction extends Actor {
  action: IncidentActionKind;
}

/**
 * Escalation for one severity: if nobody acknowledges within `afterMs` of the report,
 * re-notify `targets` (and `@here` in the thread), again every `afterMs`, `rounds` times.
 */
export interface EscalationPolicy {
  afterMs: number;
  rounds: number;
  targets: string[];
  mentionHere: boolean;
}

export interface LifecycleSettings {
  /** Per severity; a severity without a policy never escalates. */
  escalation: Partial<Record<Severity, EscalationPolicy>>;
  /** How long the buttons stay live for an unresolved incident; then the run closes. */
  closeAfterMs: number;
}

/** Critical incidents escalate to SMS and PagerDuty every 5 minutes, 3 times; the buttons live a week. */
export const DEFAULT_LIFECYCLE: LifecycleSettings = {
  escalation: {
    critical: { afterMs: 5 * 60_000, rounds: 3, targets: ['sms', 'pagerduty'], mentionHere: true },
  },
  closeAfterMs: 7 * 24 * 3_600_000,
};

/** The token of the hook that receives an incident's button clicks. */
export function actionToken(incidentId: string): string {
  return `incident-action:${incidentId}`;
}

/** When escalation round `round` (1-based) is due: `round` · `afterMs` after the report. */
export function escalationDueAt(reportedAt: string, policy: EscalationPolicy, round: number): Date {
  return new Date(Date.parse(reportedAt) + round * policy.afterMs);
}

/** `90000` → `1 min 30 s`; `300000` → `5 min`. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.slice(0, 2).join(' ') : `${ms} ms`;
}

/** `2026-12-03T10:05:09.000Z` → `10:05 UTC`: what an on-call person reads at a glance. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(11, 16)} UTC`;
}
