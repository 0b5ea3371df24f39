import type { Logger } from '@slack/logger';
import pg from 'pg';

/**
 * Frees jobs held by a replica that died.
 *
 * The Postgres engine (graphile-worker) locks a job while a replica executes it and
 * only considers a lock abandoned after 4 hours. A replica killed mid-delivery (OOM,
 * SIGKILL, a lost node) would leave its run stuck that long. So every replica
 * publishes a heartbeat with the ids of the queue messages it is executing right
 * now, and frees any job that has been locked for longer than `staleAfterMs` while no
 * live replica is executing its message. Other replicas then pick it up within one
 * poll. A slow but live execution is never freed: its message id is in a fresh
 * heartbeat. The cost is at-least-once delivery for the step that was cut off, as
 * with any crash (providers with idempotency keys drop the duplicate).
 */
export interface LockRecoveryOptions {
  connectionString: string;
  /** This replica's id (unique per process). */
  replicaId: string;
  /** Queue message ids this replica is executing now. */
  inflight: () => Iterable<string>;
  /** Heartbeat and sweep period. */
  intervalMs?: number;
  /** A replica whose heartbeat is older is dead; a job locked longer is a candidate. */
  staleAfterMs?: number;
  /** Called when the database answers again after a tick found it unreachable. */
  onDatabaseBack?: () => void;
  /** Wakes a run that nothing will wake (see `STALLED_RUNS_SQL`). */
  wakeRun?: (run: { runId: string; workflowName: string; lastEventId: string }) => Promise<void>;
  /** How long a run's event log must stay unchanged before it counts as stalled. */
  stalledAfterMs?: number;
  /** How long a finished step may lack its completion event before it is reopened. */
  unrecordedAfterMs?: number;
  /** Queues a reopened step to run again (see `UNRECORDED_COMPLETIONS_SQL`). */
  rerunStep?: (step: { runId: string; workflowName: string; stepId: string; stepName: string; runStartedAt: Date }) => Promise<void>;
  logger: Logger;
}

export const SCHEMA_SQL = `
create schema if not exists incident_router;
create table if not exists incident_router.replicas (
  id text primary key,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  inflight text[] not null default '{}'
);`;

const HEARTBEAT_SQL = `
insert into incident_router.replicas (id, heartbeat_at, inflight) values ($1, now(), $2)
on conflict (id) do update set heartbeat_at = now(), inflight = excluded.inflight`;

/** Unlocks jobs locked for over $1 seconds whose message no live replica is executing. */
export const FREE_ORPHANED_JOBS_SQL = `
with live as (
  select unnest(inflight) as message_id
  from incident_router.replicas
  where heartbeat_at > now() - make_interval(secs => $1)
)
update graphile_worker._private_jobs as jobs
set locked_at = null, locked_by = null
where jobs.locked_at is not null
  and jobs.locked_at < now() - make_interval(secs => $1)
  and not exists (select 1 from live where live.message_id = jobs.payload->>'messageId')
returning jobs.id, jobs.payload->>'messageId' as message_id`;

/**
 * Runs that are running with no step executing. Normally a step's completion enqueues
 * the next replay; a database outage at the wrong moment can lose that message, and
 * a run waiting on a hook or a sleep (every incident waits for its buttons) would then
 * never take that step's result. Such a run is idle if its event log does not change
 * for a while; it is then replayed once more, once per last event. Replaying a run
 * that was merely waiting is harmless: it suspends again.
 */
export const STALLED_RUNS_SQL = `
select r.id as run_id, r.name as workflow_name,
       (select max(e.id) from workflow.workflow_events e where e.run_id = r.id) as last_event_id
from workflow.workflow_runs r
where r.status = 'running'
  and not exists (select 1 from workflow.workflow_steps s where s.run_id = r.id and s.status = 'running')`;

/**
 * Steps the engine marked finished without recording it in the run's event log.
 *
 * The Postgres engine records a step's completion in two writes: the step row
 * first, then the `step_completed` event. A process killed (or a database lost)
 * between the two leaves a step that refuses to run again ("terminal state") while
 * the run, replaying from its events, waits for it forever.
 */
export const UNRECORDED_COMPLETIONS_SQL = `
select s.run_id, s.step_id, s.step_name, r.name as workflow_name, r.started_at
from workflow.workflow_steps s
join workflow.workflow_runs r on r.id = s.run_id
where r.status = 'running'
  and s.status in ('completed', 'failed')
  and not exists (
    select 1 from workflow.workflow_events e
    where e.run_id = s.run_id and e.correlation_id = s.step_id and e.type in ('step_completed', 'step_failed')
  )`;

/**
 * Reopens such a step, so that it runs again through the engine's normal path (its
 * completion is then recorded in both places). Like any step cut off by a crash, it
 * runs at least once more: providers' idempotency keys and the thread's look-before-
 * post drop the copy. Returns nothing if another replica already reopened it.
 * (The step must be queued under a new key: a replica remembers the keys of the
 * messages it completed and drops them if they come again.)
 */
