import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@slack/logger';
import { getWorld } from 'workflow/runtime';
import { sendWebResponse, toWebRequest } from './node-adapter.js';

type Handler = (request: Request) => Promise<Response>;

/** Where the engine posts its queue messages: `/.well-known/workflow/v1/{flow,step}`. */
const ROUTES: Record<string, 'workflows.mjs' | 'steps.mjs'> = {
  '/.well-known/workflow/v1/flow': 'workflows.mjs',
  '/.well-known/workflow/v1/step': 'steps.mjs',
};

export interface Engine {
  /** Base URL of the loopback listener, e.g. `http://127.0.0.1:41234/.well-known/workflow/v1`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the durable workflow engine for this process.
 *
 * The compiled workflow and step bundles are served on a listener bound to 127.0.0.1
 * only: these endpoints are unauthenticated (a crafted POST could start a run with any
 * input), so they never share the public, Slack-facing port. With the local world the
 * queue also dispatches straight to the handlers in-process, skipping the HTTP hop.
 * `world.start()` re-enqueues runs that a crash or restart cut off.
 */
export async function startEngine(options: { bundleDir: URL; port: number; logger: Logger }): Promise<Engine> {
  const handlers = new Map<string, Handler>();
  for (const [path, file] of Object.entries(ROUTES)) {
    const bundle = (await import(new URL(file, options.bundleDir).href)) as { POST: Handler };
    handlers.set(path, bundle.POST);
  }

  const server = createServer((req, res) => {
    const handler = req.method === 'POST' ? handlers.get((req.url ?? '').split('?')[0]!) : undefined;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    // An error escaping an async request handler would take the whole process down.
    (async () => {
      const request = await toWebRequest(req, `http://${req.headers.host ?? '127.0.0.1'}`);
      await sendWebResponse(res, await handler(request));
    })().catch((error: unknown) => {
      options.logger.error(`workflow endpoint ${req.url} failed: ${(error as Error)?.message ?? error}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await listen(server, options.port, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/.well-known/workflow/v1`;
  // The local world's queue would otherwise guess from PORT, the public Slack port.
  process.env.WORKFLOW_LOCAL_BASE_URL = `http://127.0.0.1:${port}`;

  const world = getWorld() as ReturnType<typeof getWorld> & {
    registerHandler?: (prefix: '__wkf_workflow_' | '__wkf_step_', handler: Handler) => void;
  };
  if (typeof world.registerHandler === 'function') {
    world.registerHandler('__wkf_workflow_', handlers.get('/.well-known/workflow/v1/flow')!);
    world.registerHandler('__wkf_step_', handlers.get('/.well-known/workflow/v1/step')!);
  }
  await world.start?.();

  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await (world as { close?: () => Promise<void> }).close?.();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
