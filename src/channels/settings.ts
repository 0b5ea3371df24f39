import type { Channel } from './channel.js';

/** A configuration problem: which variable, and what to do about it. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

export type ChannelSettings<S> =
  | { state: 'configured'; settings: S; problems: [] }
  | { state: 'not-configured'; missing: string[]; problems: [] }
  | { state: 'invalid'; problems: ConfigProblem[] };

/** Drops unset and empty variables (`FOO=` in a .env file means "not set"). */
export function presentEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''),
  );
}

/**
 * Reads a channel's settings from the environment. A channel with none of its required
 * variables is simply not configured; one with some of them, or with an invalid value,
 * is a configuration problem (most likely a typo) reported at startup.
 */
export function resolveChannelSettings<S>(
  channel: Channel<S>,
  rawEnv: Record<string, string | undefined>,
): ChannelSettings<S> {
  const env = presentEnv(rawEnv);
  const own = Object.fromEntries(Object.keys(channel.env.shape).flatMap((key) => (key in env ? [[key, env[key]]] : [])));
  const problems: ConfigProblem[] = [];
  const parsed = channel.env.safeParse(own);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? channel.name);
      const item = issue.path.length > 1 ? ` (item ${Number(issue.path[1]) + 1})` : '';
      problems.push({ variable, message: `${variable}${item} ${issue.message}` });
    }
  }
  const missing = channel.requiredEnv.filter((key) => !(key in env));
  if (missing.length > 0 && missing.length < channel.requiredEnv.length) {
    const set = channel.requiredEnv.filter((key) => key in env);
    for (const variable of missing) {
      problems.push({
        variable,
        message: `${variable} is not set, but ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'}: the ${channel.name} channel needs all of ${channel.requiredEnv.join(', ')} (set ${variable}, or unset the others to turn ${channel.name} off)`,
      });
    }
  }
  if (problems.length > 0) return { state: 'invalid', problems };
  if (missing.length > 0) return { state: 'not-configured', missing, problems: [] };
  return { state: 'configured', settings: channel.settings(parsed.data as Record<string, unknown>), problems: [] };
}
