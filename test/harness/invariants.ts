/**
 * What must hold after every simulated stack operation, whatever the service's
 * world, the faults or the order of events. The stack simulator checks them
 * all after each operation; the handler-level tests check the ones that apply
 * to a single delivery. A violation throws InvariantViolation naming the
 * invariant and where it broke.
 */
import { openedByTagOf } from './fake-adapter';
import { RESPONSE_LIMIT_BYTES, type RecordedResponse } from './response-url-stand-in';
import type { Simulation, SimulationMark } from './simulation';
import type { MpaTeamAssociationOutput, SessionRecord } from '../fake/fake-control-plane';

export interface InvariantContext {
  readonly sim: Simulation;
  /** What was checked, for the message: e.g. `update of stack Payments`. */
  readonly operation: string;
  /** Only what happened after this mark counts. @default everything since the last reset */
  readonly since?: SimulationMark;
  /** The operation is about a Lambda timeout (a test that stops an invocation on purpose). @default false */
  readonly allowLambdaTimeouts?: boolean;
}

/** A broken invariant: which, where, and what was seen. */
export class InvariantViolation extends Error {
  constructor(readonly violations: readonly { readonly invariant: string; readonly detail: string }[], readonly operation: string) {
    super(`Invariant violated after ${operation}:\n${violations.map(v => `- ${v.invariant}: ${v.detail}`).join('\n')}`);
    this.name = 'InvariantViolation';
  }
}

type Check = (context: InvariantContext) => string[];

const NO_MARK: SimulationMark = { invocations: 0, responses: 0, sessions: 0, requests: 0, sentRequests: 0 };

/**
 * Every send of a request that CloudFormation waited for got exactly one
 * response; a request it abandoned (a cancelled update) at most one; none over
 * 4096 bytes. (A redelivered request is two sends, each answered by its own
 * framework invocation.)
 */
export const oneResponsePerRequest: Check = ({ sim, since = NO_MARK }) => {
  const problems: string[] = [];
  const responses = sim.responses.responses.slice(since.responses);
  for (const sent of sim.sentRequests.slice(since.sentRequests)) {
    const { request } = sent;
    const count = responses.filter(r => r.delivery === sent.deliveryId).length;
    const where = `${request.RequestType} of ${request.LogicalResourceId} (RequestId ${request.RequestId})`;
    if (sent.ended === 'abandoned' ? count > 1 : count !== 1) {
      problems.push(`${where} got ${count} responses${sent.ended === 'timeout' ? ' (CloudFormation gave up at ServiceTimeout)' : ''}`);
    }
  }
  for (const response of responses) {
    if (response.bytes > RESPONSE_LIMIT_BYTES) {
      problems.push(`the response to RequestId ${response.requestId} is ${response.bytes} bytes, over CloudFormation's ${RESPONSE_LIMIT_BYTES}`);
    }
  }
  return problems;
};

/** No SUCCESS while the association of a team the request names is UPDATE_PENDING or DELETE_PENDING. */
export const noSuccessWhilePending: Check = ({ sim, since = NO_MARK }) => {
  const problems: string[] = [];
  for (const response of sim.responses.responses.slice(since.responses)) {
    if (response.body?.Status !== 'SUCCESS') continue;
    const association = response.association as MpaTeamAssociationOutput | undefined;
    if (!association || !association.AssociationState.endsWith('_PENDING')) continue;
    const sent = sim.sentRequests.find(s => s.request.RequestId === response.requestId);
    const teams = [sent?.request.ResourceProperties.MpaTeamArn, sent?.request.OldResourceProperties?.MpaTeamArn];
    if (teams.includes(association.MpaTeamArn)) {
      problems.push(`${describe(sent?.request, response)} answered SUCCESS while ${association.MpaTeamArn} was ${association.AssociationState}`);
    }
  }
  return problems;
};

/** The fake never applied a disassociation of a team the test declared foreign (no resource of this library manages it). */
export const noForeignDisassociation: Check = ({ sim, since = NO_MARK }) =>
  sessionsSince(sim, since)
    .filter(s => s.kind === 'disassociate' && s.outcome === 'approved' && sim.foreignTeams.has(s.requestedTeamArn))
    .map(s => `session ${s.sessionArn} (opened by ${tagOfSession(sim, s) ?? 'an untagged call'}) disassociated the foreign team ${s.requestedTeamArn}`);

/**
 * One change, one session: a request (one `x-simulation-tag`) opens at most one
 * approval session per kind of change (associate, disassociate).
 */
export const oneSessionPerChange: Check = ({ sim, since = NO_MARK }) => {
  const counts = new Map<string, SessionRecord[]>();
  for (const session of sessionsSince(sim, since)) {
    const tag = tagOfSession(sim, session);
    if (!tag) continue;
    const key = `${tag} ${session.kind}`;
    counts.set(key, [...counts.get(key) ?? [], session]);
  }
  return [...counts.entries()].filter(([, sessions]) => sessions.length > 1).map(([key, sessions]) => {
    const [tag, kind] = key.split(' ');
    return `request ${tag} opened ${sessions.length} ${kind} sessions: ${sessions.map(s => `${s.sessionArn} (${s.outcome ?? 'pending'})`).join(', ')}`;
  });
};

