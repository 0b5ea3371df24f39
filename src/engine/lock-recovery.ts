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
  await pool.query(SCHEMA_SQL);

  const tick = async (): Promise<string[]> => {
    await pool.query(HEARTBEAT_SQL, [options.replicaId, [...options.inflight()]]);
    const freed = await pool.query<{ id: string; message_id: string }>(FREE_ORPHANED_JOBS_SQL, [staleAfterSeconds]);
    for (const row of freed.rows) {
      options.logger.warn(`lock recovery: freed job ${row.id} (message ${row.message_id}) held by a replica that stopped`);
      options.logger.debug(`lock recovery: this replica is executing ${[...options.inflight()].join(', ') || 'nothing'}`);
    }
    return freed.rows.map((row) => row.message_id);
  };

  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = tick().catch((error: Error) => options.logger.warn(`lock recovery: ${error.message}`));
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
