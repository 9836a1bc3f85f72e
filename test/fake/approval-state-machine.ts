/**
 * The service's state: one MPA team association per protected action, and the approval
 * sessions that move an association between states. Wire-agnostic: operations take the
 * decoded JSON input, return the output shape, and throw ServiceError.
 *
 * Behaviours the references leave open are chosen by the ServiceWorld (see README.md).
 */
import { randomUUID } from 'node:crypto';
import {
  actionErrors, arnErrors, commentErrors, MPA_TEAM_ARN_PATTERN, readString, SESSION_ARN_PATTERN, teamArnErrors, throwIfInvalid,
} from './input-validation';
import { conflictError, resourceNotFound, ServiceError, validationError } from './service-error';
import type { ServiceWorld } from './service-worlds';

export { KNOWN_ACTIONS, MPA_TEAM_ARN_PATTERN } from './input-validation';
export const DEFAULT_ACTION = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
/** MPA documents that a session lives at most 24 hours. */
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type AssociationState = 'ACTIVE' | 'UPDATE_PENDING' | 'DELETE_PENDING';
export type SessionStatus = 'PENDING' | 'APPROVED' | 'FAILED' | 'CANCELLED';
/** What a test (or a trigger) does to a pending session. */
export type Resolution = 'approve' | 'deny' | 'expire' | 'cancel';
export type SessionOutcome = 'approved' | 'denied' | 'expired' | 'cancelled';
/** Values of MPA's GetSessionResponseApproverResponse.Response. */
export type ApproverResponse = 'APPROVED' | 'REJECTED' | 'NO_RESPONSE';
/**
 * `associate`: first association; `change-team`: another team while one is active;
 * `reassociate`: the active team again (world `sameTeamWhileActive: 'approval'`); `disassociate`.
 */
export type SessionKind = 'associate' | 'change-team' | 'reassociate' | 'disassociate';

/** The two behaviours the first version of the fake could switch; kept for setPolicy(). */
export interface ApprovalPolicy {
  /** A first association (none before) takes effect at once, or waits for the new team's approval. */
  readonly firstAssociation: 'immediate' | 'approval';
  /** Associating another team while one is ACTIVE is refused (409), or waits for the current team's approval. */
  readonly teamChange: 'conflict' | 'approval';
}

export interface SessionSettings {
  /** ApprovalStrategy.MofN.MinApprovalsRequired. */
  readonly minApprovalsRequired: number;
  /** NumberOfApprovers (at least minApprovalsRequired). */
  readonly numberOfApprovers: number;
  /** Requester of sessions seeded with setAssociation() (someone else than the handler). */
  readonly outOfBandRequesterPrincipalArn: string;
}

/** Who makes a control-plane call: the requester of any session it opens, and its simulation tag. */
export interface CallContext {
  readonly requesterPrincipalArn: string;
  readonly tag?: string;
}

/** Output shapes, exactly as on the wire (InitiationDate in epoch seconds). */
export interface MpaStatusOutput {
  readonly MpaSessionArn: string;
  /** `CREATING` only in the `extended` vocabulary, on the first read after the call that opened the session. */
  readonly Status: SessionStatus | 'CREATING';
  readonly InitiationDate: number;
  readonly StatusMessage?: string;
}
export interface MpaTeamAssociationOutput {
  readonly Action: string;
  readonly MpaTeamArn: string;
  readonly AssociationState: AssociationState;
  readonly MpaStatus?: MpaStatusOutput;
}

export interface ApproverVote {
  readonly approverId: string;
  response: ApproverResponse;
  responseTimeMs?: number;
}

