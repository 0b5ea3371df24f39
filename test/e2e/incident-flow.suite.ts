import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { setUpEngine, type EngineKind, type TestEngine } from '../support/engines.js';
import { startProviders, TEST_SECRETS, type Providers } from '../support/providers.js';
import { signedPost, slashCommandBody, viewSubmissionBody } from '../support/slack-requests.js';
import { threadLines } from '../support/incidents.js';

/**
 * The whole /incident pipeline through the real app process, driven like Slack drives
 * it. Runs once per engine (see the *.test.ts files beside this one).
 */
export function incidentFlowSuite(engineKind: EngineKind): void {
  let providers: Providers;
  let app: AppProcess;
  let engine: TestEngine;
  const secret = TEST_SECRETS.SLACK_SIGNING_SECRET;

  beforeAll(async () => {
    engine = await setUpEngine(engineKind);
    providers = await startProviders();
    app = await startApp({ ...providers.env, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' });
  });
  afterAll(async () => {
    if (process.env.SHOW_APP_OUTPUT) console.log(app?.output());
    await app?.stop();
    await providers?.close();
    await engine?.drop();
  });
  beforeEach(() => providers.reset());

  /** Submits the modal and returns the root message once it is posted. */
  async function submit(fields: { severity: string; message: string; channelId?: string }) {
    const response = await signedPost(app.eventsUrl, viewSubmissionBody(fields), { secret });
    expect(response.status).toBe(200);
    return response;
  }

  /** Waits for the final summary reply and returns the whole thread. */
  async function finishedThread(channel = 'C0INCIDENT') {
    const root = await providers.slack.waitFor(() => providers.slack.messages.find((m) => m.channel === channel && !m.thread_ts));
    await providers.slack.waitFor(() => threadLines(providers, root).find((line) => /delivered.*Run `wrun_/.test(line)));
    // One entry per line: results that land together share one message.
    return { root, replies: threadLines(providers, root).map((text) => ({ text })) };
  }

  describe('/incident end to end', () => {
    it('opens the modal pre-filled with the command text', async () => {
      const response = await signedPost(app.eventsUrl, slashCommandBody({ text: 'db latency is spiking' }), { secret });
      expect(response.status).toBe(200);
      const [call] = await providers.slack.waitFor((calls) => {
        const opens = calls.filter((c) => c.path === '/api/views.open');
        return opens.length > 0 && opens;
      });
      expect(call!.body.trigger_id).toBe('1234567890.123.abcdef');
      expect(call!.body.view.title.text).toBe('Report an incident');
      const message = call!.body.view.blocks.find((b: any) => b.block_id === 'message');
      expect(message.element.initial_value).toBe('db latency is spiking');
    });

    it('delivers a critical incident to every channel and reports each in the thread', async () => {
      await submit({ severity: 'critical', message: 'db latency is spiking' });
      const { root, replies } = await finishedThread();

      expect(root.blocks?.[0].text.text).toMatch(/CRITICAL · INC-[0-9A-Z]{8}/);
      const texts = replies.map((r) => r.text ?? '');
      expect(texts[0]).toMatch(/^Routing INC-\w+ to 5 targets: slack \(rule 1: every severity\), email \(rule 2: warning and up\), sms \(rule 3: critical\), pagerduty \(rule 4: critical\), webhook \(rule 5: every severity\)\./);
      for (const channel of ['slack', 'email', 'sms', 'pagerduty', 'webhook']) {
        expect(texts.filter((t) => t.startsWith(`✅ *${channel}* delivered`))).toHaveLength(1);
      }
      expect(texts.at(-1)).toMatch(/All delivered: 5\/5 channels delivered/);
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('5/5 delivered'));

      expect(providers.sendgrid.callsTo('/v3/mail/send')).toHaveLength(1);
      expect(providers.twilio.calls).toHaveLength(1);
      expect(providers.pagerduty.calls).toHaveLength(1);
      expect(providers.webhook.calls).toHaveLength(1);
    });
  });

  describe('provider payloads', () => {
    it('sends each provider its real wire format, with idempotency keys', async () => {
      await submit({ severity: 'critical', message: 'checkout is down\nerrors everywhere' });
      const { root } = await finishedThread();
      const incidentId = /INC-[0-9A-Z]{8}/.exec(root.blocks?.[0].text.text)![0];

      const [mail] = providers.sendgrid.calls;
      expect(mail!.headers.authorization).toBe(`Bearer ${TEST_SECRETS.SENDGRID_API_KEY}`);
      expect(mail!.body.from.email).toBe('alerts@example.com');
      expect(mail!.body.personalizations[0].to.map((t: any) => t.email)).toEqual(['oncall@example.com', 'sre@example.com']);
      expect(mail!.body.subject).toBe(`[CRITICAL] ${incidentId}: checkout is down`);
      expect(mail!.body.headers['X-Incident-Id']).toBe(incidentId);

      const [sms] = providers.twilio.calls;
      expect(sms!.path).toBe(`/2010-04-01/Accounts/${providers.env.TWILIO_ACCOUNT_SID}/Messages.json`);
      expect(sms!.headers.authorization).toBe(
        `Basic ${Buffer.from(`${providers.env.TWILIO_ACCOUNT_SID}:${TEST_SECRETS.TWILIO_AUTH_TOKEN}`).toString('base64')}`,
      );
      expect(sms!.body).toMatchObject({ To: '+15551234567', From: '+15550000001' });
      expect(sms!.body.Body).toContain(`[CRITICAL] ${incidentId}: checkout is down`);

      const [page] = providers.pagerduty.calls;
      expect(page!.body).toMatchObject({
        routing_key: TEST_SECRETS.PAGERDUTY_ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: incidentId,
        payload: { severity: 'critical', source: 'incident-router', summary: `[CRITICAL] ${incidentId}: checkout is down` },
      });

      const [hook] = providers.webhook.calls;
      const id = String(hook!.headers['webhook-id']);
      const timestamp = Number(hook!.headers['webhook-timestamp']);
      expect(id).toMatch(/^step_/);
      const key = Buffer.from(TEST_SECRETS.ALERT_WEBHOOK_SECRET.slice('whsec_'.length), 'base64');
      const { createHmac } = await import('node:crypto');
      const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hook!.raw}`).digest('base64');
      expect(hook!.headers['webhook-signature']).toBe(`v1,${expected}`);
      expect(hook!.body.data).toMatchObject({ id: incidentId, severity: 'critical', message: 'checkout is down\nerrors everywhere' });

      const [alert] = providers.slack.messages.filter((m) => m.channel === 'C0ALERTS01');
      expect(alert!.text).toContain(incidentId);
    });

    it('routes an info incident to Slack (and the configured webhook) only', async () => {
      await submit({ severity: 'info', message: 'deploy finished with warnings' });
      const { replies } = await finishedThread();
      expect(replies[0]!.text).toMatch(/to 2 targets: slack \(rule 1: every severity\), webhook \(rule 5: every severity\)/);
      expect(providers.sendgrid.calls).toHaveLength(0);
      expect(providers.twilio.calls).toHaveLength(0);
      expect(providers.pagerduty.calls).toHaveLength(0);
    });
  });

  describe('failures', () => {
    it('retries a provider 500 and delivers on the next attempt, keeping the webhook id', async () => {
      providers.twilio.script('/2010-04-01/', { status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } });
      providers.webhook.script('/hooks/', { status: 503, body: 'busy' });
      await submit({ severity: 'critical', message: 'payments failing' });
      const { replies } = await finishedThread();
      const texts = replies.map((r) => r.text ?? '');
      expect(texts).toContainEqual(expect.stringMatching(/^✅ \*sms\* delivered to \+1•+4567 \(on attempt 2\)$/));
      expect(texts).toContainEqual(expect.stringMatching(/^✅ \*webhook\* delivered to http:\/\/127\.0\.0\.1:\d+ \(on attempt 2\)$/));
      expect(providers.twilio.calls).toHaveLength(2);
      const ids = providers.webhook.calls.map((c) => c.headers['webhook-id']);
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBe(ids[1]);
      expect(texts.at(-1)).toMatch(/5\/5 channels delivered/);
    });

    it('reports a provider 400 once, without retrying, and the other channels still deliver', async () => {
      providers.pagerduty.script('/v2/enqueue', { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Length of dedup_key is too long'] } });
      await submit({ severity: 'critical', message: 'disk full on db-1' });
      const { root, replies } = await finishedThread();
      const texts = replies.map((r) => r.text ?? '');
      const failure = texts.filter((t) => t.startsWith('❌ *pagerduty* failed'));
      expect(failure).toEqual([
        '❌ *pagerduty* failed: PagerDuty answered 400 Bad Request: Event object is invalid: Length of dedup_key is too long (permanent error, not retried)',
      ]);
      expect(providers.pagerduty.calls).toHaveLength(1);
      expect(texts.filter((t) => t.startsWith('✅'))).toHaveLength(4);
      expect(texts.at(-1)).toMatch(/4\/5 channels delivered; failed: pagerduty/);
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('4/5 delivered'));
      expect(JSON.stringify(root.blocks)).toContain('❌ pagerduty');
    });

    it('lands every root update even when chat.update is rate-limited', async () => {
      providers.slack.script('/api/chat.update', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
      await submit({ severity: 'critical', message: 'api 5xx rate above 10%' });
      const { root } = await finishedThread();
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('5/5 delivered'));
      const updates = providers.slack.method('chat.update');
      // The rate-limited update was retried: results landing together share an update,
      // so there is one per batch of results, plus the retry.
      expect(updates.filter((u) => u.headers['content-type']).length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(root.blocks)).not.toContain('⏳');
    });

    it('moves the thread to a DM when the bot cannot post in the channel, and still delivers', async () => {
      providers.slack.script((call) => call.path === '/api/chat.postMessage' && call.body.channel === 'C0PRIVATE', {
        body: { ok: false, error: 'not_in_channel' },
      });
      await submit({ severity: 'warning', message: 'queue backlog growing', channelId: 'C0PRIVATE' });
      const { root, replies } = await finishedThread('D0REPORTER');
      expect(JSON.stringify(root.blocks)).toContain('I could not post this incident in <#C0PRIVATE> (not_in_channel)');
      expect(JSON.stringify(root.blocks)).toContain('/invite @Incident Router');
      expect(replies.at(-1)!.text).toMatch(/3\/3 channels delivered/);
      expect(providers.sendgrid.calls).toHaveLength(1);
    });
  });

  describe('Slack requests', () => {
    it('answers 401 to a bad signature and starts nothing', async () => {
      const response = await signedPost(app.eventsUrl, slashCommandBody({ text: 'x' }), { secret, signature: 'v0=deadbeef' });
      expect(response.status).toBe(401);
      const wrongSecret = await signedPost(app.eventsUrl, slashCommandBody({ text: 'x' }), { secret: 'f'.repeat(32) });
      expect(wrongSecret.status).toBe(401);
      expect(providers.slack.method('views.open')).toHaveLength(0);
    });

    it('answers 401 to a stale timestamp (replay)', async () => {
      const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
      const response = await signedPost(app.eventsUrl, slashCommandBody({ text: 'x' }), { secret, timestamp: sixMinutesAgo });
      expect(response.status).toBe(401);
      expect(providers.slack.method('views.open')).toHaveLength(0);
    });

    it.each([
      ['an empty message', { severity: 'critical', message: '   ' }, 'message', 'Describe what is happening.'],
      ['a message over the limit', { severity: 'warning', message: 'x'.repeat(2001) }, 'message', 'Keep it under 2000 characters (this one has 2001).'],
      ['a tampered severity', { severity: 'apocalyptic', message: 'hello' }, 'severity', 'Pick one of Info, Warning or Critical.'],
      ['no severity', { message: 'hello' }, 'severity', 'Pick a severity.'],
    ])('returns inline errors for %s and starts nothing', async (_name, fields, block, error) => {
      const response = await signedPost(app.eventsUrl, viewSubmissionBody(fields), { secret });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ response_action: 'errors', errors: { [block]: error } });
      // Give a wrongly started run every chance to show up before checking that none did.
      await signedPost(app.eventsUrl, slashCommandBody({ text: 'probe' }), { secret });
      await providers.slack.waitFor((calls) => calls.some((c) => c.path === '/api/views.open'));
      // No incident started: no root message (an earlier test's incident may still be
      // finishing its thread, so other posts are not this test's business).
      expect(providers.slack.method('chat.postMessage').filter((c) => c.body.blocks?.[0]?.type === 'header')).toHaveLength(0);
    });

    it('escapes user text everywhere it reaches Slack, so nobody can ping through the bot', async () => {
      await submit({ severity: 'critical', message: 'hey <!channel> and <@U123> & <!here|here> look' });
      const { root } = await finishedThread();
      await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('5/5 delivered'));
      const slackBodies = providers.slack.calls.filter((c) => /chat\.(postMessage|update)/.test(c.path)).map((c) => JSON.stringify(c.body));
      // Root message, alerts-channel copy, thread replies, root updates.
      expect(slackBodies.length).toBeGreaterThanOrEqual(4);
      for (const body of slackBodies) {
        expect(body).not.toContain('<!channel>');
        expect(body).not.toContain('<@U123>');
        expect(body).not.toContain('<!here');
      }
      const rootAndAlert = slackBodies.filter((b) => b.includes('hey '));
      expect(rootAndAlert.length).toBeGreaterThanOrEqual(2);
      for (const body of rootAndAlert) expect(body).toContain('hey &lt;!channel&gt; and &lt;@U123&gt; &amp; &lt;!here|here&gt; look');
    });
  });

  describe('workflow endpoints', () => {
    it('are served on 127.0.0.1 only, never on the Slack-facing listener', async () => {
      const match = /endpoints on (http:\/\/127\.0\.0\.1:\d+\/\.well-known\/workflow\/v1) \(loopback only\)/.exec(app.output());
      expect(match).not.toBeNull();
      const publicBase = app.eventsUrl.replace(/\/slack\/events$/, '');
      for (const path of ['flow', 'step']) {
        const response = await fetch(`${publicBase}/.well-known/workflow/v1/${path}`, { method: 'POST', body: '{}' });
        expect(response.status).toBe(404);
      }
    });

    it('survive a malformed request without taking the process down', async () => {
      const base = /endpoints on (\S+) \(loopback only\)/.exec(app.output())![1]!;
      const response = await fetch(`${base}/flow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(app.child.exitCode).toBeNull();
      await submit({ severity: 'info', message: 'still alive' });
      const { replies } = await finishedThread();
      expect(replies.at(-1)!.text).toMatch(/2\/2 channels delivered/);
    });
  });

  describe('startup', () => {
    it('stops with every configuration problem listed, no stack trace and no secret', async () => {
      const { runAppToExit } = await import('../support/app-process.js');
      const { code, output } = await runAppToExit({
        SLACK_BOT_TOKEN: 'xoxp-user-token-SECRETVALUE',
        SENDGRID_API_KEY: 'SG.only-half-configured-SECRETVALUE',
        PAGERDUTY_ROUTING_KEY: 'short-SECRETVALUE',
      });
      expect(code).toBe(1);
      expect(output).toMatch(/^Incident Router cannot start: 5 configuration problems\./m);
      expect(output).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
      expect(output).toContain('SLACK_SIGNING_SECRET is not set');
      expect(output).toContain('ALERT_EMAIL_FROM is not set, but SENDGRID_API_KEY is');
      expect(output).toContain('ALERT_EMAIL_TO is not set, but SENDGRID_API_KEY is');
      expect(output).toContain('PAGERDUTY_ROUTING_KEY must be the 32-character integration key');
      expect(output).not.toContain('SECRETVALUE');
      expect(output).not.toMatch(/\n\s+at /);
    });

    it('says clearly when Slack rejects the bot token', async () => {
      const { runAppToExit } = await import('../support/app-process.js');
      providers.slack.script('/api/auth.test', { body: { ok: false, error: 'invalid_auth' } });
      const { code, output } = await runAppToExit({ ...providers.env });
      expect(code).toBe(1);
      expect(output).toContain('Incident Router cannot start: Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
      expect(output).not.toContain(TEST_SECRETS.SLACK_BOT_TOKEN);
    });

    it('says clearly when Slack cannot be reached, instead of hanging', async () => {
      const { runAppToExit } = await import('../support/app-process.js');
      const { createServer } = await import('node:net');
      // A port that was free a moment ago: nothing listens there.
      const closedPort = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      const { code, output } = await runAppToExit({ ...providers.env, SLACK_API_URL: `http://127.0.0.1:${closedPort}/api/` });
      expect(code).toBe(1);
      expect(output).toContain(`Incident Router cannot start: could not reach Slack's Web API at http://127.0.0.1:${closedPort}/api/`);
    });
  });
}
