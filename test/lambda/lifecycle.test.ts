/**
 * The lifecycle, end to end: CloudFormation-shaped events through aws-cdk-lib's
 * provider framework, the real handler, the real AWS SDK client and the
 * hand-added MPA commands, against the wire-level fake of the control plane,
 * on simulated time (test/harness). One case per line of the README's lifecycle.
 */
import {
  ACTION, FOREIGN_TEAM, PHYSICAL_ID, TEAM_A, TEAM_B,
  createEvent, deleteEvent, resourceProperties, updateEvent,
} from '../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../fixtures/handler-environment';
import { CREATE_FAILED_MARKER } from '../harness/provider-framework-runtime';
import type { DeliveryOptions } from '../harness/simulated-provider';
import { FAKE_CREDENTIALS } from '../harness/simulation';

const env = useHandlerTestEnvironment();
const runProvider = (event: Parameters<typeof env.provider.deliver>[0], options?: DeliveryOptions) => env.provider.deliver(event, options);

const propsA = resourceProperties({ MpaTeamArn: TEAM_A });
const propsB = resourceProperties({ MpaTeamArn: TEAM_B });
const mutatingOperations = () => env.fake.mutatingCalls().map(r => r.operation);

describe('Create', () => {
  test('no association: associates the team and answers SUCCESS with the final physical id and attributes', async () => {
    const { response } = await runProvider(createEvent(propsA));
    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      Data: { AssociationState: 'ACTIVE', MpaTeamArn: TEAM_A, MpaSessionArn: '' },
    });
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('the physical id never contains the team ARN', async () => {
    const { response } = await runProvider(createEvent(propsA));
    expect(response.PhysicalResourceId).not.toContain('approval-team');
  });

  test('the association needs approval (UPDATE_PENDING): waits, then SUCCESS once approved', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    env.fake.resolveAfterPolls(3, 'approve');
    const { response, polls } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toMatchObject({ AssociationState: 'ACTIVE', MpaTeamArn: TEAM_A });
    expect(response.Data!.MpaSessionArn).toMatch(/^arn:aws:mpa:us-east-1:111122223333:session\//);
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
  });

  test('the association that needed approval is denied and gone: FAILED naming the session, never asked again', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    env.fake.resolveAfterPolls(2, 'deny');
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(env.fake.sessions[0].sessionArn);
    expect(response.Reason).toContain('denied, expired or removed');
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
  });

  test('already ACTIVE with the same team: adopts it without a mutating call', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
  });

  test('another team associated: FAILED naming that team, nothing changed', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'ACTIVE' });
    const { response } = await runProvider(createEvent(propsA));
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_MARKER });
    expect(response.Reason).toContain(FOREIGN_TEAM);
    expect(response.Reason).toContain('Nothing was changed');
    expect(mutatingOperations()).toEqual([]);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: FOREIGN_TEAM, AssociationState: 'ACTIVE' });
  });

  test('a rerun that finds this team UPDATE_PENDING resumes the wait instead of asking again', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'UPDATE_PENDING' });
    env.fake.resolveAfterPolls(2, 'approve');
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
  });
});

describe('Update', () => {
  test('team changed: disassociates the old team, waits for approval, associates the new one', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(3, 'approve');
    const { response } = await runProvider(updateEvent(propsB, propsA));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(response.Data).toMatchObject({ AssociationState: 'ACTIVE', MpaTeamArn: TEAM_B });
    expect(mutatingOperations()).toEqual(['DisassociateMpaTeam', 'AssociateMpaTeam']);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
  });

  test('the disassociation is denied: FAILED within one poll naming session, status and message; the old team stays', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(2, 'deny');
    const { response, polls } = await runProvider(updateEvent(propsB, propsA));
    const session = env.fake.sessions[0];
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(session.sessionArn);
    expect(response.Reason).toContain('ended FAILED');
    expect(response.Reason).toContain(session.statusMessage!);
    expect(response.Reason).toContain(`${TEAM_A} is still associated`);
    // onEvent's poll, the pending poll, then the poll that sees the denial.
    expect(polls).toBe(2);
    expect(mutatingOperations()).toEqual(['DisassociateMpaTeam']);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('the approval session expires: FAILED naming the expiry', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(1, 'expire');
    const { response } = await runProvider(updateEvent(propsB, propsA));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/ended FAILED: .*expired/i);
  });

  test('the approval session is cancelled: FAILED naming CANCELLED', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(1, 'cancel');
    const { response } = await runProvider(updateEvent(propsB, propsA));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('ended CANCELLED');
  });

  test('only the comment changed: no mutating call, same physical id', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(updateEvent(resourceProperties({ RequesterComment: 'new comment' }), propsA));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(mutatingOperations()).toEqual([]);
  });

  test('a rerun that finds the old team DELETE_PENDING resumes polling instead of calling again', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    env.fake.resolveAfterPolls(2, 'approve');
    const { response } = await runProvider(updateEvent(propsB, propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
  });

  // issue 8 changes this
  test('still pending at approvalTimeout: FAILED naming the pending session and saying a rerun resumes', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(updateEvent(propsB, propsA), {
      betweenPolls: async (poll) => { if (poll === 2) await env.sim.clock.advanceBy(1_801_000); },
    });
    const session = env.fake.sessions[0];
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('Timed out after 1800 s');
    expect(response.Reason).toContain(session.sessionArn);
    expect(response.Reason).toContain('DELETE_PENDING');
    expect(response.Reason).toContain('0 of 2 approvals');
    expect(response.Reason).toContain('the rerun resumes the wait');
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'DELETE_PENDING' });
  });

  test('a team this resource never held is associated: FAILED, nothing changed', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'ACTIVE' });
    const { response } = await runProvider(updateEvent(propsB, propsA));
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(response.Reason).toContain(FOREIGN_TEAM);
    expect(mutatingOperations()).toEqual([]);
  });
});