/** Every invocation answered before its Lambda timeout (the handler's own deadline came first). */
export const noInvocationPastItsTimeout: Check = ({ sim, since = NO_MARK, allowLambdaTimeouts }) => {
  if (allowLambdaTimeouts) return [];
  return sim.lambda.invocations.slice(since.invocations)
    .filter(i => i.outcome === 'timed-out' || (i.durationMs ?? 0) > i.timeoutMs)
    .map(i => `invocation ${i.id} of ${i.functionName} (tag ${i.tag}) ran into its ${i.timeoutMs / 1000} s timeout`);
};

/** No log line holds the credentials, a presigned ResponseURL or a RequesterComment. */
export const noSecretInLogs: Check = ({ sim, since = NO_MARK }) => {
  const secrets: Array<[string, string]> = [
    ['the secret access key', sim.baseEnvironment().AWS_SECRET_ACCESS_KEY],
    ['the session token', sim.baseEnvironment().AWS_SESSION_TOKEN],
    ...sim.responses.presignedUrls().map(url => ['a presigned ResponseURL', signatureOf(url)] as [string, string]),
    ...[...sim.requesterComments].map(comment => ['a RequesterComment', comment] as [string, string]),
  ];
  const problems: string[] = [];
  for (const invocation of sim.lambda.invocations.slice(since.invocations)) {
    for (const line of invocation.lines.filter(l => l.emitted)) {
      for (const [what, secret] of secrets) {
        if (secret && line.message.includes(secret)) {
          problems.push(`a ${line.level} line of ${invocation.functionName} (invocation ${invocation.id}) holds ${what}`);
        }
      }
    }
  }
  return problems;
};

/**
 * A request that answered SUCCESS left none of its approval sessions open, and none
 * of them was approved after the answer: CloudFormation believes the change is done,
 * so nothing it asked may still take effect (a Delete that handed the action over
 * while its removal waited for approvers).
 */
export const noSessionOutlivesSuccess: Check = ({ sim, since = NO_MARK }) => {
  const problems: string[] = [];
  for (const response of sim.responses.responses.slice(since.responses)) {
    if (response.body?.Status !== 'SUCCESS' || response.requestId === undefined) continue;
    for (const session of sim.fake.sessions.filter(s => tagOfSession(sim, s) === response.requestId)) {
      const approvedLater = session.outcome === 'approved' && (session.completedAtMs ?? 0) > response.at;
      if (session.outcome === undefined || approvedLater) {
        problems.push(`RequestId ${response.requestId} answered SUCCESS, yet its session ${session.sessionArn} `
          + `${session.outcome === undefined ? 'is still pending' : 'was approved after that answer'}`);
      }
    }
  }
  return problems;
};

/** Every invariant, by name. */
export const INVARIANTS = {
  'one response per request, within 4096 bytes': oneResponsePerRequest,
  'never SUCCESS while the association is pending': noSuccessWhilePending,
  'never a disassociation of a team this library does not manage': noForeignDisassociation,
  'at most one approval session per change': oneSessionPerChange,
  'no session of a change outlives its SUCCESS': noSessionOutlivesSuccess,
  'no invocation past its Lambda timeout': noInvocationPastItsTimeout,
  'no secret, presigned URL or RequesterComment in a log line': noSecretInLogs,
} as const satisfies Record<string, Check>;

export type InvariantName = keyof typeof INVARIANTS;

/** Checks `names` (default: all) and throws one InvariantViolation listing every broken one. */
export function checkInvariants(context: InvariantContext, names: readonly InvariantName[] = Object.keys(INVARIANTS) as InvariantName[]): void {
  const violations = names.flatMap(invariant => INVARIANTS[invariant](context).map(detail => ({ invariant, detail })));
  if (violations.length > 0) throw new InvariantViolation(violations, context.operation);
}

function sessionsSince(sim: Simulation, since: SimulationMark): readonly SessionRecord[] {
  return sim.fake.sessions.slice(since.sessions);
}

function tagOfSession(sim: Simulation, session: SessionRecord): string | undefined {
  return openedByTagOf(session) ?? sim.sessionTags.get(session.sessionArn);
}

/** The signature of a presigned URL: what makes it a secret. */
function signatureOf(url: string): string {
  return /X-Amz-Signature=([0-9a-f]+)/.exec(url)?.[1] ?? url;
}

function describe(request: { RequestType: string; LogicalResourceId: string } | undefined, response: RecordedResponse): string {
  return request ? `the ${request.RequestType} of ${request.LogicalResourceId} (RequestId ${response.requestId})` : `RequestId ${response.requestId}`;
}
