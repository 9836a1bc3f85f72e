import { describeResource } from './change-request';
import {
  associatedByClaimant,
  awaitsHandOver,
  changeSessions,
  claimsOn,
  endedRemovalSession,
  handOverWaitEnds,
  hasCalled,
  heldTeam,
  isActiveWith,
  isOwnSession,
  isSettled,
  lastSession,
  openSession,
  othersHolding,
  ownChange,
  ownRemovalApplied,
  releasing,
  sessionNotApproved,
  sessionsToInherit,
  sessionToCancel,
  supersededBy,
  type ChangeView,
} from './change-view';
import {
  busyReason,
  cannotCancelReason,
  describeProgress,
  noEffectReason,
  foreignTeamReason,
  handOverCannotCancelReason,
  handOverDescription,
  noHandOverNote,
  notApprovedReason,
  removedUnderClaimReason,
  supersededReason,
  teamNotUsableReason,
  teamPendingDescription,
  timeoutReason,
} from './failure-reasons';
import type { CallRecord, InheritedSession, ManagerRecord, MutatingOperation } from './ownership-record';

/**
 * THE STATE TABLE. One poll of one change: given what the poll has seen (a
 * ChangeView), the first row whose condition holds says what to do next. The
 * executor carries the step out, updates the view and asks again, until a row
 * says wait, complete or fail.
 *
 * The rows are grouped as: every request, then Delete, Create and Update. Each
 * row has an id that its test in test/lambda/core/change-table.test.ts and the
 * README's lifecycle section use. Time is a row too: a wait past the change's
 * deadline becomes a failure that says what a rerun does.
 */
export type Step =
  /** A newer request for this resource has begun: make no further change. */
  | { readonly kind: 'stop'; readonly reason: string }
  /** Write this change into the resource's record, with what it inherits from the previous change. */
  | { readonly kind: 'begin'; readonly inherit: readonly InheritedSession[]; readonly rollbackOf?: string }
  /** Cancel a session that a failed or rolled-back change of this resource opened. */
  | { readonly kind: 'cancel'; readonly session: string }
  /** Read the requested team's status from MPA. */
  | { readonly kind: 'read-team' }
  /** Read a session from MPA (for the reason of a denial). */
  | { readonly kind: 'read-session'; readonly session: string }
  /** Make a mutating call. */
  | { readonly kind: 'call'; readonly operation: MutatingOperation; readonly team: string }
  /** Nothing to do until the next poll; `onTimeout` replaces the generic reason when the deadline passes. */
  | { readonly kind: 'wait'; readonly why: string; readonly session?: string; readonly onTimeout?: string }
  /** The change is done: answer SUCCESS. */
  | { readonly kind: 'complete'; readonly team?: string; readonly session?: string; readonly record: ManagerRecord | 'remove'; readonly note?: string }
  /** The change cannot succeed: answer FAILED with this reason. */
  | { readonly kind: 'fail'; readonly reason: string };

export interface Row {
  readonly id: string;
  /** What the row means, in the words of the README's lifecycle table. */
  readonly says: string;
  readonly when: (view: ChangeView) => boolean;
  readonly then: (view: ChangeView) => Step;
}

// ---------------------------------------------------------------------------
// Small helpers the rows share
// ---------------------------------------------------------------------------

const association = (v: ChangeView) => v.association;
const desired = (v: ChangeView) => v.request.team;
const isType = (type: ChangeView['request']['type']) => (v: ChangeView) => v.request.type === type;

/** A session of this change that the association shows as still open. */
function ownOpenSession(v: ChangeView): string | undefined {
  const open = openSession(v.association);
  return isOwnSession(v, open) ? open : undefined;
}

/** Before AssociateMpaTeam: the team must be readable as active, or unreadable (MPA out of reach). */
function associate(v: ChangeView): Step {
  const team = v.team;
  if (!team) return { kind: 'read-team' };
  if (team.status === 'PENDING') return { kind: 'wait', why: teamPendingDescription(v.request, team) };
  if (team.status !== 'ACTIVE' && team.status !== 'UNKNOWN') return { kind: 'fail', reason: teamNotUsableReason(v.request, team) };
  return { kind: 'call', operation: 'AssociateMpaTeam', team: desired(v) };
}

