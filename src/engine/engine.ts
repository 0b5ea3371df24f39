import { randomBytes } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from '@slack/logger';
import pg from 'pg';
import { createWorld, getWorld, setWorld } from 'workflow/runtime';
import type { EngineConfig } from '../config/config.js';
import { startLockRecovery, type LockRecovery } from './lock-recovery.js';
import { sendWebResponse, toWebRequest } from './node-adapter.js';
import { runWakeups } from './run-wakeups.js';
import { skipRunningStepEnqueues } from './step-dedupe.js';

type Handler = (request: Request) => Promise<Response>;
type World = ReturnType<typeof getWorld> & {
  registerHandler?: (prefix: '__wkf_workflow_' | '__wkf_step_', handler: Handler) => void;
  close?: () => Promise<void>;
};

/** Where the engine posts its queue messages: `/.well-known/workflow/v1/{flow,step}`. */
const ROUTES: Record<string, 'workflows.mjs' | 'steps.mjs'> = {
  '/.well-known/workflow/v1/flow': 'workflows.mjs',
  '/.well-known/workflow/v1/step': 'steps.mjs',
};

export interface EngineHealth {
  engine: EngineConfig['kind'];
  status: 'up' | 'down';
  /** Postgres engine only. */
  database?: 'up' | 'down';
  detail?: string;
}

export interface Engine {
  readonly kind: EngineConfig['kind'];
  /** Tells the engine a database connection was lost (its runner is restarted). */
  databaseConnectionLost(): void;
  /** Base URL of the loopback listener, e.g. `http://127.0.0.1:41234/.well-known/workflow/v1`. */
  readonly url: string;
  health(): Promise<EngineHealth>;
  /** Stops taking queue work; lets executions in flight finish (or be retried elsewhere). */
  close(): Promise<void>;
}

/**
 * Starts the durable workflow engine for this process.
 *
 * The compiled workflow and step bundles are served on a listener bound to 127.0.0.1
 * only: these endpoints are unauthenticated (a crafted POST could start a run with any
 * input), so they never share the public, Slack-facing port. The Postgres engine's
 * job runner delivers to that listener; the local engine dispatches in-process and
 * skips the HTTP hop. `world.start()` re-enqueues runs that a crash or restart cut off.
 */
