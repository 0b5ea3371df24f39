import { SEVERITIES, type Severity } from '../incident/incident.js';
import type { LifecycleSettings } from '../incident/lifecycle.js';

/**
 * Routing as data: which targets an incident goes to, and why. Pure and
 * deterministic, so the workflow and the modal's live preview evaluate the same
 * function (this module must not import anything that does I/O).
 */

/**
 * A named place to deliver to: a channel type (`slack`, `email`, …) and what makes it
 * differ from the channel's settings in the environment. The five built-in targets
 * are named after their type and use the environment as it is. Secrets are never
 * here: `secrets` maps a channel setting to the name of the variable that holds it.
 */
export interface Target {
  name: string;
  type: string;
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

/** Severity rule: these targets, for these severities. */
export interface RouteRule {
  targets: string[];
  severities: Severity[];
  /**
   * When true, the rule applies only to configured targets; otherwise an
   * unconfigured target is still routed and reported as "not configured".
   */
  whenConfigured?: boolean;
}

/** Publish-subscribe: a subscriber follows topics and is reached through its targets. */
export interface Subscriber {
  name: string;
  topics: string[];
  targets: string[];
}

export interface Routing {
  targets: Target[];
  rules: RouteRule[];
  subscribers: Subscriber[];
  lifecycle: LifecycleSettings;
}

/** What the reporter chose in the modal, besides the message. */
export interface RouteRequest {
  severity: Severity;
  topic?: string;
  /** Every configured target, whatever the rules say. */
  broadcast?: boolean;
}

/** One target an incident goes to, with every reason it matched. */
export interface RoutedTarget {
  target: Target;
  why: string[];
}

/** The built-in targets: one per channel type, configured from the environment. */
export function builtInTargets(types: readonly string[]): Target[] {
  return types.map((type) => ({ name: type, type, settings: {}, secrets: {} }));
}

/** Slack for everything, email from warning up, SMS and PagerDuty for critical; webhook when configured. */
export const DEFAULT_RULES: readonly RouteRule[] = [
  { targets: ['slack'], severities: ['info', 'warning', 'critical'] },
  { targets: ['email'], severities: ['warning', 'critical'] },
  { targets: ['sms'], severities: ['critical'] },
  { targets: ['pagerduty'], severities: ['critical'] },
  { targets: ['webhook'], severities: [...SEVERITIES], whenConfigured: true },
];

/** `critical`, `warning and up`, `every severity`: how a rule reads in the thread. */
export function describeSeverities(severities: readonly Severity[]): string {
  if (severities.length === SEVERITIES.length) return 'every severity';
  const from = SEVERITIES.indexOf(severities[0]!);
  const isTail = severities.length > 1 && severities.every((s, i) => SEVERITIES.indexOf(s) === from + i) && from + severities.length === SEVERITIES.length;
  return isTail ? `${severities[0]} and up` : severities.join(', ');
}

/**
 * The targets an incident goes to, each once, in a stable order (rules first, then
 * subscriptions), with why: the severity rules that match ∪ the subscribers of its
 * topic; or, for a broadcast, every configured target.
 */
export function route(routing: Routing, request: RouteRequest, configured: readonly string[]): RoutedTarget[] {
  const byName = new Map(routing.targets.map((target) => [target.name, target]));
  const routed = new Map<string, RoutedTarget>();
  const add = (name: string, why: string) => {
    const target = byName.get(name);
    if (!target) return; // the routing file's validation names unknown targets
    const entry = routed.get(name) ?? { target, why: [] };
    if (!entry.why.includes(why)) entry.why.push(why);
    routed.set(name, entry);
  };

  if (request.broadcast) {
    for (const target of routing.targets) if (configured.includes(target.name)) add(target.name, 'broadcast');
    return [...routed.values()];
  }
  routing.rules.forEach((rule, index) => {
    if (!rule.severities.includes(request.severity)) return;
    for (const name of rule.targets) {
      if (rule.whenConfigured && !configured.includes(name)) continue;
      add(name, `rule ${index + 1}: ${describeSeverities(rule.severities)}`);
    }
  });
  if (request.topic) {
    for (const subscriber of routing.subscribers) {
      if (!subscriber.topics.includes(request.topic)) continue;
      for (const name of subscriber.targets) add(name, `${subscriber.name} follows ${request.topic}`);
    }
  }
  return [...routed.values()];
}

/** Every topic someone subscribes to, sorted: the modal's topic options. */
export function topicsOf(routing: Routing): string[] {
  return [...new Set(routing.subscribers.flatMap((s) => s.topics))].sort();
}
