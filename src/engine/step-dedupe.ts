import type pg from 'pg';

// The world's queue, loosely: (queue name, payload, options with an idempotency key).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Queue = (queueName: any, message: any, opts?: { idempotencyKey?: string }) => Promise<{ messageId: any }>;

/** The running job for a step, if any: same key, locked by a worker. */
export const RUNNING_STEP_JOB_SQL = `
select payload->>'messageId' as message_id
from graphile_worker._private_jobs
where key = $1 and locked_at is not null
limit 1`;

/**
 * Keeps the Postgres engine from queueing a step that is already running.
 *
 * Every workflow replay enqueues again each step it is still waiting for, keyed by
 * the step's id. The local engine drops such a message while the step runs. The
 * Postgres engine instead adds a duplicate job, and the worker that picks it up waits
 * for the running execution, holding a worker slot the whole time: one slow delivery
 * plus a busy thread (every update is a replay) fills the pool, and the incident's
 * other updates stall until the slow delivery ends. So a step enqueue is skipped while
 * a job with its key is locked. If that job's replica dies, lock recovery unlocks the
 * job and it runs again; no message is lost by skipping.
 */
export function skipRunningStepEnqueues<W extends { queue: Queue }>(world: W, pool: pg.Pool): W {
  const queue: Queue = async (queueName, message, opts) => {
    const key = opts?.idempotencyKey;
    if (key && String(queueName).includes('wkf_step_')) {
      const running = await pool.query<{ message_id: string }>(RUNNING_STEP_JOB_SQL, [key]);
      if (running.rows[0]?.message_id) return { messageId: running.rows[0].message_id };
    }
    return world.queue(queueName, message, opts);
  };
  return { ...world, queue: queue as W['queue'] };
}
