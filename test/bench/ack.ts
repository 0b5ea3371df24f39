import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRETS } from '../support/providers.js';
import { signedPost, slashCommandBody } from '../support/slack-requests.js';
import type { BenchSizes } from './sizes.js';
import { closedLoop, distribution, type Distribution } from './stats.js';

/** Section 1: ack latency of signed `/incident` commands, the app beside the floor. */
export interface AckSeries {
  /** The first concurrent burst after start: connections opened, code not yet optimised. */
  firstBurst: Distribution;
  sequential: Distribution;
  concurrent: Distribution;
}

export interface AckResult {
  app: AckSeries;
  floor: AckSeries;
}

const FLOOR_SERVER = fileURLToPath(new URL('./floor-ack-server.mjs', import.meta.url));

/** The bare `node:http` server in its own process, like the app; `stop` kills it. */
export async function startFloorServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [FLOOR_SERVER], {
    env: { PATH: process.env.PATH ?? '', SLACK_SIGNING_SECRET: TEST_SECRETS.SLACK_SIGNING_SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function command(url: string, i: number): Promise<void> {
  const response = await signedPost(url, slashCommandBody({ text: `ack probe ${i}` }), { secret: TEST_SECRETS.SLACK_SIGNING_SECRET });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/incident answered ${response.status} at ${url}`);
}

async function series(nextUrl: () => string, sizes: BenchSizes): Promise<AckSeries> {
  const burst = (n: number) => closedLoop(n, sizes.ackConcurrency, (i) => command(nextUrl(), i));
  await closedLoop(Math.min(20, sizes.ackCommands), 1, (i) => command(nextUrl(), i));
  const firstBurst = distribution(await burst(sizes.ackCommands));
  // Warm-up: a server that has been up for a while has its connections open and its
  // hot paths optimised; the first burst above shows the cost of not being there yet.
  await burst(sizes.ackCommands);
  const sequential = distribution(await closedLoop(sizes.ackCommands, 1, (i) => command(nextUrl(), i)));
  const concurrent = distribution(await closedLoop(sizes.ackCommands, sizes.ackConcurrency, (i) => command(nextUrl(), i)));
  return { firstBurst, sequential, concurrent };
}

/** Floor and app measured back to back, so both see the same machine load. */
export async function measureAck(nextAppUrl: () => string, floorUrl: string, sizes: BenchSizes): Promise<AckResult> {
  const floor = await series(() => floorUrl, sizes);
  const app = await series(nextAppUrl, sizes);
  return { app, floor };
}
