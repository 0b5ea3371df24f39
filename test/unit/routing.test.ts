import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE } from '../../src/incident/lifecycle.js';
import { loadRoutingFile } from '../../src/routing/routing-file.js';
import { channelSpecs, loadRouting, RoutingSource } from '../../src/routing/routing-source.js';
import { builtInTargets, DEFAULT_RULES, route, topicsOf, type Routing, type Target } from '../../src/routing/rules.js';

const ALL = ['slack', 'email', 'sms', 'pagerduty', 'webhook'];
const SPECS = channelSpecs();
const names = (routing: Routing, request: Parameters<typeof route>[1], configured: readonly string[]) =>
  route(routing, request, configured).map((r) => r.target.name);
const target = (name: string, type: string): Target => ({ name, type, settings: {}, secrets: {} });

const defaults: Routing = { targets: builtInTargets(ALL), rules: [...DEFAULT_RULES], subscribers: [], lifecycle: DEFAULT_LIFECYCLE };

describe('route with the default rules', () => {
  it.each([
    ['info', ALL, ['slack', 'webhook']],
    ['warning', ALL, ['slack', 'email', 'webhook']],
    ['critical', ALL, ['slack', 'email', 'sms', 'pagerduty', 'webhook']],
    ['info', ['slack'], ['slack']],
    ['critical', ['slack', 'email'], ['slack', 'email', 'sms', 'pagerduty']],
    ['critical', [], ['slack', 'email', 'sms', 'pagerduty']],
  ] as const)('%s with %j configured → %j', (severity, configured, expected) => {
    expect(names(defaults, { severity }, configured)).toEqual(expected);
  });
});

describe('route: rules, topics, broadcast', () => {
  const routing: Routing = {
    targets: [...builtInTargets(ALL), target('payments-email', 'email'), target('payments-hook', 'webhook'), target('search-sms', 'sms')],
    rules: [
      { targets: ['slack'], severities: ['info', 'warning', 'critical'] },
      { targets: ['pagerduty', 'payments-email'], severities: ['critical'] },
    ],
    subscribers: [
      { name: 'payments-team', topics: ['payments', 'checkout'], targets: ['payments-email', 'payments-hook'] },
      { name: 'search-team', topics: ['search'], targets: ['search-sms'] },
      { name: 'sre', topics: ['payments', 'search'], targets: ['slack'] },
    ],
    lifecycle: DEFAULT_LIFECYCLE,
  };
  const configured = ['slack', 'pagerduty', 'payments-email', 'payments-hook', 'search-sms'];

  it.each([
    ['info, no topic: the severity rules only', { severity: 'info' }, ['slack']],
    ['info + payments: rules ∪ subscribers', { severity: 'info', topic: 'payments' }, ['slack', 'payments-email', 'payments-hook']],
    ['critical + payments: each target once', { severity: 'critical', topic: 'payments' }, ['slack', 'pagerduty', 'payments-email', 'payments-hook']],
    ['warning + search', { severity: 'warning', topic: 'search' }, ['slack', 'search-sms']],
    ['a topic nobody follows adds nobody', { severity: 'warning', topic: 'billing' }, ['slack']],
    ['broadcast: every configured target, rules aside', { severity: 'info', broadcast: true }, configured],
  ] as const)('%s', (_label, request, expected) => {
    expect(names(routing, request, configured)).toEqual(expected);
  });

  it('says why each target matched, every reason once', () => {
    const routed = route(routing, { severity: 'critical', topic: 'payments' }, configured);
    expect(Object.fromEntries(routed.map((r) => [r.target.name, r.why]))).toEqual({
      slack: ['rule 1: every severity', 'sre follows payments'],
      pagerduty: ['rule 2: critical'],
      'payments-email': ['rule 2: critical', 'payments-team follows payments'],
      'payments-hook': ['payments-team follows payments'],
    });
    expect(route(routing, { severity: 'info', broadcast: true }, configured).every((r) => r.why.join() === 'broadcast')).toBe(true);
  });

  it('lists the topics someone follows, sorted', () => {
    expect(topicsOf(routing)).toEqual(['checkout', 'payments', 'search']);
  });
});

