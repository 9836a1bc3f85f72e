/**
 * Issue 8, sequence 4 and its neighbours: operators change the association by
 * hand. Drift is reported, never fatal; an association this library did not
 * make is never removed; what CloudFormation believes is what the service has,
 * or the attribute shows what differs.
 */
import { associationEvent, historySince, markHistory, reasonOf, createdPayments as created } from './observations';
import { ACTION, TEAM_A, TEAM_B, TEAM_X, associationLogicalId, paymentsTemplate } from '../fixtures/payments-stack';
import { approversWho } from '../harness/approvers';
import { SimulatedStack } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();

const createdPayments = (version = {}) => created(env.sim, version);

function moveByHand(team: string): void {
  env.sim.declareForeignTeam(team);
  env.sim.fake.setAssociation(ACTION, { mpaTeamArn: team, associationState: 'ACTIVE' });
}

const attributes = (stack: SimulatedStack) => stack.resource(associationLogicalId(paymentsTemplate()))!.attributes;

forEachWorld('moved to team X by hand, then an update that keeps the team: SUCCESS without a call, the attribute shows X', env, async () => {
  const stack = await createdPayments({ comment: 'CHG-1' });
  moveByHand(TEAM_X);
  const before = markHistory(env.sim);
  expect((await stack.update(paymentsTemplate({ comment: 'CHG-2' }))).status).toBe('UPDATE_COMPLETE');
  expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(attributes(stack)).toMatchObject({ MpaTeamArn: TEAM_X });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_X, AssociationState: 'ACTIVE' });
});

forEachWorld('moved to team X by hand, then a team change A -> B: FAILED naming X, and its rollback succeeds reporting the drift (never UPDATE_ROLLBACK_FAILED)', env, async () => {
  const stack = await createdPayments();
  moveByHand(TEAM_X);
  const before = markHistory(env.sim);
  const update = await stack.update(paymentsTemplate({ team: TEAM_B }));
  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(reasonOf(associationEvent(update, paymentsTemplate(), 'UPDATE_FAILED'))).toContain(`associated with team ${TEAM_X}`);
  expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_X });
  expect(attributes(stack)).toMatchObject({ MpaTeamArn: TEAM_X });
});

forEachWorld('moved to team X by hand, then the stack is deleted: X is left in place (this library did not associate it)', env, async () => {
  const stack = await createdPayments();
  moveByHand(TEAM_X);
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_X, AssociationState: 'ACTIVE' });
  expect(env.sim.fake.parameters()).toEqual([]);
});

forEachWorld('removed by hand, then an update that keeps the team: the team is associated again (asking where the service needs approval)', env, async () => {
  const stack = await createdPayments({ comment: 'CHG-1' });
  env.sim.fake.removeAssociation(ACTION);
  approversWho(env.sim, 'approve');
  expect((await stack.update(paymentsTemplate({ comment: 'CHG-2' }))).status).toBe('UPDATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('a Create that finds another team ACTIVE: FAILED naming it, nothing changed', env, async () => {
  moveByHand(TEAM_X);
  const stack = new SimulatedStack(env.sim, 'Payments');
  const result = await stack.create(paymentsTemplate());
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(reasonOf(associationEvent(result, paymentsTemplate(), 'CREATE_FAILED'))).toContain(`set mpaTeamArn to ${TEAM_X} to adopt it`);
  expect(env.sim.fake.mutatingCalls()).toEqual([]);
  expect(env.sim.fake.parameters()).toEqual([]);
});

forEachWorld('an association made by hand and adopted by a Create is left in place when the stack is deleted', env, async () => {
  env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
  const stack = new SimulatedStack(env.sim, 'Payments');
  expect((await stack.create(paymentsTemplate())).status).toBe('CREATE_COMPLETE');
  expect(env.sim.fake.mutatingCalls()).toEqual([]);
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.mutatingCalls()).toEqual([]);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('a session opened by hand while the stack waits is not this change\'s: an update that keeps the team waits for it, never SUCCESS while pending', env, async () => {
  const stack = await createdPayments({ comment: 'CHG-1' });
  env.sim.declareForeignTeam(TEAM_X);
  env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_X, associationState: 'UPDATE_PENDING', previousTeamArn: TEAM_A });
  env.sim.fake.resolveAfterMs(60_000, 'deny');
  const update = await stack.update(paymentsTemplate({ comment: 'CHG-2' }));
  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(env.sim.fake.mutatingCalls()).toEqual(expect.not.arrayContaining([expect.objectContaining({ operation: 'DisassociateMpaTeam' })]));
});
