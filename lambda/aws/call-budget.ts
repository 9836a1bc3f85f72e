import { errorName, isTransient } from './service-errors';
import type { Clock } from '../core/clock';
import { log } from '../core/log';

/**
 * One deadline per invocation, bounding every call to AWS, its retries and the
 * waits between them: whatever the services do (slow answers, a connection that
 * never answers, throttling), the invocation answers before Lambda stops it.
 *
 * Each attempt gets an AbortSignal at the earlier of the deadline and its own
 * timeout; transient failures are retried with capped exponential backoff and
 * full jitter while time remains, on the clock (which a simulator runs virtually).
 */
export class CallBudget {
  constructor(
    readonly clock: Clock,
    /** Epoch milliseconds by which every call must have returned. */
    readonly deadline: number,
    private readonly options: CallBudgetOptions = {},
  ) {}

  get remainingMs(): number {
    return Math.max(0, this.deadline - this.clock.now());
  }

  /** A budget for calls that must not use up this one: it ends `ms` from now, or at this budget's deadline. */
  limitedTo(ms: number): CallBudget {
    return new CallBudget(this.clock, Math.min(this.deadline, this.clock.now() + ms), this.options);
  }

  /** The signal for one attempt that starts now: aborts at the deadline or after the attempt timeout, whichever is first. */
  attemptSignal(): AbortSignal {
    return this.clock.abortAt(Math.min(this.deadline, this.clock.now() + (this.options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS)));
  }

  /** Runs `attempt` until it succeeds, fails permanently, or the budget cannot fit another try. */
  async run<T>(operation: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const base = this.options.baseDelayMs ?? 200;
    const cap = this.options.maxDelayMs ?? 5_000;
    const random = this.options.random ?? Math.random;
    for (let tries = 1; ; tries++) {
      if (this.clock.now() >= this.deadline) {
        throw new BudgetExhaustedError(operation);
      }
      try {
        return await attempt(this.attemptSignal());
      } catch (error) {
        const aborted = isAbort(error);
        if (!aborted && !isTransient(error)) throw error;
        const delayMs = Math.floor(random() * Math.min(cap, base * 2 ** (tries - 1)));
        if (this.clock.now() + delayMs >= this.deadline) {
          throw aborted ? new BudgetExhaustedError(operation, error) : error;
        }
        log({ event: 'retry', operation, attempt: tries, delayMs, error: errorName(error) });
        await this.clock.sleep(delayMs);
      }
    }
  }
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

export interface CallBudgetOptions {
  /** First backoff ceiling. @default 200 */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling. @default 5000 */
  readonly maxDelayMs?: number;
  /** Longest one attempt may take. @default 10000 */
  readonly attemptTimeoutMs?: number;
  readonly random?: () => number;
}

/** The invocation's time ran out before a call could complete: as transient as the errors that used it up. */
export class BudgetExhaustedError extends Error {
  constructor(readonly operation: string, readonly lastError?: unknown) {
    super(`${operation} could not complete before the invocation's deadline${lastError ? ` (last error: ${errorName(lastError)})` : ''}`);
    this.name = 'BudgetExhaustedError';
  }
}

function isAbort(error: unknown): boolean {
  const name = errorName(error);
  return name === 'AbortError' || name === 'TimeoutError' || (error as { code?: string })?.code === 'ABORT_ERR';
}
