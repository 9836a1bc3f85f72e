/**
 * Bad resource properties at run time (a hand-written or older template): every
 * property, on Create and on Update, fails in onEvent naming the property,
 * before a single call. A Delete never fails on its properties (that would
 * block the stack's deletion for good): it acts on the team its ownership
 * record holds, and with an action it cannot read it calls nothing at all
 * (provider-request.ts).
 */
import { ACTION, PHYSICAL_ID, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import { createdThroughHandler, deliver, endCase, expectInvariants, mutatingCallsReached, propsFor, resolveEachSession } from '../../fixtures/invariants';
import { CREATE_FAILED_MARKER } from '../../harness/provider-framework-runtime';

const env = useHandlerTestEnvironment(endCase);

const propsA = propsFor(TEAM_A);

/** One bad value per rule of every property, and the property the reason must name. */
const BAD_PROPERTIES: ReadonlyArray<readonly [Record<string, string | undefined>, string]> = [
  [{ Action: 'not an action' }, 'Action'],
  [{ Action: 'import_root_public_key_certificate' }, 'Action'],
  [{ MpaTeamArn: undefined }, 'MpaTeamArn'],
  [{ MpaTeamArn: 'payments-root-a' }, 'MpaTeamArn'],
  [{ MpaTeamArn: 'arn:aws:iam::111122223333:role/payments-root-a' }, 'MpaTeamArn'],
  [{ MpaTeamArn: `arn:aws:mpa:us-east-1:111122223333:approval-team/${'x'.repeat(2048)}` }, 'MpaTeamArn'],
  [{ RequesterComment: 'x'.repeat(201) }, 'RequesterComment'],
  [{ ApprovalTimeoutSeconds: 'soon' }, 'ApprovalTimeoutSeconds'],
  [{ ApprovalTimeoutSeconds: '1.5' }, 'ApprovalTimeoutSeconds'],
  [{ ApprovalTimeoutSeconds: '59' }, 'ApprovalTimeoutSeconds'],
  [{ ApprovalTimeoutSeconds: '3301' }, 'ApprovalTimeoutSeconds'],
  [{ PollIntervalSeconds: 'often' }, 'PollIntervalSeconds'],
  [{ PollIntervalSeconds: '0' }, 'PollIntervalSeconds'],
  [{ PollIntervalSeconds: '301' }, 'PollIntervalSeconds'],
  [{ ApprovalTimeoutSeconds: '60', PollIntervalSeconds: '120' }, 'PollIntervalSeconds'],
  [{ ReportApprovalProgress: 'yes' }, 'ReportApprovalProgress'],
];

describe('Create with a bad property', () => {
  test.each(BAD_PROPERTIES)('%j: FAILED naming %s, nothing called', async (override, property) => {
    const run = await deliver(env, createEvent(propsFor(TEAM_A, override)));
    expect(run.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_MARKER });
    expect(run.response.Reason).toMatch(new RegExp(`^Invalid resource property ${property}: .*Nothing was changed\\.$`));
    expect(env.fake.requests).toEqual([]);
    expectInvariants(run, env.fake, { ownedTeams: [], maxMutatingCalls: 0 });
  });
});

describe('Update with a bad new property (the old ones fine, A associated)', () => {
  beforeEach(() => env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' }));

  test.each(BAD_PROPERTIES)('%j: FAILED naming %s, nothing called, A untouched', async (override, property) => {
    const run = await deliver(env, updateEvent(propsFor(TEAM_B, override), propsA));
    expect(run.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(run.response.Reason).toMatch(new RegExp(`^Invalid resource property ${property}: `));
    expect(env.fake.requests).toEqual([]);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 0 });
  });

  test('its rollback (the old properties again, the bad ones as old): SUCCESS without a mutating call', async () => {
    const bad = propsFor(TEAM_B, { MpaTeamArn: 'payments-root-b' });
    const update = await deliver(env, updateEvent(bad, propsA));
    expect(update.response.Status).toBe('FAILED');
    const rollback = await deliver(env, updateEvent(propsA, bad));
    expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A } });
    expectInvariants([update, rollback], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0 });
  });
});

describe('Update whose old properties cannot be read: the resource is taken to have held no team', () => {
  beforeEach(() => env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' }));
  const unreadableOld = propsFor(TEAM_A, { MpaTeamArn: undefined });

  test('the new team is the one associated: SUCCESS without a call', async () => {
    const run = await deliver(env, updateEvent(propsA, unreadableOld));
    expect(run.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A } });
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0 });
  });

  test('another team is associated: FAILED naming it as not this resource\'s, and how to adopt it; nothing changed', async () => {
    const run = await deliver(env, updateEvent(propsFor(TEAM_B), unreadableOld));
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`${ACTION} is associated with team ${TEAM_A}, not with this resource's team (it holds no team and asks for ${TEAM_B})`);
    expect(run.response.Reason).toContain(`set mpaTeamArn to ${TEAM_A} to adopt it`);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_B], maxMutatingCalls: 0 });
  });
});

const ACTION_UNREADABLE = BAD_PROPERTIES.filter(([, property]) => property === 'Action');
const ACTION_READABLE = BAD_PROPERTIES.filter(([, property]) => property !== 'Action');

describe('Delete with properties it cannot read, of a resource that created A', () => {
  test.each(ACTION_UNREADABLE)('%j: SUCCESS without a single call (which association is unknown); A stays', async (override) => {
    const created = await createdThroughHandler(env, TEAM_A);
    const run = await deliver(env, deleteEvent(propsFor(TEAM_A, override)));
    expect(run.response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: undefined });
    expect(env.fake.requests.slice(created.requests)).toEqual([]);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    const deleteLine = env.logs.lines().find(line => line.event === 'request' && line.requestType === 'Delete');
    expect(deleteLine).toBeDefined();
    expect(deleteLine.action).toBeUndefined();
    expectInvariants(run, env.fake, { ownedTeams: [], maxMutatingCalls: 0, since: created });
  });

  test.each(ACTION_READABLE)('%j: the bad value is ignored; A, which its record says it created, is removed once approved: SUCCESS', async (override) => {
    const created = await createdThroughHandler(env, TEAM_A);
    const run = await deliver(env, deleteEvent(propsFor(TEAM_A, override)), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: undefined });
    expect(mutatingCallsReached(env.fake, created)).toEqual(['DisassociateMpaTeam']);
    expect(env.fake.association()).toBeUndefined();
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
  });
});
