import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runBenchmarks, runWidthOnly } from './run-benchmarks.js';
import { sizesFromEnv } from './sizes.js';

/**
 * `npm run bench`: every section on every engine, then docs/benchmarks.md is rewritten.
 * A measurement, not a test: nothing here judges a time (the report lists the targets).
 * `BENCH_SIZE=smoke` runs the tiny sizes; `BENCH_ENGINES=local,postgres:1` picks engines;
 * `BENCH_OUT` writes the report elsewhere; `BENCH_CPU_PROF=<dir>` profiles the app processes;
 * `BENCH_SECTION=width` runs section 4 alone and only logs its figures (no report).
 */
it('runs the benchmarks and writes the report', async () => {
  const sizes = sizesFromEnv();
  if (process.env.BENCH_CPU_PROF) mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
  if (process.env.BENCH_SECTION) {
    if (process.env.BENCH_SECTION !== 'width') throw new Error(`BENCH_SECTION: only "width" can run alone, not "${process.env.BENCH_SECTION}"`);
    const results = await runWidthOnly(sizes, (line) => console.log(`bench: ${line}`), process.env.BENCH_CPU_PROF);
    expect(results).toHaveLength(sizes.engines.length);
    return;
  }
  const outFile = process.env.BENCH_OUT ?? fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
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
