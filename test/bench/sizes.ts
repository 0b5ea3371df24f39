/** How much work each section does. `BENCH_SIZE=smoke` picks the tiny set. */
export interface BenchSizes {
  name: 'full' | 'smoke';
  /** Answer delay of every delivery provider, in milliseconds. */
  providerDelayMs: number;
  /** Section 1: signed /incident commands per series, and the concurrent series' width. */
  ackCommands: number;
  ackConcurrency: number;
  /** Section 2: measured fan-outs (after one warm-up); the figure is their median. */
  fanoutRuns: number;
  /** Section 3: incidents submitted back to back, and incidents submitted at a steady pace. */
  throughputIncidents: number;
  pacedIncidents: number;
  pacePerSecond: number;
  /** Section 4: targets per incident, and measured runs per width (after one warm-up). */
  widths: number[];
  widthRuns: number;
  /** Engines to run on: `local`, `postgres:1`, `postgres:2` (replicas). */
  engines: EngineSetup[];
}

export interface EngineSetup {
  kind: 'local' | 'postgres';
  replicas: number;
  label: string;
}

export const ENGINES: Record<string, EngineSetup> = {
  local: { kind: 'local', replicas: 1, label: 'local world' },
  'postgres:1': { kind: 'postgres', replicas: 1, label: 'Postgres world, 1 replica' },
  'postgres:2': { kind: 'postgres', replicas: 2, label: 'Postgres world, 2 replicas' },
};

export const FULL: BenchSizes = {
  name: 'full',
  providerDelayMs: 200,
  ackCommands: 500,
  ackConcurrency: 20,
  fanoutRuns: 9,
  throughputIncidents: 200,
  pacedIncidents: 60,
  pacePerSecond: 5,
  widths: [1, 5, 10, 25, 50],
  widthRuns: 3,
  engines: [ENGINES.local!, ENGINES['postgres:1']!, ENGINES['postgres:2']!],
};

/** Every code path of the full run, in seconds: what CI runs so the benchmark cannot rot. */
export const SMOKE: BenchSizes = {
  name: 'smoke',
  providerDelayMs: 20,
  ackCommands: 10,
  ackConcurrency: 5,
  fanoutRuns: 1,
  throughputIncidents: 4,
  pacedIncidents: 3,
  pacePerSecond: 10,
  widths: [1, 2],
  widthRuns: 1,
  // One replica runs the same code as two; two replicas cover the spreading of work.
  engines: [ENGINES.local!, ENGINES['postgres:2']!],
};

/** The sizes chosen by `BENCH_SIZE` (`full` by default) and `BENCH_ENGINES` (comma list). */
export function sizesFromEnv(env: NodeJS.ProcessEnv = process.env): BenchSizes {
  const base = env.BENCH_SIZE === 'smoke' ? SMOKE : env.BENCH_SIZE === undefined || env.BENCH_SIZE === 'full' ? FULL : undefined;
  if (!base) throw new Error(`BENCH_SIZE must be "full" or "smoke", not "${env.BENCH_SIZE}"`);
  if (!env.BENCH_ENGINES) return base;
  const engines = env.BENCH_ENGINES.split(',').map((name) => {
    const engine = ENGINES[name.trim()];
    if (!engine) throw new Error(`BENCH_ENGINES: unknown engine "${name}"; use ${Object.keys(ENGINES).join(', ')}`);
    return engine;
  });
  return { ...base, engines };
}