describe('loadRoutingFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routing-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const problems = (path: string) => loadRoutingFile(path, SPECS, DEFAULT_LIFECYCLE).problems.map((p) => p.message.replace(path, 'FILE'));

  it('reads targets, rules (both spellings), subscribers and escalation', () => {
    const path = file('ok.json', {
      targets: {
        'payments-email': { type: 'email', settings: { ALERT_EMAIL_TO: 'payments@example.com' } },
        'payments-pager': { type: 'pagerduty', secrets: { PAGERDUTY_ROUTING_KEY: 'PAYMENTS_PAGERDUTY_KEY' } },
      },
      rules: [
        { channel: 'slack', severities: ['info'] },
        { targets: ['payments-pager'], minSeverity: 'warning', whenConfigured: true },
      ],
      subscribers: [{ name: 'payments-team', topics: ['payments'], targets: ['payments-email'] }],
      escalation: { critical: { after: '2m', rounds: 2, targets: ['payments-pager'] }, warning: { after: 45_000, rounds: 1, targets: [], mentionHere: false }, info: 'never' },
      closeAfter: '3d',
    });
    const { routing } = loadRoutingFile(path, SPECS, DEFAULT_LIFECYCLE);
    expect(routing!.targets.map((t) => t.name)).toEqual([...ALL, 'payments-email', 'payments-pager']);
    expect(routing!.targets.at(-1)).toEqual({ name: 'payments-pager', type: 'pagerduty', settings: {}, secrets: { PAGERDUTY_ROUTING_KEY: 'PAYMENTS_PAGERDUTY_KEY' } });
    expect(routing!.rules).toEqual([
      { targets: ['slack'], severities: ['info'] },
      { targets: ['payments-pager'], severities: ['warning', 'critical'], whenConfigured: true },
    ]);
    expect(routing!.subscribers).toEqual([{ name: 'payments-team', topics: ['payments'], targets: ['payments-email'] }]);
    expect(routing!.lifecycle).toEqual({
      escalation: {
        critical: { afterMs: 120_000, rounds: 2, targets: ['payments-pager'], mentionHere: true },
        warning: { afterMs: 45_000, rounds: 1, targets: [], mentionHere: false },
      },
      closeAfterMs: 3 * 86_400_000,
    });
  });

  it('an escalation section replaces the default one: a severity left out never escalates', () => {
    const { routing } = loadRoutingFile(file('no-critical.json', { rules: [{ channel: 'slack', minSeverity: 'info' }], escalation: {} }), SPECS, DEFAULT_LIFECYCLE);
    expect(routing!.lifecycle).toEqual({ escalation: {}, closeAfterMs: DEFAULT_LIFECYCLE.closeAfterMs });
  });

  it('the example file that ships with the project is valid', () => {
    const example = fileURLToPath(new URL('../../src/routing/routing.example.json', import.meta.url));
    const loaded = loadRoutingFile(example, SPECS, DEFAULT_LIFECYCLE);
    expect(loaded.problems).toEqual([]);
    expect(topicsOf(loaded.routing!).length).toBeGreaterThan(0);
  });

  it('names the JSON path of every bad value, and the fix', () => {
    const path = file('bad.json', {
      targets: {
        email: { type: 'email' },
        'team-mail': { type: 'email', settings: { SENDGRID_API_KEY: 'SG.x', ALERT_FAX: '1' } },
        'team-pager': { type: 'pagerduty', secrets: { ALERT_EMAIL_TO: 'X', PAGERDUTY_ROUTING_KEY: 'lower-case' } },
      },
      rules: [
        { channel: 'carrier-pigeon', severities: ['info'] },
        { channel: 'email', minSeverity: 'sev1' },
        { channel: 'sms' },
        { channel: 'sms', severities: ['critical'], extra: 1 },
        { targets: ['team-mail'], channel: 'sms', minSeverity: 'info' },
      ],
      subscribers: [{ name: 'payments', topics: [], targets: ['nobody'] }],
      escalation: { critical: { after: 'soon', rounds: 0, targets: ['fax'] }, sev1: 'never' },
      closeAfter: '0s',
    });
    const messages = problems(path);
    expect(messages).toEqual(
      expect.arrayContaining([
        'ROUTING_FILE FILE: targets.team-mail.settings.SENDGRID_API_KEY is a secret: never write it in this file; put it in an environment variable and name that under "secrets"',
        expect.stringMatching(/^ROUTING_FILE FILE: targets\.team-mail\.settings\.ALERT_FAX is not a email setting \(one of /),
        expect.stringMatching(/^ROUTING_FILE FILE: targets\.team-pager\.secrets\.ALERT_EMAIL_TO is not a pagerduty secret/),
        'ROUTING_FILE FILE: targets.team-pager.secrets.PAGERDUTY_ROUTING_KEY must name an environment variable, e.g. PAYMENTS_PAGERDUTY_KEY',
        'ROUTING_FILE FILE: rules[1].minSeverity must be one of info, warning, critical',
        'ROUTING_FILE FILE: rules[2] needs exactly one of "severities" (a list) or "minSeverity"',
        expect.stringMatching(/^ROUTING_FILE FILE: rules\[3\] Unrecognized key: "extra"/),
        'ROUTING_FILE FILE: rules[4] needs exactly one of "targets" (a list of target names) or "channel"',
        'ROUTING_FILE FILE: subscribers[0].topics must follow at least one topic',
        'ROUTING_FILE FILE: escalation.critical.after must be a duration such as "30s", "5m", "1h" or "7d"',
        'ROUTING_FILE FILE: escalation.critical.rounds must be at least 1',
        expect.stringMatching(/^ROUTING_FILE FILE: escalation Unrecognized key: "sev1"/),
        'ROUTING_FILE FILE: closeAfter must be a duration such as "30s", "5m", "1h" or "7d"',
      ]),
    );
  });

  it('names unknown targets wherever they are referenced, and built-in names taken', () => {
    const path = file('refs.json', {
      targets: { email: { type: 'email' }, 'team-mail': { type: 'email' }, 'Bad Name': { type: 'email' } },
      rules: [{ channel: 'carrier-pigeon', severities: ['info'] }, { targets: ['team-mail', 'team-sms'], minSeverity: 'info' }],
      subscribers: [{ name: 'payments', topics: ['payments'], targets: ['nobody'] }],
      escalation: { critical: { after: '5m', rounds: 1, targets: ['pager2'] } },
    });
    const messages = problems(path);
    expect(messages).toEqual([
      'ROUTING_FILE FILE: targets.email is the name of a built-in target (set up from the environment): pick another name',
      'ROUTING_FILE FILE: targets.Bad Name must be a target name: lowercase letters, digits, . _ - (up to 63)',
      expect.stringMatching(/^ROUTING_FILE FILE: rules\[0\]\.targets\[0\] "carrier-pigeon" is not a target: define it under "targets", or use one of slack, email, sms, pagerduty, webhook, team-mail, Bad Name$/),
      expect.stringMatching(/^ROUTING_FILE FILE: rules\[1\]\.targets\[1\] "team-sms" is not a target/),
      expect.stringMatching(/^ROUTING_FILE FILE: subscribers\[0\]\.targets\[0\] "nobody" is not a target/),
      expect.stringMatching(/^ROUTING_FILE FILE: escalation\.critical\.targets\[0\] "pager2" is not a target/),
    ]);
  });

  it('reports a missing file and broken JSON', () => {
    expect(problems(join(dir, 'nope.json'))[0]).toBe('ROUTING_FILE FILE does not exist');
    expect(problems(file('broken.json', '{"rules": ['))[0]).toMatch(/is not valid JSON/);
  });
});

