/**
 * One wake-up timer per sleeping run, for the embedded engine.
 *
 * When a replay leaves a run suspended on a sleep, the engine answers its queue
 * message with "deliver me again in N seconds", and the local engine's queue keeps
 * that message in flight until then, holding one of its 1000 delivery slots. Every
 * replay of the run (each step it completes) leaves one more such message. An
 * incident waits days for its buttons and minutes for its escalation, so some 60
 * open incidents would fill every slot and stall the engine for everyone.
 *
 * So the flow handler's answer is taken here instead: the message completes at
 * once, and the run gets a single timer for its earliest due time that queues a
 * fresh replay then. A replay that is early (a long timer is clamped) just answers
 * with the time left and is re-armed. Timers live in memory: after a restart the
 * engine replays every active run, which arms them again.
 */
export interface RunWakeups {
  /** Wraps the flow handler: a "retry in N s" answer becomes a timer for the run. */
  wrap(handler: (request: Request) => Promise<Response>): (request: Request) => Promise<Response>;
  /** Runs with a timer armed now, with their due times (for tests and debugging). */
  pending(): ReadonlyMap<string, number>;
  stop(): void;
}

/** Node's setTimeout limit is about 24.8 days; a longer timer fires early and is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function runWakeups(wake: (run: { runId: string; queueName: string; dueAt: number }) => Promise<void>): RunWakeups {
  const timers = new Map<string, { dueAt: number; timer: NodeJS.Timeout }>();

  const arm = (runId: string, queueName: string, dueAt: number) => {
    const armed = timers.get(runId);
    if (armed && armed.dueAt <= dueAt) return; // an earlier wake-up replays the run anyway
    if (armed) clearTimeout(armed.timer);
    const timer = setTimeout(() => {
      timers.delete(runId);
      void wake({ runId, queueName, dueAt }).catch(() => arm(runId, queueName, Date.now() + 1000));
    }, Math.min(Math.max(0, dueAt - Date.now()), MAX_TIMER_MS));
    timer.unref();
    timers.set(runId, { dueAt, timer });
  };

  return {
    wrap: (handler) => async (request) => {
      const queueName = request.headers.get('x-vqs-queue-name') ?? '';
      const body = await request.clone().text();
      const response = await handler(request);
      if (!response.ok) return response;
      const text = await response.clone().text();
      const timeoutSeconds = Number(safeJson(text)?.timeoutSeconds);
      const runId = safeJson(body)?.runId;
      // 0 means "replay again at once": the queue does that best itself.
      if (!(timeoutSeconds > 0) || typeof runId !== 'string' || !queueName) return response;
      arm(runId, queueName, Date.now() + timeoutSeconds * 1000);
      return Response.json({ ok: true });
    },
    pending: () => new Map([...timers].map(([runId, { dueAt }]) => [runId, dueAt])),
    stop: () => {
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
