import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99eeeeee85a5' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.message);
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('needs only the Slack credentials; every channel without settings is simply off', () => {
    const config = loadConfig(SLACK);
    expect(config.port).toBe(3000);
    expect(config.workflowPort).toBe(0);
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.channels.map((c) => [c.name, c.configured])).toEqual([
      ['slack', false],
      ['email', false],
      ['sms', false],
      ['pagerduty', false],
      ['webhook', false],
    ]);
    expect(config.channels.find((c) => c.name === 'email')!.missing).toEqual(['SENDGRID_API_KEY', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO']);
    expect(config.routing.source).toBe('default rules');
  });

  it('lists every problem at once, each with its fix', () => {
    const messages = problems({ PORT: 'eighty', ALERT_SMS_TO: '555-1234', ALERT_WEBHOOK_URL: 'ftp://x' });
    expect(messages).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token .* OAuth & Permissions/),
      'PORT must be a port number',
      expect.stringMatching(/^SLACK_SIGNING_SECRET is not set/),
      'ALERT_SMS_TO (item 1) must be a phone number in E.164 form, e.g. +15551234567',
      expect.stringMatching(/^TWILIO_ACCOUNT_SID is not set, but ALERT_SMS_TO is: the sms channel needs all of/),
      expect.stringMatching(/^TWILIO_AUTH_TOKEN is not set/),
      expect.stringMatching(/^TWILIO_FROM_NUMBER is not set/),
      'ALERT_WEBHOOK_URL must be an http(s) URL, e.g. https://hooks.example.com/incidents',
      expect.stringMatching(/^ALERT_WEBHOOK_SECRET is not set, but ALERT_WEBHOOK_URL is/),
    ]);
  });

  it('asks for the signing secret unless Socket Mode is on', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET is not set: .*Basic Information/)]);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-abc' }).slack.appToken).toBe('xapp-1-abc');
  });

  it('treats empty values (FOO= in .env) as unset', () => {
    const config = loadConfig({ ...SLACK, SENDGRID_API_KEY: '', ALERT_EMAIL_FROM: ' ', PORT: '' });
    expect(config.port).toBe(3000);
    expect(config.channels.find((c) => c.name === 'email')!.configured).toBe(false);
  });

  it('never repeats a secret value in its messages', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'not-a-bot-token-SECRET1',
      SLACK_SIGNING_SECRET: 'not-hex-SECRET2',
      SENDGRID_API_KEY: 'not-sendgrid-SECRET3',
      TWILIO_AUTH_TOKEN: 'SECRET4',
      PAGERDUTY_ROUTING_KEY: 'SECRET5-too-short',
      ALERT_WEBHOOK_SECRET: 'SECRET6',
    };
    let text = '';
    try {
      loadConfig(secrets);
    } catch (error) {
      text = `${(error as Error).message}\n${(error as Error).stack}`;
    }
    expect(text).toContain('Incident Router cannot start');
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    expect(text).not.toMatch(/SECRET\d/);
  });

  it('reads a fully configured environment', () => {
    const config = loadConfig({
      ...SLACK,
      ALERT_SLACK_CHANNEL: '#alerts',
      SENDGRID_API_KEY: 'SG.abc.def',
      ALERT_EMAIL_FROM: 'alerts@example.com',
      ALERT_EMAIL_TO: 'a@example.com, b@example.com',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'twilio-auth-token',
      TWILIO_FROM_NUMBER: '+15550000001',
      ALERT_SMS_TO: '+15551234567',
      PAGERDUTY_ROUTING_KEY: 'R'.repeat(32),
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/x',
      ALERT_WEBHOOK_SECRET: 'whsec_abcdefgh',
      PORT: '8080',
    });
    expect(config.port).toBe(8080);
    expect(config.channels.every((c) => c.configured)).toBe(true);
  });

  it('runs 10 jobs at once per replica on the Postgres engine unless told otherwise', () => {
    const postgres = { ...SLACK, WORKFLOW_TARGET_WORLD: '@workflow/world-postgres', WORKFLOW_POSTGRES_URL: 'postgres://u@db:5432/ir' };
    expect(loadConfig(postgres).engine).toMatchObject({ kind: 'postgres', concurrency: 10 });
    expect(loadConfig({ ...postgres, WORKFLOW_POSTGRES_WORKER_CONCURRENCY: '8' }).engine).toMatchObject({ concurrency: 8 });
    expect(problems({ ...postgres, WORKFLOW_POSTGRES_WORKER_CONCURRENCY: '0' })).toEqual([
      'WORKFLOW_POSTGRES_WORKER_CONCURRENCY must be at least 1',
    ]);
  });
});
