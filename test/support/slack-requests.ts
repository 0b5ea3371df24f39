// Signing lives in src/sandbox: the sandbox page signs its requests the same way.
export { signature, signedPost, type SignedPostOptions } from '../../src/sandbox/signed-request.js';

/** Bodies of the requests Slack sends, for the incident command and modal. */
export function slashCommandBody(fields: { text: string; channelId?: string; userId?: string; triggerId?: string }): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0000001',
    team_domain: 'example',
    channel_id: fields.channelId ?? 'C0INCIDENT',
    channel_name: 'incidents',
    user_id: fields.userId ?? 'U0REPORTER',
    user_name: 'jane',
    command: '/incident',
    text: fields.text,
    api_app_id: 'A0000001',
    response_url: 'https://hooks.slack.invalid/commands/T0000001/1/abc',
    trigger_id: fields.triggerId ?? '1234567890.123.abcdef',
  }).toString();
}

/** What the reporter has filled in the incident modal. */
export interface ModalFields {
  severity?: string;
  message?: string;
  topic?: string;
  broadcast?: boolean;
  channelId?: string;
  userId?: string;
  privateMetadata?: string;
}

/** The incident modal as Slack sends it back: its metadata and the state of its fields. */
function modalView(fields: ModalFields) {
  const selected = (value: string | undefined) => (value ? { text: { type: 'plain_text', text: value }, value } : null);
  return {
    id: 'V0000001',
    team_id: 'T0000001',
    type: 'modal',
    callback_id: 'incident_report',
    private_metadata: fields.privateMetadata ?? JSON.stringify({ channelId: fields.channelId ?? 'C0INCIDENT' }),
    hash: '156772938.1827394',
    state: {
      values: {
        severity: { severity_select: { type: 'static_select', selected_option: selected(fields.severity) } },
        topic: { topic_select: { type: 'static_select', selected_option: selected(fields.topic) } },
        broadcast: {
          broadcast_toggle: { type: 'checkboxes', selected_options: fields.broadcast ? [{ text: { type: 'plain_text', text: 'Broadcast' }, value: 'broadcast' }] : [] },
        },
        message: { message_input: { type: 'plain_text_input', value: fields.message ?? null } },
      },
    },
  };
}

const modalUser = (userId?: string) => ({ id: userId ?? 'U0REPORTER', username: 'jane', name: 'jane', team_id: 'T0000001' });

/** A `view_submission` payload for the incident modal with the given field values. */
export function viewSubmissionBody(fields: ModalFields): string {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0000001', domain: 'example' },
    user: modalUser(fields.userId),
    api_app_id: 'A0000001',
    token: 'deprecated-verification-token',
    trigger_id: '1234567890.123.ghijkl',
    view: modalView(fields),
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A `block_actions` payload from inside the open modal: the reporter changed `actionId`. */
export function modalActionBody(actionId: 'severity_select' | 'topic_select' | 'broadcast_toggle', fields: ModalFields): string {
  const view = modalView(fields);
  const [blockId, state] = Object.entries(view.state.values).find(([, byAction]) => actionId in byAction)!;
  const payload = {
    type: 'block_actions',
    team: { id: 'T0000001', domain: 'example' },
    user: modalUser(fields.userId),
    api_app_id: 'A0000001',
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: view.id },
    trigger_id: '1234567890.123.stuvwx',
    view,
    actions: [{ ...(state as Record<string, object>)[actionId], action_id: actionId, block_id: blockId, action_ts: `${Math.floor(Date.now() / 1000)}.000300` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A `block_actions` payload: someone clicked a button on a message the bot posted. */
export function blockActionsBody(fields: {
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  userId?: string;
  userName?: string;
}): string {
  const user = { id: fields.userId ?? 'U0ONCALL', username: fields.userName ?? 'sam', name: fields.userName ?? 'sam', team_id: 'T0000001' };
  const payload = {
    type: 'block_actions',
    team: { id: 'T0000001', domain: 'example' },
    user,
    api_app_id: 'A0000001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: fields.messageTs, channel_id: fields.channelId, is_ephemeral: false },
    trigger_id: '1234567890.123.mnopqr',
    channel: { id: fields.channelId, name: 'incidents' },
    message: { type: 'message', ts: fields.messageTs, user: 'U0BOT0001', bot_id: 'B0BOT0001' },
    response_url: 'https://hooks.slack.invalid/actions/T0000001/1/xyz',
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: 'incident_actions',
        value: fields.value,
        text: { type: 'plain_text', text: fields.actionId, emoji: true },
        action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
