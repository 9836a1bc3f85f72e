/**
 * The service's undocumented behaviours, as parameters of the fake ("worlds").
 * Each dimension is a point that the Payment Cryptography and MPA references
 * leave open or mark as inferred; the default value of each is the fake's
 * historical behaviour. Lifecycle tests run in every world of `WORLDS`: the
 * default, and each dimension moved to each of its other values one at a time.
 */
export interface ServiceWorld {
  /** What AssociateMpaTeam does when nothing is associated: ACTIVE at once, or UPDATE_PENDING until the new team approves. */
  readonly firstAssociation: 'immediate' | 'approval';
  /**
   * AssociateMpaTeam with another team while one is ACTIVE: refused with ConflictException,
   * UPDATE_PENDING until the current team approves (as AWS Backup's analogue documents),
   * or switched at once.
   */
  readonly otherTeamWhileActive: 'conflict' | 'approval' | 'immediate';
  /** AssociateMpaTeam with the team that is ACTIVE: the association unchanged, ConflictException, or a new session. */
  readonly sameTeamWhileActive: 'unchanged' | 'conflict' | 'approval';
  /**
   * Any mutating call while a session is pending: ConflictException, or (idempotent) the pending
   * association unchanged with its session for a repeat of the pending call itself (Associate of
   * the team that is UPDATE_PENDING, Disassociate while DELETE_PENDING); other calls still conflict.
   */
  readonly callWhilePending: 'conflict' | 'idempotent';
  /**
   * GetMpaTeamAssociation (and DisassociateMpaTeam) with nothing associated:
   * 404 ResourceNotFoundException with `ResourceId`, 404 without it (a `Message` only),
   * or 200 with an empty body `{}`. DisassociateMpaTeam has nothing to return, so under
   * `empty-success` it answers like `not-found-without-resource-id`.
   */
  readonly getWhenNone: 'not-found' | 'not-found-without-resource-id' | 'empty-success';
  /**
   * What a session that ended without approval leaves on the association: MpaStatus with
   * FAILED or CANCELLED and a StatusMessage, or nothing (the association exactly as before).
   */
  readonly endedSessionLeaves: 'status' | 'nothing';
  /**
   * Values outside the model: `model` sends only modelled members and enum values;
   * `extended` adds unknown members to every output and reports a just-started session as
   * `CREATING` (an MPA session status the Payment Cryptography model does not list) on the
   * first read after the call.
   */
  readonly vocabulary: 'model' | 'extended';
}

export const DEFAULT_WORLD: ServiceWorld = {
  firstAssociation: 'immediate',
  otherTeamWhileActive: 'conflict',
  sameTeamWhileActive: 'unchanged',
  callWhilePending: 'conflict',
  getWhenNone: 'not-found',
  endedSessionLeaves: 'status',
  vocabulary: 'model',
};

/** Every value each dimension can take. */
export const WORLD_DIMENSIONS: { readonly [K in keyof ServiceWorld]: readonly ServiceWorld[K][] } = {
  firstAssociation: ['immediate', 'approval'],
  otherTeamWhileActive: ['conflict', 'approval', 'immediate'],
  sameTeamWhileActive: ['unchanged', 'conflict', 'approval'],
  callWhilePending: ['conflict', 'idempotent'],
  getWhenNone: ['not-found', 'not-found-without-resource-id', 'empty-success'],
  endedSessionLeaves: ['status', 'nothing'],
  vocabulary: ['model', 'extended'],
};

/** A short name for test titles: `default`, or the dimensions that differ, e.g. `firstAssociation=approval`. */
export function worldName(world: ServiceWorld): string {
  const differences = (Object.keys(DEFAULT_WORLD) as (keyof ServiceWorld)[])
    .filter(key => world[key] !== DEFAULT_WORLD[key])
    .map(key => `${key}=${world[key]}`);
  return differences.length === 0 ? 'default' : differences.join(',');
}

/** The default world, then each dimension moved to each of its other values, one at a time. */
export const WORLDS: readonly ServiceWorld[] = [
  DEFAULT_WORLD,
  ...(Object.keys(WORLD_DIMENSIONS) as (keyof ServiceWorld)[]).flatMap(key =>
    (WORLD_DIMENSIONS[key] as readonly string[])
      .filter(value => value !== DEFAULT_WORLD[key])
      .map(value => ({ ...DEFAULT_WORLD, [key]: value }) as ServiceWorld)),
];
