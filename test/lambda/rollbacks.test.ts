/**
 * Rollbacks: what CloudFormation sends after a failed Create or Update, with
 * the physical id the failed request answered. The rollback of a Create
 * touches nothing (the failed Create owns nothing); the rollback of an Update
 * converges back to the old team, waiting for any session still pending.
 */
import { ACTION, FOREIGN_TEAM, PHYSICAL_ID, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../fixtures/handler-environment';
import {
  controlledClocks, deliver, endCase, expectInvariants, mark, mutatingCallsReached, propsFor, resolveEachSession, type ObservedRun,
} from '../fixtures/invariants';
import { CREATE_FAILED_MARKER } from '../harness/provider-framework-runtime';
import type { DeliveryOptions } from '../harness/simulated-provider';

const env = useHandlerTestEnvironment(endCase);

const propsA = propsFor(TEAM_A);
const propsB = propsFor(TEAM_B);
const APPROVAL_TIMEOUT_MS = 1_800_000;

/** The Create or Update fails: it runs out of approvalTimeout after its first isComplete poll. */
function timingOut(): DeliveryOptions {
  const clocks = controlledClocks(env);
  return { betweenPolls: async (poll) => { if (poll === 1) await clocks.advance(APPROVAL_TIMEOUT_MS); } };
}

/** Team and state, leaving out the last session's status. */
function teamAndState() {
  const association = env.fake.association();
  return association && { team: association.MpaTeamArn, state: association.AssociationState };
}

describe('the rollback of a Create that failed while waiting touches nothing', () => {
  const FAILED_CREATES: Record<string, { arrange: () => void; options: () => DeliveryOptions; reason: RegExp | string }> = {
    'timed out while its association awaited approval': {
      arrange: () => env.fake.setPolicy({ firstAssociation: 'approval' }),
      options: timingOut,
      reason: /^Timed out after 1800 s/,
    },
    'its association was denied and is gone': {
      arrange: () => env.fake.setPolicy({ firstAssociation: 'approval' }),
      options: () => ({ betweenPolls: resolveEachSession(env.fake, 'deny') }),
      reason: 'is gone while session',
    },
    'another team took the action while it waited': {
      arrange: () => env.fake.setPolicy({ firstAssociation: 'approval' }),
      options: () => ({ betweenPolls: () => env.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'ACTIVE' }) }),
      reason: FOREIGN_TEAM,
    },
    'its role lost access to the association while it waited': {
      arrange: () => env.fake.setPolicy({ firstAssociation: 'approval' }),
      options: () => ({ betweenPolls: () => env.fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'accessDenied' }) }),
      reason: 'GetMpaTeamAssociation was denied (AccessDeniedException)',
    },
  };

  test.each(Object.keys(FAILED_CREATES))('%s: FAILED with a provisional id; the Delete with that id answers SUCCESS without a single call', async (name) => {
    const failure = FAILED_CREATES[name];
    failure.arrange();
    const create = await deliver(env, createEvent(propsA), failure.options());
    expect(create.response.Status).toBe('FAILED');
    expect(create.response.Reason).toMatch(failure.reason);
    expect(create.response.PhysicalResourceId).toMatch(/create-in-progress$/);
    const left = env.fake.association();
    env.fake.clearFaults();

    const afterCreate = mark(env.fake);
    const rollback = await deliver(env, deleteEvent(propsA, create.response.PhysicalResourceId));
    expect(rollback.response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: create.response.PhysicalResourceId, Data: undefined });
    expect(env.fake.requests.slice(afterCreate.requests)).toEqual([]);
    expect(env.fake.association()).toEqual(left);
    expectInvariants(create, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
    expectInvariants(rollback, env.fake, { ownedTeams: [], maxMutatingCalls: 0, since: afterCreate });
  });

  test('onEvent failed (AccessDenied on AssociateMpaTeam): FAILED with the framework\'s marker; a Delete with it changes nothing either', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'accessDenied', times: 1 });
    const create = await deliver(env, createEvent(propsA));
    // With this marker the framework answers the rollback's Delete itself, without the handler.
    expect(create.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_MARKER });
    expect(env.fake.association()).toBeUndefined();

    // Were it delivered anyway, the handler finds nothing of this resource's to remove.
    const afterCreate = mark(env.fake);
    const rollback = await deliver(env, deleteEvent(propsA, CREATE_FAILED_MARKER));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(mutatingCallsReached(env.fake, afterCreate)).toEqual([]);
    expectInvariants([create, rollback], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0 });
  });
});

