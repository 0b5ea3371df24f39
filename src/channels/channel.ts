import type { z } from 'zod';
import type { Incident } from '../incident/incident.js';

/** What a delivery step hands a channel besides the incident. */
export interface DeliveryContext {
  /** Stable across retries and crashes of one delivery: use it as the provider's idempotency key. */
  idempotencyKey: string;
  /** 1 for the first try, 2 for the first retry, and so on. */
  attempt: number;
  /** Set when this is a re-notification because nobody acknowledged the incident. */
  escalation?: EscalationRound;
}

/** Which escalation round a delivery belongs to. */
export interface EscalationRound {
  round: number;
  rounds: number;
}

/** What a channel reports after a successful delivery; shown in the Slack thread. */
export interface DeliveryReceipt {
  /** Who received it, safe to show in Slack (phone numbers masked, URLs without paths). */
  recipients: string[];
  /** Provider reference, e.g. a message id, when the provider returns one. */
  reference?: string;
}

/**
 * One delivery channel: its settings (read from the environment) and how to deliver.
 * Adding a channel = one file implementing this, its test, and one line in `registry.ts`.
 */
export interface Channel<Settings = unknown> {
  /** Name used in routing rules and in the thread, e.g. `email`. */
  readonly name: string;
  /** Human name of the provider for messages, e.g. `SendGrid`. */
  readonly provider: string;
  /**
   * Environment variables the channel reads, validated one by one. Values arrive with
   * empty strings removed. Invalid values are startup errors.
   */
  readonly env: z.ZodObject;
  /** Variables that must all be set for the channel to count as configured. */
  readonly requiredEnv: readonly string[];
  /** Variables holding secrets: never shown, and scrubbed from any error text. */
  readonly secretEnv: readonly string[];
  /** Builds the channel's settings from its validated variables. */
  settings(env: Record<string, unknown>): Settings;
  /** Delivers; throws a `DeliveryError` (or anything else, treated as retryable). */
  deliver(settings: Settings, incident: Incident, context: DeliveryContext): Promise<DeliveryReceipt>;
}

/** Identity helper that keeps each channel's settings type checked. */
export function defineChannel<Settings>(channel: Channel<Settings>): Channel<Settings> {
  return channel;
}
