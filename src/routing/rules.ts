import { SEVERITIES, type Severity } from '../incident/incident.js';

/**
 * Routing as data: a recipient list per severity. Pure and deterministic, so the
 * workflow can evaluate it (this module must not import anything that does I/O).
 */
export interface RouteRule {
  /** Channel name, as in the channel registry (`slack`, `email`, …). */
  channel: string;
  /** Severities this rule matches. */
  severities: Severity[];
  /**
   * When true, the rule applies only if the channel is configured; otherwise an
   * unconfigured channel is still routed and reported as "not configured".
   */
  whenConfigured?: boolean;
}

/** Slack for everything, email from warning up, SMS and PagerDuty for critical; webhook when configured. */
export const DEFAULT_RULES: readonly RouteRule[] = [
  { channel: 'slack', severities: ['info', 'warning', 'critical'] },
  { channel: 'email', severities: ['warning', 'critical'] },
  { channel: 'sms', severities: ['critical'] },
  { channel: 'pagerduty', severities: ['critical'] },
  { channel: 'webhook', severities: [...SEVERITIES], whenConfigured: true },
];

/** The channels an incident of this severity goes to, in rule order, each once. */
export function routeIncident(rules: readonly RouteRule[], severity: Severity, configured: readonly string[]): string[] {
  const matched: string[] = [];
  for (const rule of rules) {
    if (!rule.severities.includes(severity)) continue;
    if (rule.whenConfigured && !configured.includes(rule.channel)) continue;
    if (!matched.includes(rule.channel)) matched.push(rule.channel);
  }
  return matched;
}
