import { clip, httpFailure, networkFailure } from './failure.js';

/**
 * POSTs JSON with a timeout and turns every non-2xx answer or network error into a
 * classified `DeliveryError`. Returns the parsed body (or null) of a 2xx answer.
 */
export async function postJson(
  provider: string,
  url: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'incident-router', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw networkFailure(provider, error);
  }
  const text = await response.text().catch(() => '');
  if (response.status < 200 || response.status >= 300) {
    throw httpFailure(provider, response.status, describeBody(text), response.headers.get('retry-after'));
  }
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** A short reason from an error body: `message`/`errors` of a JSON body, or its text. */
function describeBody(text: string): string | undefined {
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const parts = [
      typeof body.message === 'string' ? body.message : '',
      Array.isArray(body.errors) ? body.errors.map(String).join('; ') : '',
    ].filter(Boolean);
    if (parts.length > 0) return clip(parts.join(': '));
  } catch {
    // not JSON: fall through to the raw text
  }
  return clip(text);
}
