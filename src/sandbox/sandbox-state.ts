import type { FailureControls, FailureState } from './failure-controls.js';
import { CHANNEL_NAMES, SANDBOX_USER } from './interactions.js';
import { SANDBOX_CHANNELS, type SandboxPlan } from './sandbox-env.js';
import type { EphemeralMessage, OpenView, SlackMessage, SlackStandIn } from './slack-stand-in.js';
import type { RecordedCall, StandIn } from './stand-in.js';

/** One request a provider stand-in received, as the outbox shows it. */
export interface OutboxItem {
  at: number;
  /** The HTTP status the stand-in answered (a failure the user asked for shows here). */
  status?: number;
  title: string;
  lines: string[];
}

export interface OutboxChannel {
  channel: string;
  provider: string;
  /** `outbox`: the local stand-in; `real`: the user's own credentials and the real provider. */
  mode: 'outbox' | 'real' | 'off';
  failure: FailureState;
  received: OutboxItem[];
}

/** Everything the page draws, sent whole on every change (it is small). */
export interface SandboxState {
  user: typeof SANDBOX_USER;
  names: { users: Record<string, string>; channels: Record<string, string> };
  channels: Array<{ id: string; name: string }>;
  messages: SlackMessage[];
  ephemerals: EphemeralMessage[];
  view: OpenView | null;
  outbox: OutboxChannel[];
}

export interface StateSources {
  slack: SlackStandIn;
  providers: { email: StandIn; sms: StandIn; pagerduty: StandIn; webhook: StandIn };
  failures: FailureControls;
  plan: SandboxPlan;
}

const PROVIDERS: Record<string, string> = { slack: 'Slack #alerts', email: 'SendGrid', sms: 'Twilio', pagerduty: 'PagerDuty', webhook: 'Webhook receiver' };
const SHOWN = 20;

export function sandboxState({ slack, providers, failures, plan }: StateSources): SandboxState {
  const channels = [SANDBOX_CHANNELS.incidents, SANDBOX_CHANNELS.alerts, ...slack.messages.map((m) => m.channel)]
    .filter((id, i, all) => all.indexOf(id) === i)
    .map((id) => ({ id, name: CHANNEL_NAMES[id] ?? (id.startsWith('D') ? 'Incident Router (DM)' : id) }));
  const calls: Record<string, RecordedCall[]> = {
    slack: slack.method('chat.postMessage').filter((c) => c.body.channel === SANDBOX_CHANNELS.alerts),
    email: providers.email.callsTo('/v3/mail/send'),
    sms: providers.sms.calls,
    pagerduty: providers.pagerduty.calls,
    webhook: providers.webhook.calls,
  };
  const outbox = Object.entries(calls).map(([channel, received]): OutboxChannel => ({
    channel,
    provider: PROVIDERS[channel]!,
    mode: plan.outbox.includes(channel) ? 'outbox' : plan.real.includes(channel) ? 'real' : 'off',
    failure: failures.state(channel),
    received: received.slice(-SHOWN).reverse().map((call) => ({ at: call.at, ...(call.status === undefined ? {} : { status: call.status }), ...describe(channel, call) })),
  }));
  return {
    user: SANDBOX_USER,
    names: { users: { [SANDBOX_USER.id]: SANDBOX_USER.name, U0BOT0001: 'Incident Router' }, channels: CHANNEL_NAMES },
    channels,
    messages: slack.messages,
    ephemerals: slack.ephemerals.filter((m) => m.user === SANDBOX_USER.id),
    view: [...slack.views].reverse().find((v) => v.open) ?? null,
    outbox,
  };
}

/** What a provider received, in a few readable lines. */
function describe(channel: string, call: RecordedCall): { title: string; lines: string[] } {
  const b = call.body;
  switch (channel) {
    case 'email': {
      const to = (b.personalizations ?? []).flatMap((p: any) => (p.to ?? []).map((t: any) => t.email));
      const text = (b.content ?? []).find((c: any) => c.type === 'text/plain')?.value ?? '';
      return { title: String(b.subject ?? '(no subject)'), lines: [`from ${b.from?.email ?? '?'} to ${to.join(', ')}`, text] };
    }
    case 'sms':
      return { title: `text to ${b.To ?? '?'}`, lines: [`from ${b.From ?? '?'}`, String(b.Body ?? '')] };
    case 'pagerduty':
      return {
        title: `${b.event_action ?? '?'} · dedup_key ${b.dedup_key ?? '?'}`,
        lines: [String(b.payload?.summary ?? ''), `severity ${b.payload?.severity ?? '?'} · source ${b.payload?.source ?? '?'}`],
      };
    case 'webhook':
      return {
        title: `${b.type ?? 'POST'} · ${b.data?.id ?? ''}`,
        lines: [`webhook-id: ${call.headers['webhook-id'] ?? '?'}`, `webhook-signature: ${call.headers['webhook-signature'] ?? '?'}`, JSON.stringify(b.data ?? b, null, 2)],
      };
    default:
      return { title: `chat.postMessage to #alerts`, lines: [String(b.text ?? '')] };
  }
}
