import { afterEach, describe, expect, it, vi } from 'vitest';
import { runWakeups } from '../../src/engine/run-wakeups.js';

const flowRequest = (runId: string) =>
  new Request('http://127.0.0.1/.well-known/workflow/v1/flow', {
    method: 'POST',
    headers: { 'x-vqs-queue-name': '__wkf_workflow_incidentFanout' },
    body: JSON.stringify({ runId, requestedAt: new Date().toISOString() }),
  });
const answering = (body: unknown) => async () => Response.json(body);

describe('runWakeups', () => {
  afterEach(() => vi.useRealTimers());

  it('turns "deliver again in N s" into one timer per run, the earliest winning', async () => {
    vi.useFakeTimers();
    const woken: Array<{ runId: string; queueName: string }> = [];
    const wakeups = runWakeups(async (run) => void woken.push(run));

    // Three replays of one run: 300 s, then 5 s, then 600 s until its next sleep is due.
    for (const seconds of [300, 5, 600]) {
      const answer = await wakeups.wrap(answering({ timeoutSeconds: seconds }))(flowRequest('wrun_A'));
      expect(await answer.json()).toEqual({ ok: true }); // the queue message completes at once
    }
    expect(wakeups.pending().size).toBe(1);
    await vi.advanceTimersByTimeAsync(4_900);
    expect(woken).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(woken).toEqual([{ runId: 'wrun_A', queueName: '__wkf_workflow_incidentFanout', dueAt: expect.any(Number) }]);
    expect(wakeups.pending().size).toBe(0);
    wakeups.stop();
  });

  it('leaves other answers to the queue: done, replay at once, errors', async () => {
    const wakeups = runWakeups(async () => undefined);
    for (const body of [{ ok: true }, { timeoutSeconds: 0 }]) {
      expect(await (await wakeups.wrap(answering(body))(flowRequest('wrun_B'))).json()).toEqual(body);
    }
    const failed = await wakeups.wrap(async () => new Response('boom', { status: 500 }))(flowRequest('wrun_B'));
    expect(failed.status).toBe(500);
    expect(wakeups.pending().size).toBe(0);
  });
});
