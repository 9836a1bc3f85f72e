import { randomUUID } from 'node:crypto';
import { sameResource, type ChangeRequest } from './change-request';
import { decide, type Step } from './change-table';
import { claimEffects, hasEnded, openSession, ownChange, recordAfterObservation, type ChangeView, type SessionDetail } from './change-view';
import { claimedByOtherReason, describeProgress, timeoutReason } from './failure-reasons';
import { log } from './log';
import { withCall, type CallRecord, type ManagerRecord } from './ownership-record';
import type { CallBudget } from '../aws/call-budget';
import type { ClaimArbiter } from '../aws/claim-arbiter';
import type { ControlPlane } from '../aws/control-plane';
import type { MpaApi } from '../aws/mpa-api';
import type { OwnershipStore } from '../aws/ownership-store';
import { AssociationFailure, errorMessage, errorName, isTransient } from '../aws/service-errors';

/** The AWS services one poll talks to, all bounded by the invocation's budget. */
export interface PollServices {
  readonly budget: CallBudget;
  readonly controlPlane: ControlPlane;
  readonly mpa: MpaApi;
  readonly store: OwnershipStore;
  /** The action's claim lock, held by a Create or Update while it makes a mutating call. */
  readonly claims: ClaimArbiter;
  /** The handler role's ARN, to tell the sessions it requested. */
  readonly roleArn?: string;
  /** Where the role is not given (a registry type's handler): how to learn it, asked only before a cancel. */
  readonly resolveRoleArn?: () => Promise<string | undefined>;
}

export type PollOutcome =
  | { readonly kind: 'complete'; readonly team?: string; readonly session?: string }
  | { readonly kind: 'wait'; readonly why: string };

/** A mutating call needs this much of the invocation left, so that its answer (and the record of it) fit. */
const MIN_BUDGET_FOR_CALL_MS = 5_000;
/** Steps one poll may take before it leaves the rest to the next poll (a guard, never reached in practice). */
const MAX_STEPS_PER_POLL = 12;

/**
 * One poll of one change: read the world, ask the state table, carry out its
 * step, and ask again until it says wait, complete or fail. A failure is thrown
 * as AssociationFailure (its message is CloudFormation's reason); anything that
 * could not get through in time leaves the change waiting for the next poll.
 * Nothing here knows which front end called: `phase` only labels the log line
 * (`onEvent`, `isComplete`), and everything else comes in `request` and `services`.
 */
export async function pollChange(request: ChangeRequest, services: PollServices, phase: string): Promise<PollOutcome> {
  const started = services.budget.clock.now();
  const report = (fields: Record<string, unknown>) => log({
    event: 'poll',
    phase,
    requestType: request.type,
    requestId: request.requestId,
    action: request.action,
    ...fields,
    elapsedSeconds: round((services.budget.clock.now() - request.startedAt) / 1000),
    remainingSeconds: round(Math.max(0, request.deadline - services.budget.clock.now()) / 1000),
  });
  let view: ChangeView = { request, now: started, others: [], sessions: new Map(), uncancellable: new Map() };
  /**
   * A wait the table did not decide (the services did not answer in time, a lost
   * answer, no time left for a call) is bound by the same deadline as the table's.
   */
  const waitUntilDeadline = async (outcome: PollOutcome & { kind: 'wait' }, session?: string): Promise<PollOutcome> => {
    if (services.budget.clock.now() < request.deadline) return outcome;
    await markFailed(view, services);
    throw new AssociationFailure(timeoutReason(view, outcome.why, session));
  };
  try {
    view = await observe(request, services);
  } catch (error) {
    if (!isTransient(error)) throw error;
    report({ row: 'unreadable', transientError: errorName(error) });
    return waitUntilDeadline({ kind: 'wait', why: `the services to answer (${errorName(error)})` });
  }

  for (let steps = 0; steps < MAX_STEPS_PER_POLL; steps++) {
    const step = decide(view);
    try {
      const next = await carryOut(step, view, services);
      if ('outcome' in next) {
        report({ row: step.row, ...describeView(view), ...next.log });
        if (next.outcome.kind === 'wait' && step.kind !== 'wait') return await waitUntilDeadline(next.outcome, openSession(view.association));
        return next.outcome;
      }
      view = next.view;
    } catch (error) {
      if (error instanceof AssociationFailure) {
        report({ row: step.row, ...describeView(view), failed: true });
        if (step.kind !== 'stop') await markFailed(view, services);
        throw error;
      }
      if (!isTransient(error)) throw error;
      report({ row: step.row, ...describeView(view), transientError: errorName(error) });
      return waitUntilDeadline({ kind: 'wait', why: `the services to answer (${errorName(error)})` }, openSession(view.association));
    }
  }
  report({ row: 'step-limit', ...describeView(view), pollMs: services.budget.clock.now() - started });
  return waitUntilDeadline({ kind: 'wait', why: 'the next poll' }, openSession(view.association));
}

