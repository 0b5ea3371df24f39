import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureControls } from '../../src/sandbox/failure-controls.js';
import { pagerDutyStandIn, sendGridStandIn, SlackStandIn, twilioStandIn, webhookStandIn } from '../../src/sandbox/providers.js';
import type { StandIn } from '../../src/sandbox/stand-in.js';

/** The outbox's failure switches, against the stand-ins they script. */
let targets: { slack: SlackStandIn; email: StandIn; sms: StandIn; pagerduty: StandIn; webhook: StandIn };
let controls: FailureControls;

beforeAll(async () => {
  targets = {
    slack: await new SlackStandIn().start(),
    email: await sendGridStandIn().start(),
    sms: await twilioStandIn().start(),
    pagerduty: await pagerDutyStandIn().start(),
    webhook: await webhookStandIn().start(),
  };
  controls = new FailureControls(targets);
});
afterAll(async () => {
  await Promise.all(Object.values(targets).map((t) => t.close()));
});

const sms = () =>
  fetch(`${targets.sms.url}/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'To=%2B15551234567&From=%2B15550000001&Body=hi',
  });
const slackPost = (channel: string) =>
  fetch(`${targets.slack.url}/api/chat.postMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel, text: 'x' }) });

describe('sandbox failure switches', () => {
  it('5xx for the next N answers, then normal again', async () => {
    controls.apply({ channel: 'sms', kind: '5xx', count: 2 });
    expect(controls.state('sms')).toEqual({ kind: '5xx', pending: 2, delayMs: 0 });
    expect((await sms()).status).toBe(503);
    const second = await sms();
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ code: 20503 });
    expect((await sms()).status).toBe(201);
    expect(controls.state('sms').kind).toBe('none');
  });

  it('429 carries the Retry-After asked for; slow delays every answer until cleared', async () => {
    controls.apply({ channel: 'sms', kind: '429', count: 1, seconds: 7 });
    const limited = await sms();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    controls.apply({ channel: 'sms', kind: 'slow', seconds: 0.2 });
    expect(controls.state('sms')).toMatchObject({ kind: 'slow', delayMs: 200 });
    controls.apply({ channel: 'sms', kind: 'clear' });
    expect(controls.state('sms')).toEqual({ kind: 'none', pending: 0, delayMs: 0 });
    expect(targets.sms.delayMs).toBe(0);
  });

  it('fails only the alerts-channel posts on Slack, never the incident thread', async () => {
    controls.apply({ channel: 'slack', kind: '4xx', count: 1 });
    expect(await (await slackPost('C0INCIDENT')).json()).toMatchObject({ ok: true });
    expect(await (await slackPost('C0ALERTS01')).json()).toEqual({ ok: false, error: 'channel_not_found' });
    controls.apply({ channel: 'slack', kind: 'slow', seconds: 3 });
    const delay = targets.slack.delayMs as (call: { path: string; body: Record<string, unknown> }) => number;
    expect(delay({ path: '/api/chat.postMessage', body: { channel: 'C0ALERTS01' } })).toBe(3000);
    expect(delay({ path: '/api/chat.postMessage', body: { channel: 'C0INCIDENT', thread_ts: '1.2' } })).toBe(0);
    expect(delay({ path: '/api/chat.update', body: { channel: 'C0ALERTS01' } })).toBe(0);
    controls.apply({ channel: 'slack', kind: 'clear' });
    expect(targets.slack.delayMs).toBe(0);
  });

  it('refuses what it does not know', () => {
    expect(() => controls.apply({ channel: 'fax', kind: '5xx' })).toThrow('no such channel: fax');
    expect(() => controls.apply({ channel: 'sms', kind: 'boom' as never })).toThrow(/kind must be one of/);
  });
});
