import { FatalError, RetryableError } from 'workflow';
import { DeliveryError } from '../../channels/failure.js';

/** Base of the exponential backoff between attempts; `DELIVERY_RETRY_BASE_MS` overrides it. */
export function retryBaseMs(): number {
  const configured = Number(process.env.DELIVERY_RETRY_BASE_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 1000;
}

/** Wait before the attempt after `attempt`: base · 2^(attempt-1), capped at 300 · base (5 min). */
export function backoffMs(attempt: number, base = retryBaseMs()): number {
  return Math.min(base * 2 ** Math.max(0, attempt - 1), 300 * base);
}

/** Replaces every secret value that appears in `text`. */
export function scrub(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/**
 * Turns a failure inside a step into what the engine acts on:
 * - permanent (`fatal`) → `FatalError`: reported once, never retried;
 * - transient → `RetryableError`, waiting exactly as long as the provider's
 *   `Retry-After` asks when it gave one (a rate limit says when it lifts), else our
 *   exponential backoff; on the last allowed attempt → `FatalError` saying we gave up.
 * Messages are scrubbed of secrets: they end up in the thread and the run's history.
 */
export function toStepError(
  error: unknown,
  { attempt, maxAttempts, secrets }: { attempt: number; maxAttempts: number; secrets: ReadonlyArray<string | undefined> },
): Error {
  const failure =
    error instanceof DeliveryError ? error : new DeliveryError('retry', error instanceof Error ? error.message : String(error));
  const message = scrub(failure.message, secrets);
  if (failure.kind === 'fatal') return new FatalError(`${message} (permanent error, not retried)`);
  if (attempt >= maxAttempts) return new FatalError(`gave up after ${attempt} attempts: ${message}`);
  return new RetryableError(message, { retryAfter: failure.retryAfterMs ?? backoffMs(attempt) });
}
