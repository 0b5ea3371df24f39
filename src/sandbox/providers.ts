import { SlackStandIn } from './slack-stand-in.js';
import { StandIn } from './stand-in.js';

export { SlackStandIn, type EphemeralMessage, type OpenView, type SlackMessage } from './slack-stand-in.js';

/**
 * Stand-ins for every remote service the app talks to, each answering like the real
 * one: Slack's Web API, SendGrid v3, Twilio's Messages API, PagerDuty Events API v2,
 * and a webhook receiver.
 */

export function sendGridStandIn(): StandIn {
  let id = 0;
  return new StandIn((call) =>
    call.path === '/v3/mail/send' && call.method === 'POST'
      ? { status: 202, headers: { 'x-message-id': `msg-${++id}` } }
      : { status: 404, body: { errors: [{ message: 'not found' }] } },
  );
}

export function twilioStandIn(): StandIn {
  let id = 0;
  return new StandIn((call) => {
    const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(call.path);
    if (!match || call.method !== 'POST') return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
    const sid = `SM${String(++id).padStart(32, '0')}`;
    return { status: 201, body: { sid, status: 'queued', to: call.body.To, from: call.body.From, body: call.body.Body, account_sid: match[1] } };
  });
}

export function pagerDutyStandIn(): StandIn {
  return new StandIn((call) => {
    if (call.path !== '/v2/enqueue' || call.method !== 'POST') return { status: 404, body: { status: 'not found' } };
    if (!call.body.routing_key || !call.body.event_action) return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['missing fields'] } };
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: call.body.dedup_key } };
  });
}

export function webhookStandIn(): StandIn {
  return new StandIn(() => ({ status: 200, body: { received: true } }));
}

/** Every stand-in, started, plus the environment that points the app at them. */
export interface Providers {
  slack: SlackStandIn;
  sendgrid: StandIn;
  twilio: StandIn;
  pagerduty: StandIn;
  webhook: StandIn;
  env: Record<string, string>;
  reset(): void;
  close(): Promise<void>;
}

export const TEST_SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-test-bot-token-0000',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99eeeeee85a5',
  SENDGRID_API_KEY: 'SG.test-sendgrid-key.secret-value-000',
  TWILIO_AUTH_TOKEN: 'twilio-auth-token-secret-0000',
  PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0000000000000000000000',
  ALERT_WEBHOOK_SECRET: 'whsec_c2VjcmV0LXdlYmhvb2sta2V5LTAwMDA=',
} as const;

export async function startProviders(): Promise<Providers> {
  const slack = await new SlackStandIn().start();
  const sendgrid = await sendGridStandIn().start();
  const twilio = await twilioStandIn().start();
  const pagerduty = await pagerDutyStandIn().start();
  const webhook = await webhookStandIn().start();
  const all = [slack, sendgrid, twilio, pagerduty, webhook];
  return {
    slack,
    sendgrid,
    twilio,
    pagerduty,
    webhook,
    env: {
      ...TEST_SECRETS,
      SLACK_API_URL: `${slack.url}/api/`,
      ALERT_SLACK_CHANNEL: 'C0ALERTS01',
      SENDGRID_API_URL: sendgrid.url,
      ALERT_EMAIL_FROM: 'alerts@example.com',
      ALERT_EMAIL_TO: 'oncall@example.com,sre@example.com',
      TWILIO_API_URL: twilio.url,
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(31)}1`,
      TWILIO_FROM_NUMBER: '+15550000001',
      ALERT_SMS_TO: '+15551234567',
      PAGERDUTY_EVENTS_URL: `${pagerduty.url}/v2/enqueue`,
      ALERT_WEBHOOK_URL: `${webhook.url}/hooks/incidents?token=hook-path-secret`,
    },
    reset: () => all.forEach((s) => s.reset()),
    close: async () => {
      await Promise.all(all.map((s) => s.close()));
    },
  };
}
