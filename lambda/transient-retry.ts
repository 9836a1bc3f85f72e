/**
 * Retries transient failures with capped exponential backoff and full jitter,
 * on top of the SDK's own attempts, until a time budget runs out. Approvals take
 * minutes to hours, so a throttled or briefly unavailable control plane must
 * never fail a deployment by itself.
 */
export interface TransientRetryOptions {
  /** Give up (rethrow the last error) once this epoch-millisecond time is reached. */
  readonly giveUpAt: number;
  /** First backoff ceiling. @default 200 */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling. @default 5000 */
  readonly maxDelayMs?: number;
  /** Called before each retry, e.g. to log it. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Injectable for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export async function retryTransient<T>(
  operation: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: TransientRetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? sleep;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const delayMs = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (!isTransient(error) || now() + delayMs >= options.giveUpAt) {
        throw error;
      }
      options.onRetry?.(error, attempt, delayMs);
      await wait(delayMs);
    }
  }
}
