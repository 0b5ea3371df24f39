import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SEVERITIES } from '../incident/incident.js';
import type { ConfigProblem } from '../channels/settings.js';
import type { RouteRule } from './rules.js';

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

export function routingFileSchema(channelNames: readonly string[]) {
  return z
    .object({
      $schema: z.string().optional(),
      rules: z.array(ruleSchema(channelNames)).min(1, { error: 'must contain at least one rule' }),
    })
    .strict();
}

/**
 * Reads and validates a routing file. Problems name the JSON path of the bad value,
 * e.g. `ROUTING_FILE rules[2].minSeverity must be one of info, warning, critical`.
 */
export function loadRoutingFile(
  path: string,
  channelNames: readonly string[],
): { rules: RouteRule[]; problems: [] } | { rules?: undefined; problems: ConfigProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not valid JSON (${(error as Error).message})`;
    return { problems: [{ variable: 'ROUTING_FILE', message: `ROUTING_FILE ${path} ${reason}` }] };
  }
  const parsed = routingFileSchema(channelNames).safeParse(json);
  if (parsed.success) return { rules: parsed.data.rules, problems: [] };
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
