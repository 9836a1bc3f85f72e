import type { AssociationControlPlane } from './association-control-plane';
import type { MpaTeamAssociation } from './payment-cryptography-mpa-commands';
import { AssociationFailure, errorName, truncate, isConflict, isResourceNotFound, isTransient } from './service-errors';
import type { WaitPlan } from './wait-plan';

/**
 * Sessions whose InitiationDate is at most this much before the request began
 * still count as the request's own: allows for clock skew between the Lambda
 * and the service.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 5_000;

/** What the request wants, as read from the plan and the resource properties. */
export interface ReconcileTarget {
  readonly plan: WaitPlan;
  readonly action: string;
  /** The team the resource properties name. */
  readonly mpaTeamArn: string;
  readonly requesterComment?: string;
  /**
   * onEvent's poll: the request has made no call yet, so no session that has
   * already ended can be its own (a rerun right after a denial must ask again).
   */
  readonly beforeFirstCall?: boolean;
}

/** What to do next, given the association as it is now. */
export type Decision =
  | { readonly kind: 'done' }
  | { readonly kind: 'wait'; readonly why: string }
  | { readonly kind: 'call'; readonly operation: 'AssociateMpaTeam' | 'DisassociateMpaTeam' }
  | { readonly kind: 'fail'; readonly reason: string };

/** The result of one poll. */
export interface PollResult {
  readonly complete: boolean;
  /** The association as last seen (undefined: none). */
  readonly association?: MpaTeamAssociation;
  /** Why it is not complete yet. */
  readonly waitingFor?: string;
  /** The mutating call this poll made, if any. */
  readonly called?: 'AssociateMpaTeam' | 'DisassociateMpaTeam';
  /** A transient error that this poll could not get past. */
  readonly transientError?: string;
}

/**
 * The lifecycle as a pure function: the request's target and the association
 * as it is now decide the next step. Every rule here is one line of the
 * README's lifecycle and one case in test/lambda/reconcile.test.ts.
 */
export function decide(target: ReconcileTarget, current: MpaTeamAssociation | undefined): Decision {
  const { plan } = target;
  switch (plan.goal) {
    case 'none':
      return { kind: 'done' };
    case 'associate':
      return decideAssociate(target, current);
    case 'disassociate':
      return decideDisassociate(target, current);
  }
}

function decideAssociate(target: ReconcileTarget, current: MpaTeamAssociation | undefined): Decision {
  const { plan, action, mpaTeamArn: desired } = target;
  const owned = plan.ownedTeamArn;
  if (!current) {
    if (plan.pendingAssociationSessionArn) {
      return {
        kind: 'fail',
        reason: `The association of approval team ${desired} with ${action} is gone while session ${plan.pendingAssociationSessionArn} `
          + 'awaited approval: it was denied, expired or removed out of band. Nothing is associated now. '
          + 'Rerun the deployment to request approval again.',
      };
    }
    return { kind: 'call', operation: 'AssociateMpaTeam' };
  }
  const team = current.MpaTeamArn;
  switch (current.AssociationState) {
    case 'ACTIVE':
      if (team === desired) {
        return { kind: 'done' };
      }
      if (team === owned) {
        return removeOwnedTeam(target, current);
      }
      return { kind: 'fail', reason: foreignTeamReason(action, team, desired) };
    case 'UPDATE_PENDING':
      if (team === desired || team === owned) {
        return { kind: 'wait', why: `approval of the association of ${team}` };
      }
      return { kind: 'fail', reason: foreignTeamReason(action, team, desired) };
    case 'DELETE_PENDING':
      if (team === desired || team === owned) {
        return { kind: 'wait', why: `approval of the disassociation of ${team}` };
      }
      return { kind: 'fail', reason: foreignTeamReason(action, team, desired) };
    default:
      return { kind: 'wait', why: `association state ${current.AssociationState} to settle` };
  }
}

function decideDisassociate(target: ReconcileTarget, current: MpaTeamAssociation | undefined): Decision {
  const { plan } = target;
  const owned = plan.ownedTeamArn;
  // Gone already, or another team's (changed out of band): not this resource's to remove.
  if (!current || current.MpaTeamArn !== owned) {
    return { kind: 'done' };
  }
  switch (current.AssociationState) {
    case 'ACTIVE':
      return removeOwnedTeam(target, current);
    case 'DELETE_PENDING':
      return { kind: 'wait', why: `approval of the disassociation of ${owned}` };
    case 'UPDATE_PENDING':
      return { kind: 'wait', why: `the pending association of ${owned} to settle before removing it` };
    default:
      return { kind: 'wait', why: `association state ${current.AssociationState} to settle` };
  }
}

