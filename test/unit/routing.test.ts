import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingFile } from '../../src/routing/routing-file.js';
import { DEFAULT_LIFECYCLE } from '../../src/incident/lifecycle.js';
import { DEFAULT_RULES, routeIncident } from '../../src/routing/rules.js';

const ALL = ['slack', 'email', 'sms', 'pagerduty', 'webhook'];

describe('routeIncident with the default rules', () => {
  it.each([
    ['info', ALL, ['slack', 'webhook']],
    ['warning', ALL, ['slack', 'email', 'webhook']],
    ['critical', ALL, ['slack', 'email', 'sms', 'pagerduty', 'webhook']],
    ['info', ['slack'], ['slack']],
    ['critical', ['slack', 'email'], ['slack', 'email', 'sms', 'pagerduty']],
    ['critical', [], ['slack', 'email', 'sms', 'pagerduty']],
  ] as const)('%s with %j configured → %j', (severity, configured, expected) => {
    expect(routeIncident(DEFAULT_RULES, severity, configured)).toEqual(expected);
  });

  it('lists a channel once even when several rules match it', () => {
    const rules = [
      { channel: 'email', severities: ['critical' as const] },
      { channel: 'email', severities: ['warning' as const, 'critical' as const] },
    ];
    expect(routeIncident(rules, 'critical', [])).toEqual(['email']);
  });
});

describe('loadRoutingFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routing-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('reads severities lists and minSeverity', () => {
    const path = file('ok.json', {
      rules: [
        { channel: 'slack', severities: ['info'] },
        { channel: 'pagerduty', minSeverity: 'warning', whenConfigured: true },
      ],
    });
    expect(loadRoutingFile(path, ALL, DEFAULT_LIFECYCLE)).toEqual({
      rules: [
        { channel: 'slack', severities: ['info'] },
        { channel: 'pagerduty', severities: ['warning', 'critical'], whenConfigured: true },
      ],
      lifecycle: DEFAULT_LIFECYCLE,
      problems: [],
    });
  });

  it('reads escalation per severity and how long the buttons stay live', () => {
    const path = file('escalation.json', {
      rules: [{ channel: 'slack', minSeverity: 'info' }],
      escalation: {
        critical: { after: '2m', rounds: 2, channels: ['sms'] },
        warning: { after: 45_000, rounds: 1, channels: [], mentionHere: false },
        info: 'never',
      },
      closeAfter: '3d',
    });
    expect(loadRoutingFile(path, ALL, DEFAULT_LIFECYCLE)).toMatchObject({
      lifecycle: {
        escalation: {
          critical: { afterMs: 120_000, rounds: 2, channels: ['sms'], mentionHere: true },
          warning: { afterMs: 45_000, rounds: 1, channels: [], mentionHere: false },
        },
        closeAfterMs: 3 * 86_400_000,
      },
      problems: [],
    });
  });

  it('an escalation section replaces the default one: a severity left out never escalates', () => {
    const path = file('no-critical.json', { rules: [{ channel: 'slack', minSeverity: 'info' }], escalation: {} });
    const loaded = loadRoutingFile(path, ALL, DEFAULT_LIFECYCLE);
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules && loaded.lifecycle).toEqual({ escalation: {}, closeAfterMs: DEFAULT_LIFECYCLE.closeAfterMs });
  });

  it('the example file that ships with the project is valid', () => {
    const example = fileURLToPath(new URL('../../src/routing/routing.example.json', import.meta.url));
    const loaded = loadRoutingFile(example, ALL, DEFAULT_LIFECYCLE);
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules && loaded.lifecycle.escalation.critical).toEqual(DEFAULT_LIFECYCLE.escalation.critical);
  });

  it('names the path of a bad escalation setting', () => {
    const path = file('bad-escalation.json', {
      rules: [{ channel: 'slack', minSeverity: 'info' }],
      escalation: { critical: { after: 'soon', rounds: 0, channels: ['fax'] }, sev1: 'never' },
      closeAfter: '0s',
    });
    const messages = loadRoutingFile(path, ALL, DEFAULT_LIFECYCLE).problems.map((p) => p.message.replace(path, 'FILE'));
    expect(messages).toEqual(
      expect.arrayContaining([
        'ROUTING_FILE FILE: escalation.critical.after must be a duration such as "30s", "5m", "1h" or "7d"',
        'ROUTING_FILE FILE: escalation.critical.rounds must be at least 1',
        expect.stringMatching(/^ROUTING_FILE FILE: escalation\.critical\.channels\[0\] must be one of the channels/),
        expect.stringMatching(/^ROUTING_FILE FILE: escalation Unrecognized key: "sev1"/),
        'ROUTING_FILE FILE: closeAfter must be a duration such as "30s", "5m", "1h" or "7d"',
      ]),
    );
  });

  it('names the JSON path of every bad value', () => {
    const path = file('bad.json', {
      rules: [
        { channel: 'carrier-pigeon', severities: ['info'] },
        { channel: 'email', minSeverity: 'sev1' },
        { channel: 'sms' },
        { channel: 'sms', severities: ['critical'], extra: 1 },
      ],
    });
    const messages = loadRoutingFile(path, ALL, DEFAULT_LIFECYCLE).problems.map((p) => p.message.replace(path, 'FILE'));
    expect(messages).toEqual([
      'ROUTING_FILE FILE: rules[0].channel must be one of the channels slack, email, sms, pagerduty, webhook',
      'ROUTING_FILE FILE: rules[1].minSeverity must be one of info, warning, critical',
      'ROUTING_FILE FILE: rules[2] needs exactly one of "severities" (a list) or "minSeverity"',
      expect.stringMatching(/^ROUTING_FILE FILE: rules\[3\] Unrecognized key: "extra"/),
    ]);
  });

  it('reports a missing file and broken JSON', () => {
    expect(loadRoutingFile(join(dir, 'nope.json'), ALL, DEFAULT_LIFECYCLE).problems[0]!.message).toMatch(/nope\.json does not exist$/);
    expect(loadRoutingFile(file('broken.json', '{"rules": ['), ALL, DEFAULT_LIFECYCLE).problems[0]!.message).toMatch(/is not valid JSON/);
  });
});
