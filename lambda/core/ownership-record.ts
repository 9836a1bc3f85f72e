import type { ChangeType, ResourceIdentity } from './change-request';
import { OWNERSHIP_RECORD_PATH } from '../../src/handler-contract';

/**
 * One resource's claim on an action, kept in SSM Parameter Store in the stack's
 * account and region: which team it holds, whether this library associated that
 * team or found it associated, and what its current change has asked the service.
 *
 * The Provider framework cannot carry state from one isComplete call to the next,
 * and a new logical id, a rollback or a rerun is a new request: the record is
 * what they share.
 */
export interface ManagerRecord {
  readonly resource: ResourceIdentity;
  /** The team this resource holds: the one the library last associated or adopted for it. */
  readonly team?: string;
  /** `created`: this library associated the team; `adopted`: the team was associated before any resource of this library managed it. */
  readonly origin?: 'created' | 'adopted';
  /** The resource's latest change. */
  readonly change?: ChangeRecord;
}

export interface ChangeRecord {
  readonly requestId: string;
  readonly type: ChangeType;
  readonly startedAt: number;
  /**
   * When the change's wait for approvers ends, epoch milliseconds: past it, a change
   * that never answered (its waiter stopped) no longer holds up another resource.
   */
  readonly deadline?: number;
  /** The team the change asked for (Create, Update) or removes (Delete), and an Update's previous team. */
  readonly team?: string;
  readonly previousTeam?: string;
  /** Set when the change answered CloudFormation. */
  readonly outcome?: 'succeeded' | 'failed';
  /** The change this one rolls back (an Update with the teams swapped, or the Delete after a failed Create). */
  readonly rollbackOf?: string;
  /** Mutating calls this change made, oldest first. */
  readonly calls: readonly CallRecord[];
  /** Sessions of the previous change of this resource that were still pending when this change began. */
  readonly inherited?: readonly InheritedSession[];
  /**
   * A Create or Update that found another resource's Delete releasing the team it asks for:
   * who hands it over and the origin that passes with it (that record is gone once the
   * Delete completes).
   */
  readonly handOver?: HandOver;
}

export interface HandOver {
  readonly from: ResourceIdentity;
  readonly origin: 'created' | 'adopted';
}

export type MutatingOperation = 'AssociateMpaTeam' | 'DisassociateMpaTeam';

export interface CallRecord {
  readonly operation: MutatingOperation;
  /** Associate: the team asked for. Disassociate: the team that was associated. */
  readonly team: string;
  /** When the call was sent, epoch milliseconds. */
  readonly at: number;
  /** `accepted`: the service answered; `conflict`: it refused (ConflictException); `lost`: no answer came back. */
  readonly answer: 'accepted' | 'conflict' | 'lost';
  /** The approval session the answer named, or that was found pending after a lost answer. */
  readonly session?: string;
  /**
   * Which sending this is, drawn at random when the call is sent: two copies of one
   * request (CloudFormation delivers at least once) may send the same call in the
   * same millisecond, and each copy's answer must not replace the other's.
   */
  readonly sender?: string;
}

export interface InheritedSession {
  readonly session: string;
  readonly operation: MutatingOperation;
  readonly team: string;
  /** `cancel`: opened by a change that failed or was rolled back; `resume`: a Delete's session that its rerun waits on. */
  readonly disposition: 'cancel' | 'resume';
}

/** The SSM parameter of one resource's record: `<path>/<action>/<stack name>/<stack id>/<logical id>`. */
export function recordName(action: string, resource: ResourceIdentity): string {
  const stack = /:stack\/([^/]+)\/([^/]+)$/.exec(resource.stackId);
  const segments = stack ? [stack[1], stack[2]] : [resource.stackId];
  return [OWNERSHIP_RECORD_PATH, action, ...segments, resource.logicalId].map(toNameSegment).join('/');
}

/** The SSM path under which every resource's record for `action` lives. */
export function actionPath(action: string): string {
  return `${OWNERSHIP_RECORD_PATH}/${toNameSegment(action)}`;
}

