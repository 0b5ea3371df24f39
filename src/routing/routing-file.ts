import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SEVERITIES } from '../incident/incident.js';
import type { ConfigProblem } from '../channels/settings.js';
import type { RouteRule } from './rules.js';
import type { EscalationPolicy, LifecycleSettings } from '../incident/lifecycle.js';

const severity = z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` });

function ruleSchema(channelNames: readonly string[]) {
  return z
    .object({
      channel: z.string().refine((name) => channelNames.includes(name), {
        error: `must be one of the channels ${channelNames.join(', ')}`,
      }),
      severities: z.array(severity).min(1, { error: 'must list at least one severity' }).optional(),
      minSeverity: severity.optional(),
      whenConfigured: z.boolean().optional(),
    })
    .strict()
    .refine((rule) => (rule.severities === undefined) !== (rule.minSeverity === undefined), {
      error: 'needs exactly one of "severities" (a list) or "minSeverity"',
    })
    .transform((rule): RouteRule => {
      const severities = rule.severities ?? SEVERITIES.slice(SEVERITIES.indexOf(rule.minSeverity!));
      return { channel: rule.channel, severities, ...(rule.whenConfigured ? { whenConfigured: true } : {}) };
    });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `"30s"`, `"5m"`, `"1h"`, `"7d"`, `"500ms"`, or a number of milliseconds. */
const duration = z.union([z.number().int().positive(), z.string()], { error: 'must be a duration such as "30s", "5m", "1h" or "7d"' }).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as "30s", "5m", "1h" or "7d"' });
    return z.NEVER;
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
});

function escalationSchema(channelNames: readonly string[]) {
  const policy = z
    .object({
      after: duration,
      rounds: z.number().int().min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' }),
      channels: z.array(
        z.string().refine((name) => channelNames.includes(name), { error: `must be one of the channels ${channelNames.join(', ')}` }),
      ),
      mentionHere: z.boolean().default(true),
    })
    .strict()
    .transform((p): EscalationPolicy => ({ afterMs: p.after, rounds: p.rounds, channels: p.channels, mentionHere: p.mentionHere }));
  // "never" reads as no policy, so a bad policy's errors name its own fields.
  const perSeverity = z.preprocess((value) => (value === 'never' ? undefined : value), policy.optional());
  return z.object(Object.fromEntries(SEVERITIES.map((s) => [s, perSeverity])) as Record<(typeof SEVERITIES)[number], typeof perSeverity>).strict();
}

export function routingFileSchema(channelNames: readonly string[]) {
  return z
    .object({
      $schema: z.string().optional(),
      rules: z.array(ruleSchema(channelNames)).min(1, { error: 'must contain at least one rule' }),
      escalation: escalationSchema(channelNames).optional(),
      closeAfter: duration.optional(),
    })
    .strict();
}

/** The lifecycle settings a routing file asks for; what it leaves out keeps the default. */
function lifecycleOf(file: z.output<ReturnType<typeof routingFileSchema>>, defaults: LifecycleSettings): LifecycleSettings {
  const escalation: LifecycleSettings['escalation'] = {};
  if (file.escalation) {
    for (const severity of SEVERITIES) {
      const policy = file.escalation[severity];
      if (policy) escalation[severity] = policy;
    }
  }
  return { escalation: file.escalation ? escalation : defaults.escalation, closeAfterMs: file.closeAfter ?? defaults.closeAfterMs };
}

/**
 * Reads and validates a routing file. Problems name the JSON path of the bad value,
 * e.g. `ROUTING_FILE rules[2].minSeverity must be one of info, warning, critical`.
 */
export function loadRoutingFile(
  path: string,
  channelNames: readonly string[],
  defaults: LifecycleSettings,
): { rules: RouteRule[]; lifecycle: LifecycleSettings; problems: [] } | { rules?: undefined; problems: ConfigProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not valid JSON (${(error as Error).message})`;
    return { problems: [{ variable: 'ROUTING_FILE', message: `ROUTING_FILE ${path} ${reason}` }] };
  }
  const parsed = routingFileSchema(channelNames).safeParse(json);
  if (parsed.success) return { rules: parsed.data.rules, lifecycle: lifecycleOf(parsed.data, defaults), problems: [] };
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
