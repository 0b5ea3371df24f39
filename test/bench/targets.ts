import type { EngineResults } from './run-benchmarks.js';

/** One target of the issue, judged on one engine setup. */
export interface TargetCheck {
  target: string;
  figure: string;
  met: boolean;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

export function checkTargets(results: EngineResults): TargetCheck[] {
  const { ack, fanout, paced, throughput, width } = results;
  const widest = width.at(-1);
  return [
    {
      target: 'ack p99 under 50 ms at 20 concurrent',
      figure: `p99 ${ack.app.concurrent.p99.toFixed(1)} ms`,
      met: ack.app.concurrent.p99 < 50,
    },
    {
      target: '4-channel fan-out: last delivery within 1.3× the limit',
      figure: `${ms(fanout.lastDelivery)} = ${(fanout.lastDelivery / fanout.floorParallel).toFixed(2)}× the limit (${ms(fanout.floorParallel)})`,
      met: fanout.lastDelivery <= 1.3 * fanout.floorParallel,
    },
    {
      target: '4-channel fan-out: last thread reply within the limit + 300 ms',
      figure: `${ms(fanout.lastReply)} = limit + ${ms(fanout.lastReply - fanout.floorParallel)}`,
      met: fanout.lastReply <= fanout.floorParallel + 300,
    },
    {
      target: 'at least 5 incidents/s sustained, 4 channels each',
      figure: `burst of ${throughput.incidents}: ${throughput.perSecond.toFixed(2)}/s (${throughput.completed} completed)`,
      met: throughput.perSecond >= 5 && throughput.completed === throughput.incidents,
    },
    {
      target: `no growing backlog at ${paced.pacePerSecond}/s`,
      figure:
        `${paced.completed}/${paced.incidents} done at ${paced.perSecond.toFixed(1)}/s; ` +
        `latency p50 ${ms(paced.firstQuarterP50)} (first quarter) → ${ms(paced.lastQuarterP50)} (last)`,
      // Keeping up: completions come at (nearly) the pace of submissions, and the last
      // incidents wait no longer than the first ones (with 50% slack for noise).
      met:
        paced.completed === paced.incidents &&
        paced.perSecond >= 0.9 * (paced.pacePerSecond ?? 0) &&
        paced.lastQuarterP50 <= 1.5 * paced.firstQuarterP50,
    },
    {
      target: 'peak RSS under 300 MB',
      figure: `${paced.peakRssMb.toFixed(0)} MB at ${paced.pacePerSecond}/s; ${throughput.peakRssMb.toFixed(0)} MB after the burst`,
      met: paced.peakRssMb < 300,
    },
    {
      target: `${widest?.targets ?? 50}-target fan-out under 5 s`,
      figure: widest ? ms(widest.lastReply) : 'not run',
      met: Boolean(widest && widest.lastReply < 5_000),
    },
  ];
}
