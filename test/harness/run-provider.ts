import { AwsStandIns } from './aws-stand-ins';
import type { UserFunctions } from './handler-code';
import { SimulatedProvider, type CloudFormationResponse } from './simulated-provider';
import { RealTimeClock } from './simulation-clock';
import type { IsCompleteRequest, OnEventRequest } from '../../lambda/provider-events';

/** What one request through the provider came to. */
export interface FrameworkRun {
  readonly response: CloudFormationResponse;
  /** isComplete calls made (the first right after onEvent). */
  readonly polls: number;
  /** The merged event isComplete received. */
  readonly waiterInput?: IsCompleteRequest;
}

export interface FrameworkOptions {
  /** Real time between polls (the waiter's interval). @default 5 */
  readonly pollIntervalMs?: number;
  /** The most isComplete polls before the waiter gives up. @default 500 */
  readonly maxPolls?: number;
  /** Runs after each poll that was not complete. */
  readonly betweenPolls?: (poll: number) => void | Promise<void>;
  /** The user functions' Lambda timeout. @default 120000 */
  readonly remainingMs?: number;
  /** The user functions to drive (e.g. the bundled asset's). */
  readonly handlers: UserFunctions;
}

/**
 * One request through aws-cdk-lib's provider framework, in real time, for
 * programs outside the test suite (`npm run demo`, the benchmark) that drive
 * the handler themselves and point it at a fake through the process
 * environment: the user functions run as given, so their log lines go where
 * they always go. Tests use test/harness's Simulation instead.
 */
export async function runProvider(event: OnEventRequest, options: FrameworkOptions): Promise<FrameworkRun> {
  const clock = new RealTimeClock();
  const host = new AwsStandIns(clock, process.env.AWS_REGION ?? 'us-east-1', '123456789012', () => ({}));
  const pollIntervalMs = options.pollIntervalMs ?? 5;
  const provider = await SimulatedProvider.deploy(host, { handlers: options.handlers, pollIntervalSeconds: pollIntervalMs / 1000 });
  try {
    const delivery = await provider.deliver(event, {
      betweenPolls: options.betweenPolls,
      maxPolls: options.maxPolls ?? 500,
      remainingMs: options.remainingMs,
    });
    return { response: delivery.response, polls: delivery.polls, waiterInput: delivery.waiterInput as IsCompleteRequest | undefined };
  } finally {
    await host.settle();
  }
}
