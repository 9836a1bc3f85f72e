/**
 * Issue 23: the association as a registry resource type, over the same change
 * core, driven by the registry simulator (CloudFormation's handler protocol, on
 * the virtual clock). The stack-level sequences (a rename, a move, a move deployed
 * in parallel, a rolled-back update, a denial, a time-out and its rerun, drift) run
 * in every world of the service; an approval that lands after 20 hours completes.
 * After every operation: every AWS call was signed with that call's
 * callerCredentials, and no credential or bearer token reached a log line.
 */
import { createHash } from 'node:crypto';
import { historySince, markHistory } from './observations';
import { parseRecord, type ManagerRecord } from '../../lambda/core/ownership-record';
import type { ResourceModel } from '../../lambda/registry-type/registry-events';
import type { SessionRecord } from '../fake/fake-control-plane';
import { ACTION, TEAM_A, TEAM_B, TEAM_X } from '../fixtures/payments-stack';
import { setEnvironment } from '../fixtures/process-environment';
import { RegistrySimulator, registryHandlerEnvironment, type RegistryBehaviour, type RegistryOperation, type RegistryOutcome } from '../harness/registry-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();
let restoreEnvironment: () => void;
beforeAll(() => {
  // The handler runs in this process, as CloudFormation's Lambda would: endpoints and region only, no credentials of its own.
  restoreEnvironment = setEnvironment(registryHandlerEnvironment(env.sim));
});
afterAll(() => restoreEnvironment());

let registry: RegistrySimulator;
beforeEach(() => { registry = new RegistrySimulator(env.sim); });
afterEach(() => {
  expect(registry.secretsInLogs()).toEqual([]);
  expect(registry.foreignKeys()).toEqual([]);
});

/** The simulation's account and region (us-east-1, 123456789012). */
const stackId = (name: string) => `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/${createHash('md5').update(name).digest('hex').slice(0, 8)}`;
const PAYMENTS = stackId('Payments');

/** The properties of a version: team A by default, polling every 10 s. */
const props = (overrides: ResourceModel = {}): ResourceModel => ({ Action: ACTION, MpaTeamArn: TEAM_A, PollIntervalSeconds: 10, ...overrides });

/** Approvers who answer each pending session once it has been pending `afterMs`, before the next callback. */
function approvers(answer: (session: SessionRecord) => 'approve' | 'deny' | 'wait', afterMs = 60_000): () => void {
  return registry.onCallback(() => {
    const session = env.sim.fake.sessions.find(s => s.outcome === undefined);
    if (!session || env.sim.clock.now() - session.initiatedAtMs < afterMs) return;
    const decision = answer(session);
    if (decision === 'approve') env.sim.fake.approve();
    if (decision === 'deny') env.sim.fake.deny();
  });
}

const run = (operation: RegistryOperation) => registry.run(operation);
const create = (logicalId: string, properties = props(), stack = PAYMENTS) => run({ action: 'CREATE', stackId: stack, logicalId, properties });
const remove = (logicalId: string, model: ResourceModel, stack = PAYMENTS) => run({ action: 'DELETE', stackId: stack, logicalId, properties: model });

function records(): ManagerRecord[] {
  return env.sim.fake.parameters().map(p => parseRecord(p.value)).filter((r): r is ManagerRecord => r !== undefined);
}

/** Created with team A (its approvers approving), the history marked after. */
async function createdWithTeamA(logicalId = 'RootCa', stack = PAYMENTS): Promise<RegistryOutcome> {
  const dismiss = approvers(() => 'approve', 0);
  const created = await create(logicalId, props(), stack);
  dismiss();
  expect(created.status).toBe('SUCCESS');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  return created;
}

forEachWorld('create, then delete: the team is associated, then removed once approved; the type answers as the contract says', env, async () => {
  const created = await createdWithTeamA();
  expect(created.final.resourceModel).toMatchObject({ Id: `/cdk-mpa-team-association/${ACTION}/Payments/${PAYMENTS.split('/').pop()}/RootCa`, AssociatedMpaTeamArn: TEAM_A });
  approvers(() => 'approve');
  const deleted = await remove('RootCa', created.final.resourceModel!);
  expect(deleted.status).toBe('SUCCESS');
  expect(deleted.answers.length).toBeGreaterThan(1);
  expect(env.sim.fake.association()).toBeUndefined();
  expect(records()).toEqual([]);
});

