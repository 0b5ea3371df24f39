import { FatalError, RetryableError } from 'workflow';
import { describe, expect, it } from 'vitest';
import { DeliveryError, httpFailure, parseRetryAfter } from '../../src/channels/failure.js';
import { backoffMs, scrub, toStepError } from '../../src/workflows/steps/step-errors.js';

describe('toStepError', () => {
  const base = { attempt: 1, maxAttempts: 8, secrets: [] };

  it('turns a permanent failure into a FatalError that says it was not retried', () => {
    const error = toStepError(httpFailure('PagerDuty', 400, 'invalid event'), base);
    expect(error).toBeInstanceOf(FatalError);
    expect(error.message).toBe('PagerDuty answered 400 Bad Request: invalid event (permanent error, not retried)');
  });

  it("waits exactly as long as the provider's Retry-After asks", () => {
    const long = toStepError(httpFailure('Twilio', 429, undefined, '30'), base) as RetryableError;
    expect(long).toBeInstanceOf(RetryableError);
    expect(long.retryAfter.getTime() - Date.now()).toBeGreaterThan(28_000);
    // A rate limit that lifts in 1 s is retried in 1 s, even late in the schedule.
    const short = toStepError(httpFailure('Slack', 429, undefined, '1'), { ...base, attempt: 6 }) as RetryableError;
    expect(short.retryAfter.getTime() - Date.now()).toBeLessThanOrEqual(1000);
  });

  it('backs off exponentially when the provider gives no Retry-After', () => {
    const error = toStepError(httpFailure('SendGrid', 503), { ...base, attempt: 3 }) as RetryableError;
    expect(error.retryAfter.getTime() - Date.now()).toBeGreaterThan(3_000);
  });

  it('backs off exponentially, capped at five minutes: 12 attempts span about 18.5 minutes', () => {
    const waits = Array.from({ length: 11 }, (_, i) => backoffMs(i + 1, 1000));
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(1_111_000);
  });

  it('scales the whole schedule with the base', () => {
    expect(backoffMs(11, 10)).toBe(3000);
  });

  it('gives up on the last attempt with a reason that says so', () => {
    const error = toStepError(httpFailure('SendGrid', 503), { ...base, attempt: 8 });
    expect(error).toBeInstanceOf(FatalError);
    expect(error.message).toBe('gave up after 8 attempts: SendGrid answered 503 Service Unavailable');
  });

  it('treats unknown errors as transient', () => {
    expect(toStepError(new TypeError('socket hang up'), base)).toBeInstanceOf(RetryableError);
  });

  it('scrubs secrets out of the message', () => {
    const error = toStepError(new DeliveryError('fatal', 'bad key sk-live-123456 rejected'), { ...base, secrets: ['sk-live-123456'] });
    expect(error.message).toBe('bad key [redacted] rejected (permanent error, not retried)');
    expect(scrub('a token abcd', [undefined, 'abcd'])).toBe('a token [redacted]');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('1.5')).toBe(1500);
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