/** SSM parameter names allow letters, digits and `_.-` between slashes. */
function toNameSegment(segment: string): string {
  return segment.startsWith('/') ? `/${toNameSegment(segment.slice(1))}` : segment.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

const FORMAT = 'cdk-mpa-team-association/ownership-record@1';

export function serializeRecord(record: ManagerRecord): string {
  return JSON.stringify({ format: FORMAT, ...record });
}

/**
 * Reads a record as leniently as the AWS SDK reads a response: a field of the
 * wrong type is dropped, never fatal. Anything that is not one of our records
 * reads as undefined.
 */
export function parseRecord(text: string | undefined): ManagerRecord | undefined {
  let raw: any;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (raw?.format !== FORMAT || typeof raw.resource?.stackId !== 'string' || typeof raw.resource?.logicalId !== 'string') {
    return undefined;
  }
  return {
    resource: { stackId: raw.resource.stackId, logicalId: raw.resource.logicalId },
    team: stringOrUndefined(raw.team),
    origin: raw.origin === 'created' || raw.origin === 'adopted' ? raw.origin : undefined,
    change: parseChange(raw.change),
  };
}

function parseChange(raw: any): ChangeRecord | undefined {
  if (typeof raw?.requestId !== 'string' || !['Create', 'Update', 'Delete'].includes(raw.type) || typeof raw.startedAt !== 'number') {
    return undefined;
  }
  const calls: CallRecord[] = (Array.isArray(raw.calls) ? raw.calls : []).flatMap((call: any) =>
    isOperation(call?.operation) && typeof call.team === 'string' && typeof call.at === 'number'
      && ['accepted', 'conflict', 'lost'].includes(call.answer)
      ? [{
        operation: call.operation,
        team: call.team,
        at: call.at,
        answer: call.answer,
        session: stringOrUndefined(call.session),
        sender: stringOrUndefined(call.sender),
      }]
      : []);
  const inherited: InheritedSession[] = (Array.isArray(raw.inherited) ? raw.inherited : []).flatMap((entry: any) =>
    typeof entry?.session === 'string' && isOperation(entry.operation) && typeof entry.team === 'string'
      && (entry.disposition === 'cancel' || entry.disposition === 'resume')
      ? [{ session: entry.session, operation: entry.operation, team: entry.team, disposition: entry.disposition }]
      : []);
  const handOver = parseHandOver(raw.handOver);
  return {
    requestId: raw.requestId,
    type: raw.type,
    startedAt: raw.startedAt,
    ...(typeof raw.deadline === 'number' ? { deadline: raw.deadline } : {}),
    team: stringOrUndefined(raw.team),
    previousTeam: stringOrUndefined(raw.previousTeam),
    outcome: raw.outcome === 'succeeded' || raw.outcome === 'failed' ? raw.outcome : undefined,
    rollbackOf: stringOrUndefined(raw.rollbackOf),
    calls,
    ...(inherited.length ? { inherited } : {}),
    ...(handOver ? { handOver } : {}),
  };
}

function parseHandOver(raw: any): HandOver | undefined {
  const from = raw?.from;
  if (typeof from?.stackId !== 'string' || typeof from.logicalId !== 'string') return undefined;
  if (raw.origin !== 'created' && raw.origin !== 'adopted') return undefined;
  return { from: { stackId: from.stackId, logicalId: from.logicalId }, origin: raw.origin };
}

function isOperation(value: unknown): value is MutatingOperation {
  return value === 'AssociateMpaTeam' || value === 'DisassociateMpaTeam';
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Adds or updates a call in a change. Calls are keyed by operation, team, time
 * and sender, so that two copies of one request (CloudFormation delivers at least
 * once) that send and write at the same moment keep each other's calls.
 *
 * A call is sent again only after a poll has read the world since it was sent: an
 * earlier sending of the same call whose answer was lost and which showed neither a
 * session nor an effect in that read did nothing. Only the latest few such sendings
 * are kept (enough for copies of the request sending at once), so that a throttling
 * storm, one lost call per poll, cannot outgrow the record's 4 KB.
 */
export function withCall(change: ChangeRecord, call: CallRecord): ChangeRecord {
  const sameSending = (c: CallRecord) => c.operation === call.operation && c.team === call.team && c.at === call.at && c.sender === call.sender;
  const calls = [...change.calls.filter(c => !sameSending(c)), call].sort((a, b) => a.at - b.at);
  const unanswered = calls.filter(c => c.answer === 'lost' && c.session === undefined && c.operation === call.operation && c.team === call.team);
  const forgotten = new Set(unanswered.slice(0, Math.max(0, unanswered.length - MAX_UNANSWERED_SENDINGS)));
  return { ...change, calls: calls.filter(c => !forgotten.has(c)) };
}

/** Sendings of one call whose answers were lost, kept per operation and team. */
const MAX_UNANSWERED_SENDINGS = 3;