export async function startEngine(options: {
  bundleDir: URL;
  port: number;
  config: EngineConfig;
  logger: Logger;
}): Promise<Engine> {
  const { config, logger } = options;

  // The runtime builds the world from WORKFLOW_TARGET_WORLD (set by the entry point).
  let world = getWorld() as World;
  let database: pg.Pool | undefined;
  if (config.kind === 'postgres') {
    database = new pg.Pool({ connectionString: config.url, max: 4 });
    database.on('error', (error) => logger.warn(`database connection lost (${error.message})`));
    world = skipRunningStepEnqueues(world, database);
    setWorld(world);
  }

  const handlers = new Map<string, Handler>();
  for (const [path, file] of Object.entries(ROUTES)) {
    const bundle = (await import(new URL(file, options.bundleDir).href)) as { POST: Handler };
    handlers.set(path, bundle.POST);
  }

  // Message ids being executed right now, published for lock recovery.
  const inflight = new Map<string, number>();
  const server = createServer((req, res) => {
    const handler = req.method === 'POST' ? handlers.get((req.url ?? '').split('?')[0]!) : undefined;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const messageId = String(req.headers['x-vqs-message-id'] ?? '');
    if (messageId) inflight.set(messageId, (inflight.get(messageId) ?? 0) + 1);
    logger.debug(`engine: ${req.url} ${messageId} (attempt ${req.headers['x-vqs-message-attempt'] ?? '?'})`);
    // An error escaping an async request handler would take the whole process down.
    (async () => {
      const request = await toWebRequest(req, `http://${req.headers.host ?? '127.0.0.1'}`);
      await sendWebResponse(res, await handler(request));
    })()
      .catch((error: unknown) => {
        logger.error(`workflow endpoint ${req.url} failed: ${(error as Error)?.message ?? error}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      })
      .finally(() => {
        logger.debug(`engine: done ${req.url} ${messageId} (${res.statusCode})`);
        if (!messageId) return;
        const left = (inflight.get(messageId) ?? 1) - 1;
        if (left > 0) inflight.set(messageId, left);
        else inflight.delete(messageId);
      });
  });
  await listen(server, options.port, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/.well-known/workflow/v1`;
  // Both engines deliver here; without it they would guess from PORT, the public Slack port.
  process.env.WORKFLOW_LOCAL_BASE_URL = `http://127.0.0.1:${port}`;

  // The local engine dispatches in-process. Its close() does not wait for executions
  // in flight, so they are tracked here: a graceful stop lets them finish (a delivery
  // cut off would be sent again on restart) and holds back anything new.
  const executing = new Set<Promise<Response>>();
  let draining = false;
  const tracked =
    (handler: Handler): Handler =>
    (request) => {
      if (draining) return new Promise<Response>(() => undefined); // resumed by the next start
      const execution = handler(request);
      executing.add(execution);
      void execution.catch(() => undefined).finally(() => executing.delete(execution));
      return execution;
    };
  // Local engine: one wake-up timer per sleeping run, not one queue slot per replay.
  const wakeups =
    config.kind === 'local'
      ? runWakeups(async ({ runId, queueName, dueAt }) => {
          await world.queue(queueName as Parameters<World['queue']>[0], { runId, requestedAt: new Date() }, { idempotencyKey: `wake:${runId}:${dueAt}` });
        })
      : undefined;
  if (config.kind === 'local') {
    world.registerHandler?.('__wkf_workflow_', tracked(wakeups!.wrap(handlers.get('/.well-known/workflow/v1/flow')!)));
    world.registerHandler?.('__wkf_step_', tracked(handlers.get('/.well-known/workflow/v1/step')!));
  }
  await startWorld(world, logger);
  let recovery: LockRecovery | undefined;
  let restarting: Promise<void> | undefined;
  let restartRunner = () => {};
  if (config.kind === 'postgres') {
    // After a database outage the engine's job runner does not come back by itself
    // (its workers exit on connection errors): replace the world with a fresh one.
    restartRunner = () => {
      restarting ??= (async () => {
        logger.warn('restarting the job runner after a database outage');
        await withTimeout(world.close?.(), 10_000).catch(() => undefined);
        const fresh = skipRunningStepEnqueues(createWorld() as World, database!);
        setWorld(fresh);
        world = fresh;
        for (let attempt = 1; ; attempt++) {
          try {
            await startWorld(world, logger);
            break;
          } catch (error) {
            logger.warn(`job runner restart attempt ${attempt} failed: ${(error as Error).message}`);
            await new Promise((resolve) => setTimeout(resolve, 2000));
          }
        }
        logger.info('job runner restarted');
      })().finally(() => {
        restarting = undefined;
      });
    };
    recovery = await startLockRecovery({
      connectionString: config.url,
      replicaId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      inflight: () => inflight.keys(),
      onDatabaseBack: restartRunner,
      // Keyed by the run's last event, so replicas that notice the same stall at
      // once enqueue a single replay.
      wakeRun: async ({ runId, workflowName, lastEventId }) => {
        await world.queue(
          `__wkf_workflow_${workflowName}` as Parameters<World['queue']>[0],
          { runId, requestedAt: new Date() },
          { idempotencyKey: `wake:${runId}:${lastEventId}` },
        );
      },
      // The same message the engine queues for a step, under a fresh key.
      rerunStep: async ({ runId, workflowName, stepId, stepName, runStartedAt }) => {
        await world.queue(
          `__wkf_step_${stepName}` as Parameters<World['queue']>[0],
          { workflowName, workflowRunId: runId, workflowStartedAt: +runStartedAt, stepId, traceCarrier: {}, requestedAt: new Date() },
          { idempotencyKey: `${stepId}:reopened:${Date.now()}` },
        );
      },
      logger,
    });
  }

  return {
    kind: config.kind,
    url,
    databaseConnectionLost: () => restartRunner(),
    async health() {
      if (config.kind === 'postgres') {
        try {
          await database!.query('select 1');
          return { engine: 'postgres', status: 'up', database: 'up' };
        } catch (error) {
          return { engine: 'postgres', status: 'down', database: 'down', detail: (error as Error).message };
        }
      }
      try {
        await access(config.dataDir, constants.R_OK | constants.W_OK);
        return { engine: 'local', status: 'up' };
      } catch {
        return { engine: 'local', status: 'down', detail: `data directory ${config.dataDir} is not writable` };
      }
    },
    async close() {
      await restarting;
      draining = true;
      wakeups?.stop();
      await Promise.allSettled([...executing]);
      // Postgres: the job runner's stop waits for the jobs it is running (they call
      // this process's loopback listener, still open until below).
      await world.close?.();
      await recovery?.stop();
      await database?.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Signals a library may not take over: this process owns its shutdown (server.ts). */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2', 'SIGPIPE', 'SIGABRT'] as const;

/**
 * Starts the world's job runner, then removes any signal handler it installed. The
 * Postgres engine's runner (graphile-worker) registers its own SIGTERM/SIGINT handlers:
 * they stop its workers at once, then re-send the signal to kill the process — racing
 * our graceful stop, which must first stop the Slack listener and let the executions
 * in flight finish.
 */
async function startWorld(world: World, logger: Logger): Promise<void> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  try {
    await world.start?.();
  } finally {
    for (const signal of SHUTDOWN_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (before.get(signal)!.has(listener)) continue;
        process.removeListener(signal, listener);
        logger.debug(`engine: removed the job runner's own ${signal} handler`);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