/** One approval session, as the fake keeps it (times in epoch milliseconds of the fake clock). */
export interface SessionRecord {
  readonly sessionArn: string;
  readonly action: string;
  readonly kind: SessionKind;
  /** The team whose members vote: the new team for a first association, else the current team. */
  readonly approvalTeamArn: string;
  /** The team the association names while the session is pending. */
  readonly requestedTeamArn: string;
  /** For `change-team` and `reassociate`: the team restored when the session does not succeed. */
  readonly previousTeamArn?: string;
  readonly requesterComment?: string;
  /** MPA's RequesterPrincipalArn: the caller that opened it, or the out-of-band requester for seeds. */
  readonly requesterPrincipalArn: string;
  /** MPA's ActionName: the control-plane operation that opened it (inferred naming). */
  readonly actionName: 'AssociateMpaTeam' | 'DisassociateMpaTeam';
  /** The `x-simulation-tag` header of the call that opened it, if any. */
  readonly openedByTag?: string;
  readonly initiatedAtMs: number;
  readonly expiresAtMs: number;
  readonly minApprovalsRequired: number;
  readonly approvers: ApproverVote[];
  status: SessionStatus;
  statusCode?: 'REJECTED' | 'EXPIRED';
  statusMessage?: string;
  /** Undefined while pending. */
  outcome?: SessionOutcome;
  completedAtMs?: number;
}

/** State to seed with setAssociation(), e.g. to simulate an out-of-band change mid-wait. */
export interface AssociationSeed {
  readonly mpaTeamArn: string;
  readonly associationState: AssociationState;
  /**
   * For ACTIVE: the MpaStatus to report (Status defaults to APPROVED). For a pending
   * state a PENDING session is started; MpaSessionArn/InitiationDate given here name it.
   */
  readonly mpaStatus?: {
    readonly mpaSessionArn?: string;
    readonly status?: SessionStatus;
    /** Epoch seconds. */
    readonly initiationDate?: number;
    readonly statusMessage?: string;
  };
  /** For UPDATE_PENDING: the team active before, making the seeded session a team change. */
  readonly previousTeamArn?: string;
  /** Requester of the seeded session. @default the fake's outOfBandRequesterPrincipalArn */
  readonly requesterPrincipalArn?: string;
}

interface Association {
  teamArn: string;
  state: AssociationState;
  mpaStatus?: { sessionArn: string; status: SessionStatus; initiatedAtMs: number; statusMessage?: string };
}

/** "Resolve the pending session after n polls / ms"; bound to a session once one is pending. */
interface ResolutionTrigger {
  readonly action: string;
  readonly resolution: Resolution;
  readonly afterPolls?: number;
  readonly afterMs?: number;
  sessionArn?: string;
  pollsSeen: number;
  deadlineMs?: number;
}

/** Says why a team cannot be associated (not ACTIVE, deleted), or undefined when it can. */
export type TeamCheck = (teamArn: string) => string | undefined;

const OUTCOME_OF: Record<Resolution, SessionOutcome> = { approve: 'approved', deny: 'denied', expire: 'expired', cancel: 'cancelled' };
const DEFAULT_MESSAGE: Record<Exclude<Resolution, 'approve'>, string> = {
  deny: 'The approval team rejected the request.',
  expire: 'The approval session expired before enough approvers responded.',
  cancel: 'The approval session was cancelled.',
};
const CANCELLED_BY_REQUESTER_MESSAGE = 'The approval session was cancelled by its requester.';
const SUPERSEDED_MESSAGE = 'Superseded by an out-of-band change to the association.';

export class ApprovalStateMachine {
  private readonly associations = new Map<string, Association>();
  private readonly allSessions: SessionRecord[] = [];
  private readonly pendingByAction = new Map<string, SessionRecord>();
  /** The association as it was before each session's call, restored in world `endedSessionLeaves: 'nothing'`. */
  private readonly before = new Map<string, Association | undefined>();
  /** Sessions opened by a call that no GetMpaTeamAssociation has read yet (vocabulary `extended`: CREATING). */
  private readonly unread = new Set<string>();
  private triggers: ResolutionTrigger[] = [];

  constructor(
    private readonly now: () => number,
    public world: ServiceWorld,
    private readonly settings: SessionSettings,
    private readonly teamCheck: TeamCheck = () => undefined,
  ) {
    if (!(settings.minApprovalsRequired >= 1 && settings.numberOfApprovers >= settings.minApprovalsRequired)) {
      throw new RangeError('need 1 <= minApprovalsRequired <= numberOfApprovers');
    }
  }

  get sessions(): readonly SessionRecord[] {
    this.settleDue();
    return structuredClone(this.allSessions);
  }

  // ---- operations -------------------------------------------------------