describe('Delete', () => {
  test('this resource\'s team: disassociates, polls until it is gone, SUCCESS', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(2, 'approve');
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: undefined });
    expect(mutatingOperations()).toEqual(['DisassociateMpaTeam']);
    expect(env.fake.association()).toBeUndefined();
  });

  test('already gone: SUCCESS without a mutating call', async () => {
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
  });

  test('another team (changed out of band): SUCCESS without touching it', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'ACTIVE' });
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: FOREIGN_TEAM });
  });

  test('the rollback of a Create that failed while waiting: SUCCESS without touching the pending association', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const create = await runProvider(createEvent(propsA), { betweenPolls: () => env.sim.clock.advanceBy(1_801_000) });
    expect(create.response.Status).toBe('FAILED');
    expect(create.response.PhysicalResourceId).toMatch(/create-in-progress$/);

    const rollback = await runProvider(deleteEvent(propsA, create.response.PhysicalResourceId));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual(['AssociateMpaTeam']);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING' });
  });

  test('RETAIN: SUCCESS without any call', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(deleteEvent(resourceProperties({ RemovalPolicy: 'retain' })));
    expect(response.Status).toBe('SUCCESS');
    expect(env.fake.requests).toHaveLength(0);
  });

  test('the disassociation is denied: FAILED naming the session; the team stays', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(1, 'deny');
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(env.fake.sessions[0].sessionArn);
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('a rerun right after a denial asks the approvers again (the denied session was the previous request\'s)', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(1, 'deny');
    expect((await runProvider(deleteEvent(propsA))).response.Status).toBe('FAILED');
    env.fake.resolveAfterPolls(2, 'approve');
    const rerun = await runProvider(deleteEvent(propsA));
    expect(rerun.response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual(['DisassociateMpaTeam', 'DisassociateMpaTeam']);
    expect(env.fake.association()).toBeUndefined();
  });

  test('a rerun that finds DELETE_PENDING resumes polling instead of calling again', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    env.fake.resolveAfterPolls(2, 'approve');
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(mutatingOperations()).toEqual([]);
  });
});

