import { randomUUID } from 'node:crypto';
import { currentScope } from './activity';
import type { AwsStandIns } from './aws-stand-ins';
import { exchange, type CustomResourceRequest } from './custom-resource-exchange';
import type { FunctionCode } from './function-code';
import { handlerCode, type HandlerCodeChoice, type UserFunctions } from './handler-code';
import type { InvocationRecord } from './lambda-stand-in';
import { providerFrameworkCode } from './provider-framework-runtime';
import type { CloudFormationResponseBody, RecordedResponse } from './response-url-stand-in';
import { waiterDefinitionString } from './waiter-definition';
import { deriveProviderTimeouts } from '../../src/engines/custom-resource/provider-timeouts';

/** A provider as the construct builds it (src/engines/custom-resource/mpa-team-association-provider.ts), without synthesizing a stack. */
export interface ProviderSettings {
  /** Prefix of its function names. @default `Provider<n>` */
  readonly name?: string;
  /** The user functions' code. @default 'source' */
  readonly handlers?: HandlerCodeChoice | UserFunctions;
  /** @default 1800 */
  readonly approvalTimeoutSeconds?: number;
  /** The waiter's query interval. @default 1 */
  readonly pollIntervalSeconds?: number;
  /** The user functions' Lambda timeout (the construct's is 2 minutes). @default 120 */
  readonly handlerTimeoutSeconds?: number;
}

/** The response as CloudFormation reads it. */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  /**
   * A failure's reason as the handler gave it. The framework appends
   * `\n\nLogs: /aws/lambda/<function>` and the error's stack to a user
   * function's error: the whole reason is in the delivery's `body`.
   */
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  /** Response data; an empty map (what the framework sends when there is none) reads as none. */
  readonly Data?: Record<string, string>;
}

/** One delivery of a request through the provider, and what came of it. */
export interface ProviderDelivery {
  readonly deliveryId: string;
  readonly response: CloudFormationResponse;
  /** The body as the framework PUT it. */
  readonly body: CloudFormationResponseBody;
  readonly bytes: number;
  /** Invocations of the user isComplete function for this delivery (the first right after onEvent). */
  readonly polls: number;
  /** The merged event the user isComplete received first, to resume a waiter with it. */
  readonly waiterInput?: any;
  readonly invocations: readonly InvocationRecord[];
  /** The association of the request's action as the service held it the moment the response arrived. */
  readonly associationAtResponse?: unknown;
}

export interface DeliveryOptions {
  /** Runs after each poll that was not complete, before the waiter's interval, with the number of polls so far. */
  readonly betweenPolls?: (poll: number) => void | Promise<void>;
  /** The user functions' Lambda timeout for this delivery, in ms. @default the provider's */
  readonly remainingMs?: number;
  /** The most isComplete polls before the waiter gives up ("Operation timed out"). @default as synthesized */
  readonly maxPolls?: number;
  /** Other user functions for this delivery (e.g. one that dies). @default the provider's */
  readonly handlers?: UserFunctions;
  /** Called the moment the response arrives. */
  readonly atResponse?: (response: RecordedResponse) => void;
}

let providers = 0;

/**
 * One custom-resource provider deployed in the simulation as the construct
 * deploys it: aws-cdk-lib's framework functions (onEvent, isComplete,
 * onTimeout: 900 s, JSON logs at FATAL), the handler's two functions, and the
 * waiter state machine with the construct's interval and MaxAttempts. Requests
 * go to it as CloudFormation sends them: an asynchronous invocation of the
 * framework's onEvent, then a wait for the response at the ResponseURL.
 */
export class SimulatedProvider {
  static async deploy(sim: AwsStandIns, settings: ProviderSettings = {}): Promise<SimulatedProvider> {
    const provider = new SimulatedProvider(sim, settings);
    provider.deployFunctions();
    return provider;
  }

  readonly names: {
    readonly frameworkOnEvent: string;
    readonly frameworkIsComplete: string;
    readonly frameworkOnTimeout: string;
    readonly userOnEvent: string;
    readonly userIsComplete: string;
    readonly waiter: string;
  };
  readonly serviceToken: string;
  readonly waiterArn: string;
  private readonly approvalTimeoutSeconds: number;
  private readonly pollIntervalSeconds: number;
  private readonly handlerTimeoutSeconds: number;
  private current: { timeoutSeconds: number; handlers?: UserFunctions; maxAttempts: number };
  private defaultCode?: { onEvent: FunctionCode; isComplete: FunctionCode };