  associate(input: Record<string, unknown>, context: CallContext): MpaTeamAssociationOutput {
    const action = readString(input, 'Action');
    const teamArn = readString(input, 'MpaTeamArn');
    const comment = readString(input, 'RequesterComment');
    throwIfInvalid([...actionErrors(action), ...teamArnErrors(teamArn), ...commentErrors(comment)]);
    const requested = teamArn!;
    const teamProblem = this.teamCheck(requested);
    if (teamProblem) throw validationError(teamProblem);
    this.settleDue();

    const current = this.associations.get(action!);
    const open = (kind: SessionKind, approvalTeam: string, previous?: string) =>
      this.startPendingChange(action!, kind, approvalTeam, requested, previous, comment, context);
    if (!current) {
      if (this.world.firstAssociation === 'immediate') this.associations.set(action!, { teamArn: requested, state: 'ACTIVE' });
      else open('associate', requested);
    } else if (current.state !== 'ACTIVE') {
      const samePendingChange = current.state === 'UPDATE_PENDING' && current.teamArn === requested;
      if (!(samePendingChange && this.world.callWhilePending === 'idempotent')) this.throwPending(action!, current);
    } else if (current.teamArn !== requested) {
      switch (this.world.otherTeamWhileActive) {
        case 'conflict':
          throw conflictError(`Action ${action} is already associated with approval team ${current.teamArn}; disassociate it first.`);
        case 'immediate':
          this.associations.set(action!, { teamArn: requested, state: 'ACTIVE' });
          break;
        case 'approval':
          open('change-team', current.teamArn, current.teamArn);
          break;
      }
    } else if (this.world.sameTeamWhileActive === 'conflict') {
      throw conflictError(`Action ${action} is already associated with approval team ${current.teamArn}.`);
    } else if (this.world.sameTeamWhileActive === 'approval') {
      open('reassociate', current.teamArn, current.teamArn);
    }
    return this.output(action!)!;
  }

  disassociate(input: Record<string, unknown>, context: CallContext): MpaTeamAssociationOutput {
    const action = readString(input, 'Action');
    const comment = readString(input, 'RequesterComment');
    throwIfInvalid([...actionErrors(action), ...commentErrors(comment)]);
    this.settleDue();

    const current = this.associations.get(action!);
    if (!current) throw this.nothingAssociated(action!, 'disassociate');
    if (current.state !== 'ACTIVE') {
      if (current.state === 'DELETE_PENDING' && this.world.callWhilePending === 'idempotent') return this.output(action!)!;
      this.throwPending(action!, current);
    }
    this.startPendingChange(action!, 'disassociate', current.teamArn, current.teamArn, undefined, comment, context);
    return this.output(action!)!;
  }

  /**
   * Also counts the poll for resolveAfterPolls(): the n-th poll already sees the outcome.
   * Undefined when nothing is associated and the world answers with an empty success.
   */
  get(input: Record<string, unknown>): MpaTeamAssociationOutput | undefined {
    const action = readString(input, 'Action');
    throwIfInvalid(actionErrors(action));
    this.settleDue();
    this.countPoll(action!);
    const output = this.output(action!);
    if (!output) {
      if (this.world.getWhenNone === 'empty-success') return undefined;
      throw this.nothingAssociated(action!, 'get');
    }
    const sessionArn = output.MpaStatus?.MpaSessionArn;
    if (sessionArn === undefined || !this.unread.delete(sessionArn)) return output;
    const creating = this.world.vocabulary === 'extended' && output.MpaStatus!.Status === 'PENDING';
    return creating ? { ...output, MpaStatus: { ...output.MpaStatus!, Status: 'CREATING' } } : output;
  }

  getSession(sessionArn: string): SessionRecord {
    this.settleDue();
    return structuredClone(this.findSession(sessionArn));
  }

  /**
   * MPA CancelSession: a pending session ends CANCELLED, unapplied. One that has already
   * ended is a ConflictException, or (`repeatCancel: 'success'`) a no-op when it was cancelled.
   */
  cancelSession(sessionArn: string, repeatCancel: 'conflict' | 'success'): void {
    this.settleDue();
    const session = this.findSession(sessionArn);
    if (this.pendingByAction.get(session.action) === session) {
      this.resolveSession(session, 'cancel', CANCELLED_BY_REQUESTER_MESSAGE);
      return;
    }
    if (session.status === 'CANCELLED' && repeatCancel === 'success') return;
    throw conflictError(`Session ${sessionArn} has already ended (${session.status}); only a pending session can be cancelled.`);
  }

