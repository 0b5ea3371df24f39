import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FailureControls, FailureRequest } from './failure-controls.js';
import type { InteractionResult, SlackInteractions } from './interactions.js';
import type { SandboxState } from './sandbox-state.js';

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/sandbox.js': 'sandbox.js',
  '/blocks.js': 'blocks.js',
  '/mrkdwn.js': 'mrkdwn.js',
  '/modal-fields.js': 'modal-fields.js',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8' };

export interface PageServerOptions {
  port: number;
  /** Folder with index.html and its scripts. */
  pageDir: URL;
  state: () => SandboxState;
  interactions: SlackInteractions;
  failures: FailureControls;
}

/**
 * The sandbox page and its small JSON API, on 127.0.0.1 only. The page follows the
 * stand-ins through server-sent events (the whole state on every change) and posts
 * what the person does; requests from any other origin are refused, so another web
 * page cannot drive the sandbox (nor DNS-rebind to it).
 */
export class PageServer {
  readonly #server: Server;
  readonly #streams = new Set<ServerResponse>();
  #pending: NodeJS.Timeout | undefined;
  url = '';

  constructor(private readonly options: PageServerOptions) {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: Error) => {
        if (!res.headersSent) json(res, 500, { ok: false, error: error.message });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.url = `http://localhost:${(this.#server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Tells every open page that something changed (coalesced: a fan-out is many calls). */
  changed(): void {
    this.#pending ??= setTimeout(() => {
      this.#pending = undefined;
      const data = `data: ${JSON.stringify(this.options.state())}\n\n`;
      for (const stream of this.#streams) stream.write(data);
    }, 25);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { port } = this.#server.address() as AddressInfo;
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    const origin = req.headers.origin;
    if (!hosts.includes(req.headers.host ?? '') || (origin && !hosts.some((host) => origin === `http://${host}`))) {
      return json(res, 403, { ok: false, error: 'the sandbox answers its own page only' });
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && FILES[path]) {
      const file = FILES[path]!;
      const body = await readFile(new URL(file, this.options.pageDir));
      res.writeHead(200, { 'content-type': TYPES[file.split('.').pop()!]!, 'cache-control': 'no-store' });
      return void res.end(body);
    }
    if (req.method === 'GET' && path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`data: ${JSON.stringify(this.options.state())}\n\n`);
      this.#streams.add(res);
      req.once('close', () => this.#streams.delete(res));
      return;
    }
    if (req.method === 'GET' && path === '/favicon.ico') return void res.writeHead(204).end();
    if (req.method === 'GET' && path === '/state') return json(res, 200, this.options.state());
    if (req.method !== 'POST') return json(res, 404, { ok: false, error: 'not found' });

    const body = await readJson(req);
    const { interactions, failures } = this.options;
    let result: InteractionResult;
    switch (path) {
      case '/api/message':
        result = await interactions.message(String(body.channel), String(body.text ?? ''), body.thread_ts ? String(body.thread_ts) : undefined);
        break;
      case '/api/action':
        result = await interactions.action({
          channel: String(body.channel),
          ts: String(body.ts),
          blockIndex: Number(body.block_index),
          element: body.element === 'accessory' ? 'accessory' : Number(body.element),
          ephemeral: body.ephemeral === true,
        });
        break;
      case '/api/submit':
        result = await interactions.submit(String(body.view_id), body.values ?? {});
        break;
      case '/api/view-action':
        result = await interactions.viewAction(String(body.view_id), { blockId: String(body.block_id), actionId: String(body.action_id) }, body.values ?? {});
        break;
      case '/api/close':
        result = await interactions.close(String(body.view_id));
        break;
      case '/api/failures':
        try {
          failures.apply(body as FailureRequest);
          result = { ok: true };
        } catch (error) {
          result = { ok: false, error: (error as Error).message };
        }
        break;
      default:
        return json(res, 404, { ok: false, error: 'not found' });
    }
    this.changed();
    json(res, result.ok || result.errors ? 200 : 400, result);
  }

  async close(): Promise<void> {
    for (const stream of this.#streams) stream.end();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return {};
  }
}