/** Wait on whatever session is open: this change's own, or one it did not open. */
function waitOn(v: ChangeView, own: string): Step {
  const open = openSession(v.association);
  return isOwnSession(v, open) || !open
    ? { kind: 'wait', why: own, session: open }
    : { kind: 'wait', why: busyReason(v, open), session: open };
}

/** Denial reasons name the session's final status: read it from MPA once. */
function notApproved(v: ChangeView): Step {
  const ended = sessionNotApproved(v)!;
  if (!v.sessions.has(ended.session)) return { kind: 'read-session', session: ended.session };
  return { kind: 'fail', reason: notApprovedReason(v, ended, heldTeam(v)) };
}

/** The record a completed Create or Update leaves: the team associated now is what it holds. */
function completedRecord(v: ChangeView, team: string): ManagerRecord {
  const mine = v.mine!;
  const change = ownChange(v)!;
  const created = hasCalled(v, 'AssociateMpaTeam', team) || (mine.team === team && mine.origin === 'created');
  const handedOver = change.handOver && v.request.team === team ? change.handOver.origin : undefined;
  const held = mine.team === team ? mine.origin : undefined;
  const byClaimant = associatedByClaimant(v, team) ? 'created' : undefined;
  const origin = created ? 'created' : handedOver ?? held ?? othersHolding(v, team)[0]?.origin ?? byClaimant ?? 'adopted';
  return { ...mine, team, origin, change: { ...change, outcome: 'succeeded' } };
}

function complete(v: ChangeView, note = noHandOver(v)): Step {
  const team = association(v)!.team!;
  return { kind: 'complete', team, session: lastSession(v), record: completedRecord(v, team), ...(note ? { note } : {}) };
}

/** Complete, keeping the resource's record as it is (the team found is not the one it holds: drift). */
function completeWithDrift(v: ChangeView): Step {
  const found = association(v)!.team;
  const change = ownChange(v)!;
  return {
    kind: 'complete',
    team: found,
    session: lastSession(v),
    record: { ...v.mine!, change: { ...change, outcome: 'succeeded' } },
    note: `drift: ${v.request.action} is associated with ${found}, not with ${desired(v)} that this resource holds; `
      + 'the update changes nothing, as for a native resource changed outside the stack',
  };
}

function release(note: string): Step {
  return { kind: 'complete', record: 'remove', note };
}

/** Said when a Create or Update stopped waiting for a Delete that did not hand over in time. */
function noHandOver(v: ChangeView): string | undefined {
  const releasers = v.request.type === 'Delete' ? [] : releasing(v, v.request.team);
  return releasers.length > 0 && v.now >= handOverWaitEnds(v) ? noHandOverNote(v, releasers, handOverWaitEnds(v) - v.request.startedAt) : undefined;
}

/** A wait on someone else's session, saying so when it follows a hand-over that did not come. */
function waitBusy(v: ChangeView): Step {
  const note = noHandOver(v);
  return { kind: 'wait', why: busyReason(v, openSession(v.association)) + (note ? ` (${note})` : ''), session: openSession(v.association) };
}

// ---------------------------------------------------------------------------
// The rows
// ---------------------------------------------------------------------------

