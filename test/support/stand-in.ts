import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a stand-in received it. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  /** Parsed body: JSON, or form fields (values that look like JSON objects/arrays decoded). */
  body: Record<string, any>;
  at: number;
}

/** A scripted answer; `network: true` drops the connection instead of answering. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  network?: boolean;
}

type Route = (call: RecordedCall) => Answer | Promise<Answer>;

/**
 * A local HTTP stand-in for a remote service, on 127.0.0.1 only. It records every
 * request, answers with the service's real wire format (`route`), and lets a test
 * script the next answers for a path (errors, rate limits, dropped connections).
 */
export class StandIn {
  readonly calls: RecordedCall[] = [];
  /**
   * Added to every answer, e.g. to model a slow provider; a function decides per call
   * (e.g. only Slack's alerts-channel post is slow, not the incident thread).
   */
  delayMs: number | ((call: RecordedCall) => number) = 0;
  #server: Server;
  #scripts: Array<{ match: (call: RecordedCall) => boolean; answers: Answer[] }> = [];
  #waiters = new Set<() => void>();
  #route: Route;
  url = '';

  constructor(route: Route) {
    this.#route = route;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The next answers for calls whose path (or `match`) fits, in order; then the default again. */
  script(match: string | ((call: RecordedCall) => boolean), ...answers: Answer[]): void {
    const fn = typeof match === 'string' ? (call: RecordedCall) => call.path.startsWith(match) : match;
    this.#scripts.push({ match: fn, answers });
  }

  /** Forgets recorded calls and scripts. */
  reset(): void {
    this.calls.length = 0;
    this.#scripts = [];
    this.delayMs = 0;
  }

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((call) => call.path.startsWith(path));
  }

  /**
   * Resolves once `predicate` holds over the recorded calls; rejects after `timeoutMs`
   * with what was recorded, so a failure says what did arrive.
   */
  async waitFor<T>(predicate: (calls: RecordedCall[]) => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const check = () => predicate(this.calls);
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(onCall);
        const seen = this.calls.map((c) => `${c.method} ${c.path}`).join(', ') || 'nothing';
        reject(new Error(`stand-in ${this.url}: condition not met within ${timeoutMs} ms; received: ${seen}`));
      }, timeoutMs);
      const onCall = () => {
        const value = check();
        if (value) {
          clearTimeout(timer);
          this.#waiters.delete(onCall);
          resolve(value);
        }
      };
      this.#waiters.add(onCall);
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      raw,
      body: parseBody(raw, req.headers['content-type']),
      at: Date.now(),
    };
    this.calls.push(call);
    const scripted = this.#scripts.find((s) => s.answers.length > 0 && s.match(call));
    let answer: Answer;
    try {
      answer = scripted ? scripted.answers.shift()! : await this.#route(call);
    } catch (error) {
      answer = { status: 500, body: { error: String(error) } };
    }
    const base = typeof this.delayMs === 'function' ? this.delayMs(call) : this.delayMs;
    const delay = base + (answer.delayMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (answer.network) {
      req.socket.destroy();
    } else {
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
      res.end(body);
    }
    for (const waiter of [...this.#waiters]) waiter();
  }
}

function parseBody(raw: string, contentType: string | undefined): Record<string, any> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const fields: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    fields[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return fields;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
