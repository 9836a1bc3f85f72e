/**
 * The handler's sense of time. In Lambda it is the system clock; a local
 * simulator of CloudFormation and Lambda (the tests, `npm run demo`) hands the
 * handler a virtual clock through the invocation context, so that waits,
 * deadlines and retries run in simulated time without a seam anywhere else.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves once `ms` have passed (a virtual clock may move forward instead of waiting). */
  sleep(ms: number): Promise<void>;
  /** A signal that aborts once the clock reaches `at` (epoch milliseconds). */
  abortAt(at: number): AbortSignal;
}

/** The part of the Lambda context the handler reads. */
export interface InvocationContext {
  /** Not part of Lambda's context: a simulator's virtual clock. */
  readonly clock?: Clock;
  getRemainingTimeInMillis(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise<void>(resolve => setTimeout(resolve, ms)),
  abortAt: at => AbortSignal.timeout(Math.max(0, at - Date.now())),
};

export function clockOf(context: InvocationContext | undefined): Clock {
  return context?.clock ?? systemClock;
}
