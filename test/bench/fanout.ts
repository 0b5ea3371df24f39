import type { Providers } from '../support/providers.js';
import { rootFor } from '../support/incidents.js';
import { isAlertsChannelPost, isFinalRootUpdate, isSummaryPost, resetProviders, slackCallsByMethod, submit, type Replicas } from './bench-apps.js';
import { parallelFloor, sequentialFloor } from './floor-fanout.js';
import type { BenchSizes } from './sizes.js';
import { median } from './stats.js';

/** Section 2: a critical incident to 4 channels, every provider answering after the delay. */
export interface FanoutResult {
  runs: number;
  /** Median ms from the view_submission to each provider's answer. */
  delivery: Record<string, number>;
  lastDelivery: number;
  lastReply: number;
  /**
   * Median time the thread takes once every result has landed: from the last
   * delivery to the last reply (the summary), Slack answering at once.
   */
  threadAfterDeliveries: number;
  floorParallel: number;
  floorSequential: number;
  /** Slack calls of one incident, by method (the last run). */
  slackCalls: Record<string, number>;
}

export const FANOUT_CHANNELS = ['slack', 'email', 'sms', 'pagerduty'] as const;


async function oneRun(providers: Providers, replicas: Replicas, delayMs: number, label: string) {
  resetProviders(providers, delayMs);
  const message = `bench fanout ${label}x`;
  const started = Date.now();
  await submit(replicas.nextUrl(), message);
  const root = await rootFor(providers, message);
  const summary = await providers.slack.waitFor((calls) => calls.find((c) => isSummaryPost(c) && c.body.thread_ts === root.ts), 30_000);
  // A delivery is done when its provider answers: arrival plus the scripted delay.
  const answered = (calls: typeof providers.slack.calls) => {
    if (calls.length !== 1) throw new Error(`expected one provider call per channel, saw ${calls.length}`);
    return calls[0]!.at + delayMs - started;
  };
  const delivery: Record<string, number> = {
    slack: answered(providers.slack.calls.filter((c) => isAlertsChannelPost(providers, c))),
    email: answered(providers.sendgrid.calls),
    sms: answered(providers.twilio.calls),
    pagerduty: answered(providers.pagerduty.calls),
  };
  await providers.slack.waitFor((calls) => calls.some((c) => isFinalRootUpdate(c, root.ts)), 30_000);
  return { delivery, lastReply: summary.at - started, slackCalls: slackCallsByMethod(providers.slack.calls) };
}

export async function measureFanout(providers: Providers, replicas: Replicas, env: Record<string, string>, sizes: BenchSizes): Promise<FanoutResult> {
  const delay = sizes.providerDelayMs;
  resetProviders(providers, delay);
  await parallelFloor([...FANOUT_CHANNELS], env, 'warm'); // warm the SDK clients' connections
  const floorParallel: number[] = [];
  const floorSequential: number[] = [];
  for (let i = 0; i < sizes.fanoutRuns; i++) {
    floorParallel.push(await parallelFloor([...FANOUT_CHANNELS], env, `p${i}`));
    floorSequential.push(await sequentialFloor([...FANOUT_CHANNELS], env, `s${i}`));
  }

  await oneRun(providers, replicas, delay, 'warm-up');
  const runs: Array<Awaited<ReturnType<typeof oneRun>>> = [];
  for (let i = 0; i < sizes.fanoutRuns; i++) runs.push(await oneRun(providers, replicas, delay, String(i)));
  return {
    runs: runs.length,
    delivery: Object.fromEntries(FANOUT_CHANNELS.map((ch) => [ch, median(runs.map((r) => r.delivery[ch]!))])),
    lastDelivery: median(runs.map((r) => Math.max(...Object.values(r.delivery)))),
    lastReply: median(runs.map((r) => r.lastReply)),
    threadAfterDeliveries: median(runs.map((r) => r.lastReply - Math.max(...Object.values(r.delivery)))),
    floorParallel: median(floorParallel),
    floorSequential: median(floorSequential),
    slackCalls: runs.at(-1)!.slackCalls,
  };
}
