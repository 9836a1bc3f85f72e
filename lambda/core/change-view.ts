import { sameResource, type ChangeRequest } from './change-request';
import type { CallRecord, ChangeRecord, ManagerRecord, MutatingOperation } from './ownership-record';

/**
 * Everything one poll knows about the world, and the facts the state table
 * derives from it. Plain data: no AWS client, no Provider framework shape.
 */
export interface ChangeView {
  readonly request: ChangeRequest;
  readonly now: number;
  /** This resource's ownership record, if it has one. */
  readonly mine?: ManagerRecord;
  /** The records of the other resources that manage the action (read when a Create or Delete needs them). */
  readonly others: readonly ManagerRecord[];
  /** The association as last read; undefined when nothing is associated. */
  readonly association?: ObservedAssociation;
  /** The requested team's status, once read (before associating it). */
  readonly team?: TeamStatus;
  /** Sessions read from MPA, by ARN (`unavailable` when MPA could not be read). */
  readonly sessions: ReadonlyMap<string, SessionDetail | 'unavailable'>;
  /** Sessions this request could not cancel, with the reason. */
  readonly uncancellable: ReadonlyMap<string, string>;
}

/** An association as read, leniently: any member may be missing, any value unknown. */
export interface ObservedAssociation {
  readonly team?: string;
  /** ACTIVE, UPDATE_PENDING, DELETE_PENDING, or a value the model does not list (read as not settled). */
  readonly state: string;
  readonly session?: ObservedSession;
}

export interface ObservedSession {
  readonly arn: string;
  /** PENDING, APPROVED, FAILED, CANCELLED, or a value the model does not list (read as not ended). */
  readonly status: string;
  /** Epoch milliseconds. */
  readonly initiatedAt?: number;
  readonly message?: string;
}

/** An MPA approval team's status (GetApprovalTeam). */
export interface TeamStatus {
  /** ACTIVE, PENDING, INACTIVE, DELETING, NOT_FOUND, or UNKNOWN when MPA could not be read. */
  readonly status: string;
  readonly statusCode?: string;
  readonly message?: string;
  /** Approvers who have not accepted their invitation yet. */
  readonly approversPending?: readonly string[];
}

/** An MPA session as GetSession tells it. */
export interface SessionDetail {
  readonly status?: string;
  readonly statusCode?: string;
  readonly message?: string;
  readonly requesterPrincipalArn?: string;
  readonly approvals?: number;
  readonly threshold?: number;
  readonly expiresAt?: string;
}

/** Sessions whose InitiationDate is at most this much before a call count as opened by it (clock skew). */
export const CLOCK_SKEW_ALLOWANCE_MS = 5_000;

const ENDED_STATUSES = new Set(['APPROVED', 'FAILED', 'CANCELLED']);

// ---------------------------------------------------------------------------
// Plain facts
// ---------------------------------------------------------------------------

/** A session status the model does not list (MPA's CREATING, say) means not ended yet. */
export function hasEnded(status: string | undefined): boolean {
  return status !== undefined && ENDED_STATUSES.has(status);
}

/** ACTIVE is settled; UPDATE_PENDING, DELETE_PENDING and any state the model does not list are not. */
export function isSettled(association: ObservedAssociation | undefined): boolean {
  return association === undefined || association.state === 'ACTIVE';
}

export function isActiveWith(association: ObservedAssociation | undefined, team: string | undefined): boolean {
  return association?.state === 'ACTIVE' && team !== undefined && association.team === team;
}

/** The session the association shows as still open, if any. */
export function openSession(association: ObservedAssociation | undefined): string | undefined {
  const session = association?.session;
  return association && !isSettled(association) && session && !hasEnded(session.status) ? session.arn : undefined;
}

/** This request's change, once it has begun (written into the record). */
export function ownChange(view: ChangeView): ChangeRecord | undefined {
  const change = view.mine?.change;
  return change?.requestId === view.request.requestId ? change : undefined;
}

