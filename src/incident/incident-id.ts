import { randomInt } from 'node:crypto';

// Crockford base32 without I, L, O, U: unambiguous when read aloud or typed.
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new incident id: `INC-` and 8 characters (40 random bits). Collisions need about
 * a million incidents to become likely, and PagerDuty de-duplicates by this key, so
 * the id is random rather than sequential (no shared counter across replicas).
 */
export function newIncidentId(): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `INC-${id}`;
}