  // ---- scripting --------------------------------------------------------

  resolve(action: string, resolution: Resolution, message?: string): void {
    this.settleDue();
    this.resolveSession(this.requirePending(action), resolution, message);
  }

  /** One more approver approves; reaching the threshold approves the session. */
  recordApproval(action: string): void {
    this.settleDue();
    const session = this.requirePending(action);
    const voter = session.approvers.find(v => v.response === 'NO_RESPONSE');
    if (voter) {
      voter.response = 'APPROVED';
      voter.responseTimeMs = this.now();
    }
    if (approvalCount(session) >= session.minApprovalsRequired) this.resolveSession(session, 'approve');
  }

  addTrigger(action: string, resolution: Resolution, when: { afterPolls: number } | { afterMs: number }): void {
    const amount = 'afterPolls' in when ? when.afterPolls : when.afterMs;
    if ('afterPolls' in when ? !(Number.isInteger(amount) && amount >= 1) : !(amount >= 0)) {
      throw new RangeError(`invalid trigger ${JSON.stringify(when)}`);
    }
    const trigger: ResolutionTrigger = { action, resolution, ...when, pollsSeen: 0 };
    this.triggers.push(trigger);
    const pending = this.pendingByAction.get(action);
    if (pending) this.bindTrigger(trigger, pending, this.now());
    this.settleDue();
  }

  setAssociation(action: string, seed: AssociationSeed): void {
    if (!MPA_TEAM_ARN_PATTERN.test(seed.mpaTeamArn)) throw new Error(`not an approval team ARN: ${seed.mpaTeamArn}`);
    this.supersedePending(action);
    if (seed.associationState === 'ACTIVE') {
      const status = seed.mpaStatus;
      this.associations.set(action, {
        teamArn: seed.mpaTeamArn,
        state: 'ACTIVE',
        mpaStatus: status && {
          sessionArn: status.mpaSessionArn ?? sessionArnFor(seed.mpaTeamArn),
          status: status.status ?? 'APPROVED',
          initiatedAtMs: status.initiationDate !== undefined ? status.initiationDate * 1000 : this.now(),
          statusMessage: status.statusMessage,
        },
      });
      return;
    }
    const isDelete = seed.associationState === 'DELETE_PENDING';
    const kind: SessionKind = isDelete ? 'disassociate' : seed.previousTeamArn ? 'change-team' : 'associate';
    const approvalTeam = kind === 'change-team' ? seed.previousTeamArn! : seed.mpaTeamArn;
    // What a failed session restores in world `endedSessionLeaves: 'nothing'`.
    const activeBefore = kind === 'associate' ? undefined : { teamArn: approvalTeam, state: 'ACTIVE' as const };
    this.associations.delete(action);
    if (activeBefore) this.associations.set(action, activeBefore);
    const requester = { requesterPrincipalArn: seed.requesterPrincipalArn ?? this.settings.outOfBandRequesterPrincipalArn };
    this.startPendingChange(action, kind, approvalTeam, seed.mpaTeamArn, seed.previousTeamArn, undefined, requester, {
      sessionArn: seed.mpaStatus?.mpaSessionArn,
      initiatedAtMs: seed.mpaStatus?.initiationDate !== undefined ? seed.mpaStatus.initiationDate * 1000 : undefined,
    });
  }

  removeAssociation(action: string): void {
    this.supersedePending(action);
    this.associations.delete(action);
  }

  /** The association as the model describes it (never CREATING: that belongs to a Get on the wire). */
  output(action: string): MpaTeamAssociationOutput | undefined {
    const association = this.associations.get(action);
    if (!association) return undefined;
    const status = association.mpaStatus;
    return {
      Action: action,
      MpaTeamArn: association.teamArn,
      AssociationState: association.state,
      ...(status && {
        MpaStatus: {
          MpaSessionArn: status.sessionArn,
          Status: status.status,
          InitiationDate: status.initiatedAtMs / 1000,
          ...(status.statusMessage !== undefined && { StatusMessage: status.statusMessage }),
        },
      }),
    };
  }

