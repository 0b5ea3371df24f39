import { statSync } from 'node:fs';
import type { Logger } from '@slack/logger';
import { CHANNELS } from '../channels/registry.js';
import { presentEnv, resolveChannelSettings, type ChannelSettings, type ConfigProblem } from '../channels/settings.js';
import { DEFAULT_LIFECYCLE } from '../incident/lifecycle.js';
import { loadRoutingFile, type ChannelSpec } from './routing-file.js';
import { builtInTargets, DEFAULT_RULES, type Routing, type Target } from './rules.js';

/** The routing in force: rules, targets, subscribers, escalation, and which targets can deliver. */
export interface LoadedRouting {
  routing: Routing;
  /** Names of the targets whose settings are complete. */
  configured: string[];
  /** `default rules`, or the file's path. */
  source: string;
}

/** What a routing file may say about each channel type. */
export function channelSpecs(): ChannelSpec[] {
  return [...CHANNELS.values()].map((channel) => ({
    name: channel.name,
    settings: Object.keys(channel.env.shape),
    secrets: channel.secretEnv,
  }));
}

/** The environment as a target's channel sees it: its own settings and secrets over the shared ones. */
export function targetEnv(target: Target, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const secrets = Object.fromEntries(Object.entries(target.secrets).map(([setting, variable]) => [setting, env[variable]]));
  return { ...env, ...target.settings, ...secrets };
}

/** A target's channel settings, resolved against the environment. */
export function resolveTarget(target: Target, env: Record<string, string | undefined>): ChannelSettings<unknown> | undefined {
  const channel = CHANNELS.get(target.type);
  return channel ? resolveChannelSettings(channel, targetEnv(target, env)) : undefined;
}

/**
 * Which targets can deliver, and what is wrong with the file's own targets: they are
 * named on purpose, so an incomplete one is a mistake to report, not a channel that
 * is simply off. (The built-in targets' problems are the environment's, reported with
 * the rest of the configuration.)
 */
function evaluate(routing: Routing, env: Record<string, string | undefined>, path: string): { configured: string[]; problems: ConfigProblem[] } {
  const present = presentEnv(env);
  const configured: string[] = [];
  const problems: ConfigProblem[] = [];
  const builtIn = new Set(CHANNELS.keys());
  for (const target of routing.targets) {
    const where = `ROUTING_FILE ${path}: targets.${target.name}`;
    for (const [setting, variable] of Object.entries(target.secrets)) {
      if (!builtIn.has(target.name) && !(variable in present)) {
        problems.push({ variable: 'ROUTING_FILE', message: `${where}.secrets.${setting} names ${variable}, which is not set: set it in the environment` });
      }
    }
    const resolved = resolveTarget(target, env);
    if (resolved?.state === 'configured') configured.push(target.name);
    if (builtIn.has(target.name) || resolved?.state === 'configured') continue;
    const own = presentEnv(targetEnv(target, env));
    const missing = (CHANNELS.get(target.type)?.requiredEnv ?? []).filter((key) => !(key in own));
    if (missing.length > 0) {
      problems.push({ variable: 'ROUTING_FILE', message: `${where} (${target.type}) is missing ${missing.join(', ')}: give it under "settings" or "secrets", or in the environment` });
    } else if (resolved?.state === 'invalid') {
      for (const problem of resolved.problems) problems.push({ variable: 'ROUTING_FILE', message: `${where}: ${problem.message}` });
    }
  }
  return { configured, problems: dedupe(problems) };
}

/** Loads the routing once: the file's, or the defaults; with every problem found. */
export function loadRouting(env: Record<string, string | undefined>): { loaded?: LoadedRouting; problems: ConfigProblem[] } {
  const path = presentEnv(env).ROUTING_FILE;
  if (!path) {
    const routing: Routing = { targets: builtInTargets([...CHANNELS.keys()]), rules: [...DEFAULT_RULES], subscribers: [], lifecycle: DEFAULT_LIFECYCLE };
    return { loaded: { routing, configured: evaluate(routing, env, '').configured, source: 'default rules' }, problems: [] };
  }
  const file = loadRoutingFile(path, channelSpecs(), DEFAULT_LIFECYCLE);
  if (!file.routing) return { problems: file.problems };
  const { configured, problems } = evaluate(file.routing, env, path);
  if (problems.length > 0) return { problems };
  return { loaded: { routing: file.routing, configured, source: path }, problems: [] };
}

/**
 * The routing as it stands now. A changed routing file takes effect for the next
 * incident without a restart; an edit that does not validate is logged with every
 * problem, and the last good version stays in force.
 */
export class RoutingSource {
  #envOverride: Record<string, string | undefined> | undefined;
  #logger: Pick<Logger, 'info' | 'warn'> | undefined;
  #current: LoadedRouting | undefined;
  #stamp = '';

  /** `env` defaults to `process.env`, read at every call. */
  constructor(env: Record<string, string | undefined> | undefined, logger?: Pick<Logger, 'info' | 'warn'>, initial?: LoadedRouting) {
    this.#envOverride = env;
    this.#logger = logger;
    if (initial) {
      this.#current = initial;
      const path = presentEnv(this.#env).ROUTING_FILE;
      this.#stamp = path ? fileStamp(path) : '';
    }
  }

  get #env(): Record<string, string | undefined> {
    return this.#envOverride ?? process.env;
  }

  current(): LoadedRouting {
    const path = presentEnv(this.#env).ROUTING_FILE;
    // Without a file there is nothing to watch: the defaults are re-evaluated (cheaply).
    const stamp = path ? fileStamp(path) : undefined;
    if (this.#current && stamp !== undefined && stamp === this.#stamp) return this.#current;
    const { loaded, problems } = loadRouting(this.#env);
    const changed = this.#current !== undefined && stamp !== undefined;
    this.#stamp = stamp ?? '';
    if (loaded) {
      if (changed) this.#logger?.info(`routing: ${loaded.source} changed; new incidents use it`);
      this.#current = loaded;
      return loaded;
    }
    if (!this.#current) throw new Error(problems.map((p) => p.message).join('; '));
    this.#logger?.warn(
      `routing: ${path} changed but does not validate; keeping the last good version until it is fixed:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    );
    return this.#current;
  }
}

function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
}

