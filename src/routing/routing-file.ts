import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SEVERITIES } from '../incident/incident.js';
import type { EscalationPolicy, LifecycleSettings } from '../incident/lifecycle.js';
import type { ConfigProblem } from '../channels/settings.js';
import { builtInTargets, type RouteRule, type Routing, type Subscriber, type Target } from './rules.js';

/** What the routing file may say about each channel type: its settings, and which are secrets. */
export interface ChannelSpec {
  name: string;
  settings: readonly string[];
  secrets: readonly string[];
}

const severity = z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` });
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const name = (what: string) =>
  z.string({ error: `must be a ${what} name` }).regex(NAME, { error: `must be a ${what} name: lowercase letters, digits, . _ - (up to 63)` });

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_HELP = 'must be a duration such as "30s", "5m", "1h" or "7d"';

/** `"30s"`, `"5m"`, `"1h"`, `"7d"`, `"500ms"`, or a number of milliseconds. */
const duration = z.union([z.number().int().positive(), z.string()], { error: DURATION_HELP }).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) {
    ctx.addIssue({ code: 'custom', message: DURATION_HELP });
    return z.NEVER;
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
});

function targetSchema(specs: readonly ChannelSpec[]) {
  const types = specs.map((s) => s.name) as [string, ...string[]];
  return z
    .object({
      type: z.enum(types, { error: `must be one of the channel types ${types.join(', ')}` }),
      settings: z.record(z.string(), z.string()).default({}),
      secrets: z.record(z.string(), z.string().regex(ENV_NAME, { error: 'must name an environment variable, e.g. PAYMENTS_PAGERDUTY_KEY' })).default({}),
    })
    .strict()
    .superRefine((target, ctx) => {
      const spec = specs.find((s) => s.name === target.type)!;
      for (const key of Object.keys(target.settings)) {
        if (spec.secrets.includes(key)) {
          ctx.addIssue({ code: 'custom', path: ['settings', key], message: `is a secret: never write it in this file; put it in an environment variable and name that under "secrets"` });
        } else if (!spec.settings.includes(key)) {
          ctx.addIssue({ code: 'custom', path: ['settings', key], message: `is not a ${target.type} setting (one of ${spec.settings.filter((k) => !spec.secrets.includes(k)).join(', ')})` });
        }
      }
      for (const key of Object.keys(target.secrets)) {
        if (!spec.secrets.includes(key)) {
          ctx.addIssue({ code: 'custom', path: ['secrets', key], message: `is not a ${target.type} secret (one of ${spec.secrets.join(', ')})` });
        }
      }
    });
}

const severities = {
  severities: z.array(severity).min(1, { error: 'must list at least one severity' }).optional(),
  minSeverity: severity.optional(),
};
const pickSeverities = (rule: { severities?: RouteRule['severities']; minSeverity?: RouteRule['severities'][number] }) =>
  rule.severities ?? SEVERITIES.slice(SEVERITIES.indexOf(rule.minSeverity!));

const ruleSchema = z
  .object({
    targets: z.array(name('target')).min(1, { error: 'must name at least one target' }).optional(),
    /** The older spelling: one built-in target. */
    channel: name('target').optional(),
    ...severities,
    whenConfigured: z.boolean().optional(),
  })
  .strict()
  .refine((rule) => (rule.targets === undefined) !== (rule.channel === undefined), {
    error: 'needs exactly one of "targets" (a list of target names) or "channel"',
  })
  .refine((rule) => (rule.severities === undefined) !== (rule.minSeverity === undefined), {
    error: 'needs exactly one of "severities" (a list) or "minSeverity"',
  })
  .transform(
    (rule): RouteRule => ({
      targets: rule.targets ?? [rule.channel!],
      severities: pickSeverities(rule),
      ...(rule.whenConfigured ? { whenConfigured: true } : {}),
    }),
  );

const subscriberSchema = z
  .object({
    name: name('subscriber'),
    topics: z.array(name('topic')).min(1, { error: 'must follow at least one topic' }),
    targets: z.array(name('target')).min(1, { error: 'must name at least one target' }),
  })
  .strict();

const policySchema = z
  .object({
    after: duration,
    rounds: z.number().int().min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' }),
    targets: z.array(name('target')),
    mentionHere: z.boolean().default(true),
  })
  .strict()
  .transform((p): EscalationPolicy => ({ afterMs: p.after, rounds: p.rounds, targets: p.targets, mentionHere: p.mentionHere }));

// "never" reads as no policy, so a bad policy's errors name its own fields.
const perSeverity = z.preprocess((value) => (value === 'never' ? undefined : value), policySchema.optional());
const escalationSchema = z
  .object(Object.fromEntries(SEVERITIES.map((s) => [s, perSeverity])) as Record<(typeof SEVERITIES)[number], typeof perSeverity>)
  .strict();

export function routingFileSchema(specs: readonly ChannelSpec[]) {
  const builtIn = specs.map((s) => s.name);
  return z
    .object({
      $schema: z.string().optional(),
      targets: z.record(z.string(), targetSchema(specs)).default({}),
      rules: z.array(ruleSchema).min(1, { error: 'must contain at least one rule' }),
      subscribers: z.array(subscriberSchema).default([]),
      escalation: escalationSchema.optional(),
      closeAfter: duration.optional(),
    })
    .strict()
    .superRefine((file, ctx) => {
      const known = new Set([...builtIn, ...Object.keys(file.targets)]);
      const list = [...known].join(', ');
      for (const own of Object.keys(file.targets)) {
        if (!NAME.test(own)) {
          ctx.addIssue({ code: 'custom', path: ['targets', own], message: 'must be a target name: lowercase letters, digits, . _ - (up to 63)' });
        } else if (builtIn.includes(own)) {
          ctx.addIssue({ code: 'custom', path: ['targets', own], message: `is the name of a built-in target (set up from the environment): pick another name` });
        }
      }
      const check = (names: readonly string[], path: PropertyKey[]) =>
        names.forEach((target, i) => {
          if (!known.has(target)) {
            ctx.addIssue({ code: 'custom', path: [...path, i], message: `"${target}" is not a target: define it under "targets", or use one of ${list}` });
          }
        });
      file.rules.forEach((rule, i) => check(rule.targets, ['rules', i, 'targets']));
      file.subscribers.forEach((subscriber, i) => check(subscriber.targets, ['subscribers', i, 'targets']));
      for (const severity of SEVERITIES) {
        const policy = file.escalation?.[severity];
        if (policy) check(policy.targets, ['escalation', severity, 'targets']);
      }
      const seen = new Set<string>();
      file.subscribers.forEach((subscriber, i) => {
        if (seen.has(subscriber.name)) ctx.addIssue({ code: 'custom', path: ['subscribers', i, 'name'], message: `"${subscriber.name}" is already used by another subscriber` });
        seen.add(subscriber.name);
      });
    });
}

export type RoutingFile = z.output<ReturnType<typeof routingFileSchema>>;

/** The file as the routing function reads it; what the file leaves out keeps the default. */
export function routingOf(file: RoutingFile, specs: readonly ChannelSpec[], defaults: LifecycleSettings): Routing {
  const own: Target[] = Object.entries(file.targets).map(([targetName, t]) => ({ name: targetName, type: t.type, settings: t.settings, secrets: t.secrets }));
  const escalation: LifecycleSettings['escalation'] = {};
  for (const severity of SEVERITIES) {
    const policy = file.escalation?.[severity];
    if (policy) escalation[severity] = policy;
  }
  return {
    targets: [...builtInTargets(specs.map((s) => s.name)), ...own],
    rules: file.rules,
    subscribers: file.subscribers satisfies Subscriber[],
    lifecycle: { escalation: file.escalation ? escalation : defaults.escalation, closeAfterMs: file.closeAfter ?? defaults.closeAfterMs },
  };
}

/**
 * Reads and validates a routing file. Problems name the JSON path of the bad value,
 * e.g. `ROUTING_FILE rules[2].minSeverity must be one of info, warning, critical`.
 */
export function loadRoutingFile(
  path: string,
  specs: readonly ChannelSpec[],
  defaults: LifecycleSettings,
): { routing: Routing; problems: [] } | { routing?: undefined; problems: ConfigProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not valid JSON (${(error as Error).message})`;
    return { problems: [{ variable: 'ROUTING_FILE', message: `ROUTING_FILE ${path} ${reason}` }] };
  }
  const parsed = routingFileSchema(specs).safeParse(json);
  if (parsed.success) return { routing: routingOf(parsed.data, specs, defaults), problems: [] };
  return {
    problems: parsed.error.issues.map((issue) => ({
      variable: 'ROUTING_FILE',
      message: `ROUTING_FILE ${path}: ${jsonPath(issue.path) || '(top level)'} ${issue.message}`,
    })),
  };
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}
