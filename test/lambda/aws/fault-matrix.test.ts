/**
 * The fault matrix: seeded storms of faults on every operation the handler
 * makes (the three control-plane calls, MPA's GetSession and GetApprovalTeam,
 * and the ownership records' SSM calls) across create, team change and delete,
 * through the real handler and SDK clients against the wire-level fake.
 * Every request converges (SUCCESS with the right association) or fails with a
 * clear reason before its deadline, and the invariants of
 * test/fixtures/invariants.ts hold in every case.
 *
 * Each seed replays the same storm: the fake draws faults from the seed in the
 * order requests arrive, and approvals are counted in polls, not time.
 */
import type { ErrorNameStyle, FaultKind } from '../../fake/fake-control-plane';
import { ACTION, PHYSICAL_ID, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import {
  createdThroughHandler, deliver, endCase, expectInvariants, mutatingCallsReached, propsFor, resolveEachSession,
} from '../../fixtures/invariants';
import type { DeliveryOptions } from '../../harness/simulated-provider';

const env = useHandlerTestEnvironment(endCase);

const propsA = propsFor(TEAM_A);
const propsB = propsFor(TEAM_B);

/** Faults that waiting and retrying get past. */
const TRANSIENT: readonly FaultKind[] = ['throttling', 'internal', 'unavailable', 'slow', 'drop', 'hangup-after-commit'];
/** Faults no retry gets past. */
const PERMANENT: readonly FaultKind[] = ['accessDenied', 'quota', 'validation'];
const EVERY_OPERATION = [
  'AssociateMpaTeam', 'DisassociateMpaTeam', 'GetMpaTeamAssociation',
  'GetSession', 'GetApprovalTeam',
  'GetParameter', 'PutParameter', 'DeleteParameter', 'GetParametersByPath',
];
/** Reads whose failure costs only a log line or a check the next call makes anyway: a permanent fault on them never fails a request. */
const ADVISORY_READS = ['GetSession', 'GetApprovalTeam'];

/** Seeds, each with one of the ways the service spells error names. */
const SEEDS: ReadonlyArray<readonly [number, ErrorNameStyle]> = [
  [7, 'namespaced'],
  [11, 'bare'],
  [43, 'header'],
  [4242, 'header-with-suffix'],
];

/** Starts a storm; every fault (not only `slow`) answers after 50 ms, far below the client's 10 s requestTimeout. */
function storm(seed: number, errorNameStyle: ErrorNameStyle, kinds: readonly FaultKind[] = TRANSIENT, rate = 0.3): void {
  env.fake.randomFaults({ seed, rate, kinds, operations: EVERY_OPERATION, delayMs: 50, errorNameStyle });
}

/** Each poll retries transient errors for at most 10 s (20 s left minus the handler's 10 s safety margin). */
const STORMY: DeliveryOptions = { remainingMs: 20_000 };

/** The storm did hit this request: otherwise the case proves nothing. */
function expectStormHit(): void {
  expect(env.fake.requests.filter(r => r.fault !== undefined).length).toBeGreaterThan(0);
}

describe('a seeded storm of transient faults on every operation: every request converges', () => {
  test.each(SEEDS)('Create, first association ACTIVE at once (seed %i, %s error names): SUCCESS with the team ACTIVE', async (seed, style) => {
    storm(seed, style);
    const run = await deliver(env, createEvent(propsA), STORMY);
    expect(run.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, maxSessions: 0 });
  });

  test.each(SEEDS)('Create, first association needs approval (seed %i, %s error names): one session, SUCCESS once approved', async (seed, style) => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    storm(seed, style);
    const run = await deliver(env, createEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(run.response.Data!.MpaSessionArn).toBe(env.fake.sessions[0].sessionArn);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });

  test.each(SEEDS)('Update A -> B (seed %i, %s error names): B refused while A is ACTIVE, disassociates A once, associates B, SUCCESS with B ACTIVE', async (seed, style) => {
    const created = await createdThroughHandler(env, TEAM_A);
    storm(seed, style);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { MpaTeamArn: TEAM_B } });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
    expect(env.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['disassociate approved']);
    expectStormHit();
    // AssociateMpaTeam first (refused with ConflictException in this world), DisassociateMpaTeam, AssociateMpaTeam.
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 3, maxSessions: 1, since: created });
  });

  test.each(SEEDS)('Update A -> B where B also needs approval (seed %i, %s error names): two sessions, SUCCESS with B ACTIVE', async (seed, style) => {
    const created = await createdThroughHandler(env, TEAM_A);
    env.fake.setPolicy({ firstAssociation: 'approval' });
    storm(seed, style);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_B } });
    expect(env.fake.sessions.map(s => `${s.kind} of ${s.requestedTeamArn} ${s.outcome}`))
      .toEqual([`disassociate of ${TEAM_A} approved`, `associate of ${TEAM_B} approved`]);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 3, maxSessions: 2, since: created });
  });

  test.each(SEEDS)('Delete (seed %i, %s error names): disassociates once, SUCCESS once it is gone', async (seed, style) => {
    const created = await createdThroughHandler(env, TEAM_A);
    storm(seed, style);
    const run = await deliver(env, deleteEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: undefined });
    expect(env.fake.association()).toBeUndefined();
    expect(env.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['disassociate approved']);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
  });
});

