import { SANDBOX_CHANNELS } from './sandbox-env.js';
import type { SlackStandIn } from './slack-stand-in.js';
import type { Answer, RecordedCall, StandIn } from './stand-in.js';

/** What the page can make a channel do; counts are answers, seconds a delay or Retry-After. */
const KINDS = ['5xx', '4xx', '429', 'slow', 'clear'] as const;
export type FailureKind = (typeof KINDS)[number];

export interface FailureRequest {
  channel: string;
  kind: FailureKind;
  count?: number;
  seconds?: number;
}

/** Each provider's own error answers, in its real wire format. */
const ERRORS: Record<string, Record<'5xx' | '4xx' | '429', Answer>> = {
  slack: {
    '5xx': { status: 503, body: { ok: false, error: 'service_unavailable' } },
    // Slack reports most refusals as HTTP 200 with ok: false.
    '4xx': { status: 200, body: { ok: false, error: 'channel_not_found' } },
    '429': { status: 429, body: { ok: false, error: 'ratelimited' } },
  },
  email: {
    '5xx': { status: 503, body: { errors: [{ message: 'Service Unavailable', field: null }] } },
    '4xx': { status: 400, body: { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email' }] } },
    '429': { status: 429, body: { errors: [{ message: 'too many requests', field: null }] } },
  },
  sms: {
    '5xx': { status: 503, body: { code: 20503, message: 'Service Unavailable', status: 503 } },
    '4xx': { status: 400, body: { code: 21211, message: "Invalid 'To' Phone Number", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } },
    '429': { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } },
  },
  pagerduty: {
    '5xx': { status: 503, body: 'Service Unavailable' },
    '4xx': { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ["'routing_key' is invalid"] } },
    '429': { status: 429, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' } },
  },
  webhook: {
    '5xx': { status: 503, body: 'Service Unavailable' },
    '4xx': { status: 400, body: { error: 'rejected by the receiver' } },
    '429': { status: 429, body: { error: 'slow down' } },
  },
};

/** The current failure setting of one channel, as the page shows it. */
export interface FailureState {
  kind: FailureKind | 'none';
  /** Scripted answers still to come. */
  pending: number;
  delayMs: number;
  seconds?: number;
}

/**
 * Scripts the stand-ins' next answers for one channel. Each channel is one stand-in,
 * except slack (the alerts channel), whose posts share the Slack stand-in with the
 * incident thread: only posts to the alerts channel are made to fail or slow.
 */
export class FailureControls {
  readonly #targets: Record<string, StandIn>;
  readonly #last = new Map<string, { kind: FailureKind; seconds?: number }>();

  constructor(targets: { slack: SlackStandIn; email: StandIn; sms: StandIn; pagerduty: StandIn; webhook: StandIn }) {
    this.#targets = targets;
  }

  apply(request: FailureRequest): void {
    const target = this.#targets[request.channel];
    if (!target) throw new Error(`no such channel: ${request.channel}`);
    if (!KINDS.includes(request.kind)) throw new Error(`kind must be one of ${KINDS.join(', ')}`);
    const isSlack = request.channel === 'slack';
    const seconds = Math.max(0, Math.min(request.seconds ?? (request.kind === 'slow' ? 5 : 2), 600));
    const count = Math.max(1, Math.min(Math.floor(request.count ?? (request.kind === '5xx' ? 3 : 1)), 100));
    target.clearScripts();
    target.delayMs = 0;
    this.#last.delete(request.channel);
    if (request.kind === 'clear') return;
    if (request.kind === 'slow') {
      const ms = seconds * 1000;
      target.delayMs = isSlack ? (call: RecordedCall) => (alertsPost(call) ? ms : 0) : ms;
    } else {
      const base = ERRORS[request.channel]![request.kind];
      const answer: Answer = request.kind === '429' ? { ...base, headers: { 'retry-after': String(seconds) } } : base;
      const match = isSlack ? alertsPost : () => true;
      target.script(match, ...Array.from({ length: count }, () => answer));
    }
    this.#last.set(request.channel, { kind: request.kind, ...(request.kind === '429' || request.kind === 'slow' ? { seconds } : {}) });
  }

  state(channel: string): FailureState {
    const target = this.#targets[channel];
    const last = this.#last.get(channel);
    if (!target || !last) return { kind: 'none', pending: 0, delayMs: 0 };
    const pending = target.pendingAnswers();
    if (last.kind !== 'slow' && pending === 0) return { kind: 'none', pending: 0, delayMs: 0 };
    const delayMs = last.kind === 'slow' ? (last.seconds ?? 0) * 1000 : 0;
    return { kind: last.kind, pending, delayMs, ...(last.seconds === undefined ? {} : { seconds: last.seconds }) };
  }
}

function alertsPost(call: RecordedCall): boolean {
  return call.path.startsWith('/api/chat.postMessage') && call.body.channel === SANDBOX_CHANNELS.alerts;
}
