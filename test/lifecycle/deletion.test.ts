/**
 * Deleting: stack delete and its rerun, and removalPolicy as CloudFormation's
 * DeletionPolicy. Only a Delete that timed out is resumed by its rerun
 * (CloudFormation does not roll a delete back); a denied one asks again.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { associationEvent, historySince, markHistory, reasonOf, createdPayments as created } from './observations';
import { TEAM_A, WAITED_OUT, paymentsTemplate } from '../fixtures/payments-stack';
import { approversWho } from '../harness/approvers';
import { SimulatedStack } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();

const createdPayments = (version = {}) => created(env.sim, version);

forEachWorld('a stack delete that times out: DELETE_FAILED saying the rerun keeps waiting; the rerun resumes the same session', env, async () => {
  const stack = await createdPayments(WAITED_OUT);
  const before = markHistory(env.sim);
  const first = await stack.delete();
  expect(first.status).toBe('DELETE_FAILED');
  const [session] = historySince(env.sim, before).sessions;
  const reason = reasonOf(associationEvent(first, paymentsTemplate(), 'DELETE_FAILED'));
  expect(reason).toContain(`session ${session.sessionArn}`);
  expect(reason).toContain('delete the stack again to keep waiting on it; the approvers are not asked again');

  approversWho(env.sim, 'approve');
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(historySince(env.sim, before).sessions.map(s => `${s.sessionArn === session.sessionArn}:${s.outcome}`)).toEqual(['true:approved']);
  expect(env.sim.fake.association()).toBeUndefined();
  expect(env.sim.fake.parameters()).toEqual([]);
});

forEachWorld('a stack delete that is denied: DELETE_FAILED naming the session, the team stays; the rerun asks again', env, async () => {
  const stack = await createdPayments();
  const before = markHistory(env.sim);
  const dismiss = approversWho(env.sim, 'deny');
  const first = await stack.delete();
  expect(first.status).toBe('DELETE_FAILED');
  expect(reasonOf(associationEvent(first, paymentsTemplate(), 'DELETE_FAILED'))).toContain('still protects');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  dismiss();

  approversWho(env.sim, 'approve');
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(historySince(env.sim, before).sessions.map(s => s.outcome)).toEqual(['denied', 'approved']);
  expect(env.sim.fake.association()).toBeUndefined();
});

describe('removalPolicy is CloudFormation\'s DeletionPolicy', () => {
  forEachWorld('RETAIN: the stack delete sends no Delete; the association stays', env, async () => {
    const stack = await createdPayments({ removalPolicy: RemovalPolicy.RETAIN });
    const before = markHistory(env.sim);
    expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
    expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  forEachWorld('RETAIN_ON_UPDATE_OR_DELETE: a failed stack creation removes the association it made (with approval)', env, async () => {
    approversWho(env.sim, 'approve');
    const stack = new SimulatedStack(env.sim, 'Payments');
    const result = await stack.create(paymentsTemplate({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, other: 'v1' }), { fail: { logicalId: 'Other' } });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(env.sim.fake.association()).toBeUndefined();
    expect(env.sim.fake.parameters()).toEqual([]);
  });

  forEachWorld('RETAIN_ON_UPDATE_OR_DELETE: once created, the stack delete leaves the association', env, async () => {
    const stack = await createdPayments({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    const before = markHistory(env.sim);
    expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
    expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A });
  });

  forEachWorld('DESTROY: a failed stack creation removes the association it made (with approval)', env, async () => {
    approversWho(env.sim, 'approve');
    const stack = new SimulatedStack(env.sim, 'Payments');
    const result = await stack.create(paymentsTemplate({ other: 'v1' }), { fail: { logicalId: 'Other' } });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(env.sim.fake.association()).toBeUndefined();
  });
});
