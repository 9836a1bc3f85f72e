/**
 * The handler's deadline on the system clock, where real time is the point: in
 * Lambda the handler gets no simulated clock, so its budget's abort signals are
 * AbortSignal.timeout and its backoff sleeps real timers. A handler function
 * with an 11 s Lambda timeout keeps 10 s back (poll-services.ts), so each call
 * it makes has 1 s: against a connection that never answers or a throttling
 * storm, it answers "not yet" after about a second, long before Lambda would
 * stop it. (Everything else runs on simulated time; see test/harness/real-time.test.ts
 * for the harness's own real-time cases.)
 */
import type { OnEventResponse } from '../../../lambda/custom-resource/provider-events';
import { TEAM_A, createEvent } from '../../fixtures/cloudformation-events';
import { useHandlerTestEnvironment } from '../../fixtures/handler-environment';
import { endCase, propsFor } from '../../fixtures/invariants';

const LAMBDA_TIMEOUT_SECONDS = 11;

const env = useHandlerTestEnvironment(endCase, { time: 'real', provider: { handlerTimeoutSeconds: LAMBDA_TIMEOUT_SECONDS } });

/** The fake records a request it held once the client has gone: give it a few turns of the event loop. */
async function recordedFaults(kind: string): Promise<number> {
  for (let wait = 0; wait < 50; wait++) {
    const count = env.fake.requests.filter(r => r.operation === 'GetParameter' && r.fault === kind).length;
    if (count > 0) return count;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  return 0;
}

test.each([
  // The attempt is aborted at the 1 s deadline.
  ['a connection that never answers', 'hang', 900],
  // The backoff gives up as soon as its next wait would end past the deadline.
  ['throttling on every call', 'throttling', 0],
] as const)('%s: onEvent answers "not yet" within about a second of real time', async (_, kind, atLeastMs) => {
  env.fake.injectFault({ operation: 'GetParameter', kind });
  const realStart = Date.now();
  const answer = await env.provider.invokeUserOnEvent(createEvent(propsFor(TEAM_A))) as OnEventResponse;
  const realElapsed = Date.now() - realStart;

  expect(answer.MpaChange).toMatchObject({ request: { type: 'Create', team: TEAM_A } });
  expect(answer.MpaChange?.completed).toBeUndefined();
  const [invocation] = env.sim.lambda.invocations;
  expect(invocation).toMatchObject({ outcome: 'returned', timeoutMs: LAMBDA_TIMEOUT_SECONDS * 1000 });
  expect(realElapsed).toBeGreaterThanOrEqual(atLeastMs);
  expect(realElapsed).toBeLessThan(3_000);
  expect(await recordedFaults(kind)).toBeGreaterThan(0);
  expect(env.logs.lines()).toContainEqual(expect.objectContaining({ event: 'poll', row: 'unreadable' }));
}, 10_000);
