/**
 * Issue 11: a team that is not active yet. An MPA team created by
 * CloudFormation waits until every approver accepts; the handler reads the
 * team before it associates it: it waits while the team is pending (logging who
 * has not accepted), and fails clearly when the team failed or is gone.
 */
import { associationEvent, reasonOf } from './observations';
import { TEAM_A, paymentsTemplate } from '../fixtures/payments-stack';
import { SimulatedStack } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';

const env = useSimulation();

const pendingTeam = {
  status: 'PENDING',
  statusCode: 'PENDING_ACTIVATION',
  approvers: [
    { primaryIdentityId: 'alice@example.com', status: 'ACCEPTED' },
    { primaryIdentityId: 'bob@example.com', status: 'PENDING' },
    { primaryIdentityId: 'carol@example.com', status: 'PENDING' },
  ],
} as const;

function handlerLines(): any[] {
  return env.sim.lambda.invocations.flatMap(i => i.lines)
    .map(line => { try { return JSON.parse(line.message); } catch { return undefined; } })
    .filter(Boolean);
}

test('pending: the Create waits (logging who has not accepted), then associates once the team is active', async () => {
  env.sim.fake.setTeam(TEAM_A, pendingTeam);
  env.sim.stepFunctions.onRetry(() => {
    if (env.sim.clock.now() - startedAt >= 120_000 && env.sim.fake.team(TEAM_A)?.status === 'PENDING') env.sim.fake.activateTeam(TEAM_A);
  });
  const startedAt = env.sim.clock.now();
  const stack = new SimulatedStack(env.sim, 'Payments');
  expect((await stack.create(paymentsTemplate())).status).toBe('CREATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(env.sim.fake.requests.filter(r => r.operation === 'AssociateMpaTeam').map(r => r.at - startedAt)).toEqual([expect.any(Number)]);
  expect(env.sim.fake.requests.find(r => r.operation === 'AssociateMpaTeam')!.at - startedAt).toBeGreaterThanOrEqual(120_000);
  expect(handlerLines().find(l => l.event === 'poll' && typeof l.waitingFor === 'string' && l.waitingFor.includes('to become active')))
    .toMatchObject({ waitingFor: expect.stringContaining('2 approvers have not accepted (bob@example.com, carol@example.com)') });
});

test('still pending at approvalTimeout: FAILED saying so; nothing associated', async () => {
  env.sim.fake.setTeam(TEAM_A, pendingTeam);
  const stack = new SimulatedStack(env.sim, 'Payments');
  const result = await stack.create(paymentsTemplate());
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(reasonOf(associationEvent(result, paymentsTemplate(), 'CREATE_FAILED')))
    .toContain(`Timed out after 900 s (approvalTimeout) waiting for team ${TEAM_A} to become active: 2 approvers have not accepted`);
  expect(env.sim.fake.mutatingCalls()).toEqual([]);
});

test.each([
  ['failed to activate', { status: 'INACTIVE', statusCode: 'FAILED_ACTIVATION', statusMessage: 'An approver declined the invitation.' }, 'is INACTIVE (FAILED_ACTIVATION: An approver declined the invitation)'],
  ['being deleted', { status: 'DELETING', statusCode: 'DELETE_PENDING_APPROVAL' }, 'is DELETING (DELETE_PENDING_APPROVAL)'],
] as const)('%s: FAILED at once naming the team and its status, nothing changed', async (_, team, wording) => {
  env.sim.fake.setTeam(TEAM_A, team);
  const stack = new SimulatedStack(env.sim, 'Payments');
  const result = await stack.create(paymentsTemplate());
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  const reason = reasonOf(associationEvent(result, paymentsTemplate(), 'CREATE_FAILED'));
  expect(reason).toContain(`Approval team ${TEAM_A} ${wording}`);
  expect(reason).toContain('Nothing changed');
  expect(env.sim.fake.mutatingCalls()).toEqual([]);
});

test('deleted (or never shared with this account): FAILED at once', async () => {
  env.sim.fake.deleteTeam(TEAM_A);
  const stack = new SimulatedStack(env.sim, 'Payments');
  const result = await stack.create(paymentsTemplate());
  expect(reasonOf(associationEvent(result, paymentsTemplate(), 'CREATE_FAILED'))).toContain(`Approval team ${TEAM_A} does not exist (or is not shared with this account)`);
});

test('MPA out of reach: the team cannot be read, the handler says so in its log and associates anyway (the service has the last word)', async () => {
  env.sim.fake.injectFault({ operation: 'GetApprovalTeam', kind: 'drop' });
  const stack = new SimulatedStack(env.sim, 'Payments');
  expect((await stack.create(paymentsTemplate())).status).toBe('CREATE_COMPLETE');
  expect(handlerLines().some(l => l.event === 'team-status-unavailable')).toBe(true);
});
