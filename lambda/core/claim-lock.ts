import { sameResource, type ResourceIdentity } from './change-request';
import { actionPath } from './ownership-record';

/**
 * THE CLAIM LOCK. Two resources in stacks that deploy at the same moment (other
 * apps, other pipelines: the synth-time guardrail sees neither) may both find
 * nothing associated and both call. Before a Create or Update makes a mutating
 * call it must hold the action's claim lock, and it reads the association again
 * once it holds it; it lets go once the call's answer is in its record.
 *
 * Built on what SSM Parameter Store guarantees: PutParameter without Overwrite
 * creates a parameter or fails with ParameterAlreadyExists, so exactly one of two
 * writers creates it. Nothing compares one Lambda's clock with another's: a lock's
 * age is SSM's LastModifiedDate of the lock against SSM's LastModifiedDate of a
 * write the reader has just made. Lists are never used to arbitrate (they may lag).
 */

/** One claimant inside its critical section (deciding and making a mutating call). */
export interface LockHolder {
  readonly resource: ResourceIdentity;
  readonly requestId: string;
  readonly team: string;
  /** Drawn at random when the lock is taken: names this holding (and the takeover of it). */
  readonly token: string;
}

/**
 * How old a lock must be, on SSM's clock, before another claimant may take it over.
 * A holder leaves its lock within one poll (at most 60 s) unless its invocation
 * stopped; a poll cannot outlast this by far, so a live holder is never taken over.
 */
export const LOCK_LEASE_MS = 10 * 60 * 1000;

const FORMAT = 'cdk-mpa-team-association/claim-lock@1';

/** `<path>/<action>/claim`: one segment below the action, where no ownership record lives (theirs have four). */
export function lockName(action: string): string {
  return `${actionPath(action)}/claim`;
}

/** A parameter a claimant writes and removes to read SSM's clock (its LastModifiedDate). */
export function clockProbeName(action: string, token: string): string {
  return `${lockName(action)}-clock-${token.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

/** The parameter whose creation decides who takes over the stale holding `token`. */
export function takeoverName(action: string, token: string): string {
  return `${lockName(action)}-after-${token.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

export function serializeHolder(holder: LockHolder): string {
  return JSON.stringify({ format: FORMAT, ...holder });
}

/** Reads a lock's value leniently; anything else reads as undefined (a holder nobody can name). */
export function parseHolder(text: string | undefined): LockHolder | undefined {
  let raw: any;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  const fields = [raw?.resource?.stackId, raw?.resource?.logicalId, raw?.requestId, raw?.team, raw?.token];
  if (raw?.format !== FORMAT || fields.some(f => typeof f !== 'string' || f === '')) return undefined;
  const resource = { stackId: raw.resource.stackId, logicalId: raw.resource.logicalId };
  return { resource, requestId: raw.requestId, team: raw.team, token: raw.token };
}

/**
 * What a claimant makes of a lock someone holds:
 * - `mine`: this resource holds it (an earlier poll or request of it stopped inside its section): take it again;
 * - `same-team`: another resource is about to associate the team this one asks for: wait, then adopt what it made;
 * - `other-team`: another resource claims the action for another team, and is alive: this claim loses;
 * - `unreadable`: a value this library did not write (or a newer format): wait until it is stale;
 * - `stale`: its holder stopped inside its section (older than the lease): it may be taken over.
 */
export type Judgement = 'mine' | 'same-team' | 'other-team' | 'unreadable' | 'stale';

export function judge(holder: LockHolder | undefined, me: LockHolder, ageMs: number): Judgement {
  if (holder && sameResource(holder.resource, me.resource)) return 'mine';
  if (ageMs >= LOCK_LEASE_MS) return 'stale';
  if (!holder) return 'unreadable';
  return holder.team === me.team ? 'same-team' : 'other-team';
}
