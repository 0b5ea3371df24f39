import { z } from 'zod';

/** Zod validators for channel settings, with messages that say how to fix the value. */

export const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL, e.g. ${example}` });

export const emailAddress = z.email({ error: 'must be an email address, e.g. alerts@example.com' });

export const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { error: 'must be a phone number in E.164 form, e.g. +15551234567' });

/** A comma-separated list of values that each pass `item`; at least one. */
export function commaList(item: z.ZodType<string, string>, example: string) {
  return z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(item).min(1, { error: `must list at least one value, e.g. ${example}` }));
}

export const secret = (hint: string) => z.string().min(8, { error: `looks too short to be real: ${hint}` });