forEachWorld('a renamed resource (a new logical id): the new one adopts, the old one\'s Delete asks nothing, the origin passes', env, async () => {
  const old = await createdWithTeamA('RootCa');
  const before = markHistory(env.sim);
  expect((await create('RootCaRenamed')).status).toBe('SUCCESS');
  expect((await remove('RootCa', old.final.resourceModel!)).status).toBe('SUCCESS');
  expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(records().map(r => [r.resource.logicalId, r.team, r.origin])).toEqual([['RootCaRenamed', TEAM_A, 'created']]);
});

forEachWorld('moved to another stack, the new stack first: nothing asked, the new stack holds the team', env, async () => {
  const old = await createdWithTeamA('RootCa');
  const before = markHistory(env.sim);
  const moved = await create('RootCa', props(), stackId('PaymentsKeys'));
  expect(moved.status).toBe('SUCCESS');
  expect((await remove('RootCa', old.final.resourceModel!)).status).toBe('SUCCESS');
  expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('a move deployed in parallel, the old Delete a moment first: its removal is cancelled, the team handed over', env, async () => {
  const old = await createdWithTeamA('RootCa');
  const before = markHistory(env.sim);
  approvers(() => 'approve', 3 * 60 * 60 * 1000); // the approvers take hours
  const [deleted, moved] = await Promise.all([
    remove('RootCa', old.final.resourceModel!),
    env.sim.clock.sleep(15_000).then(() => create('RootCa', props(), stackId('PaymentsKeys'))),
  ]);
  expect([deleted.status, moved.status]).toEqual(['SUCCESS', 'SUCCESS']);
  const sessions = historySince(env.sim, before).sessions;
  expect(sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(sessions.length ? ['disassociate cancelled'] : []);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(records().map(r => [r.resource.stackId, r.team, r.origin])).toEqual([[stackId('PaymentsKeys'), TEAM_A, 'created']]);
});

forEachWorld('a team change denied, then rolled back (properties swapped, rollback set): team A protects the action, nothing is left pending', env, async world => {
  const created = await createdWithTeamA();
  approvers(() => 'deny');
  const forward = await run({ action: 'UPDATE', stackId: PAYMENTS, logicalId: 'RootCa', properties: props({ MpaTeamArn: TEAM_B }), previousProperties: props() });
  if (world.otherTeamWhileActive === 'immediate') {
    // The service switches teams at once: nothing to deny; the rollback switches back at once.
    expect(forward.status).toBe('SUCCESS');
  } else {
    expect(forward.status).toBe('FAILED');
    expect(forward.final.message).toMatch(/^Approval session \S+ to (associate team|remove team)/);
  }
  const rollback = await run({ action: 'UPDATE', stackId: PAYMENTS, logicalId: 'RootCa', properties: props(), previousProperties: props({ MpaTeamArn: TEAM_B }), rollback: true });
  expect(rollback.status).toBe('SUCCESS');
  expect(rollback.final.resourceModel?.Id).toBe(created.final.resourceModel?.Id);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(env.sim.fake.sessions.filter(s => s.outcome === undefined)).toEqual([]);
});

forEachWorld('a delete denied: FAILED (NotStabilized) naming the session; team A still protects the action', env, async () => {
  const created = await createdWithTeamA();
  approvers(() => 'deny');
  const deleted = await remove('RootCa', created.final.resourceModel!);
  expect(deleted.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
  expect(deleted.final.message).toContain(`still protects ${ACTION}`);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('a delete that times out leaves its session open; the rerun resumes it and asks nobody again', env, async () => {
  const created = await createdWithTeamA();
  const model = { ...created.final.resourceModel!, ApprovalTimeoutSeconds: 120 };
  const first = await remove('RootCa', model);
  expect(first.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
  expect(first.final.message).toContain('Timed out after 120 s (approvalTimeout)');
  approvers(() => 'approve', 0);
  expect((await remove('RootCa', model)).status).toBe('SUCCESS');
  expect(env.sim.fake.sessions.filter(s => s.kind === 'disassociate').map(s => s.outcome)).toEqual(['approved']);
  expect(env.sim.fake.association()).toBeUndefined();
});

forEachWorld('drift: another team set outside the stack; an update keeping the team succeeds reporting it, and READ shows it', env, async () => {
  await createdWithTeamA();
  env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_X, associationState: 'ACTIVE' });
  env.sim.declareForeignTeam(TEAM_X);
  const updated = await run({ action: 'UPDATE', stackId: PAYMENTS, logicalId: 'RootCa', properties: props({ RequesterComment: 'new comment' }), previousProperties: props() });
  expect(updated.final).toMatchObject({ status: 'SUCCESS', resourceModel: { AssociatedMpaTeamArn: TEAM_X } });
  expect(updated.final.resourceModel).not.toHaveProperty('RequesterComment');
  const read = await run({ action: 'READ', stackId: PAYMENTS, logicalId: 'RootCa', properties: { Id: updated.final.resourceModel!.Id, Action: ACTION } });
  expect(read.final).toMatchObject({ status: 'SUCCESS', resourceModel: { MpaTeamArn: TEAM_X } });
});

test('an approval that lands after 20 simulated hours completes the delete (one session, 5-minute polls)', async () => {
  const created = await createdWithTeamA();
  approvers(() => 'approve', 20 * 60 * 60 * 1000);
  const deleted = await remove('RootCa', { ...created.final.resourceModel!, PollIntervalSeconds: 300, ReportApprovalProgress: false });
  expect(deleted.status).toBe('SUCCESS');
  expect(deleted.endedAt - deleted.startedAt).toBeGreaterThanOrEqual(20 * 60 * 60 * 1000);
  expect(deleted.endedAt - deleted.startedAt).toBeLessThan(20 * 60 * 60 * 1000 + 10 * 60 * 1000);
  expect(env.sim.fake.sessions.filter(s => s.kind === 'disassociate').map(s => s.outcome)).toEqual(['approved']);
});

test('a create that fails after asking (its approvers silent past approvalTimeout) cancels its own session before it answers FAILED', async () => {
  env.sim.fake.setWorld({ firstAssociation: 'approval' });
  const failed = await create('RootCa', props({ ApprovalTimeoutSeconds: 120 }));
  expect(failed.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized', resourceModel: { Id: expect.any(String) } });
  expect(env.sim.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['associate cancelled']);
  expect(env.sim.fake.association()).toBeUndefined();
  expect(records()).toEqual([]);
});

test('the handler learns its own role from STS and never cancels a session another principal requested', async () => {
  env.sim.fake.setWorld({ firstAssociation: 'approval' });
  env.sim.fake.setMpaBehaviour({ callerIdentity: 'arn:aws:sts::123456789012:assumed-role/SomeoneElse/session' });
  const failed = await create('RootCa', props({ ApprovalTimeoutSeconds: 120 }));
  expect(failed.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
  // The session names the fake's requester, not the role STS named: it is left for its approvers.
  expect(env.sim.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['associate undefined']);
  expect(env.sim.fake.requests.filter(r => r.operation === 'CancelSession')).toEqual([]);
  expect(env.sim.fake.requests.filter(r => r.operation === 'GetCallerIdentity').length).toBe(1);
  env.sim.fake.deny();
});

describe('what the type refuses, and READ, LIST and UPDATE of what is gone', () => {
  test('a request without a stackId (Cloud Control API, the contract tests) is refused, naming why', async () => {
    const refused = await run({ action: 'CREATE', logicalId: 'RootCa', properties: props() });
    expect(refused.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(refused.final.message).toContain('serves CloudFormation stacks only');
    expect(env.sim.fake.mutatingCalls()).toEqual([]);
  });

  test('invalid properties are refused with InvalidRequest naming the property; approvalTimeout goes up to a day, not beyond', async () => {
    const late = await create('RootCa', props({ ApprovalTimeoutSeconds: 86_401 }));
    expect(late.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(late.final.message).toBe('Invalid resource property ApprovalTimeoutSeconds: must be between 60 and 86400 seconds, got 86401. Nothing was changed.');
    expect((await create('RootCa', props({ ApprovalTimeoutSeconds: '86400' }))).status).toBe('SUCCESS');
  });

  test('UPDATE of a resource that is gone answers NotFound; READ after DELETE answers NotFound; LIST names what exists', async () => {
    const gone = await run({ action: 'UPDATE', stackId: PAYMENTS, logicalId: 'Nothing', properties: props(), previousProperties: props() });
    expect(gone.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    const created = await createdWithTeamA();
    const listed = await run({ action: 'LIST', stackId: PAYMENTS, logicalId: 'RootCa', properties: {} });
    expect(listed.final.resourceModels?.map(m => m.Id)).toEqual([created.final.resourceModel!.Id]);
    approvers(() => 'approve', 0);
    await remove('RootCa', created.final.resourceModel!);
    const read = await run({ action: 'READ', stackId: PAYMENTS, logicalId: 'RootCa', properties: { Id: created.final.resourceModel!.Id } });
    expect(read.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect((await run({ action: 'LIST', stackId: PAYMENTS, logicalId: 'RootCa', properties: {} })).final.resourceModels).toEqual([]);
  });

  test('a type registered without an execution role (no callerCredentials) is refused; nothing falls back to the Lambda\'s own', async () => {
    const bare = new RegistrySimulator(env.sim);
    (bare as any).issue = () => undefined;
    // Without providerCredentials the lines go to the Lambda's own output.
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => { printed.push(line); });
    const refused = await bare.run({ action: 'CREATE', stackId: PAYMENTS, logicalId: 'RootCa', properties: props() });
    spy.mockRestore();
    expect(refused.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidCredentials' });
    expect(env.sim.fake.requests).toEqual([]);
    expect(printed.map(line => JSON.parse(line).event)).toEqual(['registry-request']);
  });

  test('the type\'s log lines reach its log group, one stream per resource, and never hold a credential or the bearer token', async () => {
    await createdWithTeamA();
    const events = env.sim.fake.logEvents();
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map(e => `${e.logGroupName} ${e.logStreamName}`))).toEqual(new Set([
      `cdkmpa-paymentcryptography-mpateamassociation-logs ${PAYMENTS.replace(/:/g, '__')}/RootCa`,
    ]));
  });
});

/** The points the registry's documents leave open, each played once on the parallel move and on create-then-delete. */
describe.each<[string, Partial<RegistryBehaviour>]>([
  ['callbacks carry the returned model', { callbackProperties: 'returned-model' }],
  ['a new bearer token every call', { bearerToken: 'per-call' }],
  ['every call delivered twice at once', { redeliver: true }],
])('registry behaviour: %s', (_, behaviour) => {
  beforeEach(() => { registry = new RegistrySimulator(env.sim, { behaviour }); });

  test('create then delete asks once per change', async () => {
    env.sim.fake.setWorld({ firstAssociation: 'approval' });
    const created = await createdWithTeamA();
    approvers(() => 'approve');
    expect((await remove('RootCa', created.final.resourceModel!)).status).toBe('SUCCESS');
    expect(env.sim.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['associate approved', 'disassociate approved']);
  });

  test('a move deployed in parallel hands the team over', async () => {
    const old = await createdWithTeamA('RootCa');
    approvers(() => 'approve', 3 * 60 * 60 * 1000);
    const [deleted, moved] = await Promise.all([
      remove('RootCa', old.final.resourceModel!),
      env.sim.clock.sleep(15_000).then(() => create('RootCa', props(), stackId('PaymentsKeys'))),
    ]);
    expect([deleted.status, moved.status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(env.sim.fake.sessions.filter(s => s.outcome === 'approved' && s.kind === 'disassociate')).toEqual([]);
  });
});