describe('errors from the control plane', () => {
  test.each(['ThrottlingException', 'InternalServerException', 'ServiceUnavailableException'].map((name, i) => [name, ['throttling', 'internal', 'unavailable'][i]]))(
    '%s on every call for a while: retried beyond the SDK\'s tries, never fails the deployment', async (_name, kind) => {
      env.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: kind as any, times: 8 });
      const { response } = await runProvider(createEvent(propsA));
      expect(response.Status).toBe('SUCCESS');
      expect(env.fake.callCount('GetMpaTeamAssociation')).toBeGreaterThan(8);
    });

  test('a poll that cannot get past throttling answers "not yet" rather than failing', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(4, 'approve');
    const { response } = await runProvider(deleteEvent(propsA), {
      remainingMs: 15_500, // leaves each poll ~0.5 s of retries
      betweenPolls: (poll) => {
        if (poll === 1) env.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'throttling', times: 12 });
      },
    });
    expect(response.Status).toBe('SUCCESS');
    const transientPolls = env.logs.lines().filter(l => l.event === 'poll' && l.transientError === 'ThrottlingException');
    expect(transientPolls.length).toBeGreaterThan(0);
  });

  test('AccessDenied fails at once naming the operation and the permission', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'accessDenied', times: 1 });
    const { response, polls } = await runProvider(createEvent(propsA));
    expect(response.Status).toBe('FAILED');
    expect(polls).toBe(0);
    expect(response.Reason).toContain('AssociateMpaTeam was denied (AccessDeniedException)');
    expect(response.Reason).toContain('payment-cryptography:AssociateMpaTeam');
    expect(env.fake.callCount('AssociateMpaTeam')).toBe(1);
  });

  test('ValidationException fails at once naming the operation', async () => {
    env.fake.injectFault({ operation: 'DisassociateMpaTeam', kind: 'validation', times: 1 });
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('DisassociateMpaTeam was rejected as invalid (ValidationException)');
  });

  test('ServiceQuotaExceeded fails at once naming the operation', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'quota', times: 1 });
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Reason).toContain('AssociateMpaTeam exceeded a service quota (ServiceQuotaExceededException)');
  });

  test.each(['namespaced', 'bare', 'header', 'header-with-suffix'])('error names in %s style are understood', async (style) => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'accessDenied', times: 1, errorNameStyle: style as any });
    const { response } = await runProvider(createEvent(propsA));
    expect(response.Reason).toContain('(AccessDeniedException)');
  });
});

describe('bad input at run time (older or hand-written templates)', () => {
  test.each([
    [{ MpaTeamArn: undefined }, 'MpaTeamArn'],
    [{ Action: 'not an action' }, 'Action'],
    [{ RequesterComment: 'x'.repeat(201) }, 'RequesterComment'],
    [{ ApprovalTimeoutSeconds: 'soon' }, 'ApprovalTimeoutSeconds'],
    [{ PollIntervalSeconds: 'often' }, 'PollIntervalSeconds'],
  ])('%j: FAILED naming %s, nothing called', async (override, field) => {
    const { response } = await runProvider(createEvent(resourceProperties(override as any)));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`Invalid resource property ${field}`);
    expect(env.fake.requests).toHaveLength(0);
  });
});

describe('logging', () => {
  test('one structured line per poll with state, session, elapsed time, progress and next poll; never the ResponseURL or the comment', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(3, 'approve');
    const event = deleteEvent(resourceProperties({ RequesterComment: 'CHG-1234 rotate root' }));
    const { polls } = await runProvider({ ...event, ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/secret-signature' });
    const pollLines = env.logs.lines().filter(l => l.event === 'poll');
    expect(pollLines).toHaveLength(polls + 1); // onEvent's own poll, then each isComplete
    const pending = pollLines.find(l => l.state === 'DELETE_PENDING' && l.progress);
    expect(pending).toMatchObject({
      session: expect.stringMatching(/:session\//),
      sessionStatus: 'PENDING',
      progress: expect.stringMatching(/of 2 approvals/),
      nextPollInSeconds: 1,
      elapsedSeconds: expect.any(Number),
    });
    expect(env.logs.raw()).not.toContain('secret-signature');
    expect(env.logs.raw()).not.toContain('CHG-1234');
    expect(env.logs.raw()).not.toContain(FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  });

  test('progress reading is skipped when turned off, and its failure never fails the operation', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(2, 'approve');
    env.fake.injectFault({ operation: 'GetSession', kind: 'internal' });
    const { response } = await runProvider(deleteEvent(propsA));
    expect(response.Status).toBe('SUCCESS');
    expect(env.fake.callCount('GetSession')).toBeGreaterThan(0);

    env.fake.reset();
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    env.fake.resolveAfterPolls(2, 'approve');
    await runProvider(deleteEvent(resourceProperties({ ReportApprovalProgress: 'false' })));
    expect(env.fake.callCount('GetSession')).toBe(0);
  });
});

test('a failure reason stays well inside CloudFormation\'s 4096-byte response, however long the names in it', async () => {
  const longTeam = `arn:aws:mpa:us-east-1:444455556666:approval-team/${'t'.repeat(2000)}`;
  env.fake.setAssociation(ACTION, { mpaTeamArn: longTeam, associationState: 'ACTIVE' });
  const { response } = await runProvider(createEvent(propsA));
  expect(response.Status).toBe('FAILED');
  expect(Buffer.byteLength(response.Reason!)).toBeLessThanOrEqual(2000);
  expect(response.Reason).toMatch(/\.\.\.$/);
});
