/**
 * The handler, through aws-cdk-lib's framework, against a service that answers
 * beyond its model: members no model has at every level of every answer, a
 * session status Payment Cryptography's model does not list (MPA's CREATING),
 * MPA timestamps as epoch seconds instead of ISO-8601, and an empty success
 * for "nothing associated". Whole changes go through as they do against the
 * model's own answers. (The shapes one by one: test/lambda/aws/lenient-reads.test.ts.)
 */
import { ACTION, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import { createdThroughHandler, deliver, endCase, expectInvariants, propsFor, resolveEachSession } from '../../fixtures/invariants';

const env = useHandlerTestEnvironment(endCase, {
  fake: {
    sessionTimestampFormat: 'epoch-seconds',
    world: { vocabulary: 'extended', getWhenNone: 'empty-success', firstAssociation: 'approval' },
  },
});

test('Create that needs approval: waits through CREATING, reports progress with an expiry read from epoch seconds, SUCCESS once approved', async () => {
  const run = await deliver(env, createEvent(propsFor(TEAM_A)), { betweenPolls: resolveEachSession(env.fake, 'approve', 3) });
  expect(run.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A, MpaSessionArn: env.fake.sessions[0].sessionArn } });
  expect(env.logs.lines()).toContainEqual(expect.objectContaining({ event: 'poll', sessionStatus: 'CREATING', waitingFor: expect.stringMatching(/^approval of /) }));
  const expires = new Date(env.fake.sessions[0].expiresAtMs).toISOString();
  expect(env.logs.lines()).toContainEqual(expect.objectContaining({ event: 'poll', progress: `0 of 2 approvals, expires ${expires}` }));
  expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
});

test('Update denied: FAILED naming the session and MPA\'s status code and message', async () => {
  const created = await createdThroughHandler(env, TEAM_A);
  const run = await deliver(env, updateEvent(propsFor(TEAM_B), propsFor(TEAM_A)), { betweenPolls: resolveEachSession(env.fake, 'deny', 1) });
  const session = env.fake.sessions.at(-1)!;
  expect(run.response.Status).toBe('FAILED');
  expect(run.response.Reason).toContain(`Approval session ${session.sessionArn} to remove team ${TEAM_A} from ${ACTION} ended FAILED (REJECTED: `);
  expectInvariants(run, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2, maxSessions: 1, since: created });
});

test('Delete: removes the team it created once approved, and reads the empty answer that follows as nothing associated', async () => {
  const created = await createdThroughHandler(env, TEAM_A);
  const run = await deliver(env, deleteEvent(propsFor(TEAM_A)), { betweenPolls: resolveEachSession(env.fake, 'approve', 1) });
  expect(run.response).toMatchObject({ Status: 'SUCCESS' });
  expect(env.fake.association()).toBeUndefined();
  expect(env.logs.lines()).toContainEqual(expect.objectContaining({ event: 'poll', requestType: 'Delete', row: 'delete-nothing-associated', complete: true }));
  expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
});