export const CHANGE_TABLE: readonly Row[] = [
  // ---- every request ------------------------------------------------------
  {
    id: 'superseded',
    says: 'A newer request for this resource has begun (the rollback of a cancelled update): stop, changing nothing.',
    when: v => supersededBy(v) !== undefined,
    then: v => ({ kind: 'stop', reason: supersededReason(v.request, supersededBy(v)!) }),
  },
  {
    id: 'begin',
    says: 'First poll of a change: record it; sessions the previous change left pending are resumed by a Delete rerun, cancelled otherwise.',
    when: v => ownChange(v) === undefined,
    then: v => {
      const previous = v.mine?.change;
      const swapped = previous?.type === 'Update' && v.request.type === 'Update'
        && previous.team === v.request.previousTeam && previous.previousTeam === v.request.team && previous.outcome !== 'succeeded';
      const afterFailedCreate = previous?.type === 'Create' && v.request.type === 'Delete' && previous.outcome !== 'succeeded';
      return { kind: 'begin', inherit: sessionsToInherit(v), ...(swapped || afterFailedCreate ? { rollbackOf: previous!.requestId } : {}) };
    },
  },
  {
    id: 'cancel-inherited',
    says: 'A session the failed or rolled-back change opened is still pending: cancel it (only one this handler requested).',
    when: v => sessionToCancel(v) !== undefined && !v.uncancellable.has(sessionToCancel(v)!),
    then: v => ({ kind: 'cancel', session: sessionToCancel(v)! }),
  },
  {
    id: 'cannot-cancel',
    says: 'That session cannot be cancelled (MPA out of reach, or not requested by this handler): wait for it to end; on timeout say how to cancel it.',
    when: v => sessionToCancel(v) !== undefined,
    then: v => {
      const session = sessionToCancel(v)!;
      const reason = cannotCancelReason(v, session, v.uncancellable.get(session)!);
      return { kind: 'wait', why: `session ${session} to end (it could not be cancelled)`, session, onTimeout: reason };
    },
  },

  // ---- Delete -------------------------------------------------------------
  {
    id: 'delete-removed-under-claim',
    says: 'Delete whose removal took effect while another resource claims the team: FAILED, saying the action lost its protection and what restores it.',
    when: v => isType('Delete')(v) && claimsOn(v, ownRemovalApplied(v)?.team).length > 0,
    then: v => {
      const { team, session } = ownRemovalApplied(v)!;
      return { kind: 'fail', reason: removedUnderClaimReason(v, team, session, claimsOn(v, team)) };
    },
  },
  {
    id: 'delete-nothing-associated',
    says: 'Delete, nothing associated: done.',
    when: v => isType('Delete')(v) && association(v) === undefined,
    then: () => release('nothing is associated (any more)'),
  },
  {
    id: 'delete-holds-nothing',
    says: 'Delete of a resource that holds no team (no record, or its Create never associated one): leave the association as it is.',
    when: v => isType('Delete')(v) && v.mine?.team === undefined,
    then: () => release('this resource holds no team: nothing to remove'),
  },
  {
    id: 'delete-not-ours',
    says: 'Delete while another team is associated (changed outside the stack): leave it.',
    when: v => isType('Delete')(v) && association(v)?.team !== v.mine?.team,
    then: v => release(`${v.request.action} is associated with ${association(v)?.team}, not with this resource's team: left in place`),
  },
  {
    id: 'delete-hand-over-cancel',
    says: 'Delete whose removal is pending while another resource claims the team (a move deployed in parallel): cancel this change\'s session.',
    when: v => isType('Delete')(v) && claimsOn(v, v.mine?.team).length > 0 && ownOpenSession(v) !== undefined
      && !v.uncancellable.has(ownOpenSession(v)!),
    then: v => ({ kind: 'cancel', session: ownOpenSession(v)! }),
  },
  {
    id: 'delete-hand-over-cannot-cancel',
    says: 'That session cannot be cancelled (MPA out of reach, not requested by this handler, approved meanwhile): FAILED, saying how to cancel it.',
    when: v => isType('Delete')(v) && claimsOn(v, v.mine?.team).length > 0 && ownOpenSession(v) !== undefined,
    then: v => {
      const session = ownOpenSession(v)!;
      return { kind: 'fail', reason: handOverCannotCancelReason(v, session, v.uncancellable.get(session)!, claimsOn(v, v.mine?.team)) };
    },
  },
  {
    id: 'delete-other-manager',
    says: 'Delete while another resource of this library claims the same team, which is ACTIVE (a new logical id, a move to another stack): hand over, no call.',
    when: v => isType('Delete')(v) && claimsOn(v, v.mine?.team).length > 0 && association(v)?.state === 'ACTIVE',
    then: v => {
      // A removal session of this change that ended: if it was approved, the claimant associated the team again.
      const ended = endedRemovalSession(v);
      if (ended && !v.sessions.has(ended.session)) return { kind: 'read-session', session: ended.session };
      const detail = ended ? v.sessions.get(ended.session) : undefined;
      if (detail !== undefined && detail !== 'unavailable' && detail.status === 'APPROVED') {
        return { kind: 'fail', reason: removedUnderClaimReason(v, v.mine!.team!, ended!.session, claimsOn(v, v.mine?.team)) };
      }
      return release(`another resource manages ${v.request.action}: ${claimsOn(v, v.mine?.team).map(o => describeResource(o.resource)).join(', ')}`);
    },
  },
  {
    id: 'delete-hand-over-settle',
    says: 'Delete while another resource claims the team and the association is not settled (a cancelled removal still showing): wait for ACTIVE.',
    when: v => isType('Delete')(v) && claimsOn(v, v.mine?.team).length > 0,
    then: v => ({ kind: 'wait', why: `the association of ${v.mine?.team} to return to ACTIVE before handing it over`, session: openSession(v.association) }),
  },
  {
    id: 'delete-not-created',
    says: 'Delete of an association this library adopted rather than created: leave it.',
    when: v => isType('Delete')(v) && v.mine?.origin !== 'created',
    then: v => release(`${v.request.action} was associated with ${v.mine?.team} before this library managed it: left in place`),
  },
  {
    id: 'delete-not-approved',
    says: 'Delete, the disassociation was denied, expired or cancelled: FAILED, the team still protects the action.',
    when: v => isType('Delete')(v) && sessionNotApproved(v) !== undefined,
    then: notApproved,
  },
  {
    id: 'delete-disassociate',
    says: 'Delete, this resource\'s team is ACTIVE: DisassociateMpaTeam.',
    when: v => isType('Delete')(v) && isActiveWith(association(v), v.mine?.team) && !hasCalled(v, 'DisassociateMpaTeam', v.mine!.team!),
    then: v => ({ kind: 'call', operation: 'DisassociateMpaTeam', team: v.mine!.team! }),
  },
  {
    id: 'delete-wait',
    says: 'Delete, a session is pending on this resource\'s team: wait.',
    when: v => isType('Delete')(v) && !isSettled(association(v)),
    then: v => waitOn(v, `approval of the removal of ${v.mine?.team}`),
  },

  // ---- Create and Update: the goal is reached -------------------------------
  {
    id: 'await-hand-over',
    says: 'Create or Update while another resource\'s Delete is releasing the requested team (a move deployed in parallel): wait for its hand-over, for a bounded time.',
    when: v => awaitsHandOver(v).length > 0 && ownOpenSession(v) === undefined
      && association(v)?.team === desired(v) && (association(v)?.state === 'ACTIVE' || association(v)?.state === 'DELETE_PENDING'),
    then: v => ({ kind: 'wait', why: handOverDescription(v, awaitsHandOver(v)), session: openSession(v.association) }),
  },
  {
    id: 'associated',
    says: 'Create or Update, the requested team is ACTIVE: done (a Create adopts it when found so).',
    when: v => isActiveWith(association(v), desired(v)),
    then: v => complete(v),
  },
  {
    id: 'not-approved',
    says: 'A session of this change ended without approval (denied, expired, cancelled, or gone without a trace): FAILED within one poll.',
    when: v => sessionNotApproved(v) !== undefined,
    then: notApproved,
  },
  {
    id: 'accepted-without-effect',
    says: 'A call of this change was accepted, opened no session and shows no effect: FAILED, nothing is asked again.',
    when: v => acceptedWithoutEffect(v) !== undefined && !openSession(v.association),
    then: v => ({ kind: 'fail', reason: noEffectReason(v, acceptedWithoutEffect(v)!) }),
  },
  {
    id: 'own-session-pending',
    says: 'A session of this change is pending: wait.',
    when: v => ownOpenSession(v) !== undefined,
    then: v => ({ kind: 'wait', why: `approval of ${describeOpen(v)}`, session: ownOpenSession(v) }),
  },

  // ---- Create -------------------------------------------------------------
  {
    id: 'create-associate',
    says: 'Create, nothing associated: AssociateMpaTeam (once the team is active).',
    when: v => isType('Create')(v) && association(v) === undefined,
    then: associate,
  },
  {
    id: 'create-wait-disassociation',
    says: 'Create while a removal this change did not ask for is pending: wait for it to settle.',
    when: v => isType('Create')(v) && association(v)?.state === 'DELETE_PENDING',
    then: waitBusy,
  },
  {
    id: 'create-foreign',
    says: 'Create while another team is associated or pending: FAILED, nothing changed (adopt it by naming it).',
    when: isType('Create'),
    then: v => ({ kind: 'fail', reason: foreignTeamReason(v, association(v)?.team, claimsOn(v, association(v)?.team)) }),
  },

  // ---- Update that keeps the team (properties other than the team changed, or a rollback of a change that never took effect)
  {
    id: 'update-keep-restore',
    says: 'Update keeping the team, nothing associated (removed outside the stack): associate it again.',
    when: v => isType('Update')(v) && heldTeam(v) === desired(v) && association(v) === undefined,
    then: associate,
  },
  {
    id: 'update-keep-drift',
    says: 'Update keeping the team, another team ACTIVE (changed outside the stack): SUCCESS with a warning; the attribute shows the team found.',
    when: v => isType('Update')(v) && heldTeam(v) === desired(v) && association(v)?.state === 'ACTIVE',
    then: completeWithDrift,
  },
  {
    id: 'update-keep-settle',
    says: 'Update keeping the team while a session it did not open is pending: wait for it to settle.',
    when: v => isType('Update')(v) && heldTeam(v) === desired(v),
    then: waitBusy,
  },

  // ---- Update that changes the team (held H -> desired T) -----------------------
  {
    id: 'update-associate',
    says: 'Team change, nothing associated (the old team is gone): AssociateMpaTeam.',
    when: v => isType('Update')(v) && association(v) === undefined,
    then: associate,
  },
  {
    id: 'update-associate-first',
    says: 'Team change, the old team ACTIVE: try AssociateMpaTeam first (no gap, where the service lets the current team approve a change).',
    when: v => isType('Update')(v) && isActiveWith(association(v), heldTeam(v))
      && !hasCalled(v, 'AssociateMpaTeam', desired(v)) && !hasCalled(v, 'AssociateMpaTeam', desired(v), 'conflict'),
    then: associate,
  },
  {
    id: 'update-disassociate',
    says: 'Team change refused while the old team is ACTIVE (ConflictException): DisassociateMpaTeam, then associate.',
    when: v => isType('Update')(v) && isActiveWith(association(v), heldTeam(v)) && !hasCalled(v, 'DisassociateMpaTeam', heldTeam(v)!),
    then: v => ({ kind: 'call', operation: 'DisassociateMpaTeam', team: heldTeam(v)! }),
  },
  {
    id: 'update-wait-foreign-session',
    says: 'Team change while a session this change did not open is pending on the old or new team: wait for it to settle.',
    when: v => isType('Update')(v) && !isSettled(association(v))
      && (association(v)?.team === heldTeam(v) || association(v)?.team === desired(v)),
    then: v => ({ kind: 'wait', why: busyReason(v, openSession(v.association)), session: openSession(v.association) }),
  },
  {
    id: 'update-foreign',
    says: 'Team change while a third team is associated (changed outside the stack): FAILED, nothing changed; its rollback succeeds reporting the drift.',
    when: () => true,
    then: v => ({ kind: 'fail', reason: foreignTeamReason(v, association(v)?.team, claimsOn(v, association(v)?.team)) }),
  },
];