  /** The team currently named by the association of `action` (pending or not). */
  associatedTeam(action: string): string | undefined {
    return this.associations.get(action)?.teamArn;
  }

  /** Applies what time has made due: 24-hour expiry and resolveAfterMs() deadlines. */
  settleDue(): void {
    const now = this.now();
    for (const session of [...this.pendingByAction.values()]) {
      const due = this.triggers
        .filter(t => t.sessionArn === session.sessionArn && t.deadlineMs !== undefined && t.deadlineMs <= now)
        .sort((a, b) => a.deadlineMs! - b.deadlineMs!)[0];
      if (due && due.deadlineMs! < session.expiresAtMs) {
        this.resolveSession(session, due.resolution);
      } else if (now >= session.expiresAtMs) {
        this.resolveSession(session, 'expire');
      }
    }
  }

  reset(): void {
    this.associations.clear();
    this.allSessions.length = 0;
    this.pendingByAction.clear();
    this.before.clear();
    this.unread.clear();
    this.triggers = [];
  }

  // ---- internals --------------------------------------------------------

  private startPendingChange(
    action: string, kind: SessionKind, approvalTeamArn: string, requestedTeamArn: string,
    previousTeamArn: string | undefined, requesterComment: string | undefined, context: CallContext,
    seeded?: { sessionArn?: string; initiatedAtMs?: number },
  ): void {
    const initiatedAtMs = seeded?.initiatedAtMs ?? this.now();
    const session: SessionRecord = {
      sessionArn: seeded?.sessionArn ?? sessionArnFor(approvalTeamArn),
      action,
      kind,
      approvalTeamArn,
      requestedTeamArn,
      ...(previousTeamArn !== undefined && { previousTeamArn }),
      ...(requesterComment !== undefined && { requesterComment }),
      requesterPrincipalArn: context.requesterPrincipalArn,
      actionName: kind === 'disassociate' ? 'DisassociateMpaTeam' : 'AssociateMpaTeam',
      ...(context.tag !== undefined && { openedByTag: context.tag }),
      initiatedAtMs,
      expiresAtMs: initiatedAtMs + SESSION_LIFETIME_MS,
      minApprovalsRequired: this.settings.minApprovalsRequired,
      approvers: Array.from({ length: this.settings.numberOfApprovers }, (_, i) => ({
        approverId: `approver-${i + 1}`,
        response: 'NO_RESPONSE' as ApproverResponse,
      })),
      status: 'PENDING',
    };
    this.allSessions.push(session);
    this.pendingByAction.set(action, session);
    this.before.set(session.sessionArn, structuredClone(this.associations.get(action)));
    if (!seeded) this.unread.add(session.sessionArn);
    this.associations.set(action, {
      teamArn: requestedTeamArn,
      state: kind === 'disassociate' ? 'DELETE_PENDING' : 'UPDATE_PENDING',
      mpaStatus: { sessionArn: session.sessionArn, status: 'PENDING', initiatedAtMs },
    });
    for (const trigger of this.triggers) {
      if (trigger.action === action && trigger.sessionArn === undefined) this.bindTrigger(trigger, session, initiatedAtMs);
    }
  }

  private bindTrigger(trigger: ResolutionTrigger, session: SessionRecord, fromMs: number): void {
    trigger.sessionArn = session.sessionArn;
    if (trigger.afterMs !== undefined) trigger.deadlineMs = fromMs + trigger.afterMs;
  }

  private countPoll(action: string): void {
    const session = this.pendingByAction.get(action);
    if (!session) return;
    for (const trigger of this.triggers) {
      if (trigger.sessionArn !== session.sessionArn || trigger.afterPolls === undefined) continue;
      trigger.pollsSeen++;
      if (trigger.pollsSeen >= trigger.afterPolls) {
        this.resolveSession(session, trigger.resolution);
        return;
      }
    }
  }

