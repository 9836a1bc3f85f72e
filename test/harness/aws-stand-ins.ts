import type { SentRequest } from './custom-resource-exchange';
import { LambdaStandIn } from './lambda-stand-in';
import type { ProviderFrameworkOutbound } from './provider-framework-runtime';
import { ResponseUrlStandIn } from './response-url-stand-in';
import type { SimulationClock } from './simulation-clock';
import { StepFunctionsStandIn } from './step-functions-stand-in';
import type { TimerFunctions } from './virtual-timers';

/**
 * What AWS hosts around a custom resource, played locally on one clock:
 * Lambda, the Step Functions waiter and the presigned ResponseURL, and the
 * three outbound calls of aws-cdk-lib's provider framework wired to them.
 */
export class AwsStandIns {
  readonly lambda: LambdaStandIn;
  readonly stepFunctions: StepFunctionsStandIn;
  readonly responses: ResponseUrlStandIn;
  /** Every custom-resource request sent, in order. */
  readonly sentRequests: SentRequest[] = [];
  /** Every RequesterComment sent in a request: none may appear in a log line. */
  readonly requesterComments = new Set<string>();

  constructor(
    readonly clock: SimulationClock,
    readonly region: string,
    readonly accountId: string,
    baseEnvironment: () => Record<string, string>,
    timers?: TimerFunctions,
  ) {
    this.lambda = new LambdaStandIn({ clock, region, accountId, baseEnvironment, timers });
    this.stepFunctions = new StepFunctionsStandIn(clock, this.lambda, region, accountId);
    this.responses = new ResponseUrlStandIn(clock, region);
  }

  /** The three exports of the framework's outbound.js, played by these stand-ins. */
  get outbound(): ProviderFrameworkOutbound {
    return {
      invokeFunction: request => this.lambda.invoke(request),
      startExecution: request => this.stepFunctions.startExecution(request),
      httpRequest: (options, body) => this.responses.httpRequest(options, body),
    };
  }

  /** Lets every started waiter and queued invocation run to its end (time passes as they wait). */
  async settle(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      await this.stepFunctions.idle();
      await this.lambda.idle();
      if (this.lambda.runningInvocations().size === 0) return;
    }
  }
}
