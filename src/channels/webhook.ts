import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { defineChannel } from './channel.js';
import { httpUrl, secret } from './env-values.js';
import { postJson } from './http.js';
import { urlOrigin } from './format.js';

/**
 * Signs a payload per Standard Webhooks: `v1,` + base64 HMAC-SHA256 of
 * `{id}.{timestamp}.{body}`. A `whsec_` secret is base64 after its prefix; any other
 * secret is used as UTF-8 bytes.
 */
export function signWebhook(secretValue: string, id: string, timestamp: number, body: string): string {
  const key = secretValue.startsWith('whsec_')
    ? Buffer.from(secretValue.slice('whsec_'.length), 'base64')
    : Buffer.from(secretValue, 'utf8');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * POSTs the incident as JSON, signed per Standard Webhooks. `webhook-id` is the
 * delivery step's id: the same across retries, so receivers can drop duplicates.
 */
export const webhookChannel = defineChannel({
  name: 'webhook',
  provider: 'the webhook receiver',
  env: z.object({
    ALERT_WEBHOOK_URL: httpUrl('https://hooks.example.com/incidents').optional(),
    ALERT_WEBHOOK_SECRET: secret('generate one, e.g. whsec_ + 32 random bytes in base64').optional(),
  }),
  requiredEnv: ['ALERT_WEBHOOK_URL', 'ALERT_WEBHOOK_SECRET'],
  secretEnv: ['ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_URL'],
  settings: (env) => ({ url: env.ALERT_WEBHOOK_URL as string, secret: env.ALERT_WEBHOOK_SECRET as string }),
  async deliver(settings, incident, context) {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      type: context.escalation ? 'incident.escalated' : 'incident.triggered',
      timestamp: new Date(timestamp * 1000).toISOString(),
      data: {
        ...(context.escalation ? { escalation: context.escalation } : {}),
        id: incident.id,
        severity: incident.severity,
        message: incident.message,
        reporter: { slack_user_id: incident.reporterId, name: incident.reporterName },
        slack_channel_id: incident.channelId,
        reported_at: incident.reportedAt,
      },
    });
    await postJson('the webhook receiver', settings.url, body, {
      'webhook-id': context.idempotencyKey,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(settings.secret, context.idempotencyKey, timestamp, body),
    });
    return { recipients: [urlOrigin(settings.url)], reference: context.idempotencyKey };
  },
});