  private constructor(readonly sim: AwsStandIns, private readonly settings: ProviderSettings) {
    const name = settings.name ?? `Provider${++providers}`;
    this.names = {
      frameworkOnEvent: `${name}-framework-onEvent`,
      frameworkIsComplete: `${name}-framework-isComplete`,
      frameworkOnTimeout: `${name}-framework-onTimeout`,
      userOnEvent: `${name}-OnEventHandler`,
      userIsComplete: `${name}-IsCompleteHandler`,
      waiter: `${name}-waiter-state-machine`,
    };
    this.approvalTimeoutSeconds = settings.approvalTimeoutSeconds ?? 1800;
    this.pollIntervalSeconds = settings.pollIntervalSeconds ?? 1;
    this.handlerTimeoutSeconds = settings.handlerTimeoutSeconds ?? 120;
    this.serviceToken = sim.lambda.arnOf(this.names.frameworkOnEvent);
    this.waiterArn = sim.stepFunctions.arnOf(this.names.waiter);
    this.current = { timeoutSeconds: this.handlerTimeoutSeconds, maxAttempts: this.synthesizedMaxAttempts };
  }

  /** totalTimeout / queryInterval, as calculateRetryPolicy derives it from the construct's timeouts. */
  get synthesizedMaxAttempts(): number {
    return deriveProviderTimeouts(this.approvalTimeoutSeconds, this.pollIntervalSeconds).totalTimeoutSeconds / this.pollIntervalSeconds;
  }

  /** Sends `event` as CloudFormation would and waits for the response this delivery sends. */
  async deliver(event: CustomResourceRequest | Record<string, any>, options: DeliveryOptions = {}): Promise<ProviderDelivery> {
    const request = this.withResponseUrl(event as CustomResourceRequest);
    return this.run(request, options, () => void this.sim.lambda.invokeAsync({ FunctionName: this.serviceToken, Payload: JSON.stringify(request) }));
  }

  /** Starts another waiter execution with onEvent's merged event (the next poll, as after a crash). */
  async resume(merged: Record<string, any>, options: DeliveryOptions = {}): Promise<ProviderDelivery> {
    return this.run(merged as CustomResourceRequest, options,
      () => void this.sim.stepFunctions.startExecution({ stateMachineArn: this.waiterArn, input: JSON.stringify(merged) }));
  }

