import { describeResource, type ChangeRequest } from './change-request';
import type { ChangeSession, ChangeView, SessionDetail, TeamStatus } from './change-view';
import type { LockHolder } from './claim-lock';
import type { CallRecord, ManagerRecord } from './ownership-record';

/**
 * Every reason the handler gives CloudFormation, in one place: one or two
 * sentences a payments engineer can act on, naming the session where there is
 * one, saying what is associated now and what a rerun or a rollback does.
 */

const MAX_DETAIL = 300;

function clip(text: string, max = MAX_DETAIL): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** `ended FAILED (REJECTED: The approval team rejected the request)`, from what the association and MPA tell. */
export function describeEnd(view: ChangeView, session: string): string {
  const shown = view.association?.session?.arn === session ? view.association.session : undefined;
  const detail = view.sessions.get(session);
  const read = detail && detail !== 'unavailable' ? detail : undefined;
  const status = read?.status ?? shown?.status;
  const message = read?.message ?? shown?.message;
  if (!status) return 'ended without approval (the service left no status behind)';
  const code = read?.statusCode ? `${read.statusCode}: ` : '';
  return `ended ${status}${message || code ? ` (${code}${message ? clip(message) : code.replace(/: $/, '')})` : ''}`;
}

export function notApprovedReason(view: ChangeView, ended: ChangeSession, held: string | undefined): string {
  const { request } = view;
  const end = describeEnd(view, ended.session);
  if (ended.operation === 'DisassociateMpaTeam') {
    const then = request.type === 'Delete'
      ? 'get the approvers to approve, then delete the stack again to ask them again'
      : 'CloudFormation rolls this update back without asking the approvers again';
    return `Approval session ${ended.session} to remove team ${ended.team} from ${request.action} ${end}. `
      + `Nothing changed: team ${ended.team} still protects ${request.action}; ${then}.`;
  }
  const now = view.association?.state === 'ACTIVE' && view.association.team
    ? `team ${view.association.team} still protects ${request.action}`
    : `${request.action} has no approval team now`;
  const then = request.type === 'Create'
    ? 'CloudFormation rolls the stack back; deploy again to ask again'
    : held === undefined && view.association === undefined
      ? 'CloudFormation rolls this update back, and the rollback associates the previous team again'
      : 'CloudFormation rolls this update back without asking the approvers again';
  return `Approval session ${ended.session} to associate team ${ended.team} with ${request.action} ${end}. ${capitalize(now)}; ${then}.`;
}

export function timeoutReason(view: ChangeView, waitingFor: string, session: string | undefined, progress?: string): string {
  const { request } = view;
  const seconds = Math.round(request.approvalTimeoutMs / 1000);
  const on = session ? `: session ${session} ${progress ? `has ${progress}` : 'is still pending'}` : '';
  const head = `Timed out after ${seconds} s (approvalTimeout) waiting for ${waitingFor}${on}.`;
  if (request.type === 'Delete') {
    return session
      ? `${head} The session stays open: delete the stack again to keep waiting on it; the approvers are not asked again.`
      : `${head} Delete the stack again to retry.`;
  }
  if (ownRollbackOf(view)) {
    return `${head} This was a rollback: run continue-update-rollback to retry it${session ? `; it cancels ${session} first and asks again` : ''}.`;
  }
  return session
    ? `${head} CloudFormation now rolls this change back, and the rollback cancels the session so that nothing takes effect later; deploy again to ask again.`
    : `${head} CloudFormation now rolls this change back; deploy again to retry.`;
}

export function cannotCancelReason(view: ChangeView, session: string, why: string): string {
  const { request } = view;
  const next = request.type === 'Delete' ? 'delete the stack again' : 'continue the rollback (aws cloudformation continue-update-rollback)';
  const seconds = Math.round(request.approvalTimeoutMs / 1000);
  return `Session ${session}, opened by the change this one rolls back, is still pending after ${seconds} s and could not be cancelled `
    + `(${clip(why, 200)}). Cancel it (aws mpa cancel-session --session-arn ${session} --region ${regionOf(session)}), then ${next}.`;
}

/** `payments-keys/RootCaApproval and payments-v2/RootCaApproval` */
function describeResources(records: readonly ManagerRecord[]): string {
  return records.map(r => describeResource(r.resource)).join(' and ');
}

/** A Delete's removal took effect after another resource had claimed the team: never quietly. */
export function removedUnderClaimReason(view: ChangeView, team: string, session: string | undefined, claims: readonly ManagerRecord[]): string {
  const { request } = view;
  const by = session ? `Approval session ${session}` : 'DisassociateMpaTeam';
  const now = view.association?.state === 'ACTIVE' && view.association.team === team
    ? `${describeResources(claims)} associated it again, and team ${team} protects ${request.action} now; nothing more to run`
    : `${request.action} has no approval team now. While ${describeResources(claims)} is still deploying it associates ${team} again at once; `
      + 'if it has completed, deploy a change to it (a new requesterComment, say): its Update associates the team again';
  return `${by} removed team ${team} from ${request.action} before this Delete could hand the action over to `
    + `${describeResources(claims)}, which claims that team. ${capitalize(now)}.`;
}

