import { RoutingSource, sharedRoutingSource, type LoadedRouting } from '../../routing/routing-source.js';

/**
 * The routing in force when an incident starts (the publish-subscribe registry among
 * it), read in a step: an edited routing file applies to new incidents without a
 * restart, and the run records what it used, so a replay routes exactly as it did.
 */
export async function loadRouting(): Promise<LoadedRouting> {
  'use step';
  return sharedRoutingSource(() => new RoutingSource(undefined, console)).current();
}
