/**
 * The fake control plane as the harness uses it, through the interface it is
 * growing (worlds, a time source, an authorizer, `x-simulation-tag` on its
 * records): each newer member is used when the fake has it, and mapped onto
 * today's members when it does not. When the fake provides them all, the
 * fallbacks below can go (see README.md, "When the fake grows").
 */
import { newScope, runInScope } from './activity';
import type { SimulationClock } from './simulation-clock';
import { VirtualClock } from './virtual-clock';
import { FakeControlPlane, type FakeControlPlaneOptions, type RecordedRequest, type SessionRecord } from '../fake/fake-control-plane';
import type { ServiceWorld } from '../fake/service-worlds';

/** One request as the fake's authorizer sees it. */
export interface AuthorizationRequest {
  readonly service: 'payment-cryptography' | 'mpa' | 'ssm';
  /** The IAM action (`payment-cryptography:AssociateMpaTeam`), or the operation alone. */
  readonly action: string;
  readonly resource?: string;
  /** The caller's `x-simulation-tag`, if the fake passes it on. */
  readonly tag?: string;
}

export type Authorizer = (request: AuthorizationRequest) => boolean;

/** Options of the fake the harness starts; the newer ones are passed on as they are. */
export interface FakeOptions extends FakeControlPlaneOptions {
  readonly world?: Partial<ServiceWorld>;
  readonly mpaRegion?: string;
  readonly accountId?: string;
  readonly requesterPrincipalArn?: string;
}

/** Who sleeps when the fake holds an answer back: an HTTP request parked there waits on the simulation clock. */
export const FAKE_SLEEPER = Object.freeze({ sleeper: 'fake control plane' });

interface GrowingFake {
  setWorld?(world: Partial<ServiceWorld>): void;
  setAuthorizer?(authorizer?: Authorizer): void;
}

/** Starts the fake on the simulation's clock: its time, and (once it takes a time source) its delays. */
export async function startFake(clock: SimulationClock, options: FakeOptions = {}): Promise<FakeControlPlane> {
  const timeSource = {
    now: () => clock.now(),
    sleep: (ms: number) => (clock instanceof VirtualClock ? clock.sleepOwnedBy(FAKE_SLEEPER, ms) : clock.sleep(ms)),
  };
  const started = { ...legacyPolicy(options.world), ...options, clock: () => clock.now(), timeSource } as FakeControlPlaneOptions;
  // Started in a scope of its own: the server serves every request in it, so the delays of a fake
  // without a time source (setTimeout) run on the clock too (virtual-timers.ts).
  const fake = await runInScope(newScope({ kind: 'fake', tag: 'fake-control-plane' }), () => FakeControlPlane.start(started));
  if (options.world) setWorld(fake, options.world);
  return fake;
}

/** Puts the fake in a world of the service: `setWorld` when the fake has it, else the policies today's fake knows. */
export function setWorld(fake: FakeControlPlane, world: Partial<ServiceWorld>): void {
  const growing = fake as unknown as GrowingFake;
  if (typeof growing.setWorld === 'function') {
    growing.setWorld(world);
    return;
  }
  fake.setPolicy(legacyPolicy(world));
}

/**
 * Whether the fake can play `world`: any world once it has `setWorld`; today's
 * fake plays the two dimensions it has policies for, the others at their defaults.
 */
export function canPlayWorld(world: Partial<ServiceWorld>): boolean {
  if (typeof (FakeControlPlane.prototype as unknown as GrowingFake).setWorld === 'function') return true;
  if (world.otherTeamWhileActive === 'immediate') return false;
  return (Object.keys(DEFAULT_LEGACY) as (keyof typeof DEFAULT_LEGACY)[])
    .every(key => world[key] === undefined || world[key] === DEFAULT_LEGACY[key]);
}

const DEFAULT_LEGACY = {
  sameTeamWhileActive: 'unchanged',
  callWhilePending: 'conflict',
  getWhenNone: 'not-found',
  endedSessionLeaves: 'status',
  vocabulary: 'model',
} as const;

function legacyPolicy(world: Partial<ServiceWorld> | undefined): Pick<FakeControlPlaneOptions, 'firstAssociation' | 'teamChange'> {
  if (!world) return {};
  return {
    ...(world.firstAssociation && { firstAssociation: world.firstAssociation }),
    ...(world.otherTeamWhileActive && { teamChange: world.otherTeamWhileActive === 'approval' ? 'approval' : 'conflict' }),
  };
}

/** Sets the fake's authorizer; false when the fake cannot authorize yet. */
export function setAuthorizer(fake: FakeControlPlane, authorizer: Authorizer | undefined): boolean {
  const growing = fake as unknown as GrowingFake;
  if (typeof growing.setAuthorizer !== 'function') return false;
  growing.setAuthorizer(authorizer);
  return true;
}

/** The `x-simulation-tag` the fake recorded for a request, if it records it. */
export function tagOf(request: RecordedRequest): string | undefined {
  return (request as RecordedRequest & { tag?: string }).tag;
}

/** The `x-simulation-tag` of the request that opened a session, if the fake records it. */
export function openedByTagOf(session: SessionRecord): string | undefined {
  return (session as SessionRecord & { openedByTag?: string }).openedByTag;
}

/** The endpoint variables for the handler (SSM's too, once the fake serves it). */
export function fakeEnvironment(fake: FakeControlPlane): Record<string, string> {
  return fake.environment();
}