/** The world as this poll first sees it, with what the observation teaches the record saved. */
async function observe(request: ChangeRequest, services: PollServices): Promise<ChangeView> {
  const mine = await services.store.read(request.action, request.resource);
  const others = await listOthers(request, services);
  const association = await services.controlPlane.get(request.action);
  const view: ChangeView = {
    request, now: services.budget.clock.now(), mine, others, association, sessions: new Map(), uncancellable: new Map(),
  };
  return saveLearned(view, services);
}

/** The other resources' records for the action. */
async function listOthers(request: ChangeRequest, services: PollServices): Promise<ManagerRecord[]> {
  return (await services.store.list(request.action)).filter(r => !sameResource(r.resource, request.resource));
}

async function saveLearned(view: ChangeView, services: PollServices): Promise<ChangeView> {
  const learned = recordAfterObservation(view);
  if (learned === view.mine || !learned) return view;
  const mine = await services.store.update(view.request.action, view.request.resource,
    current => (current ? recordAfterObservation({ ...view, mine: current }) ?? current : learned));
  return { ...view, mine };
}

type Carried = { readonly view: ChangeView } | { readonly outcome: PollOutcome; readonly log?: Record<string, unknown> };

async function carryOut(step: Step & { row: string }, view: ChangeView, services: PollServices): Promise<Carried> {
  const { request } = view;
  const now = () => services.budget.clock.now();
  switch (step.kind) {
    case 'stop':
    case 'fail':
      throw new AssociationFailure(step.reason);

    case 'begin': {
      const begin = (current: ManagerRecord | undefined): ManagerRecord => {
        if (current?.change?.requestId === request.requestId) return current; // a copy of this request began it
        const base: ManagerRecord = current
          ? claimEffects(current, current.change?.calls ?? [], view.association)
          : { resource: request.resource, ...(request.type === 'Update' && request.previousTeam ? { team: request.previousTeam } : {}) };
        return {
          ...base,
          change: {
            requestId: request.requestId,
            type: request.type,
            startedAt: request.startedAt,
            deadline: request.deadline,
            team: request.team,
            ...(request.previousTeam ? { previousTeam: request.previousTeam } : {}),
            ...(step.rollbackOf ? { rollbackOf: step.rollbackOf } : {}),
            calls: [],
            ...(step.inherit.length ? { inherited: step.inherit } : {}),
          },
        };
      };
      const record = await services.store.update(request.action, request.resource, begin);
      log({ event: 'begin', requestId: request.requestId, inherited: step.inherit, rollbackOf: step.rollbackOf });
      return { view: await saveLearned({ ...view, mine: record, now: now() }, services) };
    }

    case 'cancel': {
      const why = await cancelSession(step.session, services);
      if (why) {
        log({ event: 'cancel-failed', session: step.session, why });
        return { view: { ...view, uncancellable: new Map([...view.uncancellable, [step.session, why]]) } };
      }
      log({ event: 'cancelled', session: step.session });
      const association = await services.controlPlane.get(request.action);
      if (openSession(association) === step.session) {
        // MPA says it ended; the association does not show it yet: look again at the next poll.
        return { outcome: { kind: 'wait', why: `the association to show that session ${step.session} ended (cancelled)` } };
      }
      return { view: { ...view, association, now: now() } };
    }

    case 'read-team': {
      let team;
      try {
        team = await services.mpa.getApprovalTeam(request.team);
      } catch (error) {
        // MPA out of reach (a VPC without a route to us-east-1, say): AssociateMpaTeam itself will tell.
        log({ event: 'team-status-unavailable', team: request.team, error: errorName(error) });
        team = { status: 'UNKNOWN', message: errorName(error) };
      }
      return { view: { ...view, team } };
    }

    case 'read-session': {
      let detail: SessionDetail | 'unavailable';
      try {
        detail = await services.mpa.getSession(step.session);
      } catch (error) {
        log({ event: 'session-unavailable', session: step.session, error: errorName(error) });
        detail = 'unavailable';
      }
      return { view: { ...view, sessions: new Map([...view.sessions, [step.session, detail]]) } };
    }

    case 'call': {
      if (services.budget.remainingMs < MIN_BUDGET_FOR_CALL_MS) {
        return { outcome: { kind: 'wait', why: 'time for the next call (this invocation is nearly over)' } };
      }
      if (request.type !== 'Delete') {
        // Two stacks may claim the action at the same moment: only the holder of the claim lock
        // calls, on the association as it reads it while holding the lock.
        const arbitration = await services.claims.acquire(request, step.team);
        if (arbitration.kind === 'lost') throw new AssociationFailure(claimedByOtherReason(view, arbitration.holder));
        if (arbitration.kind === 'wait') return { outcome: { kind: 'wait', why: arbitration.why } };
        const fresh = await services.controlPlane.get(request.action);
        if (JSON.stringify(fresh) !== JSON.stringify(view.association)) {
          // Someone called meanwhile (another claimant, or a copy of this request): decide again on what it did.
          await services.claims.release(request);
          const mine = await services.store.read(request.action, request.resource);
          const others = await listOthers(request, services);
          return { view: await saveLearned({ ...view, mine, others, association: fresh, now: now() }, services) };
        }
      }
      // Recorded before it is sent: if this invocation ends before the answer is saved,
      // the next poll knows a call may have opened a session.
      const sent: CallRecord = { operation: step.operation, team: step.team, at: now(), answer: 'lost', sender: randomUUID().slice(0, 8) };
      const intended = await recordCall(view, services, sent);
      if (intended.change?.requestId !== request.requestId) {
        // A newer request began between this poll's read and its call: leave it to the next poll (which stops).
        return { view: { ...view, mine: intended, now: now() } };
      }
      const answer = await services.controlPlane.call(step.operation, request.action, step.team, request.requesterComment);
      log({ event: 'call', operation: step.operation, team: step.team, answer: answer.answer });
      if (answer.answer === 'lost') {
        return { outcome: { kind: 'wait', why: `the answer to ${step.operation}, which was lost (${answer.error}): the next poll reads what it did` } };
      }
      const association = answer.answer === 'accepted' && answer.association ? answer.association : await services.controlPlane.get(request.action);
      const session = answer.answer === 'accepted' ? openSession(association) : undefined;
      const mine = await recordCall(view, services, { ...sent, answer: answer.answer, ...(session ? { session } : {}) });
      // The answer is in the record: the next claimant reads what this call did. (A lost answer keeps the lock until a poll knows.)
      if (request.type !== 'Delete') await services.claims.release(request);
      // A claim written while this Delete read and called (a move deployed in parallel) is
      // seen now, in the same poll, so its removal is cancelled before approvers can act on it.
      const others = request.type === 'Delete' ? await listOthers(request, services) : view.others;
      return { view: await saveLearned({ ...view, mine, others, association, now: now() }, services) };
    }

    case 'wait': {
      const progress = step.session && request.reportApprovalProgress ? await readProgress(step.session, services) : undefined;
      return {
        outcome: { kind: 'wait', why: step.why },
        log: { waitingFor: step.why, ...(progress ? { progress: describeProgress(progress) } : {}) },
      };
    }

    case 'complete': {
      if (request.type !== 'Delete') await services.claims.release(request);
      if (step.record === 'remove') {
        await services.store.remove(request.action, request.resource);
      } else {
        await services.store.write(request.action, step.record);
      }
      if (step.note) log({ event: 'note', requestId: request.requestId, note: step.note });
      return { outcome: { kind: 'complete', team: step.team, session: step.session }, log: { complete: true } };
    }
  }
}

