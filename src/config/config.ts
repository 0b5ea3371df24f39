import { z } from 'zod';
import { CHANNELS } from '../channels/registry.js';
import { presentEnv, resolveChannelSettings, type ConfigProblem } from '../channels/settings.js';
import { httpUrl } from '../channels/env-values.js';
import { loadRouting, type LoadedRouting } from '../routing/routing-source.js';

export type EngineConfig =
  | { kind: 'local'; dataDir: string }
  | { kind: 'postgres'; url: string; concurrency: number };

/** The app's settings, parsed once at startup. Channel secrets are read by the steps. */
export interface AppConfig {
  slack: {
    botToken: string;
    /** Required for the HTTP endpoint; unused in Socket Mode. */
    signingSecret: string | undefined;
    /** Set: Socket Mode instead of the HTTP endpoint. */
    appToken: string | undefined;
    apiUrl: string;
  };
  /** Public listener for Slack (`POST /slack/events`). */
  port: number;
  host: string;
  /** Loopback-only listener for the workflow engine; 0 picks a free port. */
  workflowPort: number;
  /** The durable engine: the embedded local world, or the Postgres world for replicas. */
  engine: EngineConfig;
  /** Targets, rules, subscribers, escalation, as loaded at startup (the file may change later). */
  routing: LoadedRouting;
  channels: Array<{ name: string; configured: boolean; missing: string[] }>;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int({ error: `${name} must be a whole number` })
    .min(0, { error: `${name} must be between 0 and 65535` })
    .max(65535, { error: `${name} must be between 0 and 65535` })
    .default(fallback);

const appEnv = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions in your Slack app settings' })
    .startsWith('xoxb-', { error: 'SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions in your Slack app settings)' }),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, { error: 'SLACK_SIGNING_SECRET must be the hex Signing Secret from Basic Information → App Credentials in your Slack app settings' })
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith('xapp-', { error: 'SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)' })
    .optional(),
  SLACK_API_URL: httpUrl('https://slack.com/api/').default('https://slack.com/api/'),
  PORT: port('PORT', 3000),
  HOST: z.string().default('0.0.0.0'),
  WORKFLOW_PORT: port('WORKFLOW_PORT', 0),
  ROUTING_FILE: z.string().optional(),
  WORKFLOW_TARGET_WORLD: z
    .enum(['local', '@workflow/world-local', '@workflow/world-postgres'], {
      error: 'WORKFLOW_TARGET_WORLD must be local (the default, embedded engine) or @workflow/world-postgres',
    })
    .default('local'),
  WORKFLOW_LOCAL_DATA_DIR: z.string().default('.workflow-data'),
  WORKFLOW_POSTGRES_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'WORKFLOW_POSTGRES_URL must be a postgres:// connection URL, e.g. postgres://user:password@db.internal:5432/incident_router' })
    .optional(),
  WORKFLOW_POSTGRES_WORKER_CONCURRENCY: z.coerce
    .number({ error: 'WORKFLOW_POSTGRES_WORKER_CONCURRENCY must be a number' })
    .int()
    .min(1, { error: 'WORKFLOW_POSTGRES_WORKER_CONCURRENCY must be at least 1' })
    // The engine's own default, matching its pool of 10 connections: more slots need a
    // bigger pool (WORKFLOW_POSTGRES_MAX_POOL_SIZE) and a database with room for it.
    .default(10),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'LOG_LEVEL must be debug, info, warn or error' }).default('info'),
});

/** Thrown when the configuration is unusable; its message lists every problem and its fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const count = problems.length === 1 ? '1 configuration problem' : `${problems.length} configuration problems`;
    super(
      [
        `Incident Router cannot start: ${count}.`,
        ...problems.map((problem) => `  - ${problem.message}`),
        'Set these in .env (see .env.example for every setting) or in the environment, then start again.',
      ].join('\n'),
    );
    this.problems = problems;
  }
}

/** Parses the whole configuration, collecting every problem before failing. */
export function loadConfig(rawEnv: Record<string, string | undefined> = process.env): AppConfig {
  const env = presentEnv(rawEnv);
  const problems: ConfigProblem[] = [];

  const app = appEnv.safeParse(env);
  if (!app.success) {
    for (const issue of app.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      problems.push({ variable, message: issue.message.startsWith(variable) ? issue.message : `${variable} ${issue.message}` });
    }
  }
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push({
      variable: 'SLACK_SIGNING_SECRET',
      message:
        'SLACK_SIGNING_SECRET is not set: copy it from Basic Information → App Credentials in your Slack app settings (or set SLACK_APP_TOKEN to use Socket Mode)',
    });
  }

  if (env.WORKFLOW_TARGET_WORLD === '@workflow/world-postgres' && !env.WORKFLOW_POSTGRES_URL) {
    problems.push({
      variable: 'WORKFLOW_POSTGRES_URL',
      message:
        'WORKFLOW_POSTGRES_URL is not set: the Postgres engine needs a connection URL, e.g. postgres://user:password@db.internal:5432/incident_router (then run npm run db:setup once)',
    });
  }

  const channels: AppConfig['channels'] = [];
  for (const channel of CHANNELS.values()) {
    const resolved = resolveChannelSettings(channel, env);
    problems.push(...resolved.problems);
    channels.push({
      name: channel.name,
      configured: resolved.state === 'configured',
      missing: resolved.state === 'not-configured' ? resolved.missing : [],
    });
  }

  const routing = loadRouting(rawEnv);
  problems.push(...routing.problems);

  if (problems.length > 0 || !app.success || !routing.loaded) throw new ConfigError(problems);
  const data = app.data;
  return {
    slack: {
      botToken: data.SLACK_BOT_TOKEN,
      signingSecret: data.SLACK_SIGNING_SECRET,
      appToken: data.SLACK_APP_TOKEN,
      apiUrl: data.SLACK_API_URL,
    },
    port: data.PORT,
    host: data.HOST,
    workflowPort: data.WORKFLOW_PORT,
    engine:
      data.WORKFLOW_TARGET_WORLD === '@workflow/world-postgres'
        ? { kind: 'postgres', url: data.WORKFLOW_POSTGRES_URL!, concurrency: data.WORKFLOW_POSTGRES_WORKER_CONCURRENCY }
        : { kind: 'local', dataDir: data.WORKFLOW_LOCAL_DATA_DIR },
    routing: routing.loaded,
    channels,
    logLevel: data.LOG_LEVEL,
  };
}
