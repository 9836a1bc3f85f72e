/**
 * Redelivered events, lost answers and a handler that dies mid-wait. Whatever
 * CloudFormation, Lambda or the network repeats, the approvers are asked once:
 * every later delivery, poll or rerun finds the session by reading the
 * association, and waits for it.
 */
import { isComplete } from '../../lambda/is-complete';
import { onEvent } from '../../lambda/on-event';
import type { OnEventRequest, OnEventResponse } from '../../lambda/provider-events';
import { ACTION, PHYSICAL_ID, TEAM_A, TEAM_B, createEvent, deleteEvent, updateEvent } from '../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../fixtures/handler-environment';
import {
  controlledClocks, deliver, endCase, expectInvariants, mark, mutatingCallsReached, propsFor, resolveEachSession, resumeWaiter, type ObservedRun,
} from '../fixtures/invariants';
import type { UserFunctions } from '../harness/handler-code';
import { CREATE_FAILED_MARKER } from '../harness/provider-framework-runtime';

const env = useHandlerTestEnvironment(endCase);

const propsA = propsFor(TEAM_A);
const propsB = propsFor(TEAM_B);

/** The three requests, each from the state it starts in, with the teams it may touch and its mutating calls. */
const REQUESTS = {
  'Create (association needs approval)': {
    arrange: () => env.fake.setPolicy({ firstAssociation: 'approval' }),
    event: () => createEvent(propsA),
    ownedTeams: [TEAM_A],
    calls: ['AssociateMpaTeam'],
    final: { MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' },
  },
  'Update A -> B': {
    arrange: () => env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' }),
    event: () => updateEvent(propsB, propsA),
    ownedTeams: [TEAM_A, TEAM_B],
    calls: ['DisassociateMpaTeam', 'AssociateMpaTeam'],
    final: { MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' },
  },
  'Delete': {
    arrange: () => env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' }),
    event: () => deleteEvent(propsA),
    ownedTeams: [TEAM_A],
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
    request.arrange();
    const event = request.event();
    // First delivery: onEvent makes the first call; its waiter is still to come.
    const firstAnswer = await env.provider.invokeUserOnEvent(event) as OnEventResponse;
    expect(mutatingCallsReached(env.fake)).toEqual(request.calls.slice(0, 1));

    const second = await deliver(env, event, { betweenPolls: resolveEachSession(env.fake, 'approve') });
    const first = await resumeWaiter(env, { ...event, ...firstAnswer });
    expect(second.response.Status).toBe('SUCCESS');
    expect(first.response).toEqual(second.response);
    expect(env.fake.association()).toEqual(request.final && expect.objectContaining(request.final));
    expect(mutatingCallsReached(env.fake)).toEqual(request.calls);
    expect(env.fake.sessions).toHaveLength(1);
    expectInvariants([first, second], env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: request.calls.length });
  });

  test.each(REQUEST_NAMES)('%s, delivered again after it completed: SUCCESS again without a single mutating call', async (name) => {
    const request = REQUESTS[name];
    request.arrange();
    const event = request.event();
    const first = await deliver(env, event, { betweenPolls: resolveEachSession(env.fake, 'approve') });
    const afterFirst = mark(env.fake);
    const again = await deliver(env, event);
    expect(again.response).toEqual(first.response);
    expect(mutatingCallsReached(env.fake, afterFirst)).toEqual([]);
    expectInvariants(first, env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: request.calls.length });
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
    request.arrange();
    const runs = await deliverTwiceAtOnce(request.event(), 'approve');
    expect(runs.map(r => r.response.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(runs[0].response).toEqual(runs[1].response);
    expect(env.fake.association()).toEqual(request.final && expect.objectContaining(request.final));
    expect(env.fake.sessions.map(s => `${s.kind} ${s.outcome}`)).toEqual([`${name === 'Create (association needs approval)' ? 'associate' : 'disassociate'} approved`]);
    // Each delivery may send each call once; the service refuses the second while the first is pending.
    expectInvariants(runs, env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: 2 * request.calls.length, maxSessions: 1 });
  });

  test.each(REQUEST_NAMES)('%s, denied: one session, both FAILED with the same reason, nothing asked again', async (name) => {
    const request = REQUESTS[name];
    request.arrange();
    const before = teamAndState();
    const runs = await deliverTwiceAtOnce(request.event(), 'deny');
    expect(runs.map(r => r.response.Status)).toEqual(['FAILED', 'FAILED']);
    expect(runs[0].response).toEqual(runs[1].response);
    expect(runs[0].response.Reason).toContain(env.fake.sessions[0].sessionArn);
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['denied']);
    expect(teamAndState()).toEqual(before);
    expectInvariants(runs, env.fake, { ownedTeams: request.ownedTeams, maxMutatingCalls: 2, maxSessions: 1 });
  });
});