describe('loadRouting and RoutingSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routing-source-'));
  const path = join(dir, 'routing.json');
  const env = {
    ROUTING_FILE: path,
    SENDGRID_API_KEY: 'SG.test-key-000000000000000000',
    ALERT_EMAIL_FROM: 'alerts@example.com',
    ALERT_EMAIL_TO: 'oncall@example.com',
    TEAM_PAGER_KEY: 'b'.repeat(32),
  };
  const write = (content: unknown) => writeFileSync(path, JSON.stringify(content));
  const valid = {
    targets: {
      'team-mail': { type: 'email', settings: { ALERT_EMAIL_TO: 'team@example.com' } },
      'team-pager': { type: 'pagerduty', secrets: { PAGERDUTY_ROUTING_KEY: 'TEAM_PAGER_KEY' } },
    },
    rules: [{ targets: ['team-mail', 'team-pager'], minSeverity: 'info' }],
  };

  it('a file target inherits the shared settings; its own settings and secrets win', () => {
    write(valid);
    const { loaded, problems } = loadRouting(env);
    expect(problems).toEqual([]);
    expect(loaded!.configured).toEqual(['email', 'team-mail', 'team-pager']);
  });

  it('an incomplete file target, or a secret naming an unset variable, is a startup problem', () => {
    write({
      targets: {
        'team-pager': { type: 'pagerduty', secrets: { PAGERDUTY_ROUTING_KEY: 'UNSET_KEY' } },
        'team-sms': { type: 'sms', settings: { ALERT_SMS_TO: '+15551234567' } },
      },
      rules: [{ targets: ['team-pager'], minSeverity: 'info' }],
    });
    const messages = loadRouting(env).problems.map((p) => p.message.replace(path, 'FILE'));
    expect(messages).toEqual([
      'ROUTING_FILE FILE: targets.team-pager.secrets.PAGERDUTY_ROUTING_KEY names UNSET_KEY, which is not set: set it in the environment',
      'ROUTING_FILE FILE: targets.team-pager (pagerduty) is missing PAGERDUTY_ROUTING_KEY: give it under "settings" or "secrets", or in the environment',
      'ROUTING_FILE FILE: targets.team-sms (sms) is missing TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER: give it under "settings" or "secrets", or in the environment',
    ]);
  });

  it('takes a changed file for the next read; keeps the last good version through a broken edit, and says so', () => {
    write(valid);
    const warnings: string[] = [];
    const source = new RoutingSource(env, { info: () => undefined, warn: (m: string) => void warnings.push(m) });
    expect(source.current().routing.rules[0]!.targets).toEqual(['team-mail', 'team-pager']);

    write({ ...valid, rules: [{ targets: ['team-mail'], minSeverity: 'critical' }, { channel: 'slack', minSeverity: 'info' }] });
    expect(source.current().routing.rules.map((r) => r.targets)).toEqual([['team-mail'], ['slack']]);

    write({ ...valid, rules: [{ targets: ['typo-target'], minSeverity: 'info' }] });
    expect(source.current().routing.rules.map((r) => r.targets)).toEqual([['team-mail'], ['slack']]);
    expect(warnings.join('\n')).toMatch(/does not validate; keeping the last good version until it is fixed:\n {2}- .*"typo-target" is not a target/);
  });
});
