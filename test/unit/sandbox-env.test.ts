import { describe, expect, it } from 'vitest';
import { sandboxEnv, sandboxRefusal } from '../../src/sandbox/sandbox-env.js';

/** What the stand-ins offer (as startProviders returns it). */
const STAND_INS = {
  SLACK_BOT_TOKEN: 'xoxb-stand-in',
  SLACK_SIGNING_SECRET: 'ignored-here',
  SLACK_API_URL: 'http://127.0.0.1:1001/api/',
  ALERT_SLACK_CHANNEL: 'C0ALERTS01',
  SENDGRID_API_KEY: 'SG.stand-in',
  SENDGRID_API_URL: 'http://127.0.0.1:1002',
  ALERT_EMAIL_FROM: 'alerts@example.com',
  ALERT_EMAIL_TO: 'oncall@example.com',
  TWILIO_API_URL: 'http://127.0.0.1:1003',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(31)}1`,
  TWILIO_AUTH_TOKEN: 'stand-in-token',
  TWILIO_FROM_NUMBER: '+15550000001',
  ALERT_SMS_TO: '+15551234567',
  PAGERDUTY_ROUTING_KEY: 'R'.repeat(32),
  PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:1004/v2/enqueue',
  ALERT_WEBHOOK_URL: 'http://127.0.0.1:1005/hooks',
  ALERT_WEBHOOK_SECRET: 'whsec_c2VjcmV0',
};
const OPTIONS = { signingSecret: 'a'.repeat(32), dataDir: '/nonexistent/sandbox-data' };

describe('sandbox mode', () => {
  it('on a machine with nothing set: Slack and every channel go to the stand-ins, on loopback', () => {
    const plan = sandboxEnv({}, STAND_INS, OPTIONS);
    expect(plan.outbox).toEqual(['slack', 'email', 'sms', 'pagerduty', 'webhook']);
    expect(plan.real).toEqual([]);
    expect(plan.env).toMatchObject({
      SLACK_API_URL: STAND_INS.SLACK_API_URL,
      SLACK_SIGNING_SECRET: OPTIONS.signingSecret,
      HOST: '127.0.0.1',
      WORKFLOW_TARGET_WORLD: 'local',
      WORKFLOW_LOCAL_DATA_DIR: OPTIONS.dataDir,
      SENDGRID_API_URL: STAND_INS.SENDGRID_API_URL,
      TWILIO_API_URL: STAND_INS.TWILIO_API_URL,
      PAGERDUTY_EVENTS_URL: STAND_INS.PAGERDUTY_EVENTS_URL,
      ALERT_WEBHOOK_URL: STAND_INS.ALERT_WEBHOOK_URL,
    });
  });

  it('keeps a channel with real credentials on its real provider, and replaces only Slack', () => {
    const user = {
      SLACK_BOT_TOKEN: 'xoxb-real',
      SLACK_APP_TOKEN: 'xapp-real',
      HOST: '0.0.0.0',
      SENDGRID_API_KEY: 'SG.real-key',
      ALERT_EMAIL_FROM: 'me@example.org',
      ALERT_EMAIL_TO: 'me@example.org',
      SENDGRID_API_URL: 'https://api.sendgrid.com',
    };
    const plan = sandboxEnv(user, STAND_INS, OPTIONS);
    expect(plan.real).toEqual(['email']);
    expect(plan.outbox).toEqual(['slack', 'sms', 'pagerduty', 'webhook']);
    expect(plan.env.SENDGRID_API_KEY).toBe('SG.real-key');
    expect(plan.env.SENDGRID_API_URL).toBe('https://api.sendgrid.com');
    expect(plan.env.SLACK_BOT_TOKEN).toBe(STAND_INS.SLACK_BOT_TOKEN);
    expect(plan.env.SLACK_APP_TOKEN).toBeUndefined();
    expect(plan.env.HOST).toBe('127.0.0.1');
    expect(plan.overridden).toEqual(['SLACK_BOT_TOKEN', 'HOST', 'SLACK_APP_TOKEN']);
    expect(JSON.stringify(plan.overridden)).not.toContain('real');
  });

  it('leaves a half-configured channel alone, so that startup reports it', () => {
    const plan = sandboxEnv({ TWILIO_ACCOUNT_SID: STAND_INS.TWILIO_ACCOUNT_SID }, STAND_INS, OPTIONS);
    expect(plan.outbox).not.toContain('sms');
    expect(plan.real).not.toContain('sms');
    expect(plan.env.TWILIO_AUTH_TOKEN).toBeUndefined();
  });

  it('refuses to run where production runs', () => {
    expect(sandboxRefusal({})).toBeUndefined();
    expect(sandboxRefusal({ NODE_ENV: 'development' })).toBeUndefined();
    expect(sandboxRefusal({ NODE_ENV: 'production' })).toMatch(/refuses to run with NODE_ENV=production.*npm start/);
    expect(sandboxRefusal({ WORKFLOW_TARGET_WORLD: '@workflow/world-postgres' })).toMatch(/embedded engine only/);
    expect(sandboxRefusal({ WORKFLOW_POSTGRES_URL: 'postgres://db/x' })).toMatch(/embedded engine only/);
  });
});
