import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, LogLevel } from '@slack/logger';
import { resumeHook, start } from 'workflow/api';
import { actionToken, type IncidentAction } from './incident/lifecycle.js';
import { RoutingSource } from './routing/routing-source.js';
import type { AppConfig } from './config/config.js';
import { startEngine, type Engine } from './engine/engine.js';
import { healthHandler } from './health.js';
import { createSlackApp } from './slack/app.js';
import { incidentFanout } from './workflows/incident-fanout.js';

/** Longest a graceful stop may take (orchestrators usually allow 30 s after SIGTERM). */
const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Starts the engine, then the Slack listener; stops both gracefully on SIGTERM/SIGINT.
 * Resolves with the `/slack/events` URL (none in Socket Mode).
 */
export async function runServer(config: AppConfig, options: { bundleDir: URL }): Promise<{ eventsUrl?: string }> {
  const logger = new ConsoleLogger();
  logger.setName('incident-router');
  logger.setLevel(config.logLevel as LogLevel);
  // A stray rejection must not take down every in-flight incident with it: log it loudly.
  process.on('unhandledRejection', (reason) => {
    logger.error(`unhandled rejection (a bug; please report it): ${(reason as Error)?.stack ?? String(reason)}`);
  });
  // The Postgres engine keeps a LISTEN connection without an error handler, so a
  // database restart would crash the process. A lost database connection is
  // survivable (pools reconnect, jobs are retried); anything else still crashes.
  let engine: Engine | undefined;
  process.on('uncaughtException', (error) => {
    if (isLostDatabaseConnection(error)) {
      logger.warn(`database connection lost (${error.message}); reconnecting`);
      engine?.databaseConnectionLost();
      return;
    }
    logger.error(`uncaught exception: ${error.stack ?? error.message}`);
    process.exit(1);
  });

  engine = await startEngine({
    bundleDir: options.bundleDir,
    port: config.workflowPort,
    config: config.engine,
    logger,
  });
  const where = config.engine.kind === 'postgres' ? `Postgres world at ${describeDatabase(config.engine.url)}` : `local world in ${config.engine.dataDir}`;
  logger.info(`workflow engine: ${where}, endpoints on ${engine.url} (loopback only)`);

  let stopping = false;
  const health = healthHandler(engine, () => stopping);

  // The routing as validated at startup; an edited file applies to new incidents and
  // to the modal's preview (each reads it through this source: one stat of the file).
  const routing = new RoutingSource(undefined, logger, config.routing);
  const app = await createSlackApp(
    config,
    {
      startIncident: async (incident) => {
        const run = await start(incidentFanout, [{ incident, routing: routing.current() }]);
        return { runId: run.runId };
      },
      routing: () => routing.current(),
      sendAction: async (incidentId: string, action: IncidentAction) => {
        try {
          await resumeHook(actionToken(incidentId), action);
          return 'delivered';
        } catch (error) {
          if (isEndedRun(error)) return 'ended';
          throw error;
        }
      },
    },
    logger,
    [{ path: '/healthz', method: ['GET'], handler: health }],
  );

  for (const channel of config.channels) {
    logger.info(
      channel.configured
        ? `channel ${channel.name}: configured`
        : `channel ${channel.name}: not configured (set ${channel.missing.join(', ')} to enable it)`,
    );
  }
  logger.info(`routing: ${config.routing.source}`);

  let eventsUrl: string | undefined;
  if (config.slack.appToken) {
    await app.start();
    logger.info('Slack: connected in Socket Mode');
    // No HTTP receiver in Socket Mode: serve the health check on PORT by itself.
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/healthz') void health(req, res);
      else res.writeHead(404).end();
    }).listen(config.port, config.host);
    server.once('listening', () => logger.info(`health check on http://${config.host}:${config.port}/healthz`));
  } else {
    const server = (await app.start({ port: config.port, host: config.host })) as Server;
    const { address, port } = server.address() as AddressInfo;
    eventsUrl = `http://${address}:${port}/slack/events`;
    logger.info(`Slack: listening on ${eventsUrl}`);
  }

  // Graceful stop: fail the health check, stop taking Slack requests, then stop the
  // engine, which lets executions in flight finish. Anything still running at the
  // deadline is resumed by another replica (or this one, on restart).
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping (Slack listener first, then the engine)`);
    setTimeout(() => {
      logger.warn('shutdown deadline passed; exiting with work in flight (it will be resumed)');
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await app.stop().catch((error: Error) => logger.warn(`Slack listener: ${error.message}`));
    await engine.close().catch((error: Error) => logger.warn(`engine: ${error.message}`));
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return eventsUrl ? { eventsUrl } : {};
}

/** `postgres://user:secret@db:5432/name` → `db:5432/name`: never log credentials. */
function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** The incident's hook is gone (its run resolved or expired) or its run already finished. */
function isEndedRun(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'HookNotFoundError' || name === 'EntityConflictError' || name === 'WorkflowRunNotFoundError';
}

/** PostgreSQL's "terminating connection" errors and a dropped socket. */
function isLostDatabaseConnection(error: Error): boolean {
  const code = (error as { code?: string }).code;
  if (code === '57P01' || code === '57P02' || code === '57P03') return true; // admin shutdown, crash shutdown, cannot connect now
  return /^Connection terminated( unexpectedly)?$/.test(error.message) && Boolean(error.stack?.includes('/pg'));
}
