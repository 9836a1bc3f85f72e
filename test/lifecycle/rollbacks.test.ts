/**
 * Issue 8, sequences 2 and 3, and what a rollback does: it undoes what the
 * failed change asked (cancelling the session it opened), it does not wait;
 * only when restoring the old state itself needs approval does it wait, and
 * then its reason says so. The next deployment is a new change and asks again.
 */
import { associationEvent, historySince, markHistory, reasonOf, createdPayments as created } from './observations';
import { SHORT_APPROVAL_TIMEOUT_MINUTES, TEAM_A, TEAM_B, WAITED_OUT, paymentsTemplate } from '../fixtures/payments-stack';
import { approversDeciding, approversWho } from '../harness/approvers';
import { SimulatedStack } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();

const createdPayments = (version = {}) => created(env.sim, version);

describe('a team change that times out (sequence 2)', () => {
  forEachWorld('the rollback cancels the session at once, A stays; the next deployment is a new change and asks again', env, async world => {
    if (world.otherTeamWhileActive === 'immediate') return; // the change takes effect without a session: nothing to time out
    const stack = await createdPayments(WAITED_OUT);
    const before = markHistory(env.sim);

    const update = await stack.update(paymentsTemplate({ ...WAITED_OUT, team: TEAM_B }));
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const failed = associationEvent(update, paymentsTemplate(), 'UPDATE_FAILED')!;
    const session = historySince(env.sim, before).sessions;
    expect(session).toHaveLength(1);
    expect(reasonOf(failed)).toContain(`Timed out after ${SHORT_APPROVAL_TIMEOUT_MINUTES * 60} s (approvalTimeout)`);
    expect(reasonOf(failed)).toContain(session[0].sessionArn);
    expect(reasonOf(failed)).toContain('the rollback cancels the session');
    // The rollback did not wait for anyone: it ended within one poll of its start.
    const rollbackStart = update.events.find(e => e.status === 'UPDATE_ROLLBACK_IN_PROGRESS')!.at;
    const rolledBack = update.events.filter(e => e.logicalId === failed.logicalId && e.status === 'UPDATE_COMPLETE').at(-1)!.at;
    expect(rolledBack - rollbackStart).toBeLessThanOrEqual(10_000);
    expect(env.sim.fake.sessions.find(s => s.sessionArn === session[0].sessionArn)).toMatchObject({ outcome: 'cancelled' });
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });

    // Nothing the failed change asked can take effect later: no session is pending.
    expect(env.sim.fake.sessions.filter(s => s.outcome === undefined)).toEqual([]);

    const again = markHistory(env.sim);
    approversWho(env.sim, 'approve');
    expect((await stack.update(paymentsTemplate({ ...WAITED_OUT, team: TEAM_B }))).status).toBe('UPDATE_COMPLETE');
    expect(historySince(env.sim, again).sessions.length).toBeGreaterThanOrEqual(1);
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
  });
});

describe('the new team\'s association is denied after the old team was removed (sequence 3)', () => {
  const world = { otherTeamWhileActive: 'conflict', firstAssociation: 'approval' } as const;

  test('FAILED within one poll, B asked once; the rollback associates A again, saying it needs approval while it waits', async () => {
    env.sim.fake.setWorld(world);
    const stack = await createdPayments();
    approversDeciding(env.sim, s => (s.kind === 'associate' && s.requestedTeamArn === TEAM_B ? 'deny' : 'approve'));
    const before = markHistory(env.sim);

    const update = await stack.update(paymentsTemplate({ team: TEAM_B }));
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const sessions = historySince(env.sim, before).sessions;
    expect(sessions.map(s => `${s.kind}:${s.requestedTeamArn === TEAM_A ? 'A' : 'B'}:${s.outcome}`))
      .toEqual(['disassociate:A:approved', 'associate:B:denied', 'associate:A:approved']);
    const failed = associationEvent(update, paymentsTemplate(), 'UPDATE_FAILED')!;
    expect(reasonOf(failed)).toContain(`${sessions[1].sessionArn} to associate team ${TEAM_B}`);
    expect(reasonOf(failed)).toContain('has no approval team now');
    expect(reasonOf(failed)).toContain('the rollback associates the previous team again');
    // Within one poll of the denial.
    expect(failed.at - sessions[1].completedAtMs!).toBeLessThanOrEqual(10_000);
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('when the approvers do not answer the rollback, it fails saying so, and continue-update-rollback asks again (no older session left pending)', async () => {
    env.sim.fake.setWorld(world);
    const stack = await createdPayments();
    const dismiss = approversDeciding(env.sim, s => {
      if (s.kind === 'disassociate') return 'approve';
      return s.requestedTeamArn === TEAM_B ? 'deny' : 'wait';
    });
    const update = await stack.update(paymentsTemplate({ team: TEAM_B }));
    expect(update.status).toBe('UPDATE_ROLLBACK_FAILED');
    const rollbackFailure = update.events.filter(e => e.status === 'UPDATE_FAILED').at(-1)!;
    expect(reasonOf(rollbackFailure)).toContain('This was a rollback: run continue-update-rollback to retry it');
    dismiss();

    approversWho(env.sim, 'approve');
    const before = markHistory(env.sim);
    expect((await stack.continueUpdateRollback()).status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(historySince(env.sim, before).sessions.map(s => s.outcome)).toEqual(['approved']);
    expect(env.sim.fake.sessions.filter(s => s.outcome === undefined)).toEqual([]);
  });
});

describe('a Create that does not complete', () => {
  forEachWorld('timed out: the stack\'s rollback cancels the session; nothing stays associated, no record stays', env, async world => {
    if (world.firstAssociation !== 'approval') return;
    const stack = new SimulatedStack(env.sim, 'Payments');
    const result = await stack.create(paymentsTemplate(WAITED_OUT));
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(env.sim.fake.sessions.map(s => s.outcome)).toEqual(['cancelled']);
    expect(env.sim.fake.association()).toBeUndefined();
    expect(env.sim.fake.parameters()).toEqual([]);
  });

  forEachWorld('denied: FAILED within one poll naming the session; the rollback changes nothing', env, async world => {
    if (world.firstAssociation !== 'approval') return;
    approversWho(env.sim, 'deny');
    const stack = new SimulatedStack(env.sim, 'Payments');
    const result = await stack.create(paymentsTemplate());
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    const [session] = env.sim.fake.sessions;
    const failed = associationEvent(result, paymentsTemplate(), 'CREATE_FAILED')!;
    expect(reasonOf(failed)).toContain(`Approval session ${session.sessionArn} to associate team ${TEAM_A}`);
    expect(failed.at - session.completedAtMs!).toBeLessThanOrEqual(10_000);
    expect(env.sim.fake.sessions).toHaveLength(1);
    expect(env.sim.fake.association()).toBeUndefined();
  });
});

describe('an update that another resource fails', () => {
  forEachWorld('after the association changed to B: the rollback restores A (asking, where the service needs approval for it)', env, async () => {
    const stack = await createdPayments({ other: 'v1' });
    approversWho(env.sim, 'approve');
    const update = await stack.update(paymentsTemplate({ team: TEAM_B, other: 'v2' }), { fail: { logicalId: 'Other' } });
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  forEachWorld('before the association changed (only its comment did): the rollback makes no call', env, async () => {
    const stack = await createdPayments({ other: 'v1', comment: 'CHG-1' });
    const before = markHistory(env.sim);
    const update = await stack.update(paymentsTemplate({ other: 'v2', comment: 'CHG-2' }), { fail: { logicalId: 'Other' } });
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
  });
});
