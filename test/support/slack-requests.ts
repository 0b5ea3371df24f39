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

/** A `view_submission` payload for the incident modal with the given field values. */
export function viewSubmissionBody(fields: {
  severity?: string;
  message?: string;
  channelId?: string;
  userId?: string;
  privateMetadata?: string;
}): string {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0000001', domain: 'example' },
    user: { id: fields.userId ?? 'U0REPORTER', username: 'jane', name: 'jane', team_id: 'T0000001' },
    api_app_id: 'A0000001',
    token: 'deprecated-verification-token',
    trigger_id: '1234567890.123.ghijkl',
    view: {
      id: 'V0000001',
      team_id: 'T0000001',
      type: 'modal',
      callback_id: 'incident_report',
      private_metadata: fields.privateMetadata ?? JSON.stringify({ channelId: fields.channelId ?? 'C0INCIDENT' }),
      hash: '156772938.1827394',
      state: {
        values: {
          severity: {
            severity_select: {
              type: 'static_select',
              selected_option: fields.severity ? { text: { type: 'plain_text', text: fields.severity }, value: fields.severity } : null,
            },
          },
          message: { message_input: { type: 'plain_text_input', value: fields.message ?? null } },
        },
      },
    },
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
