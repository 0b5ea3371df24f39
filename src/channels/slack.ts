import { z } from 'zod';
import { SEVERITY_EMOJI } from '../incident/incident.js';
import { mentionChannel, mentionUser, userText } from '../slack/mrkdwn.js';
import { postOnce } from '../slack/post-once.js';
import { slackFailure, stepSlackClient } from '../slack/web-client.js';
import { defineChannel } from './channel.js';
import { httpUrl } from './env-values.js';

/** Posts the alert to a dedicated alerts channel with `chat.postMessage`. */
export const slackChannel = defineChannel({
  name: 'slack',
  provider: 'Slack',
  env: z.object({
    ALERT_SLACK_CHANNEL: z
      .string()
      .regex(/^([CG][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/, {
        error: 'must be a channel id (C0123ABCD) or name (#alerts)',
      })
      .optional(),
    SLACK_BOT_TOKEN: z.string().optional(),
    SLACK_API_URL: httpUrl('https://slack.com/api/').default('https://slack.com/api/'),
  }),
  // SLACK_BOT_TOKEN is the app's own setting, required at startup; only the alerts channel is ours.
  requiredEnv: ['ALERT_SLACK_CHANNEL'],
  secretEnv: ['SLACK_BOT_TOKEN'],
  settings: (env) => ({
    channel: env.ALERT_SLACK_CHANNEL as string,
    token: env.SLACK_BOT_TOKEN as string,
    apiUrl: env.SLACK_API_URL as string,
  }),
  async deliver(settings, incident, context) {
    const client = stepSlackClient(settings.token, settings.apiUrl);
    const headline = `${SEVERITY_EMOJI[incident.severity]} *${incident.severity.toUpperCase()}* incident ${incident.id}`;
    const message = userText(incident.message, 2800);
    try {
      const once = {
        key: context.idempotencyKey,
        attempt: context.attempt,
        oldest: Math.floor(Date.parse(incident.reportedAt) / 1000) - 60,
      };
      const result = await postOnce(client, {
        channel: settings.channel,
        text: `${incident.severity.toUpperCase()} incident ${incident.id}: ${userText(incident.message, 300)}`,
        unfurl_links: false,
        unfurl_media: false,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: headline } },
          { type: 'section', text: { type: 'mrkdwn', text: message } },
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: `Reported by ${mentionUser(incident.reporterId)} in ${mentionChannel(incident.channelId)}`,
              },
            ],
          },
        ],
      }, once);
      const where = /^[CG][A-Z0-9]{2,}$/.test(settings.channel)
        ? mentionChannel(settings.channel)
        : `#${settings.channel.replace(/^#/, '')}`;
      return { recipients: [where], ...(result.ts ? { reference: result.ts } : {}) };
    } catch (error) {
      throw slackFailure(error);
    }
  },
});
