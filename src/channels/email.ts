import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { z } from 'zod';
import { defineChannel } from './channel.js';
import { cachedClient } from './client-cache.js';
import { commaList, emailAddress, httpUrl } from './env-values.js';
import { clip, httpFailure, networkFailure } from './failure.js';
import { alertText, alertTitle, escapeHtml } from './format.js';

/** One MailService per key and base URL; `setApiKey` resets the base URL, so it goes first. */
const mailService = cachedClient((apiKey: string, baseUrl: string) => {
  const client = new Client();
  client.setApiKey(apiKey);
  client.setDefaultRequest('baseUrl', baseUrl);
  // Passed through to the HTTP client: without it a hung connection never gives up.
  client.setDefaultRequest({ timeout: 15_000 } as unknown as Parameters<Client['setDefaultRequest']>[0]);
  const service = new MailService();
  service.setClient(client);
  return service;
});

/** Sends the alert by email through SendGrid's v3 Mail Send API. */
export const emailChannel = defineChannel({
  name: 'email',
  provider: 'SendGrid',
  env: z.object({
    SENDGRID_API_KEY: z
      .string()
      .startsWith('SG.', { error: 'must be a SendGrid API key (SG.…) with Mail Send access' })
      .optional(),
    ALERT_EMAIL_FROM: emailAddress.optional(),
    ALERT_EMAIL_TO: commaList(emailAddress, 'oncall@example.com,sre@example.com').optional(),
    SENDGRID_API_URL: httpUrl('https://api.sendgrid.com').default('https://api.sendgrid.com'),
  }),
  requiredEnv: ['SENDGRID_API_KEY', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'],
  secretEnv: ['SENDGRID_API_KEY'],
  settings: (env) => ({
    apiKey: env.SENDGRID_API_KEY as string,
    from: env.ALERT_EMAIL_FROM as string,
    to: env.ALERT_EMAIL_TO as string[],
    baseUrl: env.SENDGRID_API_URL as string,
  }),
  async deliver(settings, incident, context) {
    const text = alertText(incident);
    try {
      const [response] = await mailService(settings.apiKey, settings.baseUrl).send({
        from: settings.from,
        to: settings.to,
        subject: alertTitle(incident, 150),
        text,
        html: `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre>`,
        // SendGrid has no idempotency key; these let a mailbox rule or a support
        // ticket tie a duplicate (a retry after a lost answer) to one delivery.
        headers: { 'X-Incident-Id': incident.id, 'X-Entity-Ref-ID': context.idempotencyKey },
        customArgs: { incident_id: incident.id, delivery_id: context.idempotencyKey },
      });
      const messageId = response.headers['x-message-id'];
      return { recipients: settings.to, ...(typeof messageId === 'string' ? { reference: messageId } : {}) };
    } catch (error) {
      throw sendGridFailure(error);
    }
  },
});

function sendGridFailure(error: unknown) {
  const response = (error as { code?: unknown; response?: { headers?: Record<string, string>; body?: unknown } })
    ?.response;
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number' && response) {
    const body = response.body as { errors?: Array<{ message?: string }> } | undefined;
    const detail = body?.errors?.map((e) => e.message).filter(Boolean).join('; ');
    return httpFailure('SendGrid', status, detail ? clip(detail) : undefined, response.headers?.['retry-after']);
  }
  return networkFailure('SendGrid', error);
}
