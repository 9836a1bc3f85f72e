/**
 * One deadline per invocation bounds every call to AWS, retries included
 * (lambda/aws/call-budget.ts, built by lambda/core/poll-services.ts from the
 * invocation's remaining time). Whatever the control plane, SSM or MPA does
 * (answers slower than the Lambda timeout, connections that never answer,
 * throttling on every call), each invocation of the handler answers before
 * its Lambda timeout with its own outcome, and a change that keeps meeting the
 * fault ends with the handler's own reason, not the framework's "Operation
 * timed out" nor CloudFormation giving up.
 *
 * Everything runs on the simulation's clock: a 150 s answer or a hung
 * connection costs no real time. The environment checks after each case that
 * no invocation ran past its Lambda timeout (no `allowLambdaTimeouts`).
 */
import { deriveProviderTimeouts } from '../../../src/engines/custom-resource/provider-timeouts';
import type { FaultKind } from '../../fake/fake-control-plane';
import { TEAM_A, createEvent, deleteEvent } from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import {
  controlledClocks, createdThroughHandler, deliver, endCase, expectInvariants, mark, propsFor, type Mark, type ObservedRun,
} from '../../fixtures/invariants';
import type { DeliveryOptions } from '../../harness/simulated-provider';

const APPROVAL_TIMEOUT_SECONDS = 60;
const POLL_INTERVAL_SECONDS = 1;
const HANDLER_TIMEOUT_SECONDS = 120;
const TIMEOUTS = deriveProviderTimeouts(APPROVAL_TIMEOUT_SECONDS, POLL_INTERVAL_SECONDS);

/** The provider as the construct synthesizes it for a 60 s approval timeout: waiter attempts and the handler's 2-minute Lambda timeout. */
const env = useHandlerTestEnvironment(endCase, {
  provider: {
    approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
    pollIntervalSeconds: POLL_INTERVAL_SECONDS,
    handlerTimeoutSeconds: HANDLER_TIMEOUT_SECONDS,
  },
});

// The backoff's jitter, drawn in the handler: fixed (near its ceiling, fewer attempts), so that each case replays the same attempts.
beforeEach(() => { jest.spyOn(Math, 'random').mockReturnValue(0.99); });

/** The resource's properties as the construct writes them, ServiceTimeout included. */
const props = {
  ...propsFor(TEAM_A, { ApprovalTimeoutSeconds: String(APPROVAL_TIMEOUT_SECONDS), PollIntervalSeconds: String(POLL_INTERVAL_SECONDS) }),
  ServiceTimeout: String(TIMEOUTS.serviceTimeoutSeconds),
};

/** Slower than the Lambda timeout; never; refused on every attempt. */
const FAULTS: ReadonlyArray<readonly [string, { kind: FaultKind; delayMs?: number }]> = [
  ['an answer after 150 s', { kind: 'slow', delayMs: 150_000 }],
  ['a connection that never answers', { kind: 'hang' }],
  ['throttling on every call', { kind: 'throttling' }],
];

interface Scenario {
  /** How the change ends when the fault never stops: the handler's timeout reason, or (MPA's team check is advisory) SUCCESS. */
  readonly ends: RegExp | 'SUCCESS';
  /** The state the change starts from, and the request that then meets the fault. */
  arrange(): Promise<{ readonly event: ReturnType<typeof createEvent>; readonly before: Mark; readonly options?: DeliveryOptions }>;
}

const TIMED_OUT = new RegExp(`^Timed out after ${APPROVAL_TIMEOUT_SECONDS} s \\(approvalTimeout\\) waiting for `);

/** A Create with nothing associated (a first association takes effect at once). */
const create = async () => ({ event: createEvent(props), before: mark(env.fake) });

/** A Delete of a resource the handler created, its removal approved as the first poll after onEvent reads the association. */
const deleteApproved = async () => {
  const before = await createdThroughHandler(env, TEAM_A);
  env.fake.resolveAfterPolls(1, 'approve');
  return { event: deleteEvent(props), before };
};

/** The Delete that rolls back a Create that timed out with its association pending: it cancels that session. */
const rollbackOfTimedOutCreate = async () => {
  env.fake.setPolicy({ firstAssociation: 'approval' });
  const clock = controlledClocks(env);
  const failed = await deliver(env, createEvent(props), {
    betweenPolls: async poll => { if (poll === 1) await clock.advance(APPROVAL_TIMEOUT_SECONDS * 1000); },
  });
  expect(failed.response.Reason).toMatch(TIMED_OUT);
  return { event: deleteEvent(props, failed.response.PhysicalResourceId), before: mark(env.fake) };
};

