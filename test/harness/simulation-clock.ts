import type { Clock } from '../../lambda/core/clock';

/** A timer that can be called off before it fires. */
export interface Cancellable {
  readonly promise: Promise<void>;
  cancel(): void;
}

/**
 * The time every stand-in of the simulation reads: CloudFormation's deadlines,
 * Lambda's timeouts, the Step Functions waiter's intervals, the fake's delays
 * and, handed over in the invocation context, the handler's own clock.
 */
export interface SimulationClock extends Clock {
  /** True when time is simulated (it only moves when every actor waits on it). */
  readonly virtual: boolean;
  /**
   * Resolves once the clock reaches `at`, without asking for time to pass: a
   * deadline or a timeout that only matters if something else makes time pass
   * (Lambda's timeout, an abort signal).
   */
  when(at: number): Cancellable;
  /** Like `sleep`, but can be called off (CloudFormation stops waiting once a response arrives). */
  sleepUntil(at: number): Cancellable;
  /** Lets time pass until `at`, firing every due timer in order. */
  advanceTo(at: number): Promise<void>;
  advanceBy(ms: number): Promise<void>;
}

/** The reason AbortSignal.timeout gives, so a virtual deadline aborts a call exactly as a real one does. */
export function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/**
 * Real time, for the few cases where real time is the point (the SDK's own
 * request timeout, the system clock's abort signal). The handler gets no clock
 * in its context then, and uses its system clock.
 */
export class RealTimeClock implements SimulationClock {
  readonly virtual = false;

  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return this.sleepUntil(Date.now() + ms).promise;
  }

  abortAt(at: number): AbortSignal {
    return AbortSignal.timeout(Math.max(0, at - Date.now()));
  }

  when(at: number): Cancellable {
    return this.sleepUntil(at);
  }

  sleepUntil(at: number): Cancellable {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<void>(resolve => {
      timer = setTimeout(resolve, Math.max(0, at - Date.now()));
    });
    return { promise, cancel: () => clearTimeout(timer) };
  }

  advanceTo(at: number): Promise<void> {
    return this.sleepUntil(at).promise;
  }

  advanceBy(ms: number): Promise<void> {
    return this.sleep(ms);
  }
}
