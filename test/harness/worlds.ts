import { canPlayWorld, setWorld } from './fake-adapter';
import type { Simulation } from './simulation';
import { WORLDS, worldName, type ServiceWorld } from '../fake/service-worlds';

/**
 * The worlds of the service the fake can play: every one of `WORLDS` once the
 * fake has `setWorld`; until then the ones today's fake has policies for.
 */
export function playableWorlds(): readonly ServiceWorld[] {
  return WORLDS.filter(canPlayWorld);
}

/**
 * One test per world of the service: the fake is reset and put in the world,
 * then `body` runs. Titles end with the world's name (`[default]`,
 * `[firstAssociation=approval]`, ...).
 */
export function forEachWorld(
  title: string,
  environment: { readonly sim: Simulation },
  body: (world: ServiceWorld) => Promise<void>,
  timeoutMs?: number,
): void {
  for (const world of playableWorlds()) {
    test(`${title} [${worldName(world)}]`, async () => {
      environment.sim.reset();
      setWorld(environment.sim.fake, world);
      await body(world);
    }, timeoutMs);
  }
}