/** An accepted call without a session whose effect does not show (a Delete that still finds its team ACTIVE, say). */
function acceptedWithoutEffect(v: ChangeView): CallRecord | undefined {
  return (ownChange(v)?.calls ?? []).find(c => c.answer === 'accepted' && !c.session
    && (c.operation === 'AssociateMpaTeam' ? !isActiveWith(v.association, c.team) : isActiveWith(v.association, c.team)));
}

function describeOpen(v: ChangeView): string {
  const a = v.association!;
  const session = changeSessions(v).find(s => s.session === ownOpenSession(v));
  if (session?.operation === 'DisassociateMpaTeam') return `the removal of ${session.team} (${a.state})`;
  return `the association of ${session?.team ?? a.team} (${a.state})`;
}

/**
 * The next step. Time is the last rule: a wait past the change's deadline fails,
 * saying what a rerun does for this request type.
 */
export function decide(view: ChangeView): Step & { readonly row: string } {
  const row = CHANGE_TABLE.find(r => r.when(view))!;
  const step = row.then(view);
  if (step.kind === 'wait' && view.now >= view.request.deadline) {
    // The reason names the approvals so far: read the session once before failing.
    if (step.session && !view.sessions.has(step.session)) return { kind: 'read-session', session: step.session, row: `${row.id}/timeout` };
    const detail = step.session ? view.sessions.get(step.session) : undefined;
    const progress = detail && detail !== 'unavailable' ? describeProgress(detail) : undefined;
    return { kind: 'fail', reason: step.onTimeout ?? timeoutReason(view, step.why, step.session, progress), row: `${row.id}/timeout` };
  }
  return { ...step, row: row.id };
}
