import { createHmac } from 'node:crypto';

/**
 * Requests exactly as Slack sends them: form-encoded bodies signed with the signing
 * secret (`v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`). The sandbox page and the
 * tests both go through these into the app's real, signature-checking receiver.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Overrides the computed signature (to test a bad one). */
  signature?: string;
}

export async function signedPost(url: string, body: string, options: SignedPostOptions): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signature(options.secret, timestamp, body),
    },
    body,
  });
}

/** An interactivity payload (`block_actions`, `view_submission`) as Slack form-encodes it. */
export function payloadBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
