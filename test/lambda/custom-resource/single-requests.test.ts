/**
 * One request at a time: CloudFormation-shaped events through aws-cdk-lib's
 * provider framework, the real handler, the real SDK clients, against the fake,
 * on simulated time (test/harness). What each answer carries: physical ids,
 * attributes, reasons, log lines. Whole stack operations (renames, rollbacks,
 * cancelled updates, drift) are in test/lifecycle/.
 */
import {
  ACTION, FOREIGN_TEAM, PHYSICAL_ID, TEAM_A, TEAM_B,
  createEvent, deleteEvent, resourceProperties, updateEvent,
} from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import { CREATE_FAILED_MARKER } from '../../harness/provider-framework-runtime';
import type { DeliveryOptions } from '../../harness/simulated-provider';
import { FAKE_CREDENTIALS } from '../../harness/simulation';

const env = useHandlerTestEnvironment();
const runProvider = (event: Parameters<typeof env.provider.deliver>[0], options?: DeliveryOptions) => env.provider.deliver(event, options);

const propsA = resourceProperties({ MpaTeamArn: TEAM_A });
const propsB = resourceProperties({ MpaTeamArn: TEAM_B });
const mutatingOperations = () => env.fake.mutatingCalls().map(r => r.operation);

/** The resource created with team A through the handler (so that its ownership record exists), the fake's history cleared. */
async function createdWithTeamA(): Promise<void> {
  expect((await runProvider(createEvent(propsA))).response.Status).toBe('SUCCESS');
  env.fake.clearFaults();
}

describe('Create', () => {
  test('no association: associates the team, SUCCESS with the final physical id and the attributes', async () => {
    const { response } = await runProvider(createEvent(propsA));
    expect(response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { MpaTeamArn: TEAM_A, MpaSessionArn: '' } });
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('the physical id never contains the team ARN', async () => {
    const { response } = await runProvider(createEvent(propsA));
    expect(response.PhysicalResourceId).not.toContain('approval-team');
  });

  test('the association needs approval: waits, then SUCCESS naming the session in MpaSessionArn', async () => {
    env.fake.setWorld({ firstAssociation: 'approval' });
    env.fake.resolveAfterPolls(3, 'approve');
    const { response, polls } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({ MpaTeamArn: TEAM_A, MpaSessionArn: env.fake.sessions[0].sessionArn });
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
  });

  test('already ACTIVE with the same team: adopted without a mutating call', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(createEvent(propsA));
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A, MpaSessionArn: '' } });
    expect(mutatingOperations()).toEqual([]);
  });

  test('another team associated: FAILED at once (the framework\'s marker id), naming that team; nothing changed, no record left', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'ACTIVE' });
    const { response } = await runProvider(createEvent(propsA));
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_MARKER });
    expect(response.Reason).toContain(FOREIGN_TEAM);
    expect(response.Reason).toContain('Nothing changed');
    expect(mutatingOperations()).toEqual([]);
    expect(env.fake.parameters()).toEqual([]);
  });

  test('someone else\'s pending association of the same team is waited on, not asked again', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'UPDATE_PENDING' });
    env.fake.resolveAfterPolls(2, 'approve');
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
  });
});

describe('Update', () => {
  test('team changed (the service refuses a second team): disassociates A, waits, associates B; the attribute names the session', async () => {
    await createdWithTeamA();
    env.fake.resolveAfterPolls(3, 'approve');
    const { response } = await runProvider(updateEvent(propsB, propsA));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { MpaTeamArn: TEAM_B } });
    expect(response.Data!.MpaSessionArn).toBe(env.fake.sessions[0].sessionArn);
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam', 'AssociateMpaTeam', 'DisassociateMpaTeam', 'AssociateMpaTeam']);
    expect(env.fake.requests.filter(r => r.operation === 'AssociateMpaTeam').map(r => r.status)).toEqual([200, 409, 200]);
  });

  test.each([
    ['deny', 'ended FAILED (REJECTED: The approval team rejected the request)'],
    ['expire', 'ended FAILED (EXPIRED'],
    ['cancel', 'ended CANCELLED'],
  ] as const)('the session is %s: FAILED within one poll naming session, status and message; A stays', async (resolution, wording) => {
    await createdWithTeamA();
    env.fake.resolveAfterPolls(2, resolution);
    const { response, polls } = await runProvider(updateEvent(propsB, propsA));
    const session = env.fake.sessions[0];
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(session.sessionArn);
    expect(response.Reason).toContain(wording);
    expect(response.Reason).toContain(`team ${TEAM_A} still protects ${ACTION}`);
    expect(polls).toBe(2);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('only the comment changed: no mutating call, same physical id', async () => {
    await createdWithTeamA();
    const { response } = await runProvider(updateEvent(resourceProperties({ RequesterComment: 'new comment' }), propsA));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
  });

  test('still pending at approvalTimeout: FAILED naming the session and its approvals so far, saying what the rollback does', async () => {
    await createdWithTeamA();
    const { response } = await runProvider(updateEvent(propsB, propsA), {
      betweenPolls: async (poll) => { if (poll === 2) await env.sim.clock.advanceBy(1_801_000); },
    });
    const session = env.fake.sessions[0];
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('Timed out after 1800 s (approvalTimeout)');
    expect(response.Reason).toContain(session.sessionArn);
    expect(response.Reason).toContain('0 of 2 approvals');
    expect(response.Reason).toContain('the rollback cancels the session');
  });
});

