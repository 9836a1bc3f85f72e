/**
 * How long the custom-resource Provider's waiter and CloudFormation wait, derived
 * from the approval timeout and the poll interval.
 *
 * The handler's isComplete enforces the approval timeout itself, so that the
 * failure reason names the pending session; the waiter's total timeout is only a
 * backstop behind it (CloudFormation would otherwise report just "Operation timed
 * out"), and CloudFormation's ServiceTimeout a backstop behind the waiter.
 */
export interface ProviderTimeouts {
  /** Seconds between isComplete calls (the poll interval). */
  readonly queryIntervalSeconds: number;
  /**
   * The waiter's total timeout in seconds: approval timeout + two poll intervals
   * + 60 s for the first call and the last poll, rounded up to a whole number of
   * poll intervals (the Provider requires an exact multiple).
   */
  readonly totalTimeoutSeconds: number;
  /** The custom resource's ServiceTimeout in seconds: the total timeout + 60 s. */
  readonly serviceTimeoutSeconds: number;
}

/** Margin for the first onEvent call and the last poll, in seconds. */
const WAITER_MARGIN_SECONDS = 60;
/** Margin between the waiter giving up and CloudFormation giving up, in seconds. */
const SERVICE_TIMEOUT_MARGIN_SECONDS = 60;
/** The longest ServiceTimeout CloudFormation accepts for a custom resource, in seconds. */
export const MAX_SERVICE_TIMEOUT_SECONDS = 3600;

/** Derives the Provider's and CloudFormation's timeouts. Inputs are whole seconds. */
export function deriveProviderTimeouts(approvalTimeoutSeconds: number, pollIntervalSeconds: number): ProviderTimeouts {
  const unrounded = approvalTimeoutSeconds + 2 * pollIntervalSeconds + WAITER_MARGIN_SECONDS;
  const totalTimeoutSeconds = Math.ceil(unrounded / pollIntervalSeconds) * pollIntervalSeconds;
  return {
    queryIntervalSeconds: pollIntervalSeconds,
    totalTimeoutSeconds,
    serviceTimeoutSeconds: totalTimeoutSeconds + SERVICE_TIMEOUT_MARGIN_SECONDS,
  };
}