/** Each operation the handler makes, in the request that makes it. */
const SCENARIOS: Record<string, Scenario> = {
  GetMpaTeamAssociation: { arrange: create, ends: TIMED_OUT },
  AssociateMpaTeam: { arrange: create, ends: TIMED_OUT },
  DisassociateMpaTeam: { arrange: deleteApproved, ends: TIMED_OUT },
  GetParameter: { arrange: create, ends: TIMED_OUT },
  GetParametersByPath: { arrange: create, ends: TIMED_OUT },
  PutParameter: { arrange: create, ends: TIMED_OUT },
  DeleteParameter: { arrange: deleteApproved, ends: TIMED_OUT },
  // Progress reports while the first association awaits approval.
  GetSession: {
    arrange: async () => { env.fake.setPolicy({ firstAssociation: 'approval' }); return create(); },
    ends: TIMED_OUT,
  },
  CancelSession: { arrange: rollbackOfTimedOutCreate, ends: /^Session arn:\S+, opened by the change this one rolls back, is still pending after 60 s and could not be cancelled/ },
  // The team check before AssociateMpaTeam: MPA out of reach must not block the association.
  GetApprovalTeam: { arrange: create, ends: 'SUCCESS' },
};
const OPERATIONS = Object.keys(SCENARIOS);

/** Where the fault goes, once the scenario's state is set up. */
function injectFault(operation: string, fault: { kind: FaultKind; delayMs?: number }): void {
  env.fake.injectFault({ operation, ...fault });
}

/** The case proves something only if the operation met the fault. */
function expectFaultMet(operation: string, fault: { kind: FaultKind }, before: Mark): void {
  expect(env.fake.requests.slice(before.requests).filter(r => r.operation === operation && r.fault === fault.kind).length).toBeGreaterThan(0);
}

/** Every invocation of the handler's functions for this delivery ended by itself, before its Lambda timeout. */
function expectEveryInvocationAnsweredInTime(run: ObservedRun): void {
  const handlerInvocations = run.invocations.filter(i => /-(OnEvent|IsComplete)Handler$/.test(i.functionName));
  expect(handlerInvocations.length).toBeGreaterThan(0);
  for (const invocation of handlerInvocations) {
    expect({ function: invocation.functionName, outcome: invocation.outcome })
      .toEqual({ function: invocation.functionName, outcome: expect.stringMatching(/^(returned|threw)$/) });
    expect(invocation.durationMs!).toBeLessThan(invocation.timeoutMs);
  }
  expect(run.response.Reason ?? '').not.toContain('Task timed out');
}

describe.each(FAULTS)('%s', (_, fault) => {
  test.each(OPERATIONS)('on %s: every invocation of the handler answers before its Lambda timeout', async (operation) => {
    const { event, before, options } = await SCENARIOS[operation].arrange();
    injectFault(operation, fault);
    // onEvent and one isComplete poll are enough to see each of the handler's functions end; the framework's backstop answers after them.
    const run = await deliver(env, event, { ...options, maxPolls: 1 });
    expectFaultMet(operation, fault, before);
    expectEveryInvocationAnsweredInTime(run);
  });
});

/**
 * Every wait the table did not decide (the world unreadable, a call's answer
 * lost, no time left for a call, a record not written) is bound by the change's
 * deadline too (change-executor's waitUntilDeadline), so each of these ends with
 * the handler's own reason. MPA's calls take at most a share of each poll, so a
 * hung team check does not keep AssociateMpaTeam from being sent.
 *
 * The handler meets a 150 s answer as it meets a hung connection (its attempt is aborted at 10 s): one of them is enough here. */
const LASTING_FAULTS = FAULTS.filter(([, fault]) => fault.kind !== 'slow');

describe.each(LASTING_FAULTS)('%s, for as long as the change lasts', (_, fault) => {
  async function expectTheHandlersOwnEnd(operation: string): Promise<void> {
    const scenario = SCENARIOS[operation];
    const { event, before, options } = await scenario.arrange();
    injectFault(operation, fault);
    // As many polls as the synthesized waiter makes (its attempts count polls, not the time each takes): the handler must end first.
    const run = await deliver(env, event, options);
    expectFaultMet(operation, fault, before);
    expectEveryInvocationAnsweredInTime(run);
    if (scenario.ends === 'SUCCESS') {
      expect(run.response.Status).toBe('SUCCESS');
    } else {
      expect(run.response.Status).toBe('FAILED');
      expect(run.response.Reason).toMatch(scenario.ends);
    }
    expectInvariants(run, env.fake, { ownedTeams: [TEAM_A], maxMutatingCalls: 1, since: before, maxSessions: 1 });
  }

  test.each(OPERATIONS)('on %s: the change ends with the handler\'s own reason before CloudFormation\'s ServiceTimeout', async (operation) => {
    await expectTheHandlersOwnEnd(operation);
  });
});
