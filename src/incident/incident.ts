// Pure domain types and constants: the workflow imports this, so no I/O and no Node modules here.

/** The three severities a reporter can choose, lowest first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABEL: Record<Severity, string> = {
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

export const SEVERITY_EMOJI: Record<Severity, string> = {
  info: '🔵',
  warning: '🟠',
  critical: '🔴',
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Longest incident message accepted from the modal, in characters. */
export const MESSAGE_MAX_LENGTH = 2000;

/** What was reported: plain, serializable data passed to the workflow. */
export interface Incident {
  /** Short, human-readable id, e.g. `INC-7K3F9Q2M`. Also the PagerDuty dedup key. */
  id: string;
  severity: Severity;
  /** The reporter's text, raw (escape before it reaches Slack mrkdwn). */
  message: string;
  /** Slack user id of the reporter. */
  reporterId: string;
  /** The reporter's Slack display name, for channels outside Slack. */
  reporterName: string;
  /** Slack channel where `/incident` was typed; the root message goes there. */
  channelId: string;
  /** ISO timestamp of the submission. */
  reportedAt: string;
  /** The topic (service) the reporter picked: its subscribers are notified too. */
  topic?: string;
  /** Notify every configured target, whatever the rules say. */
  broadcast?: boolean;
}
