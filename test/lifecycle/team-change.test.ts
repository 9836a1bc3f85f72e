/**
 * A team change without a gap where the service allows it: AssociateMpaTeam(B)
 * first while A is ACTIVE (AWS Backup's documented analogue: the current team
 * approves the change); disassociate-then-associate only on ConflictException.
 * And the handler role's policy around a change to a team of another account.
 */
import { associationEvent, historySince, markHistory, reasonOf, createdPayments as created } from './observations';
import { ACTION, TEAM_A, TEAM_B, TEAM_C, paymentsTemplate } from '../fixtures/payments-stack';
import { approversWho } from '../harness/approvers';
import type { StackOptions } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';

const env = useSimulation();

const createdPayments = (options: StackOptions = {}, version = {}) => created(env.sim, version, options);

/** Whether the action was ever without a team while the approvers were consulted. */
function watchForGaps(): () => boolean {
  let gap = false;
  env.sim.stepFunctions.onRetry(() => {
    if (env.sim.fake.association(ACTION) === undefined) gap = true;
  });
  return () => gap;
}

describe.each([
  ['approval', ['AssociateMpaTeam:200'], false],
  ['immediate', ['AssociateMpaTeam:200'], false],
  ['conflict', ['AssociateMpaTeam:409', 'DisassociateMpaTeam:200', 'AssociateMpaTeam:200'], true],
] as const)('the service answers a second team with %s', (otherTeamWhileActive, calls, hasGap) => {
  test(`A -> B makes ${calls.join(', ')}${hasGap ? ', leaving a gap the service imposes' : ', without a gap'}`, async () => {
    env.sim.fake.setWorld({ otherTeamWhileActive });
    const stack = await createdPayments();
    approversWho(env.sim, 'approve');
    const gapSeen = watchForGaps();
    const before = markHistory(env.sim);
    expect((await stack.update(paymentsTemplate({ team: TEAM_B }))).status).toBe('UPDATE_COMPLETE');
    expect(historySince(env.sim, before).mutatingCalls).toEqual(calls);
    expect(gapSeen()).toBe(hasGap);
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
  });
});

test('a change to B that A\'s team denies (no-gap world) fails without touching A: no disassociation is ever asked', async () => {
  env.sim.fake.setWorld({ otherTeamWhileActive: 'approval' });
  const stack = await createdPayments();
  approversWho(env.sim, 'deny');
  const before = markHistory(env.sim);
  const update = await stack.update(paymentsTemplate({ team: TEAM_B }));
  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(historySince(env.sim, before).mutatingCalls).toEqual(['AssociateMpaTeam:200']);
  expect(reasonOf(associationEvent(update, paymentsTemplate(), 'UPDATE_FAILED'))).toContain(`Team ${TEAM_A} still protects`);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

describe('a change to a team of another account (the handler role\'s policy changes with it)', () => {
  test.each(['before', 'after'] as const)('prepared in two steps (grant the new team\'s account, then change the team granting the old one\'s): a failed update\'s rollback succeeds with the policy restored %s the resource', async rollbackOrder => {
    const stack = await createdPayments({ policyOrder: { rollback: rollbackOrder } }, { other: 'v1', alsoTeamsOf: [TEAM_C] });
    approversWho(env.sim, 'approve');
    const changed = await stack.update(paymentsTemplate({ team: TEAM_C, alsoTeamsOf: [TEAM_A], other: 'v2' }), { fail: { logicalId: 'Other' } });
    expect(changed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect((await stack.update(paymentsTemplate({ team: TEAM_C, alsoTeamsOf: [TEAM_A] }))).status).toBe('UPDATE_COMPLETE');
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_C, AssociationState: 'ACTIVE' });
  });

  test.each(['before', 'after'] as const)('without it: the change fails naming the permission and the way to grant it, nothing changed; the rollback (policy restored %s) succeeds', async rollbackOrder => {
    const stack = await createdPayments({ policyOrder: { rollback: rollbackOrder } });
    approversWho(env.sim, 'approve');
    const before = markHistory(env.sim);
    const update = await stack.update(paymentsTemplate({ team: TEAM_C }));
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const reason = reasonOf(associationEvent(update, paymentsTemplate(), 'UPDATE_FAILED'));
    expect(reason).toContain('AccessDeniedException');
    expect(reason).toContain('grantHandlerAccessToTeamsOf');
    expect(historySince(env.sim, before).sessions).toEqual([]);
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });
});