describe('isComplete dies mid-wait', () => {
  test('dies right after its AssociateMpaTeam landed, and the next poll runs with the same event: no second call, SUCCESS once approved', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
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
    expect(mutatingCallsReached(env.fake)).toEqual(['DisassociateMpaTeam', 'AssociateMpaTeam']);
    expectInvariants(resumed, env.fake, { ownedTeams: [TEAM_A, TEAM_B], maxMutatingCalls: 2 });
  });

  test('Create: dies after the association became ACTIVE; FAILED, its rollback touches nothing, and the rerun adopts it without a call', async () => {
    const create = await deliver(env, createEvent(propsA), { handlers: isCompleteDying(() => true) });
    expect(create.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: expect.stringMatching(/create-in-progress$/) });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });

    const afterCreate = mark(env.fake);
    const rollback = await deliver(env, deleteEvent(propsA, create.response.PhysicalResourceId));
    expect(rollback.response.Status).toBe('SUCCESS');
    expect(env.fake.requests.slice(afterCreate.requests)).toEqual([]);

    const rerun = await deliver(env, createEvent(propsA));
    expect(rerun.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(mutatingCallsReached(env.fake)).toEqual(['AssociateMpaTeam']);
    expectInvariants(create, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: { requests: 0, sessions: 0 } });
    expectInvariants([rollback], env.fake, { ownedTeams: [], maxMutatingCalls: 0, since: afterCreate });
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterCreate });
  });

  // issue 8 changes this
  test('Create: dies while the association awaits approval; the rerun (a new event) resumes the wait without asking again', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const create = await deliver(env, createEvent(propsA), { handlers: isCompleteDying(poll => poll === 2) });
    expect(create.response.Status).toBe('FAILED');
    await deliver(env, deleteEvent(propsA, create.response.PhysicalResourceId)); // the rollback
    const pending = env.fake.association();
    expect(pending).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING' });

    const afterCreate = mark(env.fake);
    const rerun = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(rerun.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaSessionArn: pending!.MpaStatus!.MpaSessionArn } });
    expect(mutatingCallsReached(env.fake, afterCreate)).toEqual([]);
    expect(env.fake.sessions).toHaveLength(1);
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterCreate });
  });

  test('Delete: dies while DELETE_PENDING; CloudFormation retries the delete and the new event resumes the wait: one disassociation', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const dead = await deliver(env, deleteEvent(propsA), { handlers: isCompleteDying(poll => poll === 2) });
    expect(dead.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(env.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'DELETE_PENDING' });

    const retried = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(retried.response.Status).toBe('SUCCESS');
    expect(env.fake.association()).toBeUndefined();
    expect(mutatingCallsReached(env.fake)).toEqual(['DisassociateMpaTeam']);
    expectInvariants([dead, retried], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });
});

