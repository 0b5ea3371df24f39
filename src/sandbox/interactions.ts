import { SANDBOX_CHANNELS } from './sandbox-env.js';
import { payloadBody, signedPost } from './signed-request.js';
import type { OpenView, SlackStandIn } from './slack-stand-in.js';

/** The person using the sandbox page, and the workspace around them. */
export const SANDBOX_USER = { id: 'U0SANDBOX1', username: 'you', name: 'you', team_id: 'T0000001' } as const;
const TEAM = { id: 'T0000001', domain: 'sandbox' };
const APP_ID = 'A0000001';
const TOKEN = 'deprecated-verification-token';

/** Channel names by id, for payloads and the page. */
export const CHANNEL_NAMES: Record<string, string> = {
  [SANDBOX_CHANNELS.incidents]: 'incidents',
  [SANDBOX_CHANNELS.alerts]: 'alerts',
};

/** What the page gets back: an error to show, or field errors for the open modal. */
export interface InteractionResult {
  ok: boolean;
  error?: string;
  errors?: Record<string, string>;
}

/**
 * Plays Slack's part for what the person does in the page: a slash command, a button
 * click or a modal submission becomes the signed request Slack would send to the app's
 * real `/slack/events`, with the payload fields Slack sends.
 */
export class SlackInteractions {
  eventsUrl: string | undefined;
  #trigger = 1;

  constructor(
    private readonly slack: SlackStandIn,
    private readonly secret: string,
  ) {}

  /** The message box: a `/command` goes to the app, anything else is posted as the user's message. */
  async message(channel: string, text: string, threadTs?: string): Promise<InteractionResult> {
    const command = /^(\/\S+)\s*([\s\S]*)$/.exec(text.trim());
    if (!command) {
      if (text.trim()) this.slack.postUserMessage(channel, SANDBOX_USER.id, text, threadTs);
      return { ok: true };
    }
    const [, name, rest] = command;
    if (name !== '/incident') {
      this.#ephemeral(channel, `${name} is not a valid command. In the sandbox, only /incident is installed.`);
      return { ok: true };
    }
    const body = new URLSearchParams({
      token: TOKEN,
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: channel,
      channel_name: CHANNEL_NAMES[channel] ?? 'directmessage',
      user_id: SANDBOX_USER.id,
      user_name: SANDBOX_USER.username,
      command: name,
      text: rest ?? '',
      api_app_id: APP_ID,
      response_url: this.slack.responseUrl(channel, SANDBOX_USER.id),
      trigger_id: this.#triggerId(),
    }).toString();
    const response = await this.#post(body);
    if (!response) return { ok: false, error: 'the app is not listening yet' };
    // Like Slack: a non-2xx answer is a failed command; a body is an immediate reply.
    if (response.status !== 200) this.#ephemeral(channel, `${name} failed with the error "http_${response.status}"`);
    else if (response.text) this.#ephemeral(channel, replyText(response.text));
    return { ok: true };
  }