  private resolveSession(session: SessionRecord, resolution: Resolution, message?: string): void {
    const now = this.now();
    if (resolution === 'approve') {
      for (const voter of session.approvers) {
        if (approvalCount(session) >= session.minApprovalsRequired) break;
        if (voter.response === 'NO_RESPONSE') Object.assign(voter, { response: 'APPROVED', responseTimeMs: now });
      }
      session.status = 'APPROVED';
    } else {
      if (resolution === 'deny') {
        const voter = session.approvers.find(v => v.response === 'NO_RESPONSE');
        if (voter) Object.assign(voter, { response: 'REJECTED', responseTimeMs: now });
      }
      session.status = resolution === 'cancel' ? 'CANCELLED' : 'FAILED';
      if (resolution !== 'cancel') session.statusCode = resolution === 'deny' ? 'REJECTED' : 'EXPIRED';
      session.statusMessage = message ?? DEFAULT_MESSAGE[resolution];
    }
    session.outcome = OUTCOME_OF[resolution];
    session.completedAtMs = now;
    this.finish(session);
    this.applyOutcome(session);
  }

  private applyOutcome(session: SessionRecord): void {
    const approved = session.status === 'APPROVED';
    if (!approved && this.world.endedSessionLeaves === 'nothing') {
      const before = this.before.get(session.sessionArn);
      if (before) this.associations.set(session.action, before);
      else this.associations.delete(session.action);
      return;
    }
    const mpaStatus = {
      sessionArn: session.sessionArn,
      status: session.status,
      initiatedAtMs: session.initiatedAtMs,
      statusMessage: session.statusMessage,
    };
    const activate = (teamArn: string) => this.associations.set(session.action, { teamArn, state: 'ACTIVE', mpaStatus });
    switch (session.kind) {
      case 'associate':
        if (approved) activate(session.requestedTeamArn);
        else this.associations.delete(session.action);
        break;
      case 'change-team':
      case 'reassociate':
        activate(approved ? session.requestedTeamArn : session.previousTeamArn!);
        break;
      case 'disassociate':
        if (approved) this.associations.delete(session.action);
        else activate(session.requestedTeamArn);
        break;
    }
  }

  /** An out-of-band change ends the pending session without applying it. */
  private supersedePending(action: string): void {
    const session = this.pendingByAction.get(action);
    if (!session) return;
    Object.assign(session, { status: 'CANCELLED', statusMessage: SUPERSEDED_MESSAGE, outcome: 'cancelled', completedAtMs: this.now() });
    this.finish(session);
  }

  private finish(session: SessionRecord): void {
    this.pendingByAction.delete(session.action);
    this.unread.delete(session.sessionArn);
    this.triggers = this.triggers.filter(t => t.sessionArn !== session.sessionArn);
  }

  private findSession(sessionArn: string): SessionRecord {
    throwIfInvalid(arnErrors(sessionArn, 'SessionArn', SESSION_ARN_PATTERN));
    const session = this.allSessions.find(s => s.sessionArn === sessionArn);
    if (!session) throw new ServiceError('ResourceNotFoundException', 404, `Session ${sessionArn} does not exist.`);
    return session;
  }

  private requirePending(action: string): SessionRecord {
    const session = this.pendingByAction.get(action);
    if (!session) throw new Error(`no approval session is pending for ${action}`);
    return session;
  }

  private throwPending(action: string, association: Association): never {
    throw conflictError(`An approval session (${association.mpaStatus?.sessionArn}) is pending for action ${action} `
      + `(${association.state}); wait for it to complete.`);
  }

  /** Get or Disassociate with nothing associated, as the world answers it (Disassociate has nothing to return). */
  private nothingAssociated(action: string, operation: 'get' | 'disassociate'): ServiceError {
    if (this.world.getWhenNone === 'not-found') return resourceNotFound(action);
    return new ServiceError('ResourceNotFoundException', 404,
      `No approval team is associated with action ${action}${operation === 'disassociate' ? '; there is nothing to disassociate' : ''}.`);
  }
}

function approvalCount(session: SessionRecord): number {
  return session.approvers.filter(v => v.response === 'APPROVED').length;
}

/** `arn:<partition>:mpa:<region>:<team account>:session/<team-name>/<id>` */
function sessionArnFor(teamArn: string): string {
  const [, partition, , region, account, resource] = teamArn.split(':');
  const teamName = resource.slice('approval-team/'.length);
  return `arn:${partition}:mpa:${region}:${account}:session/${teamName}/${randomUUID()}`;
}