  /** Invokes the user onEvent function alone, as the framework would, and returns its answer. */
  async invokeUserOnEvent(event: object): Promise<unknown> {
    const result = await this.sim.lambda.invoke({ FunctionName: this.names.userOnEvent, Payload: JSON.stringify(event) });
    const payload = JSON.parse(Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8'));
    if (result.FunctionError) throw new Error(`${this.names.userOnEvent} failed: ${payload.errorMessage}`);
    return payload;
  }

  private async run(request: CustomResourceRequest, options: DeliveryOptions, send: () => void): Promise<ProviderDelivery> {
    this.configure(options);
    let failHook: (error: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => { failHook = reject; });
    let deliveryId = '';
    const stopRetries = this.sim.stepFunctions.onRetry(async execution => {
      if (execution.delivery !== deliveryId || !options.betweenPolls) return;
      try {
        await options.betweenPolls(this.pollsOf(deliveryId));
      } catch (error) {
        failHook(error);
      }
    });
    try {
      const result = await exchange({
        sim: this.sim,
        request,
        timeoutSeconds: Number(request.ResourceProperties?.ServiceTimeout ?? 3600),
        send: () => {
          deliveryId = currentScope()!.delivery!;
          send();
        },
        accepts: (response, id) => response.delivery === id,
        atResponse: options.atResponse,
        failure,
      });
      if (result.outcome.kind !== 'response') {
        throw new Error(`No response to ${request.RequestType} ${request.RequestId} within its ServiceTimeout: the framework never answered`);
      }
      const response = result.outcome.response;
      const invocations = this.sim.lambda.invocations.filter(i => i.delivery === result.deliveryId);
      const firstPoll = invocations.find(i => i.functionName === this.names.userIsComplete);
      return {
        deliveryId: result.deliveryId,
        response: asCloudFormationReads(response.body!),
        body: response.body!,
        bytes: response.bytes,
        polls: this.pollsOf(result.deliveryId),
        waiterInput: firstPoll?.event,
        invocations,
        associationAtResponse: response.association,
      };
    } finally {
      stopRetries();
    }
  }

  private pollsOf(deliveryId: string): number {
    return this.sim.lambda.invocations.filter(i => i.delivery === deliveryId && i.functionName === this.names.userIsComplete).length;
  }

  /** A request from a test fixture carries no usable ResponseURL: give it a presigned one, as CloudFormation does. */
  private withResponseUrl(request: CustomResourceRequest): CustomResourceRequest {
    if (request.ResponseURL?.startsWith('https://')) return request;
    const filled = { ...request, RequestId: request.RequestId ?? randomUUID() };
    return { ...filled, ResponseURL: this.sim.responses.presign(filled) };
  }

  private deployFunctions(): void {
    const { lambda, stepFunctions, outbound } = this.sim;
    const choice = this.settings.handlers ?? 'source';
    this.defaultCode = { onEvent: handlerCode(choice, 'onEvent'), isComplete: handlerCode(choice, 'isComplete') };
    const user = { timeoutSeconds: this.handlerTimeoutSeconds, memorySize: 256 };
    lambda.createFunction({ ...user, functionName: this.names.userOnEvent, code: this.defaultCode.onEvent });
    lambda.createFunction({ ...user, functionName: this.names.userIsComplete, code: this.defaultCode.isComplete });
    const userArns = {
      USER_ON_EVENT_FUNCTION_ARN: lambda.arnOf(this.names.userOnEvent),
      USER_IS_COMPLETE_FUNCTION_ARN: lambda.arnOf(this.names.userIsComplete),
    };
    const framework = { timeoutSeconds: 900, logging: { format: 'JSON', applicationLogLevel: 'FATAL' } } as const;
    lambda.createFunction({
      ...framework,
      functionName: this.names.frameworkOnEvent,
      code: providerFrameworkCode('onEvent', outbound),
      environment: { ...userArns, WAITER_STATE_MACHINE_ARN: this.waiterArn },
    });
    lambda.createFunction({ ...framework, functionName: this.names.frameworkIsComplete, code: providerFrameworkCode('isComplete', outbound), environment: userArns });
    lambda.createFunction({ ...framework, functionName: this.names.frameworkOnTimeout, code: providerFrameworkCode('onTimeout', outbound), environment: userArns });
    stepFunctions.putStateMachine(this.names.waiter, this.waiterDefinition(this.current.maxAttempts));
  }

  private waiterDefinition(maxAttempts: number): string {
    return waiterDefinitionString({
      isCompleteArn: this.sim.lambda.arnOf(this.names.frameworkIsComplete),
      onTimeoutArn: this.sim.lambda.arnOf(this.names.frameworkOnTimeout),
      intervalSeconds: this.pollIntervalSeconds,
      maxAttempts,
      backoffRate: 1,
    });
  }

  /** Applies a delivery's overrides (Lambda's UpdateFunctionConfiguration / UpdateFunctionCode, Step Functions' UpdateStateMachine). */
  private configure(options: DeliveryOptions): void {
    const timeoutSeconds = options.remainingMs !== undefined ? options.remainingMs / 1000 : this.handlerTimeoutSeconds;
    const maxAttempts = options.maxPolls !== undefined ? options.maxPolls - 1 : this.synthesizedMaxAttempts;
    const handlers = options.handlers;
    const { lambda } = this.sim;
    if (timeoutSeconds !== this.current.timeoutSeconds || handlers !== this.current.handlers) {
      const code = handlers
        ? { onEvent: handlerCode(handlers, 'onEvent'), isComplete: handlerCode(handlers, 'isComplete') }
        : this.defaultCode!;
      lambda.updateFunction(this.names.userOnEvent, { timeoutSeconds, code: code.onEvent });
      lambda.updateFunction(this.names.userIsComplete, { timeoutSeconds, code: code.isComplete });
    }
    if (maxAttempts !== this.current.maxAttempts) {
      this.sim.stepFunctions.putStateMachine(this.names.waiter, this.waiterDefinition(maxAttempts));
    }
    this.current = { timeoutSeconds, handlers, maxAttempts };
  }
}

/** The response as CloudFormation reads it (see CloudFormationResponse). */
export function asCloudFormationReads(body: CloudFormationResponseBody): CloudFormationResponse {
  const data = body.Data && Object.keys(body.Data).length > 0 ? body.Data as Record<string, string> : undefined;
  return {
    Status: body.Status,
    ...(body.Status === 'FAILED' && { Reason: handlerReason(body.Reason ?? '') }),
    PhysicalResourceId: body.PhysicalResourceId ?? '',
    Data: data,
  };
}

/** The reason before the framework's `Logs:` line, or the first line of a framework error's stack. */
export function handlerReason(reason: string): string {
  const logs = reason.indexOf('\n\nLogs: ');
  if (logs >= 0) return reason.slice(0, logs);
  return reason.split('\n')[0];
}
