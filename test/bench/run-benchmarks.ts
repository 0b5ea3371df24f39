import { writeFileSync } from 'node:fs';
import { ADMIN_POSTGRES_URL, setUpEngine } from '../support/engines.js';
import { startProviders, type Providers } from '../support/providers.js';
import { measureAck, startFloorServer, type AckResult } from './ack.js';
import { fourChannelEnv, startReplicas } from './bench-apps.js';
import { measureFanout, type FanoutResult } from './fanout.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { renderReport } from './report.js';
import type { BenchSizes, EngineSetup } from './sizes.js';
import { slope, watchMachine } from './stats.js';
import { measureLoad, type LoadResult } from './throughput.js';
import { measureWidth, type WidthRow } from './width.js';

/** Every figure of one engine setup. */
export interface EngineResults {
  engine: EngineSetup;
  ack: AckResult;
  fanout: FanoutResult;
  /** At a steady pace first (on a replica that has not seen a burst yet), then a burst. */
  paced: LoadResult;
  throughput: LoadResult;
  width: WidthRow[];
  /** How busy the whole machine was meanwhile: this run and anything else on it. */
  machine: { busyCores: number; loadAverage: number };
}

export interface BenchResults {
  sizes: BenchSizes;
  machine: MachineInfo;
  engines: EngineResults[];
  seconds: number;
}

export interface BenchOptions {
  sizes: BenchSizes;
  /** Where the markdown report goes. */
  outFile: string;
  /** The command line shown in the report. */
  command: string;
  /** When set, each app process writes a V8 CPU profile into this directory. */
  cpuProfileDir?: string;
  log?: (line: string) => void;
}

/**
 * Runs every section on every engine setup, one after another (never two at once: they
 * would share the two cores), and writes the report.
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchResults> {
  const { sizes } = options;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const usesPostgres = sizes.engines.some((e) => e.kind === 'postgres');
  const machine = await machineInfo(options.command, usesPostgres ? ADMIN_POSTGRES_URL : undefined);
  const floor = await startFloorServer();
  const engines: EngineResults[] = [];
  try {
    for (const setup of sizes.engines) {
      log(`${setup.label}: starting`);
      engines.push(await runOnEngine(setup, floor.url, options, log));
    }
  } finally {
    await floor.stop();
  }
  const results: BenchResults = { sizes, machine, engines, seconds: (Date.now() - started) / 1000 };
  writeFileSync(options.outFile, renderReport(results));
  log(`report written to ${options.outFile} after ${results.seconds.toFixed(0)} s`);
  return results;
}

/** The app's environment on a fresh engine, with the providers it talks to; both torn down after `use`. */
async function withEngine<T>(setup: EngineSetup, use: (providers: Providers, env: Record<string, string>, databaseUrl: string | undefined) => Promise<T>): Promise<T> {
  const engine = await setUpEngine(setup.kind);
  const providers = await startProviders();
  try {
    // A worker concurrency set for the bench run is passed on to the app (and reported).
    // So are Node options for the app (BENCH_APP_NODE_OPTIONS, e.g. a heap limit).
    const concurrency = process.env.WORKFLOW_POSTGRES_WORKER_CONCURRENCY;
    const nodeOptions = process.env.BENCH_APP_NODE_OPTIONS;
    const env = {
      ...fourChannelEnv(providers),
      ...engine.env,
      ...(concurrency ? { WORKFLOW_POSTGRES_WORKER_CONCURRENCY: concurrency } : {}),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    };
    return await use(providers, env, engine.databaseUrl);
  } finally {
    await providers.close();
    await engine.drop();
  }
}

async function runOnEngine(setup: EngineSetup, floorUrl: string, options: BenchOptions, log: (line: string) => void): Promise<EngineResults> {
  const { sizes } = options;
  const watch = watchMachine();
  return withEngine(setup, async (providers, env, databaseUrl) => {
    const replicas = await startReplicas(setup.replicas, env, options.cpuProfileDir);
    let ack: AckResult, fanout: FanoutResult, paced: LoadResult, throughput: LoadResult;
    try {
      ack = await measureAck(() => replicas.nextUrl(), floorUrl, sizes);
      log(`${setup.label}: ack p99 ${ack.app.concurrent.p99.toFixed(1)} ms at ${sizes.ackConcurrency} concurrent`);
      fanout = await measureFanout(providers, replicas, env, sizes);
      log(`${setup.label}: fan-out last reply ${fanout.lastReply} ms (limit ${fanout.floorParallel.toFixed(0)} ms)`);
      const load = { providerDelayMs: sizes.providerDelayMs, databaseUrl };
      paced = await measureLoad(providers, replicas, { ...load, incidents: sizes.pacedIncidents, pacePerSecond: sizes.pacePerSecond, label: 'paced' });
      log(`${setup.label}: paced ${paced.completed}/${paced.incidents} at ${sizes.pacePerSecond}/s, p50 ${paced.latency.p50} ms`);
      throughput = await measureLoad(providers, replicas, { ...load, incidents: sizes.throughputIncidents, label: 'burst' });
      log(`${setup.label}: ${throughput.completed}/${throughput.incidents} incidents, ${throughput.perSecond.toFixed(2)}/s`);
    } finally {
      await replicas.stop();
    }
    const width = await measureWidth(providers, env, setup.replicas, sizes, options.cpuProfileDir);
    log(`${setup.label}: width ${width.map((w) => `${w.targets}→${w.lastReply}ms`).join(' ')}`);
    return { engine: setup, ack, fanout, paced, throughput, width, machine: watch.stop() };
  });
}

/**
 * Section 4 alone (`BENCH_SECTION=width`), on every engine setup chosen: the rows go to
 * the log, and no report is written (a report needs every section).
 */
export async function runWidthOnly(sizes: BenchSizes, log: (line: string) => void, cpuProfileDir?: string): Promise<Array<{ engine: EngineSetup; width: WidthRow[] }>> {
  const results: Array<{ engine: EngineSetup; width: WidthRow[] }> = [];
  for (const setup of sizes.engines) {
    const width = await withEngine(setup, (providers, env) => measureWidth(providers, env, setup.replicas, sizes, cpuProfileDir));
    for (const w of width) {
      log(
        `${setup.label}: ${w.targets} targets: last delivery ${w.lastDelivery} ms, last thread reply ${w.lastReply} ms, floor ${w.floor.toFixed(0)} ms, ` +
          `${((w.lastReply - w.floor) / w.targets).toFixed(1)} ms per target over the floor; ${w.threadMessages} thread messages, ${w.rootUpdates} root updates`,
      );
    }
    const xs = width.map((w) => w.targets);
    log(`${setup.label}: growth ${slope(xs, width.map((w) => w.lastDelivery)).toFixed(1)} ms/target (last delivery), ${slope(xs, width.map((w) => w.lastReply)).toFixed(1)} ms/target (last thread reply), floor ${slope(xs, width.map((w) => w.floor)).toFixed(1)}`);
    results.push({ engine: setup, width });
  }
  return results;
}
