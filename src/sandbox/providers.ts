import { StandIn, type RecordedCall } from './stand-in.js';

/**
 * Stand-ins for every remote service the app talks to, each answering like the real
 * one: Slack's Web API, SendGrid v3, Twilio's Messages API, PagerDuty Events API v2,
 * and a webhook receiver.
 */

/** A message as the Slack stand-in keeps it. */
export interface SlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: any[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  updates: number;
}

export class SlackStandIn extends StandIn {
  readonly messages: SlackMessage[] = [];
  #ts = 1_700_000_000;

  constructor() {
    super((call) => this.#answer(call));
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
  }

  /** Calls to one Web API method, e.g. `chat.postMessage`. */
  method(name: string): RecordedCall[] {
    return this.callsTo(`/api/${name}`);
  }

  thread(ts: string): SlackMessage[] {
    return this.messages.filter((m) => m.thread_ts === ts);
  }

  #listed(m: SlackMessage, withMetadata: unknown) {
    const include = withMetadata === true || withMetadata === 'true';
    return { type: 'message', ts: m.ts, thread_ts: m.thread_ts, text: m.text, ...(include && m.metadata ? { metadata: m.metadata } : {}) };
  }

  #answer(call: RecordedCall) {
    const method = call.path.replace(/^\/api\//, '').split('?')[0];
    const b = call.body;
    switch (method) {
      case 'auth.test':
        return { body: { ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'incident-router', team_id: 'T0000001', user_id: 'U0BOT0001', bot_id: 'B0BOT0001' } };
      case 'views.open':
        return { body: { ok: true, view: { id: 'V0000001', ...(b.view ?? {}) } } };
      case 'chat.postMessage': {
        // A user id as channel posts in the bot's DM with that user.
        const channel = String(b.channel).startsWith('U') ? `D${String(b.channel).slice(1)}` : String(b.channel);
        const ts = `${this.#ts++}.000100`;
        this.messages.push({ channel, ts, thread_ts: b.thread_ts, text: b.text, blocks: b.blocks, metadata: b.metadata, updates: 0 });
        return { body: { ok: true, channel, ts, message: { text: b.text, ts } } };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === b.channel && m.ts === b.ts);
        if (!message) return { body: { ok: false, error: 'message_not_found' } };
        Object.assign(message, { text: b.text, blocks: b.blocks, updates: message.updates + 1 });
        return { body: { ok: true, channel: b.channel, ts: b.ts, text: b.text } };
      }
      case 'conversations.replies': {
        const thread = this.messages.filter((m) => m.channel === b.channel && (m.ts === b.ts || m.thread_ts === b.ts));
        if (thread.length === 0) return { body: { ok: false, error: 'thread_not_found' } };
        return { body: { ok: true, messages: thread.map((m) => this.#listed(m, b.include_all_metadata)), has_more: false } };
      }
      case 'conversations.history': {
        const oldest = Number(b.oldest ?? 0);
        const inChannel = this.messages.filter((m) => m.channel === b.channel && !m.thread_ts && Number(m.ts) >= oldest);
        return { body: { ok: true, messages: inChannel.reverse().map((m) => this.#listed(m, b.include_all_metadata)), has_more: false } };
      }
      case 'chat.postEphemeral':
        return { body: { ok: true, message_ts: `${this.#ts++}.000200` } };
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }
}

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
