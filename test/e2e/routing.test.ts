import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../support/app-process.js';
import { finished, rootFor, submitIncident } from '../support/incidents.js';
import { startProviders, TEST_SECRETS, type Providers } from '../support/providers.js';
import { modalActionBody, signedPost, slashCommandBody, viewSubmissionBody, type ModalFields } from '../support/slack-requests.js';

/**
 * Routing as data through the real app: named targets from a routing file, a topic's
 * subscribers, broadcast, the modal's live preview (signed `block_actions` from the
 * open modal, answered with `views.update`), and a 50-target fan-out.
 */
const WIDE = 50;
const team = (i: number) => `team-${String(i).padStart(2, '0')}`;

let providers: Providers;
let app: AppProcess;
let routingFile: string;
const secret = TEST_SECRETS.SLACK_SIGNING_SECRET;

beforeAll(async () => {
  providers = await startProviders();
  routingFile = join(mkdtempSync(join(tmpdir(), 'incident-router-routing-')), 'routing.json');
  const wide = Array.from({ length: WIDE }, (_, i) => team(i + 1));
  writeFileSync(
    routingFile,
    JSON.stringify({
      targets: {
        'payments-email': { type: 'email', settings: { ALERT_EMAIL_TO: 'payments@example.com' } },
        'payments-hook': { type: 'webhook', secrets: { ALERT_WEBHOOK_URL: 'PAYMENTS_WEBHOOK_URL', ALERT_WEBHOOK_SECRET: 'PAYMENTS_WEBHOOK_SECRET' } },
        'search-slack': { type: 'slack', settings: { ALERT_SLACK_CHANNEL: 'C0SEARCH01' } },
        ...Object.fromEntries(wide.map((name) => [name, { type: 'email', settings: { ALERT_EMAIL_TO: `${name}@example.com` } }])),
      },
      rules: [{ targets: ['slack'], minSeverity: 'info' }],
      subscribers: [
        { name: 'payments-team', topics: ['payments', 'checkout'], targets: ['payments-email', 'payments-hook'] },
        { name: 'search-team', topics: ['search'], targets: ['search-slack'] },
        { name: 'all-teams', topics: ['company-wide'], targets: wide },
      ],
      escalation: {},
    }),
  );
  app = await startApp({
    ...providers.env,
    ROUTING_FILE: routingFile,
    PAYMENTS_WEBHOOK_URL: `${providers.webhook.url}/hooks/payments`,
    PAYMENTS_WEBHOOK_SECRET: 'whsec_cGF5bWVudHMtd2ViaG9vay1zZWNyZXQ=',
  });
});
afterAll(async () => {
  await app?.stop();
  await providers?.close();
});
beforeEach(() => providers.reset());

const emailsTo = () => providers.sendgrid.callsTo('/v3/mail/send').flatMap((c) => c.body.personalizations.flatMap((p: any) => p.to.map((t: any) => t.email)));
const previewOf = (view: any) => view.blocks.find((b: any) => b.block_id === 'routing_preview').text.text as string;

async function changeInModal(actionId: Parameters<typeof modalActionBody>[0], fields: ModalFields): Promise<string> {
  const before = providers.slack.method('views.update').length;
  const response = await signedPost(app.eventsUrl, modalActionBody(actionId, fields), { secret });
  expect(response.status).toBe(200);
  const updates = await providers.slack.waitFor(() => providers.slack.method('views.update').length > before && providers.slack.method('views.update'));
  const update = updates.at(-1)!;
  expect(update.body).toMatchObject({ view_id: 'V0000001', hash: '156772938.1827394' });
  return previewOf(update.body.view);
}