describe('a seeded storm while the approvers say no: FAILED with the reason, nothing changed', () => {
  test.each(SEEDS)('Update A -> B, disassociation denied (seed %i, %s error names): FAILED naming the session; A stays ACTIVE', async (seed, style) => {
    const created = await createdThroughHandler(env, TEAM_A);
    storm(seed, style);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`Approval session ${env.fake.sessions[0].sessionArn} to remove team ${TEAM_A} from ${ACTION} ended FAILED`);
    expect(run.response.Reason).toContain(`${TEAM_A} still protects ${ACTION}`);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    // Only the first AssociateMpaTeam, which the service refused while A was ACTIVE: none after the denial.
    expect(mutatingCallsReached(env.fake, created).filter(call => call === 'AssociateMpaTeam')).toEqual([]);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2, maxSessions: 1, since: created });
  });

  test.each(SEEDS)('Delete, disassociation denied (seed %i, %s error names): FAILED naming the session; A stays ACTIVE', async (seed, style) => {
    const created = await createdThroughHandler(env, TEAM_A);
    storm(seed, style);
    const run = await deliver(env, deleteEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`Approval session ${env.fake.sessions[0].sessionArn} to remove team ${TEAM_A} from ${ACTION} ended FAILED`);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
  });

  test.each(SEEDS)('Create, association denied (seed %i, %s error names): FAILED saying nothing protects the action, never asked again', async (seed, style) => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    storm(seed, style);
    const run = await deliver(env, createEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`Approval session ${env.fake.sessions[0].sessionArn} to associate team ${TEAM_A} with ${ACTION} ended FAILED`);
    expect(run.response.Reason).toContain(`${ACTION} has no approval team now`);
    expect(env.fake.sessions).toHaveLength(1);
    expect(env.fake.association()).toBeUndefined();
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });
});

describe('a seeded storm with permanent faults mixed in: converges, or fails at once naming the operation', () => {
  const MIXED = [...TRANSIENT, ...PERMANENT];
  const PERMANENT_REASON = new RegExp('^((AssociateMpaTeam|DisassociateMpaTeam|GetMpaTeamAssociation) '
    + '(was denied \\(AccessDeniedException\\)|exceeded a service quota \\(ServiceQuotaExceededException\\)|was rejected as invalid \\(ValidationException\\))'
    + '|Could not (read|list|write|remove) the ownership record .* in SSM Parameter Store \\((AccessDeniedException|ParameterLimitExceeded|ValidationException): )');

  test.each(SEEDS)('Update A -> B (seed %i, %s error names)', async (seed, style) => {
    const created = await createdThroughHandler(env, TEAM_A);
    storm(seed, style, MIXED, 0.2);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    if (run.response.Status === 'SUCCESS') {
      expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
    } else {
      expect(run.response.Reason).toMatch(PERMANENT_REASON);
      // The request stopped where the permanent fault met it: A as it was, A on its way out, nothing yet, or B.
      const association = env.fake.association();
      expect([undefined, TEAM_A, TEAM_B]).toContain(association?.MpaTeamArn);
    }
    // A permanent fault on GetSession or GetApprovalTeam only costs a progress report or a check; elsewhere it ends the request.
    const permanentFaults = env.fake.requests.slice(created.requests)
      .filter(r => !ADVISORY_READS.includes(r.operation) && r.fault !== undefined && PERMANENT.includes(r.fault));
    expect(permanentFaults.length > 0).toBe(run.response.Status === 'FAILED');
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 3, maxSessions: 1, since: created });
  });
});

describe('an answer slower than the attempt allows', () => {
  test('an answer slower than the call\'s 10 s attempt timeout is given up, never applied, and the next poll sends it again: applied once', async () => {
    const created = await createdThroughHandler(env, TEAM_A);
    env.fake.injectFault({ operation: 'DisassociateMpaTeam', kind: 'slow', delayMs: 10_500, times: 1 });
    const run = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response.Status).toBe('SUCCESS');
    await env.sim.clock.advanceBy(11_000);
    const disassociations = env.fake.requests.filter(r => r.operation === 'DisassociateMpaTeam');
    expect(disassociations.map(r => [r.status, r.fault]).sort()).toEqual([[0, 'slow'], [200, undefined]]);
    expect(env.fake.sessions).toHaveLength(1);
    expect(env.fake.association()).toBeUndefined();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
  });
});

describe('permanent errors fail at once, whatever their message says', () => {
  // Real AccessDenied messages name the caller's role and the resource, and CDK
  // names roles after the stack: nothing in a message makes an error transient.
  test.each([
    ['accessDenied', 'AssociateMpaTeam was denied (AccessDeniedException)',
      'User: arn:aws:sts::123456789012:assumed-role/NetworkStack-MpaHandlerRole-1A2B3C/NetworkStack-onEvent is not authorized to perform: '
      + 'payment-cryptography:AssociateMpaTeam on resource: arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a'],
    ['validation', 'AssociateMpaTeam was rejected as invalid (ValidationException)',
      "1 validation error detected: Value 'arn:aws:mpa:us-east-1:111122223333:approval-team/timeout-approvers' at 'MpaTeamArn' failed to satisfy constraint"],
    ['quota', 'AssociateMpaTeam exceeded a service quota (ServiceQuotaExceededException)', 'Too many associations pending on this network; the request timed out'],
  ] as const)('%s naming a network or a timeout: FAILED by onEvent, one call', async (kind, reason, message) => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind, message });
    const run = await deliver(env, createEvent(propsA), { remainingMs: 15_500, maxPolls: 2 });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(reason);
    expect(run.polls).toBe(0);
    expect(env.fake.callCount('AssociateMpaTeam')).toBe(1);
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0 });
  });
});