describe('the rollback of an Update A -> B converges back to A', () => {
  /** The rollback CloudFormation sends: the old properties as the new, and the same physical id. */
  const rollbackEvent = () => updateEvent(propsA, propsB, PHYSICAL_ID);

  async function rollBack(options: DeliveryOptions = {}): Promise<{ rollback: ObservedRun; since: ReturnType<typeof mark> }> {
    const since = mark(env.fake);
    const rollback = await deliver(env, rollbackEvent(), options);
    return { rollback, since };
  }

  beforeEach(() => env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' }));

  test('B\'s association refused (AccessDenied) after A was removed: the rollback associates A again', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'accessDenied', times: 1 });
    const update = await deliver(env, updateEvent(propsB, propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(update.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(update.response.Reason).toContain('AssociateMpaTeam was denied (AccessDeniedException)');
    expect(env.fake.association()).toBeUndefined();
    expectInvariants(update, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1 });

    const { rollback, since } = await rollBack();
    expect(rollback.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { MpaTeamArn: TEAM_A } });
    expect(teamAndState()).toEqual({ team: TEAM_A, state: 'ACTIVE' });
    expect(mutatingCallsReached(env.fake, since)).toEqual(['AssociateMpaTeam']);
    expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1, since });
  });

  test('A\'s disassociation denied: the Update fails, and the rollback finds A ACTIVE: SUCCESS without a call', async () => {
    const update = await deliver(env, updateEvent(propsB, propsA), { betweenPolls: resolveEachSession(env.fake, 'deny') });
    expect(update.response.Reason).toContain('ended FAILED');

    const { rollback, since } = await rollBack();
    expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A } });
    expect(mutatingCallsReached(env.fake, since)).toEqual([]);
    expectInvariants([update, rollback], env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1 });
  });

  // issue 8 changes this
  describe('timed out while A\'s disassociation was pending: the rollback waits for that session', () => {
    test('approved during the rollback: A is gone, so the rollback associates it again', async () => {
      const update = await deliver(env, updateEvent(propsB, propsA), timingOut());
      expect(update.response.Reason).toMatch(/^Timed out .* DELETE_PENDING/);
      expectInvariants(update, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1 });

      const { rollback, since } = await rollBack({ betweenPolls: resolveEachSession(env.fake, 'approve', 3) });
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' } });
      expect(rollback.polls).toBeGreaterThanOrEqual(3);
      expect(mutatingCallsReached(env.fake, since)).toEqual(['AssociateMpaTeam']);
      expect(env.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual(['disassociate approved']);
      expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1, since });
    });

    test('denied during the rollback: A stays, SUCCESS without a call', async () => {
      await deliver(env, updateEvent(propsB, propsA), timingOut());
      const { rollback, since } = await rollBack({ betweenPolls: resolveEachSession(env.fake, 'deny', 3) });
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A } });
      expect(mutatingCallsReached(env.fake, since)).toEqual([]);
      expect(teamAndState()).toEqual({ team: TEAM_A, state: 'ACTIVE' });
      expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 0, since });
    });

    test('still pending when the rollback\'s own approvalTimeout runs out: FAILED naming the session, nothing called', async () => {
      await deliver(env, updateEvent(propsB, propsA), timingOut());
      const session = env.fake.sessions[0].sessionArn;
      const { rollback, since } = await rollBack(timingOut());
      expect(rollback.response.Status).toBe('FAILED');
      expect(rollback.response.Reason).toContain(`Session ${session} is PENDING`);
      expect(mutatingCallsReached(env.fake, since)).toEqual([]);
      expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 0, since });
    });
  });

  // issue 8 changes this
  describe('timed out after A was removed, while B\'s association awaited approval (B needs approval)', () => {
    beforeEach(() => env.fake.setPolicy({ firstAssociation: 'approval' }));

    /** The Update: A's disassociation approved at once, then B's association left pending past approvalTimeout. */
    async function updateTimedOutOnB(): Promise<ObservedRun> {
      const clocks = controlledClocks(env);
      const approveA = resolveEachSession(env.fake, 'approve', 1);
      const update = await deliver(env, updateEvent(propsB, propsA), {
        betweenPolls: async () => {
          if (env.fake.association()?.AssociationState === 'UPDATE_PENDING') await clocks.advance(APPROVAL_TIMEOUT_MS);
          else approveA();
        },
      });
      expect(update.response.Reason).toMatch(new RegExp(`^Timed out .* UPDATE_PENDING with ${TEAM_B}`));
      expectInvariants(update, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2 });
      return update;
    }

    test('B denied during the rollback: B is gone, the rollback associates A (approved): A ACTIVE', async () => {
      await updateTimedOutOnB();
      const { rollback, since } = await rollBack({ betweenPolls: resolveEachSession(env.fake, ['deny', 'approve']) });
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' } });
      expect(mutatingCallsReached(env.fake, since)).toEqual(['AssociateMpaTeam']);
      expect(env.fake.sessions.map(s => `${s.kind} of ${s.requestedTeamArn} ${s.outcome}`)).toEqual([
        `disassociate of ${TEAM_A} approved`, `associate of ${TEAM_B} denied`, `associate of ${TEAM_A} approved`,
      ]);
      expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1, since });
    });

    test('B approved during the rollback: the rollback removes B (approved), then associates A (approved): A ACTIVE', async () => {
      await updateTimedOutOnB();
      const { rollback, since } = await rollBack({ betweenPolls: resolveEachSession(env.fake, 'approve') });
      expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' } });
      expect(mutatingCallsReached(env.fake, since)).toEqual(['DisassociateMpaTeam', 'AssociateMpaTeam']);
      expect(env.fake.sessions.map(s => `${s.kind} of ${s.requestedTeamArn} ${s.outcome}`)).toEqual([
        `disassociate of ${TEAM_A} approved`, `associate of ${TEAM_B} approved`, `disassociate of ${TEAM_B} approved`, `associate of ${TEAM_A} approved`,
      ]);
      expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2, since });
    });
  });

  test('under a seeded storm of transient faults, the rollback of a refused B still converges to A', async () => {
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'quota', times: 1 });
    const update = await deliver(env, updateEvent(propsB, propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(update.response.Reason).toContain('AssociateMpaTeam exceeded a service quota');
    expectInvariants(update, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1 });

    env.fake.randomFaults({ seed: 43, rate: 0.3, kinds: ['throttling', 'internal', 'unavailable', 'slow', 'drop', 'hangup-after-commit'], delayMs: 50 });
    const { rollback, since } = await rollBack({ remainingMs: 20_000 });
    expect(rollback.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaTeamArn: TEAM_A } });
    expect(teamAndState()).toEqual({ team: TEAM_A, state: 'ACTIVE' });
    expect(env.fake.requests.slice(since.requests).some(r => r.fault !== undefined)).toBe(true);
    expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 1, since });
  });
});
