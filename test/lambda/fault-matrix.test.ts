/**
 * The fault matrix: seeded storms of faults on every operation (the three MPA
 * control-plane calls and MPA GetSession) across create, team change and
 * delete, through the real handler and SDK client against the wire-level fake.
 * Every request converges (SUCCESS with the right association) or fails with a
 * clear reason before its deadline, and the invariants of
 * test/fixtures/invariants.ts hold in every case.
 *
 * Each seed replays the same storm: the fake draws faults from the seed in the
 * order requests arrive, and approvals are counted in polls, not time.
 */
import type { ErrorNameStyle, FaultKind } from '../fake/fake-control-plane';
import { ACTION, PHYSICAL_ID, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../fixtures/handler-environment';
import { controlledClocks, deliver, endCase, expectInvariants, mutatingCallsReached, propsFor, resolveEachSession } from '../fixtures/invariants';
import type { DeliveryOptions } from '../harness/simulated-provider';

const env = useHandlerTestEnvironment(endCase);

const propsA = propsFor(TEAM_A);
const propsB = propsFor(TEAM_B);

/** Faults that waiting and retrying get past. */
const TRANSIENT: readonly FaultKind[] = ['throttling', 'internal', 'unavailable', 'slow', 'drop', 'hangup-after-commit'];
/** Faults no retry gets past. */
const PERMANENT: readonly FaultKind[] = ['accessDenied', 'quota', 'validation'];
const EVERY_OPERATION = ['AssociateMpaTeam', 'DisassociateMpaTeam', 'GetMpaTeamAssociation', 'GetSession'];

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

/** Each poll retries transient errors for at most 5 s (20 s left minus the handler's 15 s safety margin). */
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

  test.each(SEEDS)('Update A -> B (seed %i, %s error names): disassociates A once, associates B, SUCCESS with B ACTIVE', async (seed, style) => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    storm(seed, style);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { MpaTeamArn: TEAM_B } });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
    expect(env.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['disassociate approved']);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2, maxSessions: 1 });
  });

  test.each(SEEDS)('Update A -> B where B also needs approval (seed %i, %s error names): two sessions, SUCCESS with B ACTIVE', async (seed, style) => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.setPolicy({ firstAssociation: 'approval' });
    storm(seed, style);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_B } });
    expect(env.fake.sessions.map(s => `${s.kind} of ${s.requestedTeamArn} ${s.outcome}`))
      .toEqual([`disassociate of ${TEAM_A} approved`, `associate of ${TEAM_B} approved`]);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2 });
  });

  test.each(SEEDS)('Delete (seed %i, %s error names): disassociates once, SUCCESS once it is gone', async (seed, style) => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    storm(seed, style);
    const run = await deliver(env, deleteEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: undefined });
    expect(env.fake.association()).toBeUndefined();
    expect(env.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['disassociate approved']);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });
});

describe('a seeded storm while the approvers say no: FAILED with the reason, nothing changed', () => {
  test.each(SEEDS)('Update A -> B, disassociation denied (seed %i, %s error names): FAILED naming the session; A stays ACTIVE', async (seed, style) => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    storm(seed, style);
    const run = await deliver(env, updateEvent(propsB, propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`Approval session ${env.fake.sessions[0].sessionArn} for DisassociateMpaTeam ended FAILED`);
    expect(run.response.Reason).toContain(`${TEAM_A} is still associated`);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(mutatingCallsReached(env.fake).filter(call => call === 'AssociateMpaTeam')).toEqual([]);
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1 });
  });

  test.each(SEEDS)('Delete, disassociation denied (seed %i, %s error names): FAILED naming the session; A stays ACTIVE', async (seed, style) => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    storm(seed, style);
    const run = await deliver(env, deleteEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(env.fake.sessions[0].sessionArn);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });

  test.each(SEEDS)('Create, association denied (seed %i, %s error names): FAILED saying it is gone, never asked again', async (seed, style) => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    storm(seed, style);
    const run = await deliver(env, createEvent(propsA), { ...STORMY, betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`is gone while session ${env.fake.sessions[0].sessionArn} awaited approval`);
    expect(env.fake.sessions).toHaveLength(1);
    expect(env.fake.association()).toBeUndefined();
    expectStormHit();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });
});

describe('a seeded storm with permanent faults mixed in: converges, or fails at once naming the operation', () => {
  const MIXED = [...TRANSIENT, ...PERMANENT];
  const PERMANENT_REASON = /^(AssociateMpaTeam|DisassociateMpaTeam|GetMpaTeamAssociation) (was denied \(AccessDeniedException\)|exceeded a service quota \(ServiceQuotaExceededException\)|was rejected as invalid \(ValidationException\))/;

  test.each(SEEDS)('Update A -> B (seed %i, %s error names)', async (seed, style) => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
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
    // A permanent fault on GetSession only costs a progress report; on a control-plane call it ends the request.
    const permanentFaults = env.fake.requests.filter(r => r.operation !== 'GetSession' && r.fault !== undefined && PERMANENT.includes(r.fault));
    expect(permanentFaults.length > 0).toBe(run.response.Status === 'FAILED');
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2 });
  });
});

describe('faults that outlast the request', () => {
  test('unavailable on every read until approvalTimeout: FAILED with the timeout reason naming the last error, before the Provider backstop', async () => {
    env.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'unavailable' });
    const clock = controlledClocks(env);
    const run = await deliver(env, createEvent(propsA), {
      remainingMs: 15_300, // each poll gives up after ~0.3 s of retries and answers "not yet"
      betweenPolls: async (poll) => { if (poll === 1) await clock.advance(1_800_000); },
    });
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toMatch(/^Timed out after 1800 s \(approvalTimeout\)/);
    expect(run.response.Reason).toContain(`${ACTION} has no association`);
    expect(run.response.Reason).toContain('The last call met ServiceUnavailableException');
    expect(run.polls).toBe(2);
    expect(mutatingCallsReached(env.fake)).toEqual([]);
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0 });
  });

  test('an answer slower than the client\'s requestTimeout (10 s) is given up and sent again: applied once', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.injectFault({ operation: 'DisassociateMpaTeam', kind: 'slow', delayMs: 10_500, times: 1 });
    const run = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response.Status).toBe('SUCCESS');
    // The fake notes the abandoned request once its 10.5 s are up, after the resent one.
    const disassociations = () => env.fake.requests.filter(r => r.operation === 'DisassociateMpaTeam');
    await env.sim.clock.advanceBy(11_000);
    expect(disassociations().map(r => [r.status, r.fault])).toEqual([[200, undefined], [0, 'slow']]);
    expect(env.fake.sessions).toHaveLength(1);
    expect(env.fake.association()).toBeUndefined();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
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