/** A newer request for this resource has begun: this one must change nothing more. */
export function supersededBy(view: ChangeView): string | undefined {
  const change = view.mine?.change;
  return change && change.requestId !== view.request.requestId && change.startedAt > view.request.startedAt
    ? change.requestId : undefined;
}

/** The team this resource holds: its record's, or for an Update without a record, its old properties'. */
export function heldTeam(view: ChangeView): string | undefined {
  if (view.mine) return view.mine.team;
  return view.request.type === 'Update' ? view.request.previousTeam : undefined;
}

/** Other resources of this library whose record holds `team` (a rename or a move in progress). */
export function othersHolding(view: ChangeView, team: string | undefined): readonly ManagerRecord[] {
  return team === undefined ? [] : view.others.filter(o => o.team === team && !sameResource(o.resource, view.request.resource));
}

// ---------------------------------------------------------------------------
// Claims and hand-overs between resources (a rename, a move, two stacks deployed at once)
// ---------------------------------------------------------------------------

/**
 * A claim on `team`: a resource whose record holds the team or whose current change
 * asks for it (a Create still waiting), unless that change is a Delete (it releases
 * the team) or has failed (its rollback follows; the claim went with it).
 */
export function isClaim(record: ManagerRecord, team: string | undefined): boolean {
  const change = record.change;
  if (team === undefined || change?.outcome === 'failed' || change?.type === 'Delete') return false;
  return record.team === team || change?.team === team;
}

/** Other resources that claim `team`: a Delete of this resource's team must not remove it while one does. */
export function claimsOn(view: ChangeView, team: string | undefined): readonly ManagerRecord[] {
  return view.others.filter(o => isClaim(o, team) && !sameResource(o.resource, view.request.resource));
}

/** Another resource that claims `team` made an AssociateMpaTeam of it (two claims for one team: the first creator's origin is kept). */
export function associatedByClaimant(view: ChangeView, team: string): boolean {
  return claimsOn(view, team).some(o => (o.change?.calls ?? []).some(c => c.operation === 'AssociateMpaTeam' && c.team === team && c.answer !== 'conflict'));
}

