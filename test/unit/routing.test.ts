import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingFile } from '../../src/routing/routing-file.js';
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
    expect(loadRoutingFile(path, ALL)).toEqual({
      rules: [
        { channel: 'slack', severities: ['info'] },
        { channel: 'pagerduty', severities: ['warning', 'critical'], whenConfigured: true },
      ],
      problems: [],
    });
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
    const messages = loadRoutingFile(path, ALL).problems.map((p) => p.message.replace(path, 'FILE'));
    expect(messages).toEqual([
      'ROUTING_FILE FILE: rules[0].channel must be one of the channels slack, email, sms, pagerduty, webhook',
      'ROUTING_FILE FILE: rules[1].minSeverity must be one of info, warning, critical',
      'ROUTING_FILE FILE: rules[2] needs exactly one of "severities" (a list) or "minSeverity"',
      expect.stringMatching(/^ROUTING_FILE FILE: rules\[3\] Unrecognized key: "extra"/),
    ]);
  });

  it('reports a missing file and broken JSON', () => {
    expect(loadRoutingFile(join(dir, 'nope.json'), ALL).problems[0]!.message).toMatch(/nope\.json does not exist$/);
    expect(loadRoutingFile(file('broken.json', '{"rules": ['), ALL).problems[0]!.message).toMatch(/is not valid JSON/);
  });
});
