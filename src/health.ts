import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from './engine/engine.js';

/**
 * `GET /healthz`: 200 when the engine (and, for the Postgres engine, its database)
 * is up, 503 otherwise or while the process is shutting down, so a load balancer
 * stops sending Slack traffic to it. The body says which part is down; no secrets.
 */
export function healthHandler(engine: Engine, isStopping: () => boolean) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { status: engineStatus, ...health } = await engine.health();
    const stopping = isStopping();
    const ok = engineStatus === 'up' && !stopping;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ status: stopping ? 'stopping' : ok ? 'ok' : 'down', ...health }));
  };
}
