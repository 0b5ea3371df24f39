import twilio from 'twilio';
import { z } from 'zod';
import { defineChannel } from './channel.js';
import { cachedClient } from './client-cache.js';
import { commaList, e164, httpUrl, secret } from './env-values.js';
import { DeliveryError, httpFailure, networkFailure } from './failure.js';
import { alertTitle, maskPhone, shorten } from './format.js';

/** SMS bodies longer than this are refused by Twilio. */
const SMS_MAX_LENGTH = 1600;

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData };

/**
 * Twilio's SDK has no base-URL option (edge/region only change host names), so a
 * custom HTTP client rewrites the origin: regional endpoints, proxies, local stand-ins.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  readonly #base: URL;

  constructor(baseUrl: string) {
    super({ timeout: 15_000 });
    this.#base = new URL(baseUrl);
  }

  override async request<TData>(opts: RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const basePath = this.#base.pathname.replace(/\/$/, '');
    const rewritten = `${this.#base.origin}${basePath}${target.pathname}${target.search}`;
    const response = await super.request<TData>({ ...opts, uri: rewritten });
    // Classified here, where the headers still are: the SDK's RestException drops
    // them, and with them a 429's Retry-After.
    if (response.statusCode >= 400) throw twilioHttpFailure(response.statusCode, response.body, response.headers);
    return response;
  }
}

const twilioClient = cachedClient((accountSid: string, authToken: string, baseUrl: string) =>
  twilio(accountSid, authToken, { httpClient: new BaseUrlRequestClient(baseUrl), autoRetry: false }),
);

/** Sends the alert by SMS to each number through Twilio's Messages API. */
export const smsChannel = defineChannel({
  name: 'sms',
  provider: 'Twilio',
  env: z.object({
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, { error: 'must be your Account SID: AC followed by 32 hex digits' })
      .optional(),
    TWILIO_AUTH_TOKEN: secret('copy the Auth Token from the Twilio console').optional(),
    TWILIO_FROM_NUMBER: e164.optional(),
    ALERT_SMS_TO: commaList(e164, '+15551234567,+15557654321').optional(),
    TWILIO_API_URL: httpUrl('https://api.twilio.com').default('https://api.twilio.com'),
  }),
  requiredEnv: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER', 'ALERT_SMS_TO'],
  secretEnv: ['TWILIO_AUTH_TOKEN'],
  settings: (env) => ({
    accountSid: env.TWILIO_ACCOUNT_SID as string,
    authToken: env.TWILIO_AUTH_TOKEN as string,
    from: env.TWILIO_FROM_NUMBER as string,
    to: env.ALERT_SMS_TO as string[],
    baseUrl: env.TWILIO_API_URL as string,
  }),
  async deliver(settings, incident) {
    const client = twilioClient(settings.accountSid, settings.authToken, settings.baseUrl);
    const body = shorten(`${alertTitle(incident, 400)}\n${incident.message}`, SMS_MAX_LENGTH);
    // One message per number, all at once. A retry re-sends to every number: Twilio
    // has no idempotency key, so a number may get a duplicate text after a retry.
    const results = await Promise.allSettled(
      settings.to.map((to) => client.messages.create({ to, from: settings.from, body })),
    );
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [{ to: settings.to[i] as string, error: twilioFailure(result.reason) }] : [],
    );
    if (failures.length > 0) {
      const first = failures[0]!.error;
      const kind = failures.some((f) => f.error.kind === 'retry') ? 'retry' : 'fatal';
      const who = failures.map((f) => maskPhone(f.to)).join(', ');
      const sent = results.length - failures.length;
      throw new DeliveryError(kind, `${first.message} (for ${who}; ${sent} of ${results.length} sent)`, {
        ...(first.retryAfterMs === undefined ? {} : { retryAfterMs: first.retryAfterMs }),
        cause: first,
      });
    }
    const sids = results.map((r) => (r.status === 'fulfilled' ? r.value.sid : '')).filter(Boolean);
    return { recipients: settings.to.map(maskPhone), reference: sids.join(',') };
  },
});

function twilioHttpFailure(status: number, rawBody: unknown, headers: Record<string, string> | undefined): DeliveryError {
  let body: { code?: number; message?: string } = {};
  try {
    body = (typeof rawBody === 'string' ? JSON.parse(rawBody) : rawBody) ?? {};
  } catch {
    // not JSON: no detail
  }
  const detail = [body.code ? `error ${body.code}` : '', body.message ?? ''].filter(Boolean).join(' ');
  const failure = httpFailure('Twilio', status, detail || undefined, headers?.['retry-after']);
  // 20429 is Twilio's own "too many requests" code, whatever the HTTP status says.
  if (body.code === 20429 && failure.kind !== 'retry') return new DeliveryError('retry', failure.message);
  return failure;
}

function twilioFailure(error: unknown): DeliveryError {
  return error instanceof DeliveryError ? error : networkFailure('Twilio', error);
}
