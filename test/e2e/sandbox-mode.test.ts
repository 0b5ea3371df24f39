import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runAppToExit, startApp } from '../support/app-process.js';
import { waitForOutput } from '../support/browser.js';
import { sendGridStandIn } from '../support/providers.js';

/**
 * Which mode runs, and when: the sandbox only on request (`--sandbox`, as `npm run
 * sandbox` passes it), never where production runs; a channel with real credentials
 * keeps its real provider inside the sandbox; the page answers only its own origin.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

describe('mode selection', () => {
  it('npm start with no Slack credentials lists what to set and points at the sandbox', async () => {
    const { code, output } = await runAppToExit({});
    expect(code).toBe(1);
    expect(output).toMatch(/^Incident Router cannot start: 2 configuration problems\./m);
    expect(output).toContain('No Slack app yet? `npm run sandbox` runs the whole flow in your browser');
    expect(output).not.toContain('SANDBOX');
  });

  it('refuses sandbox mode where production runs: NODE_ENV=production, the Postgres engine', async () => {
    const production = await runAppToExit({ NODE_ENV: 'production', SANDBOX_PORT: '0' }, ['--sandbox']);
    expect(production.code).toBe(1);
    expect(production.output).toContain('Incident Router cannot start: sandbox mode refuses to run with NODE_ENV=production');
    const postgres = await runAppToExit({ WORKFLOW_TARGET_WORLD: '@workflow/world-postgres', SANDBOX_PORT: '0' }, ['--sandbox']);
    expect(postgres.code).toBe(1);
    expect(postgres.output).toContain('sandbox mode runs on the embedded engine only');
  });
});

describe('the built app', () => {
  it('loads the sandbox code only through the --sandbox dynamic import', () => {
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
    /** Every file a module pulls in through static imports, itself included. */
    const closure = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)) closure(join(dirname(file), spec!), seen);
      return seen;
    };
    const chunks = readdirSync(join(dist, 'chunks')).filter((f) => f.endsWith('.mjs'));
    const sandboxChunks = chunks.filter((f) => readFileSync(join(dist, 'chunks', f), 'utf8').includes('SlackStandIn = class'));
    const server = chunks.find((f) => f.startsWith('server-'))!;
    expect(sandboxChunks).toHaveLength(1);
    const production = [...closure(join(dist, 'app.mjs')), ...closure(join(dist, 'chunks', server))].map((f) => f.split('/').pop());
    expect(production.filter((f) => f!.startsWith('chunk-')).length).toBeGreaterThan(0); // the walk follows imports
    expect(production).not.toContain(sandboxChunks[0]);
    expect(readFileSync(join(dist, 'app.mjs'), 'utf8')).toContain(`await import("./chunks/${sandboxChunks[0]}")`);
  });
});

describe('sandbox mode', () => {
  it('sends a channel with real credentials to its real provider, the rest to the outbox', async () => {
    // Plays the real SendGrid: it is not one of the sandbox's stand-ins.
    const realSendGrid = await sendGridStandIn().start();
    cleanup.push(() => realSendGrid.close());
    const app = await startApp(
      {
        SANDBOX_PORT: '0',
        SENDGRID_API_KEY: 'SG.a-real-key-of-the-user',
        ALERT_EMAIL_FROM: 'me@example.org',
        ALERT_EMAIL_TO: 'me@example.org',
        SENDGRID_API_URL: realSendGrid.url,
        SLACK_BOT_TOKEN: 'xoxb-users-real-token',
      },
      { args: ['--sandbox'] },
    );
    cleanup.push(() => app.stop());
    const [, page] = await waitForOutput(app, /Open (http:\/\/localhost:\d+\/)/);
    expect(app.output()).toContain('Incident Router: SANDBOX mode');
    expect(app.output()).toMatch(/Local outbox: +slack, sms, pagerduty, webhook/);
    expect(app.output()).toMatch(/Real provider: +email \(your credentials are set\)/);
    expect(app.output()).toMatch(/Ignored here: +SLACK_BOT_TOKEN/);
    expect(app.output()).not.toContain('xoxb-users-real-token');
    expect(app.output()).not.toContain('SG.a-real-key-of-the-user');

    const api = (path: string, body: unknown) =>
      fetch(new URL(path, page), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const state = () => fetch(new URL('/state', page)).then((r) => r.json() as Promise<any>);

    expect(await api('/api/message', { channel: 'C0INCIDENT', text: '/incident real email check' })).toEqual({ ok: true });
    await expect.poll(async () => (await state()).view?.id, { timeout: 10_000 }).toBeTruthy();
    const { view } = await state();
    const values = { severity: { severity_select: 'warning' }, message: { message_input: 'real email check' } };
    expect(await api('/api/submit', { view_id: view.id, values })).toEqual({ ok: true });

    await realSendGrid.waitFor((calls) => calls.length === 1);
    expect(realSendGrid.calls[0]!.headers.authorization).toBe('Bearer SG.a-real-key-of-the-user');
    await expect
      .poll(async () => (await state()).messages.map((m: any) => m.text).join('\n'), { timeout: 20_000 })
      .toMatch(/✅ \*email\* delivered to me@example.org[\s\S]*channels delivered/);
    const email = (await state()).outbox.find((o: any) => o.channel === 'email');
    expect(email).toMatchObject({ mode: 'real', received: [] });
  });

  it('answers only its own page: another Host or Origin is refused', async () => {
    const app = await startApp({ SANDBOX_PORT: '0' }, { args: ['--sandbox'] });
    cleanup.push(() => app.stop());
    const [, page] = await waitForOutput(app, /Open (http:\/\/localhost:\d+\/)/);
    const port = new URL(page!).port;
    const status = (headers: Record<string, string>, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: method === 'GET' ? '/state' : '/api/message', method, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(method === 'GET' ? undefined : JSON.stringify({ channel: 'C0INCIDENT', text: 'hi' }));
      });
    expect(await status({ host: `localhost:${port}` })).toBe(200);
    expect(await status({ host: `attacker.example:${port}` })).toBe(403);
    expect(await status({ host: `127.0.0.1:${port}`, origin: 'http://attacker.example', 'content-type': 'application/json' }, 'POST')).toBe(403);
  });
});