describe('Delete', () => {
  test('this resource\'s team: disassociates, polls until it is gone, SUCCESS; its record is removed', async () => {
    await createdWithTeamA();
    env.fake.resolveAfterPolls(2, 'approve');
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(env.fake.association()).toBeUndefined();
    expect(env.fake.parameters()).toEqual([]);
  });

  test('a resource that never recorded a team (no ownership record): SUCCESS leaving the association alone', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A });
  });

  test('already gone: SUCCESS without a mutating call', async () => {
    await createdWithTeamA();
    env.fake.removeAssociation(ACTION);
    expect((await runProvider(deleteEvent(propsA))).response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
  });

  test('the rollback of a Create that timed out: its session is cancelled, nothing stays', async () => {
    env.fake.setWorld({ firstAssociation: 'approval' });
    const create = await runProvider(createEvent(propsA), { betweenPolls: () => env.sim.clock.advanceBy(1_801_000) });
    expect(create.response.Status).toBe('FAILED');
    expect(create.response.PhysicalResourceId).toMatch(/create-in-progress$/);
    const rollback = await runProvider(deleteEvent(propsA, create.response.PhysicalResourceId));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['cancelled']);
    expect(env.fake.association()).toBeUndefined();
  });
});

describe('errors from the control plane', () => {
  test.each([['throttling'], ['internal'], ['unavailable']] as const)(
    '%s on every read for a while: retried within the invocation, never fails the deployment', async (kind) => {
      env.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind, times: 8 });
      const { response } = await runProvider(createEvent(propsA));
      expect(response.Status).toBe('SUCCESS');
      expect(env.fake.callCount('GetMpaTeamAssociation')).toBeGreaterThan(8);
    });

  test('AccessDenied fails at once naming the operation and the permission', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'accessDenied', times: 1 });
    const { response, polls } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('FAILED');
    expect(polls).toBe(0);
    expect(response.Reason).toContain('AssociateMpaTeam was denied (AccessDeniedException)');
    expect(response.Reason).toContain('payment-cryptography:AssociateMpaTeam');
  });

  test('ValidationException fails at once naming the operation', async () => {
    await createdWithTeamA();
    env.fake.injectFault({ operation: 'DisassociateMpaTeam', kind: 'validation', times: 1 });
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('DisassociateMpaTeam was rejected as invalid (ValidationException)');
  });

  test('ServiceQuotaExceeded fails at once naming the operation', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'quota', times: 1 });
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Reason).toContain('AssociateMpaTeam exceeded a service quota (ServiceQuotaExceededException)');
  });

  test.each(['namespaced', 'bare', 'header', 'header-with-suffix'] as const)('error names in %s style are understood', async (style) => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'accessDenied', times: 1, errorNameStyle: style });
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Reason).toContain('(AccessDeniedException)');
  });
});

describe('logging', () => {
  test('one structured line per poll with state, session, elapsed time and progress; never the ResponseURL, the comment or the credentials', async () => {
    await createdWithTeamA();
    env.fake.resolveAfterPolls(3, 'approve');
    const event = deleteEvent(resourceProperties({ RequesterComment: 'CHG-1234 rotate root' }));
    const { polls } = await runProvider({ ...event, ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/secret-signature' });
    const pollLines = env.logs.lines().filter(l => l.event === 'poll' && l.requestType === 'Delete');
    expect(pollLines).toHaveLength(polls + 1); // onEvent's own poll, then each isComplete
    expect(pollLines.find(l => l.state === 'DELETE_PENDING' && l.progress)).toMatchObject({
      session: expect.stringMatching(/:session\//),
      sessionStatus: 'PENDING',
      progress: expect.stringMatching(/of 2 approvals/),
      elapsedSeconds: expect.any(Number),
      remainingSeconds: expect.any(Number),
    });
    expect(env.logs.raw()).not.toContain('secret-signature');
    expect(env.logs.raw()).not.toContain('CHG-1234');
    expect(env.logs.raw()).not.toContain(FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  });

  test('progress is not read when turned off, and a failure to read it never fails the operation', async () => {
    await createdWithTeamA();
    env.fake.resolveAfterPolls(2, 'approve');
    env.fake.injectFault({ operation: 'GetSession', kind: 'internal' });
    expect((await runProvider(deleteEvent(propsA))).response.Status).toBe('SUCCESS');

    env.sim.reset();
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    await createdWithTeamA();
    env.fake.resolveAfterPolls(2, 'approve');
    const before = env.fake.callCount('GetSession');
    await runProvider(deleteEvent(resourceProperties({ ReportApprovalProgress: 'false' })));
    expect(env.fake.callCount('GetSession') - before).toBe(0);
  });
});

test('a failure reason stays well inside CloudFormation\'s 4096-byte response, however long the names in it', async () => {
  const longTeam = `arn:aws:mpa:us-east-1:444455556666:approval-team/${'t'.repeat(2000)}`;
  env.fake.setAssociation(ACTION, { mpaTeamArn: longTeam, associationState: 'ACTIVE' });
  const { response } = await runProvider(createEvent(propsA));
  expect(response.Status).toBe('FAILED');
  expect(Buffer.byteLength(response.Reason!)).toBeLessThanOrEqual(2200);
  expect(response.Reason!.split('\n')[0]).toMatch(/\.\.\.$/);
});