/** How long a change that never answered may hold up others when its record names no deadline (CloudFormation waits at most an hour). */
export const UNANSWERED_CHANGE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * How long a Create or Update waits for another resource's Delete to hand the team
 * over: that Delete sees the claim at its next poll (at most the longest pollInterval,
 * 5 minutes, plus one poll's 60 s), twice over. Never more than half the waiting
 * change's own approvalTimeout, so that it still has time to fall back.
 */
export const HAND_OVER_WAIT_MS = 11 * 60 * 1000;

/**
 * Other resources whose Delete is releasing `team` right now: it has begun, has not
 * answered, and its waiter has not stopped (its deadline has not passed).
 */
export function releasing(view: ChangeView, team: string | undefined): readonly ManagerRecord[] {
  return othersHolding(view, team).filter(o => {
    const change = o.change;
    if (change?.type !== 'Delete' || change.outcome !== undefined) return false;
    return view.now <= (change.deadline ?? change.startedAt + UNANSWERED_CHANGE_LIFETIME_MS);
  });
}

/** When this change stops waiting for a hand-over and falls back to waiting on the service alone. */
export function handOverWaitEnds(view: ChangeView): number {
  return view.request.startedAt + Math.min(HAND_OVER_WAIT_MS, Math.floor(view.request.approvalTimeoutMs / 2));
}

/** Another resource's Delete is releasing the team this Create or Update asks for, and the wait for it has not run out. */
export function awaitsHandOver(view: ChangeView): readonly ManagerRecord[] {
  if (view.request.type === 'Delete' || view.now >= handOverWaitEnds(view)) return [];
  return releasing(view, view.request.team);
}

/**
 * This Delete's own removal took effect: a DisassociateMpaTeam it made (or resumed)
 * was approved, or was taken without a session, and the team is gone. (The record no
 * longer holds the team by then: the observation dropped it.)
 */
export function ownRemovalApplied(view: ChangeView): { readonly team: string; readonly session?: string } | undefined {
  const approved = changeSessions(view).find(s => s.operation === 'DisassociateMpaTeam' && s.outcome === 'approved');
  if (approved) return { team: approved.team, session: approved.session };
  const call = (ownChange(view)?.calls ?? []).find(c => c.operation === 'DisassociateMpaTeam' && c.answer === 'accepted'
    && !c.session && view.association?.team !== c.team);
  return call ? { team: call.team } : undefined;
}

/** A removal session of this Delete that has ended while the team is associated again: approved (and re-associated by a claimant) or not. */
export function endedRemovalSession(view: ChangeView): ChangeSession | undefined {
  return changeSessions(view).find(s => s.operation === 'DisassociateMpaTeam' && s.outcome !== 'pending');
}

// ---------------------------------------------------------------------------
// The sessions of a change
// ---------------------------------------------------------------------------

/** A session this change opened, or resumed from the previous one, and where it stands. */
export interface ChangeSession {
  readonly session: string;
  readonly operation: MutatingOperation;
  readonly team: string;
  readonly outcome: 'pending' | 'approved' | 'not-approved';
}

/**
 * Every session this change waits on: those its own accepted calls named and
 * those it resumed. Whether a session ended is read from the association, which
 * may name the session with its final status, or may have gone back to what it
 * was without a trace: both mean "not approved".
 */
export function changeSessions(view: ChangeView): ChangeSession[] {
  const change = ownChange(view);
  if (!change) return [];
  const own = change.calls.filter(c => c.answer === 'accepted' && c.session)
    .map(c => ({ session: c.session!, operation: c.operation, team: c.team }));
  const resumed = (change.inherited ?? []).filter(i => i.disposition === 'resume')
    .map(i => ({ session: i.session, operation: i.operation, team: i.team }));
  const unique = [...own, ...resumed].filter((s, i, all) => all.findIndex(o => o.session === s.session) === i);
  return unique.map(s => ({ ...s, outcome: sessionOutcome(view.association, s.session, s.operation, s.team) }));
}

function sessionOutcome(
  association: ObservedAssociation | undefined, session: string, operation: MutatingOperation, team: string,
): ChangeSession['outcome'] {
  if (openSession(association) === session) return 'pending';
  if (association?.session?.arn === session && association.session.status === 'APPROVED') return 'approved';
  if (operation === 'DisassociateMpaTeam') {
    return association === undefined || association.team !== team ? 'approved' : 'not-approved';
  }
  return isActiveWith(association, team) ? 'approved' : 'not-approved';
}

/** The first session of this change that ended without approval, if any. */
export function sessionNotApproved(view: ChangeView): ChangeSession | undefined {
  return changeSessions(view).find(s => s.outcome === 'not-approved');
}

/** The last session this change opened or resumed, for the response data. */
export function lastSession(view: ChangeView): string | undefined {
  return changeSessions(view).at(-1)?.session;
}

export function isOwnSession(view: ChangeView, session: string | undefined): boolean {
  return session !== undefined && changeSessions(view).some(s => s.session === session);
}

/** Whether this change made `operation` on `team` and the service took it (or refused it, with `conflict`). */
export function hasCalled(view: ChangeView, operation: MutatingOperation, team: string, answer: CallRecord['answer'] = 'accepted'): boolean {
  return (ownChange(view)?.calls ?? []).some(c => c.operation === operation && c.team === team && c.answer === answer);
}

// ---------------------------------------------------------------------------
// What the previous change of this resource left open
// ---------------------------------------------------------------------------

/**
 * Sessions of this resource's previous change (a failed, rolled-back or timed-out
 * request) that are still pending now. A Delete resumes the previous Delete's
 * session (its rerun); any other request cancels what its predecessor opened.
 */
export function sessionsToInherit(view: ChangeView) {
  const previous = view.mine?.change;
  if (!previous || previous.requestId === view.request.requestId) return [];
  const open = openSession(view.association);
  const candidates = [
    ...previous.calls.filter(c => c.answer === 'accepted' && c.session).map(c => ({ session: c.session!, operation: c.operation, team: c.team })),
    ...(previous.inherited ?? []).filter(i => i.disposition === 'resume'),
  ];
  const disposition = previous.type === 'Delete' && view.request.type === 'Delete' ? 'resume' as const : 'cancel' as const;
  return candidates.filter(c => c.session === open)
    .map(c => ({ session: c.session, operation: c.operation, team: c.team, disposition }));
}

/** A session inherited for cancellation that is still pending. */
export function sessionToCancel(view: ChangeView): string | undefined {
  const open = openSession(view.association);
  return (ownChange(view)?.inherited ?? []).find(i => i.disposition === 'cancel' && i.session === open)?.session;
}

// ---------------------------------------------------------------------------
// What an observation teaches the record
// ---------------------------------------------------------------------------

/**
 * The record as this observation shows it, so that nothing learned is lost if the
 * next poll runs in another invocation:
 * - a call whose answer was lost counts as accepted once its session shows
 *   pending (opened at or after the call) or its effect shows;
 * - a pending session of the requested team that this change did not open is
 *   watched as its own (a redelivered request, an answer lost in transit), so
 *   that its end is a denial, not a reason to ask again;
 * - another resource's Delete that is releasing the team a Create or Update asks
 *   for hands over its origin, kept here because its record goes when it completes;
 * - what the change's calls made take effect is what the resource holds (see claimEffects).
 */
export function recordAfterObservation(view: ChangeView): ManagerRecord | undefined {
  const change = ownChange(view);
  if (!view.mine || !change) return view.mine;
  const association = view.association;
  const open = openSession(association);
  const calls = change.calls.map(call => {
    if (call.answer !== 'lost') return call;
    const openedByCall = open !== undefined && association?.team === call.team
      && (association.session?.initiatedAt ?? 0) >= call.at - CLOCK_SKEW_ALLOWANCE_MS;
    if (openedByCall) return { ...call, answer: 'accepted' as const, session: open };
    const effectShows = call.operation === 'AssociateMpaTeam' ? isActiveWith(association, call.team) : association === undefined;
    return effectShows ? { ...call, answer: 'accepted' as const } : call;
  });
  const inherited = change.inherited ?? [];
  const known = new Set([...calls.map(c => c.session), ...inherited.map(i => i.session)]);
  const watch = open !== undefined && !known.has(open) && association?.team === view.request.team
    && association.state === 'UPDATE_PENDING' && view.request.type !== 'Delete';
  const from = change.handOver ? undefined : releasing(view, view.request.team).find(o => o.origin !== undefined);
  const handOver = view.request.type !== 'Delete' && from ? { from: from.resource, origin: from.origin! } : undefined;
  const unchanged = !watch && !handOver && calls.every((c, i) => c === change.calls[i]);
  const observed = unchanged ? view.mine : {
    ...view.mine,
    change: {
      ...change,
      calls,
      ...(watch ? { inherited: [...inherited, { session: open, operation: 'AssociateMpaTeam' as const, team: view.request.team, disposition: 'resume' as const }] } : {}),
      ...(handOver ? { handOver } : {}),
    },
  };
  return claimEffects(observed, calls, association);
}

/**
 * A resource holds the team its own calls made take effect: an accepted
 * AssociateMpaTeam whose team is now ACTIVE is held (and was created by this
 * library); an accepted DisassociateMpaTeam whose team is gone is no longer held.
 * Applied to the resource's current change, and at the start of a change to the
 * change before it (a failed Create whose session was approved late).
 */
export function claimEffects(record: ManagerRecord, calls: readonly CallRecord[], association: ObservedAssociation | undefined): ManagerRecord {
  const accepted = calls.filter(c => c.answer === 'accepted');
  if (association?.state === 'ACTIVE' && accepted.some(c => c.operation === 'AssociateMpaTeam' && c.team === association.team)) {
    return record.team === association.team && record.origin === 'created' ? record : { ...record, team: association.team, origin: 'created' };
  }
  const removed = accepted.some(c => c.operation === 'DisassociateMpaTeam' && c.team === record.team && association?.team !== c.team);
  if (removed) {
    const { team: _team, origin: _origin, ...rest } = record;
    return rest;
  }
  return record;
}