/** Adds (or updates) a call of this request's change in the resource's record, merged with what the record holds now. */
function recordCall(view: ChangeView, services: PollServices, call: CallRecord): Promise<ManagerRecord> {
  const { request } = view;
  return services.store.update(request.action, request.resource, current => {
    const record = current ?? view.mine!;
    const change = record.change;
    return change?.requestId === request.requestId ? { ...record, change: withCall(change, call) } : record;
  });
}

/**
 * Cancels a session this handler requested; answers why not when it cannot. Only a
 * session MPA reports as ended unapproved counts as cancelled: a status the handler
 * does not know (MPA may add values) counts as not ended, so it is cancelled too; and
 * a CancelSession that answers success is believed only once GetSession agrees.
 */
async function cancelSession(session: string, services: PollServices): Promise<string | undefined> {
  let before: SessionDetail;
  try {
    before = await services.mpa.getSession(session);
  } catch (error) {
    return `MPA answered ${errorName(error)}: ${errorMessage(error).slice(0, 120)}`;
  }
  let roleArn = services.roleArn;
  if (!roleArn && services.resolveRoleArn) {
    try {
      roleArn = await services.resolveRoleArn();
    } catch (error) {
      return `the handler could not tell its own role (STS answered ${errorName(error)}), so it cannot tell who requested the session`;
    }
    if (!roleArn) return 'the handler could not tell its own role, so it cannot tell who requested the session';
  }
  if (before.requesterPrincipalArn && roleArn && !sameRole(before.requesterPrincipalArn, roleArn)) {
    return `it was requested by ${before.requesterPrincipalArn}, not by this handler`;
  }
  if (before.status === 'APPROVED') return 'it was approved before it could be cancelled';
  if (hasEnded(before.status)) return undefined;
  try {
    await services.mpa.cancelSession(session);
  } catch (error) {
    // A conflict may mean it ended meanwhile: what GetSession says next decides.
    if (errorName(error) !== 'ConflictException') return `MPA answered ${errorName(error)}: ${errorMessage(error).slice(0, 120)}`;
  }
  let after: SessionDetail;
  try {
    after = await services.mpa.getSession(session);
  } catch (error) {
    return `CancelSession was sent, but MPA could not confirm it (${errorName(error)})`;
  }
  if (after.status === 'APPROVED') return 'it was approved before it could be cancelled';
  return hasEnded(after.status) ? undefined : `MPA still reports it ${after.status ?? 'without a status'} after CancelSession`;
}