/**
 * This resource's team is ACTIVE and must go: ask for its disassociation,
 * unless this request already asked and the approvers said no.
 */
function removeOwnedTeam(target: ReconcileTarget, current: MpaTeamAssociation): Decision {
  const denial = endedInThisRequest(target, current);
  return denial
    ? { kind: 'fail', reason: deniedDisassociationReason(target.action, current, denial) }
    : { kind: 'call', operation: 'DisassociateMpaTeam' };
}

/** A session of this request that ended without approval, if the association shows one. */
function endedInThisRequest(target: ReconcileTarget, current: MpaTeamAssociation) {
  const status = current.MpaStatus;
  if (target.beforeFirstCall || !status || (status.Status !== 'FAILED' && status.Status !== 'CANCELLED')) {
    return undefined;
  }
  return status.InitiationDate.getTime() >= target.plan.startedAt - CLOCK_SKEW_ALLOWANCE_MS ? status : undefined;
}

function deniedDisassociationReason(action: string, current: MpaTeamAssociation, status: NonNullable<MpaTeamAssociation['MpaStatus']>): string {
  const message = status.StatusMessage ? `: ${truncate(status.StatusMessage.replace(/[.\s]+$/, ''), 300)}` : '';
  return `Approval session ${status.MpaSessionArn} for DisassociateMpaTeam ended ${status.Status}${message}. `
    + `Nothing was changed: ${current.MpaTeamArn} is still associated with ${action}. `
    + 'Get the approvers to approve, then rerun the deployment to request approval again.';
}

function foreignTeamReason(action: string, team: string, desired: string): string {
  return `${action} is associated with approval team ${team}, which this resource did not associate (it manages ${desired}). `
    + `Nothing was changed. Remove that association with its team's approval, or set mpaTeamArn to ${team} to adopt it.`;
}

/**
 * One poll: read the association, decide, make at most one mutating call.
 * Throws AssociationFailure when the operation cannot succeed; a transient
 * error it could not get past within its retry budget leaves it incomplete.
 */
export async function pollOnce(target: ReconcileTarget, controlPlane: AssociationControlPlane): Promise<PollResult> {
  let current: MpaTeamAssociation | undefined;
  try {
    current = await controlPlane.get(target.action);
  } catch (error) {
    return transientOrThrow(error, undefined);
  }

  const decision = decide(target, current);
  switch (decision.kind) {
    case 'done':
      return { complete: true, association: current };
    case 'wait':
      return { complete: false, association: current, waitingFor: decision.why };
    case 'fail':
      throw new AssociationFailure(decision.reason);
    case 'call':
      break;
  }

  const operation = decision.operation;
  try {
    const after = operation === 'AssociateMpaTeam'
      ? await controlPlane.associate(target.action, target.mpaTeamArn, target.requesterComment)
      : await controlPlane.disassociate(target.action, target.requesterComment);
    const done = target.plan.goal === 'associate' && after.AssociationState === 'ACTIVE' && after.MpaTeamArn === target.mpaTeamArn;
    return done
      ? { complete: true, association: after, called: operation }
      : { complete: false, association: after, called: operation, waitingFor: `approval of ${operation} (${after.AssociationState})` };
  } catch (error) {
    // Another caller (a redelivered event, a person) or our own call whose answer
    // was lost got there first, or the association changed under us: report it as
    // it is now (onEvent remembers a session it finds pending); decide next poll.
    if (isConflict(error) || isResourceNotFound(error)) {
      return {
        complete: false,
        association: await readAgain(controlPlane, target.action, current),
        waitingFor: `the association to settle after ${operation} met ${errorName(error)}`,
      };
    }
    return transientOrThrow(error, current);
  }
}

/** The association as it is now, or as last read if a transient error hides it. */
async function readAgain(controlPlane: AssociationControlPlane, action: string, previous: MpaTeamAssociation | undefined) {
  try {
    return await controlPlane.get(action);
  } catch (error) {
    return transientOrThrow(error, previous).association;
  }
}

function transientOrThrow(error: unknown, current: MpaTeamAssociation | undefined): PollResult {
  if (isTransient(error)) {
    return { complete: false, association: current, waitingFor: 'the control plane to answer', transientError: errorName(error) };
  }
  throw error;
}
