/**
 * Issue 8, sequence 1: a new logical id (renamed or wrapped construct) or a move
 * to another stack makes CloudFormation create the new resource and delete the
 * old one. The protection must never drop, and the approvers must not be asked.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { historySince, markHistory, type HistoryMark, createdPayments as created } from './observations';
import { TEAM_A, paymentsTemplate } from '../fixtures/payments-stack';
import { approversWho } from '../harness/approvers';
import { SimulatedStack } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();

const mark = () => markHistory(env.sim);
const since = (before: HistoryMark) => historySince(env.sim, before);

async function createdPayments(version = {}) {
  const stack = await created(env.sim, version);
  approversWho(env.sim, 'approve');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  return stack;
}

forEachWorld('a renamed construct: the new resource takes over, the old one\'s cleanup Delete asks nothing, the team stays', env, async () => {
  const stack = await createdPayments();
  const before = mark();
  const update = await stack.update(paymentsTemplate({ id: 'RootCaImportApproval' }));
  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(update.events.filter(e => e.status === 'DELETE_COMPLETE').length).toBe(1);
  expect(since(before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('a construct wrapped in another construct (a new logical id): nothing asked, the team stays', env, async () => {
  const stack = await createdPayments();
  const before = mark();
  expect((await stack.update(paymentsTemplate({ wrappedIn: 'KeyManagement' }))).status).toBe('UPDATE_COMPLETE');
  expect(since(before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('after a rename, deleting the stack removes the association (the new resource holds it now)', env, async () => {
  const stack = await createdPayments();
  await stack.update(paymentsTemplate({ id: 'RootCaImportApproval' }));
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toBeUndefined();
  expect(env.sim.fake.parameters()).toEqual([]);
});

forEachWorld('a rename rolled back (another resource fails): the new resource\'s rollback Delete hands the action back, nothing asked', env, async () => {
  const stack = await createdPayments({ other: 'v1' });
  const before = mark();
  const update = await stack.update(paymentsTemplate({ id: 'RootCaImportApproval', other: 'v2' }), { fail: { logicalId: 'Other' } });
  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(since(before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  // The original resource still holds the action: deleting the stack removes it.
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toBeUndefined();
});

forEachWorld('moved to another stack, the new stack deployed first: the old stack\'s Delete asks nothing, the team stays', env, async () => {
  const old = await createdPayments();
  const before = mark();
  const moved = new SimulatedStack(env.sim, 'PaymentsKeys');
  expect((await moved.create(paymentsTemplate({ stackName: 'PaymentsKeys' }))).status).toBe('CREATE_COMPLETE');
  expect((await old.update(paymentsTemplate({ without: true }))).status).toBe('UPDATE_COMPLETE');
  expect(since(before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  // The new stack holds it now.
  expect((await moved.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toBeUndefined();
});

forEachWorld('moved to another stack, the old stack deployed first: its Delete is a real removal, which the approvers must approve', env, async () => {
  const old = await createdPayments();
  const before = mark();
  expect((await old.update(paymentsTemplate({ without: true }))).status).toBe('UPDATE_COMPLETE');
  expect(since(before).mutatingCalls).toEqual(['DisassociateMpaTeam:200']);
  expect(env.sim.fake.association()).toBeUndefined();
  const moved = new SimulatedStack(env.sim, 'PaymentsKeys');
  expect((await moved.create(paymentsTemplate({ stackName: 'PaymentsKeys' }))).status).toBe('CREATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});

forEachWorld('the move without a gap, in any order: retain in the old stack, create in the new one, then remove from the old', env, async () => {
  const old = await createdPayments();
  expect((await old.update(paymentsTemplate({ removalPolicy: RemovalPolicy.RETAIN }))).status).toBe('UPDATE_COMPLETE');
  const before = mark();
  // Removed from the old stack first: Retain means CloudFormation sends no Delete at all.
  expect((await old.update(paymentsTemplate({ without: true }))).status).toBe('UPDATE_COMPLETE');
  const moved = new SimulatedStack(env.sim, 'PaymentsKeys');
  expect((await moved.create(paymentsTemplate({ stackName: 'PaymentsKeys' }))).status).toBe('CREATE_COMPLETE');
  expect(since(before)).toEqual({ mutatingCalls: [], sessions: [] });
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});
