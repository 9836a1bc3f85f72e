/**
 * Redelivered events, lost answers and a handler that dies mid-wait. Whatever
 * CloudFormation, Lambda or the network repeats, the approvers are asked once
 * per change: every later delivery or poll of the same request finds the
 * session through the resource's ownership record and the association, and
 * waits for it. A new request after a failure (a rollback, a rerun) is another
 * change: it cancels what the failed one left pending, so that nothing takes
 * effect after CloudFormation was told it failed.
 */
import { isComplete } from '../../../lambda/custom-resource/is-complete';
import { onEvent } from '../../../lambda/custom-resource/on-event';
import type { OnEventRequest, OnEventResponse } from '../../../lambda/custom-resource/provider-events';
import { ACTION, PHYSICAL_ID, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import {
  controlledClocks, createdThroughHandler, deliver, endCase, expectInvariants, mark, mutatingCallsReached, propsFor, resolveEachSession, resumeWaiter,
  type Mark, type ObservedRun,
} from '../../fixtures/invariants';
import type { UserFunctions } from '../../harness/handler-code';
import { CREATE_FAILED_MARKER } from '../../harness/provider-framework-runtime';

const env = useHandlerTestEnvironment(endCase);

const propsA = propsFor(TEAM_A);
const propsB = propsFor(TEAM_B);

const NOTHING_BEFORE: Mark = { requests: 0, sessions: 0 };

/**
 * The three requests, each from the state it starts in (Update and Delete act
 * on a resource the handler created), with the teams it may touch, the
 * mutating calls onEvent makes and all of them.
 */
const REQUESTS = {
  'Create (association needs approval)': {
    arrange: async () => { env.fake.setPolicy({ firstAssociation: 'approval' }); return NOTHING_BEFORE; },
    event: () => createEvent(propsA),
    ownedTeams: [TEAM_A],
    onEventCalls: ['AssociateMpaTeam'],
    calls: ['AssociateMpaTeam'],
    final: { MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' },
  },
  'Update A -> B': {
    arrange: () => createdThroughHandler(env, TEAM_A),
    event: () => updateEvent(propsB, propsA),
    ownedTeams: [TEAM_A, TEAM_B],
    // B first, refused while A is ACTIVE (this world); then A's removal, approved; then B.
    onEventCalls: ['AssociateMpaTeam:ConflictException', 'DisassociateMpaTeam'],
    calls: ['AssociateMpaTeam:ConflictException', 'DisassociateMpaTeam', 'AssociateMpaTeam'],
    final: { MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' },
  },
  'Delete': {
    arrange: () => createdThroughHandler(env, TEAM_A),
    event: () => deleteEvent(propsA),
    ownedTeams: [TEAM_A],
    onEventCalls: ['DisassociateMpaTeam'],
    calls: ['DisassociateMpaTeam'],
    final: undefined,
  },
};
const REQUEST_NAMES = Object.keys(REQUESTS) as Array<keyof typeof REQUESTS>;

/** Which team is associated, and how, ignoring the last session's status. */
function teamAndState() {
  const association = env.fake.association();
  return association && { team: association.MpaTeamArn, state: association.AssociationState };
}

/** A Lambda invocation that died (timeout, out of memory): the framework reports the user function's error as FAILED at once. */
class InvocationDied extends Error {
  constructor() {
    super('2026-11-24T10:00:00.000Z 1f0c3c5e Task timed out after 120.00 seconds');
  }
}

/** The user functions, with isComplete dying at the end of the invocations `dies` picks (it sees the poll number and whether a mutating call landed). */
function isCompleteDying(dies: (poll: number, calledOut: boolean) => boolean): UserFunctions {
  let poll = 0;
  return {
    onEvent,
    isComplete: async (event, context) => {
      poll++;
      const before = mutatingCallsReached(env.fake).length;
      const result = await isComplete(event, context);
      if (dies(poll, mutatingCallsReached(env.fake).length > before)) throw new InvocationDied();
      return result;
    },
  };
}

describe('the same event delivered twice in a row', () => {
  test.each(REQUEST_NAMES)('%s: the second delivery finds what the first started and calls nothing new; both answer the same', async (name) => {
    const request = REQUESTS[name];
    const before = await request.arrange();
    const event = request.event();
    // First delivery: onEvent makes its calls; its waiter is still to come.
    const firstAnswer = await env.provider.invokeUserOnEvent(event) as OnEventResponse;
    expect(mutatingCallsReached(env.fake, before)).toEqual(request.onEventCalls);

    const second = await deliver(env, event, { betweenPolls: resolveEachSession(env.fake, 'approve') });
    const first = await resumeWaiter(env, { ...event, ...firstAnswer });
    expect(second.response.Status).toBe('SUCCESS');
    expect(first.response).toEqual(second.response);
    expect(env.fake.association()).toEqual(request.final && expect.objectContaining(request.final));
    expect(mutatingCallsReached(env.fake, before)).toEqual(request.calls);
    expect(env.fake.sessions.slice(before.sessions)).toHaveLength(1);
    expectInvariants([first, second], env.fake, {
      ownedTeams: request.ownedTeams, maxMutatingCalls: request.calls.length, maxSessions: 1, since: before,
    });
  });

  test.each(REQUEST_NAMES)('%s, delivered again after it completed: SUCCESS again without a single mutating call', async (name) => {
    const request = REQUESTS[name];
    const before = await request.arrange();
    const event = request.event();
    const first = await deliver(env, event, { betweenPolls: resolveEachSession(env.fake, 'approve') });
    const afterFirst = mark(env.fake);
    const again = await deliver(env, event);
    expect(again.response).toEqual(first.response);
    expect(mutatingCallsReached(env.fake, afterFirst)).toEqual([]);
    expectInvariants(first, env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: request.calls.length, maxSessions: 1, since: before });
    expectInvariants(again, env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: 0, since: afterFirst });
  });
});

describe('two deliveries of the same event at once', () => {
  async function deliverTwiceAtOnce(event: OnEventRequest, resolution: 'approve' | 'deny'): Promise<ObservedRun[]> {
    // One hook for both: each session is resolved once, counted over both deliveries' polls.
    const approvers = resolveEachSession(env.fake, resolution, 3);
    return Promise.all([deliver(env, event, { betweenPolls: approvers }), deliver(env, event, { betweenPolls: approvers })]);
  }

  test.each(REQUEST_NAMES)('%s, approved: one session, no duplicate disassociation, both SUCCESS alike', async (name) => {
    const request = REQUESTS[name];
    const before = await request.arrange();
    const runs = await deliverTwiceAtOnce(request.event(), 'approve');
    expect(runs.map(r => r.response.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(runs[0].response).toEqual(runs[1].response);
    expect(env.fake.association()).toEqual(request.final && expect.objectContaining(request.final));
    expect(env.fake.sessions.slice(before.sessions).map(s => `${s.kind} ${s.outcome}`))
      .toEqual([`${name === 'Create (association needs approval)' ? 'associate' : 'disassociate'} approved`]);
    // Each delivery may send each call once; the service refuses the second while the first is pending.
    expectInvariants(runs, env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: 2 * request.calls.length, maxSessions: 1, since: before });
  });

  test.each(['Create (association needs approval)'] as const)('%s, denied: one session, both FAILED with the same reason, nothing asked again', async (name) => {
    await expectOneDenialForTwoDeliveries(name);
  });

  /*
   * The two copies share the resource's ownership record and send the same call in
   * the same millisecond: the service accepts one and refuses the other. Each call
   * carries its sender, so the refused copy's write keeps the accepted call and,
   * once that session is denied, neither copy asks again.
   */
  test.each(['Update A -> B', 'Delete'] as const)('%s, denied: one session, both FAILED with the same reason, nothing asked again', async (name) => {
    await expectOneDenialForTwoDeliveries(name);
  });

  async function expectOneDenialForTwoDeliveries(name: keyof typeof REQUESTS): Promise<void> {
    const request = REQUESTS[name];
    const before = await request.arrange();
    const state = teamAndState();
    const runs = await deliverTwiceAtOnce(request.event(), 'deny');
    const sessions = env.fake.sessions.slice(before.sessions);
    expect(runs.map(r => r.response.Status)).toEqual(['FAILED', 'FAILED']);
    expect(runs[0].response).toEqual(runs[1].response);
    expect(sessions.map(s => s.outcome)).toEqual(['denied']);
    expect(runs[0].response.Reason).toContain(sessions[0].sessionArn);
    expect(teamAndState()).toEqual(state);
    expectInvariants(runs, env.fake, {
      ownedTeams: request.ownedTeams, maxMutatingCalls: 2 * request.onEventCalls.length, maxSessions: 1, since: before,
    });
  }
});

describe('isComplete dies mid-wait', () => {
  test('dies right after its AssociateMpaTeam landed, and the next poll runs with the same event: no second call, SUCCESS once approved', async () => {
    const created = await createdThroughHandler(env, TEAM_A);
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const approvers = resolveEachSession(env.fake, 'approve');
    const died = await deliver(env, updateEvent(propsB, propsA), {
      handlers: isCompleteDying((_poll, calledOut) => calledOut),
      betweenPolls: approvers,
    });
    expect(died.response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('Task timed out') });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'UPDATE_PENDING' });

    const resumed = await resumeWaiter(env, died.waiterInput!, { betweenPolls: approvers });
    expect(resumed.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { MpaTeamArn: TEAM_B } });
    expect(mutatingCallsReached(env.fake, created)).toEqual(['AssociateMpaTeam:ConflictException', 'DisassociateMpaTeam', 'AssociateMpaTeam']);
    expectInvariants(resumed, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 3, maxSessions: 2, since: created });
  });

  // The rollback of a Create this resource's record says took effect removes what it associated.
  test('Create: dies after the association became ACTIVE; FAILED, its rollback removes the team once approved, and the rerun associates it again', async () => {
    const create = await deliver(env, createEvent(propsA), { handlers: isCompleteDying(() => true) });
    expect(create.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: expect.stringMatching(/create-in-progress$/) });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expectInvariants(create, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });

    const afterCreate = mark(env.fake);
    const rollback = await deliver(env, deleteEvent(propsA, create.response.PhysicalResourceId), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(env.fake.association()).toBeUndefined();
    expect(mutatingCallsReached(env.fake, afterCreate)).toEqual(['DisassociateMpaTeam']);
    expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: afterCreate });

    const afterRollback = mark(env.fake);
    const rerun = await deliver(env, createEvent(propsA));
    expect(rerun.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(mutatingCallsReached(env.fake, afterRollback)).toEqual(['AssociateMpaTeam']);
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: afterRollback });
  });

  test('Create: dies while the association awaits approval; the rollback cancels that session, so nothing takes effect after the FAILED', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const create = await deliver(env, createEvent(propsA), { handlers: isCompleteDying(poll => poll === 2) });
    expect(create.response.Status).toBe('FAILED');
    const opened = env.fake.sessions[0].sessionArn;
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING', MpaStatus: { MpaSessionArn: opened } });

    const afterCreate = mark(env.fake);
    const rollback = await deliver(env, deleteEvent(propsA, create.response.PhysicalResourceId));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(env.fake.sessions.map(s => `${s.sessionArn} ${s.outcome}`)).toEqual([`${opened} cancelled`]);
    expect(env.fake.association()).toBeUndefined();
    expect(env.fake.callCount('CancelSession')).toBe(1);
    expect(mutatingCallsReached(env.fake, afterCreate)).toEqual([]);
    expectInvariants(rollback, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterCreate });
  });

  test('Delete: dies while DELETE_PENDING; CloudFormation retries the delete and the new event resumes the wait: one disassociation', async () => {
    const created = await createdThroughHandler(env, TEAM_A);
    const dead = await deliver(env, deleteEvent(propsA), { handlers: isCompleteDying(poll => poll === 2) });
    expect(dead.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'DELETE_PENDING' });

    const retried = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(retried.response.Status).toBe('SUCCESS');
    expect(env.fake.association()).toBeUndefined();
    expect(mutatingCallsReached(env.fake, created)).toEqual(['DisassociateMpaTeam']);
    expectInvariants([dead, retried], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
  });
});