/**
 * Whether a session's requester is this handler's role. MPA may name the role
 * (`arn:aws:iam::<account>:role/<path>/<name>`) or the assumed-role session
 * (`arn:aws:sts::<account>:assumed-role/<name>/<session>`): the account and the
 * role name decide. (Which form GetSession returns is not documented.)
 */
export function sameRole(requester: string, roleArn: string): boolean {
  const account = (arn: string) => arn.split(':')[4];
  const roleName = (arn: string) => {
    const resource = arn.split(':').slice(5).join(':');
    if (resource.startsWith('assumed-role/')) return resource.split('/')[1];
    if (resource.startsWith('role/')) return resource.split('/').pop();
    return undefined;
  };
  return account(requester) === account(roleArn) && roleName(requester) !== undefined && roleName(requester) === roleName(roleArn);
}

async function readProgress(session: string, services: PollServices): Promise<SessionDetail | undefined> {
  try {
    return await services.mpa.getSession(session);
  } catch {
    // Progress is for people reading logs; failing to read it changes nothing.
    return undefined;
  }
}

/** The change failed: say so in the record, so that the rollback that follows knows what it rolls back; let go of the claim lock. */
async function markFailed(view: ChangeView, services: PollServices): Promise<void> {
  const { request } = view;
  try {
    if (request.type !== 'Delete') await services.claims.release(request);
  } catch (error) {
    log({ event: 'claim-lock-not-released', error: errorName(error) });
  }
  if (!view.mine || !ownChange(view)) return;
  try {
    await services.store.update(request.action, request.resource, current => {
      const record = current ?? view.mine!;
      const change = record.change;
      return change?.requestId === request.requestId ? { ...record, change: { ...change, outcome: 'failed' } } : record;
    });
  } catch (error) {
    log({ event: 'record-not-updated', error: errorName(error) });
  }
}

function describeView(view: ChangeView): Record<string, unknown> {
  const association = view.association;
  return {
    state: association?.state ?? 'NONE',
    team: association?.team,
    session: association?.session?.arn,
    sessionStatus: association?.session?.status,
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/**
 * A Create that failed where nothing may follow it (a registry type's CloudFormation
 * sends a Delete after a failed create only in cases it does not document): cancel
 * the session it opened if that is still pending, let go of the claim lock, and
 * forget its record if it holds no team. Best effort: the failure stands whatever
 * this manages.
 */
export async function abandonFailedCreate(request: ChangeRequest, services: PollServices): Promise<void> {
  try {
    await services.claims.release(request);
    const mine = await services.store.read(request.action, request.resource);
    const change = mine?.change?.requestId === request.requestId ? mine.change : undefined;
    const open = openSession(await services.controlPlane.get(request.action));
    const opened = (change?.calls ?? []).find(c => c.answer === 'accepted' && c.session !== undefined && c.session === open);
    if (opened) {
      const why = await cancelSession(opened.session!, services);
      log({ event: why ? 'cancel-failed' : 'cancelled', session: opened.session, ...(why ? { why } : {}) });
    }
    if (mine && mine.team === undefined) await services.store.remove(request.action, request.resource);
  } catch (error) {
    log({ event: 'failed-create-not-abandoned', error: errorName(error) });
  }
}