describe('onEvent dies after its call landed', () => {
  test('Create: the framework fails it with its marker and answers the rollback itself; the rerun resumes the pending association', async () => {
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

    const rerun = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(rerun.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(mutatingCallsReached(env.fake)).toEqual(['AssociateMpaTeam']);
    expectInvariants([died, rerun], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });
});

describe('a rerun after approvalTimeout', () => {
  // issue 8 changes this
  test('Create: FAILED at the deadline; after the rollback, the rerun resumes the same session; SUCCESS once approved', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const clock = controlledClocks(env);
    const timedOut = await deliver(env, createEvent(propsA), { betweenPolls: async (poll) => { if (poll === 1) await clock.advance(1_800_000); } });
    expect(timedOut.response.Reason).toMatch(/^Timed out after 1800 s .* the rerun resumes the wait/);
    await deliver(env, deleteEvent(propsA, timedOut.response.PhysicalResourceId)); // the rollback

    const afterTimeout = mark(env.fake);
    const rerun = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(rerun.response.Status).toBe('SUCCESS');
    expect(mutatingCallsReached(env.fake)).toEqual(['AssociateMpaTeam']);
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['approved']);
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterTimeout });
  });

  // issue 8 changes this
  test('Create: the session the rerun resumed is denied: FAILED saying the association is gone, never asked again', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    const clock = controlledClocks(env);
    const timedOut = await deliver(env, createEvent(propsA), { betweenPolls: async (poll) => { if (poll === 1) await clock.advance(1_800_000); } });
    await deliver(env, deleteEvent(propsA, timedOut.response.PhysicalResourceId)); // the rollback
    const session = env.fake.sessions[0].sessionArn;

    const afterTimeout = mark(env.fake);
    const rerun = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'deny'), maxPolls: 20 });
    expect(rerun.response.Status).toBe('FAILED');
    expect(rerun.response.Reason).toContain(`is gone while session ${session} awaited approval`);
    expect(mutatingCallsReached(env.fake, afterTimeout)).toEqual([]);
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['denied']);
    expectInvariants(rerun, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterTimeout });
  });

  test('Delete: FAILED at the deadline; the retried delete resumes the same session; SUCCESS once approved', async () => {
    env.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const clock = controlledClocks(env);
    const timedOut = await deliver(env, deleteEvent(propsA), { betweenPolls: async (poll) => { if (poll === 1) await clock.advance(1_800_000); } });
    expect(timedOut.response.Reason).toContain('DELETE_PENDING');

    const afterTimeout = mark(env.fake);
    const retried = await deliver(env, deleteEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(retried.response.Status).toBe('SUCCESS');
    expect(mutatingCallsReached(env.fake)).toEqual(['DisassociateMpaTeam']);
    expectInvariants([timedOut, retried], env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
    expectInvariants(retried, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 0, since: afterTimeout });
  });
});

describe('a lost answer', () => {
  test('onEvent\'s AssociateMpaTeam is applied but its answer lost, and the resend refused: the session is remembered; a denial fails, never asks again', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'hangup-after-commit', times: 1 });
    const run = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'deny'), maxPolls: 20 });
    expect(mutatingCallsReached(env.fake)).toEqual(['AssociateMpaTeam', 'AssociateMpaTeam:ConflictException']);
    expect(run.response.Status).toBe('FAILED');
    expect(run.response.Reason).toContain(`is gone while session ${env.fake.sessions[0].sessionArn} awaited approval`);
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['denied']);
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });

  test('the same, approved: SUCCESS with the one session', async () => {
    env.fake.setPolicy({ firstAssociation: 'approval' });
    env.fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'hangup-after-commit', times: 1 });
    const run = await deliver(env, createEvent(propsA), { betweenPolls: resolveEachSession(env.fake, 'approve') });
    expect(run.response).toMatchObject({ Status: 'SUCCESS', Data: { MpaSessionArn: env.fake.sessions[0].sessionArn } });
    expect(env.fake.sessions.map(s => s.outcome)).toEqual(['approved']);
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1 });
  });
});