describe('routing as data, end to end', () => {
  it('the modal lists the topics and previews, as the choices change, who will be notified and why', async () => {
    await signedPost(app.eventsUrl, slashCommandBody({ text: 'cards declined' }), { secret });
    const [open] = await providers.slack.waitFor(() => providers.slack.method('views.open').length > 0 && providers.slack.method('views.open'));
    const view = open!.body.view;
    const topic = view.blocks.find((b: any) => b.block_id === 'topic');
    expect(topic.element.options.map((o: any) => o.value)).toEqual(['checkout', 'company-wide', 'payments', 'search']);
    expect(previewOf(view)).toBe('*Will notify:* pick a severity to see who.');

    const fields = { severity: 'warning', message: 'cards declined' };
    expect(await changeInModal('severity_select', fields)).toBe('*Will notify:* 1 target\n• *slack* (slack): rule 1: every severity');
    expect(await changeInModal('topic_select', { ...fields, topic: 'payments' })).toBe(
      [
        '*Will notify:* 3 targets',
        '• *slack* (slack): rule 1: every severity',
        '• *payments-email* (email): payments-team follows payments',
        '• *payments-hook* (webhook): payments-team follows payments',
      ].join('\n'),
    );
    const broadcast = await changeInModal('broadcast_toggle', { ...fields, topic: 'payments', broadcast: true });
    expect(broadcast).toMatch(/^\*Will notify:\* 📣 every configured target, 58 targets\n/);
    // The redrawn modal keeps what was typed and chosen.
    const redrawn = providers.slack.method('views.update').at(-1)!.body.view;
    expect(redrawn.blocks.find((b: any) => b.block_id === 'message').element.initial_value).toBe('cards declined');
    expect(redrawn.blocks.find((b: any) => b.block_id === 'topic').element.initial_option.value).toBe('payments');
  });

  it('after two quick changes, the newer preview is drawn even if the older update landed first (hash_conflict)', async () => {
    providers.slack.script('/api/views.update', { body: { ok: false, error: 'hash_conflict' } });
    const response = await signedPost(app.eventsUrl, modalActionBody('topic_select', { severity: 'info', topic: 'search', message: 'x' }), { secret });
    expect(response.status).toBe(200);
    const updates = await providers.slack.waitFor(() => providers.slack.method('views.update').length >= 2 && providers.slack.method('views.update'));
    expect(updates[0]!.body.hash).toBe('156772938.1827394');
    expect(updates[1]!.body.hash).toBeUndefined();
    expect(previewOf(updates[1]!.body.view)).toContain('• *search-slack* (slack): search-team follows search');
  });

  it('a topic incident reaches the severity rules and exactly the subscribers of its topic', async () => {
    await submitIncident(app.eventsUrl, { severity: 'info', message: 'checkout 500s', topic: 'payments' });
    const { root, replies } = await finished(providers, 'checkout 500s');
    expect(replies[0]).toMatch(/^Routing INC-\w+ to 3 targets: slack \(rule 1: every severity\), payments-email \(payments-team follows payments\), payments-hook \(payments-team follows payments\)\./);
    expect(replies).toContainEqual(expect.stringMatching(/^✅ \*payments-email\* delivered to payments@example\.com$/));
    expect(replies).toContainEqual(expect.stringMatching(/^✅ \*payments-hook\* delivered to http:\/\/127\.0\.0\.1:\d+$/));
    expect(JSON.stringify(root.blocks)).toContain('Topic: payments');
    expect(emailsTo()).toEqual(['payments@example.com']);
    expect(providers.webhook.calls.map((c) => c.path)).toEqual(['/hooks/payments']);
    expect(providers.twilio.calls).toHaveLength(0);
    expect(providers.pagerduty.calls).toHaveLength(0);
    expect(providers.slack.method('chat.postMessage').filter((c) => c.body.channel === 'C0SEARCH01')).toHaveLength(0);
  });

  it('a topic the form never offered comes back as an inline error, and nothing is sent', async () => {
    const response = await signedPost(app.eventsUrl, viewSubmissionBody({ severity: 'info', message: 'x', topic: 'made-up' }), { secret });
    expect(await response.json()).toEqual({ response_action: 'errors', errors: { topic: expect.stringMatching(/^Pick one of the listed topics/) } });
    expect(providers.slack.method('chat.postMessage')).toHaveLength(0);
  });

  it('a broadcast goes to every configured target and says so on the root message', async () => {
    await submitIncident(app.eventsUrl, { severity: 'info', message: 'all hands: datacenter fire', broadcast: true });
    const { root, replies } = await finished(providers, 'all hands: datacenter fire', 60_000);
    expect(JSON.stringify(root.blocks)).toContain('📣 *BROADCAST* to every configured target');
    expect(replies[0]).toMatch(/^📣 Broadcast: routing INC-\w+ to every configured target, 58 targets: slack \(broadcast\), email \(broadcast\)/);
    expect(replies.at(-1)).toMatch(/All delivered: 58\/58 channels delivered/);
    expect(emailsTo()).toHaveLength(2 + 1 + WIDE); // the built-in list's two, payments, the fifty teams
  });

  it(`a ${WIDE}-target fan-out completes, each target once`, async () => {
    const started = Date.now();
    await submitIncident(app.eventsUrl, { severity: 'info', message: 'company-wide drill', topic: 'company-wide' });
    const { replies } = await finished(providers, 'company-wide drill', 60_000);
    const elapsed = Date.now() - started;
    expect(replies.at(-1)).toMatch(new RegExp(`All delivered: ${WIDE + 1}/${WIDE + 1} channels delivered`));
    expect(emailsTo().sort()).toEqual(Array.from({ length: WIDE }, (_, i) => `${team(i + 1)}@example.com`));
    // Results that land together share a message: far fewer Slack calls than targets.
    const threadPosts = providers.slack.method('chat.postMessage').filter((c) => c.body.thread_ts).length;
    expect(threadPosts).toBeLessThan(WIDE);
    console.log(`${WIDE}-target fan-out: submit → summary in ${elapsed} ms, ${threadPosts} thread messages, ${providers.slack.method('chat.update').length} root updates`);
  }, 90_000);
});
