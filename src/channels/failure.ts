/**
 * How a delivery failed, in the terms the workflow acts on: `retry` (the provider may
 * succeed later: network errors, 408, 429, 5xx) or `fatal` (it will not: other 4xx,
 * a channel that is not configured). Every channel reports failures through these
 * helpers so that the rules live in one place.
 */
export type FailureKind = 'retry' | 'fatal';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly kind: FailureKind;
  /** How long the provider asked us to wait (from `Retry-After`), if it did. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: FailureKind, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 2xx are not failures; 408, 425, 429 and 5xx are worth retrying; other 4xx are not. */
export function classifyStatus(status: number): FailureKind {
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'fatal';
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const HINTS: Partial<Record<number, string>> = {
  401: 'check the credentials',
  403: 'check the credentials and their permissions',
};

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date) into milliseconds.
 * Returns undefined for a missing or unreadable header.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A failure from an HTTP answer, e.g. "PagerDuty answered 400 Bad Request: invalid event". */
export function httpFailure(
  provider: string,
  status: number,
  detail?: string,
  retryAfter?: string | null,
): DeliveryError {
  const kind = classifyStatus(status);
  const text = STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : '';
  const hint = HINTS[status];
  const parts = [`${provider} answered ${status}${text}`];
  if (detail) parts.push(detail);
  if (hint) parts.push(hint);
  const retryAfterMs = kind === 'retry' ? parseRetryAfter(retryAfter) : undefined;
  return new DeliveryError(kind, parts.join(': '), retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** A failure that never got an HTTP answer (DNS, refused connection, reset, timeout). */
export function networkFailure(provider: string, cause: unknown): DeliveryError {
  const code = errorCode(cause);
  const reason = code ? ` (${code})` : '';
  return new DeliveryError('retry', `could not reach ${provider}${reason}`, { cause });
}

/** A permanent failure that is ours, not the provider's (e.g. not configured). */
export function fatalFailure(message: string): DeliveryError {
  return new DeliveryError('fatal', message);
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** Shortens provider detail text for a one-line reason. */
export function clip(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
