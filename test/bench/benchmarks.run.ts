import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runBenchmarks } from './run-benchmarks.js';
import { sizesFromEnv } from './sizes.js';

/**
 * `npm run bench`: every section on every engine, then docs/benchmarks.md is rewritten.
 * A measurement, not a test: nothing here judges a time (the report lists the targets).
 * `BENCH_SIZE=smoke` runs the tiny sizes; `BENCH_ENGINES=local,postgres:1` picks engines;
 * `BENCH_OUT` writes the report elsewhere; `BENCH_CPU_PROF=<dir>` profiles the app processes.
 */
it('runs the benchmarks and writes the report', async () => {
  const sizes = sizesFromEnv();
  const outFile = process.env.BENCH_OUT ?? fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  if (process.env.BENCH_CPU_PROF) mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
  const results = await runBenchmarks({
    sizes,
    outFile,
    command: sizes.name === 'full' && !process.env.BENCH_ENGINES ? 'npm run bench' : benchCommand(),
    cpuProfileDir: process.env.BENCH_CPU_PROF,
    log: (line) => console.log(`bench: ${line}`),
  });
  expect(results.engines).toHaveLength(sizes.engines.length);
});

function benchCommand(): string {
  const vars = ['BENCH_SIZE', 'BENCH_ENGINES'].flatMap((name) => (process.env[name] ? [`${name}=${process.env[name]}`] : []));
  return [...vars, 'npm run bench'].join(' ');
}
