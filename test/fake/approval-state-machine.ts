/**
 * The service's state: one MPA team association per protected action, and the approval
 * sessions that move an association between states. Wire-agnostic: operations take the
 * decoded JSON input, return the output shape, and throw ServiceError.
 *
 * Behaviours the fact sheet marks as inferred are chosen by ApprovalPolicy (see README.md).
 */
import { randomUUID } from 'node:crypto';
import { conflictError, resourceNotFound, ServiceError, validationError } from './service-error';

export const KNOWN_ACTIONS: readonly string[] = ['IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'];
export const DEFAULT_ACTION = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
export const MPA_TEAM_ARN_PATTERN = /^arn:aws(-[^:]+)?:mpa:[a-z0-9-]{1,20}:[0-9]{12}:approval-team\/[a-zA-Z0-9._-]+$/;
const SESSION_ARN_PATTERN = /^arn:aws(-[^:]+)?:mpa:[a-z0-9-]{1,20}:[0-9]{12}:session\/[a-zA-Z0-9._-]+\/[a-zA-Z0-9_-]+$/;
const MPA_TEAM_ARN_LENGTH = { min: 20, max: 2048 };
const MAX_REQUESTER_COMMENT_LENGTH = 200;
/** MPA documents that a session lives at most 24 hours. */
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type AssociationState = 'ACTIVE' | 'UPDATE_PENDING' | 'DELETE_PENDING';
export type SessionStatus = 'PENDING' | 'APPROVED' | 'FAILED' | 'CANCELLED';
/** What a test (or a trigger) does to a pending session. */
export type Resolution = 'approve' | 'deny' | 'expire' | 'cancel';
export type SessionOutcome = 'approved' | 'denied' | 'expired' | 'cancelled';
/** Values of MPA's GetSessionResponseApproverResponse.Response. */
export type ApproverResponse = 'APPROVED' | 'REJECTED' | 'NO_RESPONSE';
/** `associate`: first association; `change-team`: another team while one is active; `disassociate`. */
export type SessionKind = 'associate' | 'change-team' | 'disassociate';

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
}

/** Output shapes, exactly as on the wire (InitiationDate in epoch seconds). */
export interface MpaStatusOutput {
  readonly MpaSessionArn: string;
  readonly Status: SessionStatus;
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
  /** For `change-team`: the team restored when the session does not succeed. */
  readonly previousTeamArn?: string;
  readonly requesterComment?: string;
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

const OUTCOME_OF: Record<Resolution, SessionOutcome> = { approve: 'approved', deny: 'denied', expire: 'expired', cancel: 'cancelled' };
const DEFAULT_MESSAGE: Record<Exclude<Resolution, 'approve'>, string> = {
  deny: 'The approval team rejected the request.',
  expire: 'The approval session expired before enough approvers responded.',
  cancel: 'The approval session was cancelled.',
};
const SUPERSEDED_MESSAGE = 'Superseded by an out-of-band change to the association.';

export class ApprovalStateMachine {
  private readonly associations = new Map<string, Association>();
  private readonly allSessions: SessionRecord[] = [];
  private readonly pendingByAction = new Map<string, SessionRecord>();
  private triggers: ResolutionTrigger[] = [];

  constructor(
    private readonly now: () => number,
    public policy: ApprovalPolicy,
    private readonly settings: SessionSettings,
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

  associate(input: Record<string, unknown>): MpaTeamAssociationOutput {
    const action = readString(input, 'Action');
    const teamArn = readString(input, 'MpaTeamArn');
    const comment = readString(input, 'RequesterComment');
    throwIfInvalid([...actionErrors(action), ...teamArnErrors(teamArn), ...commentErrors(comment)]);
    const requestedTeam = teamArn!;
    this.settleDue();

    const current = this.associations.get(action!);
    if (current) this.throwIfPending(action!, current);
    if (!current) {
      if (this.policy.firstAssociation === 'immediate') {
        this.associations.set(action!, { teamArn: requestedTeam, state: 'ACTIVE' });
      } else {
        this.startPendingChange(action!, 'associate', requestedTeam, requestedTeam, undefined, comment);
      }
    } else if (current.teamArn !== requestedTeam) {
      if (this.policy.teamChange === 'conflict') {
        throw conflictError(`Action ${action} is already associated with approval team ${current.teamArn}; disassociate it first.`);
      }
      this.startPendingChange(action!, 'change-team', current.teamArn, requestedTeam, current.teamArn, comment);
    }
    // Same team while ACTIVE: nothing to do, the current association is the answer.
    return this.output(action!)!;
  }

  disassociate(input: Record<string, unknown>): MpaTeamAssociationOutput {
    const action = readString(input, 'Action');
    const comment = readString(input, 'RequesterComment');
    throwIfInvalid([...actionErrors(action), ...commentErrors(comment)]);
    this.settleDue();

    const current = this.associations.get(action!);
    if (!current) throw resourceNotFound(action!);
    this.throwIfPending(action!, current);
    this.startPendingChange(action!, 'disassociate', current.teamArn, current.teamArn, undefined, comment);
    return this.output(action!)!;
  }

  /** Also counts the poll for resolveAfterPolls(): the n-th poll already sees the outcome. */
  get(input: Record<string, unknown>): MpaTeamAssociationOutput {
    const action = readString(input, 'Action');
    throwIfInvalid(actionErrors(action));
    this.settleDue();
    this.countPoll(action!);
    const output = this.output(action!);
    if (!output) throw resourceNotFound(action!);
    return output;
  }

  getSession(sessionArn: string): SessionRecord {
    if (!SESSION_ARN_PATTERN.test(sessionArn) || sessionArn.length < 20 || sessionArn.length > 2048) {
      throw validationError(`1 validation error detected: Value '${sessionArn}' at 'SessionArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${SESSION_ARN_PATTERN.source}`);
    }
    this.settleDue();
    const session = this.allSessions.find(s => s.sessionArn === sessionArn);
    if (!session) throw new ServiceError('ResourceNotFoundException', 404, `Session ${sessionArn} does not exist.`);
    return structuredClone(session);
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
    this.startPendingChange(action, kind, approvalTeam, seed.mpaTeamArn, seed.previousTeamArn, undefined, {
      sessionArn: seed.mpaStatus?.mpaSessionArn,
      initiatedAtMs: seed.mpaStatus?.initiationDate !== undefined ? seed.mpaStatus.initiationDate * 1000 : undefined,
    });
  }

  removeAssociation(action: string): void {
    this.supersedePending(action);
    this.associations.delete(action);
  }

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
    this.triggers = [];
  }