  /**
   * A button click: a `block_actions` payload about the message (or ephemeral) it is in.
   * The page names the button by position; ids Slack would generate for blocks and
   * elements without one are made up the same way (block index, element index).
   */
  async action(click: { channel: string; ts: string; blockIndex: number; element: number | 'accessory'; ephemeral?: boolean }): Promise<InteractionResult> {
    const source = click.ephemeral
      ? this.slack.ephemerals.find((m) => m.channel === click.channel && m.ts === click.ts)
      : this.slack.messages.find((m) => m.channel === click.channel && m.ts === click.ts);
    if (!source) return { ok: false, error: 'that message is gone' };
    const block = source.blocks?.[click.blockIndex];
    const element = click.element === 'accessory' ? block?.accessory : block?.elements?.[click.element];
    if (!element || element.type !== 'button') return { ok: false, error: 'that button is gone' };
    const blockId = String(block.block_id ?? `sandbox-block-${click.blockIndex}`);
    const actionId = String(element.action_id ?? `sandbox-action-${click.element}`);
    const payload = {
      type: 'block_actions',
      user: SANDBOX_USER,
      api_app_id: APP_ID,
      token: TOKEN,
      container: { type: 'message', message_ts: source.ts, channel_id: click.channel, is_ephemeral: Boolean(click.ephemeral) },
      trigger_id: this.#triggerId(),
      team: TEAM,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: click.channel, name: CHANNEL_NAMES[click.channel] ?? 'directmessage' },
      // Slack sends the message itself, except for an ephemeral one.
      ...(click.ephemeral
        ? {}
        : { message: { type: 'message', ts: source.ts, text: source.text, blocks: source.blocks, ...('thread_ts' in source && source.thread_ts ? { thread_ts: source.thread_ts } : {}), bot_id: 'B0BOT0001', user: 'U0BOT0001', team: TEAM.id } }),
      state: { values: {} },
      response_url: this.slack.responseUrl(click.channel, SANDBOX_USER.id, click.ephemeral ? undefined : source.ts),
      actions: [
        {
          type: element.type,
          action_id: actionId,
          block_id: blockId,
          text: element.text,
          ...(element.value === undefined ? {} : { value: element.value }),
          ...(element.style ? { style: element.style } : {}),
          action_ts: (Date.now() / 1000).toFixed(6),
        },
      ],
    };
    const response = await this.#post(payloadBody(payload));
    if (!response) return { ok: false, error: 'the app is not listening yet' };
    return response.status === 200 ? { ok: true } : { ok: false, error: `the app answered ${response.status}` };
  }

  /**
   * A change in a modal's input block with `dispatch_action: true`: a `block_actions`
   * payload from the view, carrying the whole form's state, as Slack sends it. The app
   * answers by `views.update`, which the stand-in applies to the open modal.
   */
  async viewAction(viewId: string, change: { blockId: string; actionId: string }, fields: ModalFields): Promise<InteractionResult> {
    const open = this.slack.views.find((v) => v.id === viewId && v.open);
    if (!open) return { ok: false, error: 'that form is closed' };
    const block = (open.view.blocks ?? []).find((b: any) => b.type === 'input' && b.block_id === change.blockId && b.element?.action_id === change.actionId);
    if (!block?.dispatch_action) return { ok: false, error: 'that field does not send its changes' };
    const values = stateValues(open, fields);
    const payload = {
      type: 'block_actions',
      user: SANDBOX_USER,
      api_app_id: APP_ID,
      token: TOKEN,
      container: { type: 'view', view_id: open.id },
      trigger_id: this.#triggerId(),
      team: TEAM,
      enterprise: null,
      is_enterprise_install: false,
      view: this.#viewPayload(open, values),
      actions: [{ ...values[change.blockId]![change.actionId], action_id: change.actionId, block_id: change.blockId, action_ts: (Date.now() / 1000).toFixed(6) }],
    };
    const response = await this.#post(payloadBody(payload));
    if (!response) return { ok: false, error: 'the app is not listening yet' };
    return response.status === 200 ? { ok: true } : { ok: false, error: `the app answered ${response.status}` };
  }

  /** The modal's submit button: `view_submission` with the field values as Slack shapes them. */
  async submit(viewId: string, fields: ModalFields): Promise<InteractionResult> {
    const open = this.slack.views.find((v) => v.id === viewId && v.open);
    if (!open) return { ok: false, error: 'that form is closed' };
    const payload = {
      type: 'view_submission',
      team: TEAM,
      user: SANDBOX_USER,
      api_app_id: APP_ID,
      token: TOKEN,
      trigger_id: this.#triggerId(),
      view: this.#viewPayload(open, stateValues(open, fields)),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const response = await this.#post(payloadBody(payload));
    if (!response) return { ok: false, error: 'the app is not listening yet' };
    if (response.status !== 200) return { ok: false, error: `We had some trouble connecting (the app answered ${response.status}). Try again?` };
    const answer = response.text ? (JSON.parse(response.text) as { response_action?: string; errors?: Record<string, string>; view?: any }) : {};
    switch (answer.response_action) {
      case 'errors':
        return { ok: false, errors: answer.errors ?? {} };
      case 'update':
        open.view = answer.view ?? open.view;
        return { ok: true };
      case 'push':
        this.slack.views.push({ id: `${open.id}P${this.slack.views.length}`, view: answer.view ?? {}, open: true });
        return { ok: true };
      case 'clear':
        for (const view of this.slack.views) view.open = false;
        return { ok: true };
      default:
        open.open = false;
        return { ok: true };
    }
  }

  /** Cancel: the modal closes; a view with `notify_on_close` tells the app (`view_closed`). */
  async close(viewId: string): Promise<InteractionResult> {
    const open = this.slack.views.find((v) => v.id === viewId && v.open);
    if (!open) return { ok: true };
    open.open = false;
    if (open.view.notify_on_close !== true) return { ok: true };
    const payload = { type: 'view_closed', team: TEAM, user: SANDBOX_USER, api_app_id: APP_ID, token: TOKEN, view: { ...open.view, id: open.id, team_id: TEAM.id, app_id: APP_ID }, is_cleared: false };
    const response = await this.#post(payloadBody(payload));
    return !response || response.status === 200 ? { ok: true } : { ok: false, error: `the app answered ${response.status}` };
  }

  /** The view as Slack sends it back in a payload: the app's definition, ids, and the state of its inputs. */
  #viewPayload(open: OpenView, values: StateValues) {
    return { ...open.view, id: open.id, team_id: TEAM.id, app_id: APP_ID, bot_id: 'B0BOT0001', root_view_id: open.id, previous_view_id: null, hash: `${Date.now()}.sandbox`, state: { values } };
  }

  async #post(body: string): Promise<{ status: number; text: string } | undefined> {
    if (!this.eventsUrl) return undefined;
    const response = await signedPost(this.eventsUrl, body, { secret: this.secret });
    return { status: response.status, text: await response.text() };
  }

  #triggerId(): string {
    return `${Math.floor(Date.now() / 1000)}.${this.#trigger++}.sandbox`;
  }

  #ephemeral(channel: string, text: string): void {
    this.slack.addEphemeral({ channel, user: SANDBOX_USER.id, text, fromSlackbot: true });
  }
}

/** A command's immediate reply: JSON `{ text }` or plain text. */
function replyText(raw: string): string {
  try {
    return (JSON.parse(raw) as { text?: string }).text ?? raw;
  } catch {
    return raw;
  }
}

/** What the page sends of the modal's inputs: a text, a select's value, or a checkbox group's ticked values. */
export type ModalFields = Record<string, Record<string, string | string[] | null>>;
type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/** `view.state.values` as Slack builds it from the inputs' definitions (options as the app defined them). */
function stateValues(open: OpenView, fields: ModalFields): StateValues {
  const values: StateValues = {};
  for (const block of open.view.blocks ?? []) {
    if (block.type !== 'input' || !block.element?.action_id) continue;
    const { element } = block;
    const raw = fields[block.block_id]?.[element.action_id] ?? null;
    const options: any[] = element.options ?? [];
    const value =
      element.type === 'static_select'
        ? { type: element.type, selected_option: options.find((o) => o.value === raw) ?? null }
        : element.type === 'checkboxes'
          ? { type: element.type, selected_options: options.filter((o) => Array.isArray(raw) && raw.includes(o.value)) }
          : { type: element.type, value: raw === '' || Array.isArray(raw) ? null : raw };
    values[block.block_id] = { [element.action_id]: value };
  }
  return values;
}