/** A Delete whose removal is pending found a claimant, and could not cancel its own session. */
export function handOverCannotCancelReason(view: ChangeView, session: string, why: string, claims: readonly ManagerRecord[]): string {
  const { request } = view;
  const team = view.mine?.team;
  return `${describeResources(claims)} claims team ${team}, but this Delete's removal of it from ${request.action} (session ${session}) `
    + `is still pending and could not be cancelled (${clip(why, 200)}). If the approvers approve it, ${request.action} loses its protection. `
    + `Cancel it now (aws mpa cancel-session --session-arn ${session} --region ${regionOf(session)}); `
    + 'if this stack is DELETE_FAILED, delete it again afterwards.';
}

/** Another resource holds the action's claim lock for another team (two stacks deploying at the same moment). */
export function claimedByOtherReason(view: ChangeView, holder: LockHolder): string {
  const { request } = view;
  return `${describeResource(holder.resource)} is claiming ${request.action} for team ${holder.team} at this moment `
    + `(a stack deploying in parallel); this resource asks for ${request.team}. Nothing changed here: one team protects an action. `
    + 'Name the same team in both resources, or remove one of them, then deploy again.';
}

/** For a wait: "the hand-over of team T from payments/RootCaApproval, whose Delete ...". */
export function handOverDescription(view: ChangeView, from: readonly ManagerRecord[]): string {
  return `the hand-over of team ${view.request.team} from ${describeResources(from)}, whose Delete stops removing it once it sees this resource's claim`;
}

/** What a change says when the Delete it waited for did not hand over in time. */
export function noHandOverNote(view: ChangeView, from: readonly ManagerRecord[], waitedMs: number): string {
  return `${describeResources(from)} did not hand team ${view.request.team} over within ${Math.round(waitedMs / 1000)} s; `
    + 'going on as without it';
}

export function foreignTeamReason(view: ChangeView, team: string | undefined, managers: readonly ManagerRecord[]): string {
  const { request } = view;
  const owner = managers.length > 0 ? ` (managed by ${managers.map(m => describeResource(m.resource)).join(', ')})` : '';
  const what = team ? `team ${team}${owner}` : 'a team this resource did not set';
  const wants = request.type === 'Update' && request.previousTeam !== request.team
    ? `it holds ${view.mine?.team ?? request.previousTeam ?? 'no team'} and asks for ${request.team}`
    : `it asks for ${request.team}`;
  return `${request.action} is associated with ${what}, not with this resource's team (${wants}). `
    + `Nothing changed: set mpaTeamArn to ${team ?? 'that team'} to adopt it, or have that team approve its removal first.`;
}

export function busyReason(view: ChangeView, session: string | undefined): string {
  const { request } = view;
  return `${request.action} has an approval session this change did not open${session ? ` (${session})` : ''}, `
    + `${view.association?.state ?? 'pending'} with team ${view.association?.team ?? 'unknown'}. Nothing changed: wait for it to end, then deploy again.`;
}

export function teamNotUsableReason(request: ChangeRequest, team: TeamStatus): string {
  const detail = [team.statusCode, team.message && clip(team.message, 200)].filter(Boolean).join(': ');
  const state = team.status === 'NOT_FOUND' ? 'does not exist (or is not shared with this account)' : `is ${team.status}${detail ? ` (${detail})` : ''}`;
  return `Approval team ${request.team} ${state}, so it cannot protect ${request.action}. Nothing changed: fix the team or set mpaTeamArn to an active team, then deploy again.`;
}

export function noEffectReason(view: ChangeView, call: CallRecord): string {
  const effect = call.operation === 'AssociateMpaTeam' ? `${call.team} is not ACTIVE` : `${call.team} is still associated`;
  return `${call.operation} for ${view.request.action} was accepted without an approval session, yet ${effect}. `
    + 'Nothing is asked again in this change: check the association (aws payment-cryptography get-mpa-team-association), then deploy again.';
}

export function supersededReason(request: ChangeRequest, by: string): string {
  return `Superseded by request ${by} for the same resource (the rollback of a cancelled or failed update): `
    + `this request (${request.requestId}) makes no further change.`;
}

/** For a log line or a wait: "team T is not active yet: 2 approvers have not accepted (alice, bob)". */
export function teamPendingDescription(request: ChangeRequest, team: TeamStatus): string {
  const pending = team.approversPending ?? [];
  const who = pending.length > 0 ? `: ${pending.length} approver${pending.length > 1 ? 's have' : ' has'} not accepted (${pending.slice(0, 5).join(', ')})` : '';
  return `team ${request.team} to become active${who}`;
}

/** "1 of 2 approvals, 0 rejections, expires 2026-11-25T10:00:00.000Z". */
export function describeProgress(detail: SessionDetail): string {
  const parts = [`${detail.approvals ?? 0} of ${detail.threshold ?? '?'} approvals`];
  if (detail.expiresAt) parts.push(`expires ${detail.expiresAt}`);
  return parts.join(', ');
}

function ownRollbackOf(view: ChangeView): string | undefined {
  const change = view.mine?.change;
  return change?.requestId === view.request.requestId ? change.rollbackOf : undefined;
}

function regionOf(arn: string): string {
  return arn.split(':')[3] || 'us-east-1';
}

/** Only the first letter of a sentence that starts with a word (never an ARN or an action name). */
function capitalize(text: string): string {
  return /^[a-z]+ /.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