  // ---- internals --------------------------------------------------------

  private startPendingChange(
    action: string, kind: SessionKind, approvalTeamArn: string, requestedTeamArn: string,
    previousTeamArn: string | undefined, requesterComment: string | undefined,
    seeded: { sessionArn?: string; initiatedAtMs?: number } = {},
  ): void {
    const initiatedAtMs = seeded.initiatedAtMs ?? this.now();
    const session: SessionRecord = {
      sessionArn: seeded.sessionArn ?? sessionArnFor(approvalTeamArn),
      action,
      kind,
      approvalTeamArn,
      requestedTeamArn,
      ...(previousTeamArn !== undefined && { previousTeamArn }),
      ...(requesterComment !== undefined && { requesterComment }),
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
    this.triggers = this.triggers.filter(t => t.sessionArn !== session.sessionArn);
  }

  private requirePending(action: string): SessionRecord {
    const session = this.pendingByAction.get(action);
    if (!session) throw new Error(`no approval session is pending for ${action}`);
    return session;
  }

  private throwIfPending(action: string, association: Association): void {
    if (association.state === 'ACTIVE') return;
    throw conflictError(`An approval session (${association.mpaStatus?.sessionArn}) is pending for action ${action} `
      + `(${association.state}); wait for it to complete.`);
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

/** A member that is present but not a string cannot be deserialized, as in the real service. */
function readString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ServiceError('SerializationException', 400, `Value of '${member}' must be a string, got ${typeof value}`);
  }
  return value;
}

function actionErrors(action: string | undefined): string[] {
  if (action === undefined) return [notNull('Action')];
  if (!KNOWN_ACTIONS.includes(action)) {
    return [`Value '${action}' at 'Action' failed to satisfy constraint: Member must satisfy enum value set: [${KNOWN_ACTIONS.join(', ')}]`];
  }
  return [];
}

function teamArnErrors(arn: string | undefined): string[] {
  if (arn === undefined) return [notNull('MpaTeamArn')];
  const errors: string[] = [];
  if (arn.length < MPA_TEAM_ARN_LENGTH.min || arn.length > MPA_TEAM_ARN_LENGTH.max) {
    errors.push(`Value '${arn}' at 'MpaTeamArn' failed to satisfy constraint: Member must have length between ${MPA_TEAM_ARN_LENGTH.min} and ${MPA_TEAM_ARN_LENGTH.max}`);
  }
  if (!MPA_TEAM_ARN_PATTERN.test(arn)) {
    errors.push(`Value '${arn}' at 'MpaTeamArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${MPA_TEAM_ARN_PATTERN.source}`);
  }
  return errors;
}

function commentErrors(comment: string | undefined): string[] {
  if (comment === undefined || comment.length <= MAX_REQUESTER_COMMENT_LENGTH) return [];
  // The comment is sensitive: the message names the field, never echoes the value.
  return [`Value at 'RequesterComment' failed to satisfy constraint: Member must have length less than or equal to ${MAX_REQUESTER_COMMENT_LENGTH}`];
}

function notNull(member: string): string {
  return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
}

function throwIfInvalid(errors: string[]): void {
  if (errors.length === 0) return;
  const count = `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected`;
  throw validationError(`${count}: ${errors.join('; ')}`);
}