describe('onEvent dies after its call landed', () => {
  test('Create: the framework fails it with its marker and answers the rollback itself; the rerun cancels the orphaned session and asks once more', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const died = await deliver(env, createEvent(propsA), {
      handlers: {
        onEvent: async (event, context) => {
          await onEvent(event, context);
          throw new InvocationDied();
        },
        isComplete,
      },
    });
    expect(died.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_MARKER });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING' });
    expectInvariants(died, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });

    const afterDeath = mark(env.fake);
    const rerun = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(rerun.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['cancelled', 'approved']);
    expect(mutatingCallsReached(env.fake, afterDeath)).toEqual(['AssociateMpaTeam']);
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: afterDeath });
  });
});

describe('a rerun after approvalTimeout', () => {
  test('Create: FAILED at the deadline naming the session; the rollback cancels it, and the rerun asks once more: SUCCESS once approved', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const clock = controlledClocks(env);
    const timedOut = await deliver(env, createEvent(propsA), { betweenPolls: async (poll) => { if (poll === 1) await clock.advance(1_800_000); } });
    const first = env.fake.sessions[0].sessionArn;
    expect(timedOut.response.Reason).toMatch(/^Timed out after 1800 s \(approvalTimeout\) /);
    expect(timedOut.response.Reason).toContain(`session ${first} has 0 of 2 approvals`);
    expect(timedOut.response.Reason).toContain('the rollback cancels the session so that nothing takes effect later');
    const rollback = await deliver(env, deleteEvent(propsA, timedOut.response.PhysicalResourceId));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(env.fake.sessions.map(s => `${s.sessionArn} ${s.outcome}`)).toEqual([`${first} cancelled`]);

    const afterRollback = mark(env.fake);
    const rerun = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(rerun.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaSessionArn: env.fake.sessions[1].sessionArn } });
    expect(mutatingCallsReached(env.fake, afterRollback)).toEqual(['AssociateMpaTeam']);
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['cancelled', 'approved']);
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: afterRollback });
  });

  test('Delete: FAILED at the deadline naming the session; the retried delete resumes the same session without asking again; SUCCESS once approved', async () => {
    const created = await createdThroughHandler(env, TEAM_A);
    const clock = controlledClocks(env);
    const timedOut = await deliver(env, deleteEvent(propsA), { betweenPolls: async (poll) => { if (poll === 1) await clock.advance(1_800_000); } });
    const session = env.fake.sessions[0].sessionArn;
    expect(timedOut.response.Reason).toContain(`session ${session} has 0 of 2 approvals`);
    expect(timedOut.response.Reason).toContain('delete the stack again to keep waiting on it; the approvers are not asked again');

    const afterTimeout = mark(env.fake);
    const retried = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(retried.response.Status).toBe('SUCCESS');
    expect(env.fake.sessions.map(s => `${s.sessionArn} ${s.outcome}`)).toEqual([`${session} approved`]);
    expect(mutatingCallsReached(env.fake, created)).toEqual(['DisassociateMpaTeam']);
    expectInvariants([timedOut, retried], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: created });
    expectInvariants(retried, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterTimeout });
  });
});

describe('a lost answer', () => {
  test('onEvent\'s AssociateMpaTeam is applied but its answer lost: the next read finds its session and nothing is sent again; a denial fails', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'hangup-after-commit', times: 1 });
    const run = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'deny'), maxPolls: 20 });
    expect(mutatingCallsReached(env.fake)).toEqual(['AssociateMpaTeam']);
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`Approval session ${env.fake.sessions[0].sessionArn} to associate team ${TEAM_A} with ${ACTION} ended FAILED`);
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['denied']);
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, maxSessions: 1 });
  });

  test('the same, approved: SUCCESS with the one session', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'hangup-after-commit', times: 1 });
    const run = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaSessionArn: env.fake.sessions[0].sessionArn } });
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['approved']);
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, maxSessions: 1 });
  });
});
