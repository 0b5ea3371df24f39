import { afterEach, expect, it } from 'vitest';
import { startApp } from '../support/app-process.js';
import { setUpEngine } from '../support/engines.js';
import { finished, outcomesByChannel, submitIncident } from '../support/incidents.js';
import { startProviders } from '../support/providers.js';

/**
 * Reliability 5: Slack answers a burst of thread updates with 429 and Retry-After.
 * Every reply and every root update still lands, in order for the incident.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

it('lands every thread update, in order, through a burst of 429s', async () => {
  const engine = await setUpEngine('postgres');
  cleanup.push(() => engine.drop());
  const providers = await startProviders();
  cleanup.push(() => providers.close());
  const app = await startApp({ ...providers.env, ...engine.env });
  cleanup.push(() => app.stop());

  const isThreadUpdate = (call: { path: string; body: Record<string, any> }) =>
    call.path === '/api/chat.update' || (call.path === '/api/chat.postMessage' && Boolean(call.body.thread_ts));
  providers.slack.script(
    isThreadUpdate,
    ...Array.from({ length: 8 }, () => ({ status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } })),
  );

  await submitIncident(app.eventsUrl, { severity: 'critical', message: 'rate limit test: search slow' });
  const { root, replies } = await finished(providers, 'rate limit test: search slow', 60_000);
  await providers.slack.waitFor(() => JSON.stringify(root.blocks).includes('5/5 delivered'));

  // Every thread message and root update that landed, plus the eight 429s before them.
  const messages = providers.slack.thread(root.ts).length;
  const rateLimited = providers.slack.calls.filter((c) => isThreadUpdate(c)).length - (messages + root.updates);
  expect(rateLimited).toBe(8);
  expect(replies[0]).toMatch(/^Routing INC-\w+ to 5 targets/);
  expect(outcomesByChannel(replies)).toEqual({ slack: 1, email: 1, sms: 1, pagerduty: 1, webhook: 1 });
  expect(replies.at(-1)).toMatch(/5\/5 channels delivered/);

  // Root updates applied in order: the delivered count never goes backwards.
  const applied = providers.slack.calls
    .filter((c) => c.path === '/api/chat.update')
    .map((c) => /(\d)\/5 delivered/.exec(JSON.stringify(c.body.blocks))?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const accepted = applied.slice(-root.updates);
  expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
  expect(accepted.at(-1)).toBe(5);
});
