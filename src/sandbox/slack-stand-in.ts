import { StandIn, type RecordedCall } from './stand-in.js';

/** A message as the Slack stand-in keeps it. */
export interface SlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: any[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  updates: number;
  /** Set for a message a person typed (in the sandbox page); unset for the bot's. */
  user?: string;
  /** When it was posted (ms since the epoch), for the page. */
  at?: number;
}

/** A `chat.postEphemeral` message: shown to one user only, never in history. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: any[];
  at?: number;
  /** Set for Slack's own notices (an unknown command, say), which Slackbot shows. */
  fromSlackbot?: boolean;
}

/** A modal opened with `views.open` (or pushed), as last updated. */
export interface OpenView {
  id: string;
  trigger_id?: string;
  view: Record<string, any>;
  open: boolean;
}

/**
 * Slack's Web API as the app uses it: messages and threads per channel, updates,
 * ephemeral messages, modals, and `response_url` answers (under `/respond/...`).
 */
export class SlackStandIn extends StandIn {
  readonly messages: SlackMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views: OpenView[] = [];
  #ts = 1_700_000_000;
  #viewId = 1;

  constructor() {
    super((call) => this.#answer(call));
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.ephemerals.length = 0;
    this.views.length = 0;
  }

  /** Calls to one Web API method, e.g. `chat.postMessage`. */
  method(name: string): RecordedCall[] {
    return this.callsTo(`/api/${name}`);
  }

  thread(ts: string): SlackMessage[] {
    return this.messages.filter((m) => m.thread_ts === ts);
  }

  /** A message typed by a person: Slack escapes `&`, `<` and `>` in what people type. */
  postUserMessage(channel: string, user: string, text: string, thread_ts?: string): SlackMessage {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const message: SlackMessage = { channel, ts: this.#nextTs('000300'), text: escaped, user, updates: 0, at: Date.now(), ...(thread_ts ? { thread_ts } : {}) };
    this.messages.push(message);
    return message;
  }

  /** An ephemeral message to `user` (Slack's own notices in the page use it too). */
  addEphemeral(message: Omit<EphemeralMessage, 'ts'>): EphemeralMessage {
    const ephemeral = { ...message, ts: this.#nextTs('000200'), at: Date.now() };
    this.ephemerals.push(ephemeral);
    return ephemeral;
  }

  /** Where `respond()` posts for a command or action in `channel` by `user` (about `messageTs`). */
  responseUrl(channel: string, user: string, messageTs?: string): string {
    return `${this.url}/respond/${channel}/${user}${messageTs ? `/${messageTs}` : ''}`;
  }

  #nextTs(suffix: string): string {
    return `${this.#ts++}.${suffix}`;
  }

  #listed(m: SlackMessage, withMetadata: unknown) {
    const include = withMetadata === true || withMetadata === 'true';
    return { type: 'message', ts: m.ts, thread_ts: m.thread_ts, text: m.text, ...(include && m.metadata ? { metadata: m.metadata } : {}) };
  }

  #answer(call: RecordedCall) {
    if (call.path.startsWith('/respond/')) return this.#respond(call);
    const method = call.path.replace(/^\/api\//, '').split('?')[0];
    const b = call.body;
    switch (method) {
      case 'auth.test':
        return { body: { ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'incident-router', team_id: 'T0000001', user_id: 'U0BOT0001', bot_id: 'B0BOT0001' } };
      case 'views.open':
      case 'views.push': {
        const id = `V${String(this.#viewId++).padStart(7, '0')}`;
        this.views.push({ id, trigger_id: b.trigger_id, view: b.view ?? {}, open: true });
        return { body: { ok: true, view: { id, ...(b.view ?? {}) } } };
      }
      case 'views.update': {
        const open = this.views.find((v) => v.id === b.view_id || (b.external_id && v.view.external_id === b.external_id));
        if (!open) return { body: { ok: false, error: 'not_found' } };
        open.view = b.view ?? open.view;
        return { body: { ok: true, view: { id: open.id, ...open.view } } };
      }
      case 'chat.postMessage': {
        // A user id as channel posts in the bot's DM with that user.
        const channel = String(b.channel).startsWith('U') ? `D${String(b.channel).slice(1)}` : String(b.channel);
        const ts = this.#nextTs('000100');
        this.messages.push({ channel, ts, thread_ts: b.thread_ts, text: b.text, blocks: b.blocks, metadata: b.metadata, updates: 0, at: Date.now() });
        return { body: { ok: true, channel, ts, message: { text: b.text, ts } } };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === b.channel && m.ts === b.ts);
        if (!message) return { body: { ok: false, error: 'message_not_found' } };
        Object.assign(message, { text: b.text, blocks: b.blocks, updates: message.updates + 1 });
        return { body: { ok: true, channel: b.channel, ts: b.ts, text: b.text } };
      }
      case 'chat.postEphemeral': {
        const { ts } = this.addEphemeral({ channel: String(b.channel), user: String(b.user), thread_ts: b.thread_ts, text: b.text, blocks: b.blocks });
        return { body: { ok: true, message_ts: ts } };
      }
      case 'chat.getPermalink':
        return { body: { ok: true, channel: b.channel, permalink: `https://example.slack.com/archives/${b.channel}/p${String(b.message_ts).replace('.', '')}` } };
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
      case 'chat.delete': {
        const message = this.messages.find((m) => m.channel === b.channel && m.ts === b.ts);
        if (!message) return { body: { ok: false, error: 'message_not_found' } };
        this.messages.splice(this.messages.indexOf(message), 1);
        return { body: { ok: true, channel: b.channel, ts: b.ts } };
      }
      case 'conversations.info':
        return { body: { ok: true, channel: { id: b.channel, name: String(b.channel).toLowerCase(), is_channel: true, is_member: true, is_archived: false } } };
      case 'users.info':
        return { body: { ok: true, user: { id: b.user, name: String(b.user).toLowerCase(), real_name: String(b.user), tz: 'UTC', is_bot: false } } };
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }

  /**
   * `response_url` answers, as `respond()` sends them: ephemeral by default,
   * `in_channel` posts, `replace_original` / `delete_original` edit the message acted on.
   */
  #respond(call: RecordedCall) {
    const [channel = '', user = '', messageTs] = call.path.slice('/respond/'.length).split('/');
    const b = call.body;
    const original = messageTs ? this.messages.find((m) => m.channel === channel && m.ts === messageTs) : undefined;
    if (original && (b.delete_original === true || b.delete_original === 'true')) {
      this.messages.splice(this.messages.indexOf(original), 1);
    } else if (original && (b.replace_original === true || b.replace_original === 'true')) {
      Object.assign(original, { text: b.text, blocks: b.blocks, updates: original.updates + 1 });
    } else if (b.response_type === 'in_channel') {
      this.messages.push({ channel, ts: this.#nextTs('000100'), thread_ts: b.thread_ts, text: b.text, blocks: b.blocks, updates: 0, at: Date.now() });
    } else {
      this.addEphemeral({ channel, user, thread_ts: b.thread_ts, text: b.text, blocks: b.blocks });
    }
    return { body: { ok: true } };
  }
}
