/**
 * Issue 8, sequence 5: an update cancelled (or given up) while the resource
 * waits. CloudFormation sends the rollback Update at once while the Provider
 * framework's waiter for the first request keeps polling (aws-cdk issue 31541):
 * the first request must make no further change, and nothing it asked may take
 * effect behind the rolled-back stack's back.
 */
import { historySince, markHistory, createdPayments as created } from './observations';
import { ACTION, TEAM_A, TEAM_B, associationLogicalId, paymentsTemplate } from '../fixtures/payments-stack';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();

const createdPayments = (version = {}) => created(env.sim, version);

/** Calls of AssociateMpaTeam for `team` that the fake answered with success, made at or after `from`. */
function acceptedAssociationsOf(team: string, from: number) {
  return env.sim.fake.requests.filter(r => r.operation === 'AssociateMpaTeam' && r.status === 200 && r.at >= from
    && (r.input as { MpaTeamArn?: string }).MpaTeamArn === team);
}

const cancelAfter = { logicalId: associationLogicalId(paymentsTemplate()), afterMs: 25_000 };

forEachWorld('cancelled while A\'s change waits for approval: the rollback cancels the session, the first request stops; B is never associated', env, async world => {
  if (world.otherTeamWhileActive === 'immediate') return; // nothing waits
  const stack = await createdPayments();
  const before = markHistory(env.sim);
  const update = await stack.update(paymentsTemplate({ team: TEAM_B }), { cancel: cancelAfter });
  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const [first, rollback] = update.requests;
  expect(first.outcome).toBe('abandoned');
  expect(rollback).toMatchObject({ phase: 'rollback', outcome: 'SUCCESS' });
  const cancelledAt = update.events.find(e => e.status === 'UPDATE_ROLLBACK_IN_PROGRESS')!.at;

  // The first request's waiter runs to its end.
  await env.sim.settle();
  expect(historySince(env.sim, before).sessions.map(s => s.outcome)).toEqual(['cancelled']);
  expect(acceptedAssociationsOf(TEAM_B, cancelledAt)).toEqual([]);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  // Its late answer is a FAILED that says why, which CloudFormation no longer reads.
  const late = env.sim.responses.responses.filter(r => r.requestId === first.requestId);
  expect(late.map(r => r.body?.Status)).toEqual(['FAILED']);
  expect(late[0].body?.Reason).toContain(`Superseded by request ${rollback.requestId}`);
});

test('cancelled while A\'s removal waits, the session cannot be cancelled (MPA out of reach) and is approved later: the rollback restores A, the first request never associates B', async () => {
  env.sim.fake.setWorld({ otherTeamWhileActive: 'conflict' });
  const stack = await createdPayments();
  env.sim.fake.injectFault({ operation: 'CancelSession', kind: 'drop' });
  env.sim.fake.injectFault({ operation: 'GetSession', kind: 'drop' });
  // The approvers approve the removal of A one minute after the update was cancelled.
  let cancelledAt: number | undefined;
  env.sim.stepFunctions.onRetry(() => {
    if (cancelledAt === undefined && stack.status === 'UPDATE_ROLLBACK_IN_PROGRESS') cancelledAt = env.sim.clock.now();
    if (cancelledAt !== undefined && env.sim.clock.now() >= cancelledAt + 60_000 && env.sim.fake.association(ACTION)?.AssociationState === 'DELETE_PENDING') {
      env.sim.fake.approve(ACTION);
    }
  });
  const update = await stack.update(paymentsTemplate({ team: TEAM_B }), { cancel: cancelAfter });
  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  await env.sim.settle();
  expect(acceptedAssociationsOf(TEAM_B, cancelledAt!)).toEqual([]);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(env.sim.fake.sessions[0]).toMatchObject({ kind: 'disassociate', outcome: 'approved' });
});