export const REOPEN_STEP_SQL = `
update workflow.workflow_steps as s set status = 'pending', completed_at = null
where s.step_id = $1 and s.status in ('completed', 'failed')
  and not exists (
    select 1 from workflow.workflow_events e
    where e.run_id = s.run_id and e.correlation_id = s.step_id and e.type in ('step_completed', 'step_failed')
  )
returning s.step_id`;

/**
 * Creates our table once. Replicas starting together on a new database would race
 * on `create schema if not exists` (PostgreSQL answers one of them with a unique
 * violation), so they take turns under an advisory lock.
 */
async function createSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query("select pg_advisory_xact_lock(hashtext('incident_router.schema'))");
    await client.query(SCHEMA_SQL);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface LockRecovery {
  /** One heartbeat + sweep now; returns the message ids it freed. */
  tick(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startLockRecovery(options: LockRecoveryOptions): Promise<LockRecovery> {
  const intervalMs = options.intervalMs ?? 2000;
  const staleAfterSeconds = (options.staleAfterMs ?? 15_000) / 1000;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  // A dropped connection (e.g. a database restart) must not crash the process; the
  // next tick reconnects.
  pool.on('error', (error) => options.logger.warn(`lock recovery: database connection lost (${error.message})`));
  await createSchema(pool);

  // Last event seen per idle run, and since when.
  const idle = new Map<string, { lastEventId: string; since: number }>();
  const stalledAfterMs = options.stalledAfterMs ?? 30_000;

  const wakeStalledRuns = async () => {
    const rows = (await pool.query<{ run_id: string; workflow_name: string; last_event_id: string }>(STALLED_RUNS_SQL)).rows;
    const now = Date.now();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.run_id);
      const known = idle.get(row.run_id);
      if (!known || known.lastEventId !== row.last_event_id) {
        idle.set(row.run_id, { lastEventId: row.last_event_id, since: now });
      } else if (now - known.since >= stalledAfterMs) {
        options.logger.warn(`stalled run ${row.run_id}: no progress for ${Math.round((now - known.since) / 1000)} s; replaying it`);
        idle.set(row.run_id, { lastEventId: row.last_event_id, since: now });
        await options.wakeRun?.({ runId: row.run_id, workflowName: row.workflow_name, lastEventId: row.last_event_id });
      }
    }
    for (const runId of idle.keys()) if (!seen.has(runId)) idle.delete(runId);
  };

  // Steps seen finished without their event, and since when: the engine writes the
  // event a moment after the step row (longer on a machine that is very busy), so only
  // one missing for a good while is a loss.
  const unrecorded = new Map<string, number>();
  const unrecordedAfterMs = options.unrecordedAfterMs ?? 30_000;
  const repairUnrecordedCompletions = async () => {
    const rows = (
      await pool.query<{ run_id: string; step_id: string; step_name: string; workflow_name: string; started_at: Date }>(
        UNRECORDED_COMPLETIONS_SQL,
      )
    ).rows;
    const now = Date.now();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.step_id);
      const since = unrecorded.get(row.step_id);
      if (since === undefined) {
        unrecorded.set(row.step_id, now);
        continue;
      }
      if (now - since < unrecordedAfterMs) continue;
      unrecorded.delete(row.step_id);
      const reopened = await pool.query(REOPEN_STEP_SQL, [row.step_id]);
      if (reopened.rowCount === 0) continue;
      options.logger.warn(`run ${row.run_id}: step ${row.step_id} finished without its completion event; running it again`);
      await options.rerunStep?.({
        runId: row.run_id,
        workflowName: row.workflow_name,
        stepId: row.step_id,
        stepName: row.step_name,
        runStartedAt: row.started_at,
      });
    }
    for (const stepId of unrecorded.keys()) if (!seen.has(stepId)) unrecorded.delete(stepId);
  };

  const tick = async (): Promise<string[]> => {
    await pool.query(HEARTBEAT_SQL, [options.replicaId, [...options.inflight()]]);
    const freed = await pool.query<{ id: string; message_id: string }>(FREE_ORPHANED_JOBS_SQL, [staleAfterSeconds]);
    for (const row of freed.rows) {
      options.logger.warn(`lock recovery: freed job ${row.id} (message ${row.message_id}) held by a replica that stopped`);
    }
    if (options.rerunStep) await repairUnrecordedCompletions();
    if (options.wakeRun) await wakeStalledRuns();
    return freed.rows.map((row) => row.message_id);
  };

  let databaseDown = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = tick().then(
      () => {
        if (!databaseDown) return;
        databaseDown = false;
        options.logger.info('database reachable again');
        options.onDatabaseBack?.();
      },
      (error: Error) => {
        if (!databaseDown) options.logger.warn(`database unreachable (${error.message}); retrying every ${intervalMs} ms`);
        databaseDown = true;
      },
    );
  }, intervalMs);
  timer.unref();
  await tick();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
      await pool.query('delete from incident_router.replicas where id = $1', [options.replicaId]).catch(() => undefined);
      await pool.end();
    },
  };
}
