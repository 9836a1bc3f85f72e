/**
 * The cases where real time is the point: the AWS SDK's own request timeout
 * is a real timer, so a slow answer must really be slow. Everything else runs
 * on simulated time (test/harness); here the simulation runs on the real clock,
 * with the waiter polling every 50 ms so that only the slow answer costs time.
 */
import { ACTION, TEAM_A, deleteEvent } from '../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../fixtures/handler-environment';
import { deliver, endCase, expectInvariants, propsFor, resolveEachSession } from '../fixtures/invariants';

const env = useHandlerTestEnvironment(endCase, { time: 'real', provider: { pollIntervalSeconds: 0.05 } });

const propsA = propsFor(TEAM_A);

test('an answer slower than the client\'s requestTimeout (10 s) is given up and sent again: applied once', async () => {
  env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
  env.fake.injectFault({ operation: 'DisassociateMpaTeam', kind: 'slow', delayMs: 10_500, times: 1 });
  const run = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
  expect(run.response.Status).toBe('SUCCESS');
  // The fake notes the abandoned request once its 10.5 s are up, after the resent one.
  const disassociations = () => env.fake.requests.filter(r => r.operation === 'DisassociateMpaTeam');
  for (let wait = 0; wait < 20 && disassociations().length < 2; wait++) await new Promise(resolve => setTimeout(resolve, 50));
  expect(disassociations().map(r => [r.status, r.fault])).toEqual([[200, undefined], [0, 'slow']]);
  expect(env.fake.sessions).toHaveLength(1);
  expect(env.fake.association()).toBeUndefined();
  expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
}, 30_000);
