import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFailed } from 'vitest';

const APP = fileURLToPath(new URL('../../dist/app.mjs', import.meta.url));

export interface AppProcess {
  /** `http://127.0.0.1:PORT/slack/events` */
  eventsUrl: string;
  /** Everything the process printed, stdout and stderr interleaved. */
  output(): string;
  child: ChildProcess;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/**
 * Runs the built app (`dist/app.mjs`) as a real process, in an empty working directory
 * (so no developer `.env` leaks in), and resolves once Slack's listener is up.
 */
export async function startApp(
  env: Record<string, string>,
  options: {
    dataDir?: string;
    timeoutMs?: number;
    /** Arguments to the app, e.g. `--sandbox`. */
    args?: string[];
    /** Node flags, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
    nodeArgs?: string[];
  } = {},
): Promise<AppProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'incident-router-app-'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), APP, ...(options.args ?? [])], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? cwd,
      PORT: '0',
      HOST: '127.0.0.1',
      WORKFLOW_LOCAL_DATA_DIR: options.dataDir ?? join(cwd, '.workflow-data'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  showOutputOnFailure(() => output);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const eventsUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start within ${options.timeoutMs ?? 20_000} ms:\n${output}`)), options.timeoutMs ?? 20_000);
    const onData = () => {
      const match = /Slack: listening on (http:\/\/\S+\/slack\/events)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    eventsUrl,
    output: () => output,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the built app to completion (for startup failures) and returns its exit code and output. */
export function runAppToExit(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'incident-router-app-'));
  const child = spawn(process.execPath, [APP, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit({ code, output })));
}

/**
 * When the current test fails, prints the end of the app's log beside the failure:
 * a multi-process test is hard to diagnose from the assertion alone.
 */
function showOutputOnFailure(output: () => string): void {
  try {
    onTestFailed(() => {
      console.error(`--- app process log (last 80 lines) ---\n${output().split('\n').slice(-80).join('\n')}`);
    });
  } catch {
    // Started outside a test (in a hook): nothing to attach to.
  }
}
