import type { LambdaContext } from './function-code';
import type { UserFunctions } from './handler-code';

/** What a scripted custom resource does with a request: answer, keep the waiter waiting, or fail (in onEvent or in isComplete). */
export type ScriptedOutcome = 'complete' | 'wait' | { readonly fail: string; readonly in?: 'onEvent' | 'isComplete' };

/** A request as the scripted resource saw it in onEvent. */
export interface SeenRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, string>;
  readonly OldResourceProperties?: Record<string, string>;
  /** Simulated time onEvent ran. */
  readonly at: number;
}

/**
 * User functions for the construct's custom resource whose answers a test
 * scripts, request by request, so that the stack simulator's own tests state
 * CloudFormation's sequences without depending on the handler's decisions.
 * The Data echoes the team.
 */
export class ScriptedResource {
  readonly requests: SeenRequest[] = [];
  /** Decides each request's outcome; by default every request completes at once. */
  decide: (request: SeenRequest) => ScriptedOutcome = () => 'complete';
  /** The physical id onEvent answers; by default the request's, or `physical-<logical id>` for a Create. */
  physicalIdFor: (request: SeenRequest) => string = request => request.PhysicalResourceId ?? `physical-${request.LogicalResourceId}`;

  get functions(): UserFunctions {
    return {
      onEvent: async (event: any, context: LambdaContext) => {
        const request: SeenRequest = { ...event, at: context.clock!.now() };
        this.requests.push(request);
        const outcome = this.decide(request);
        if (typeof outcome === 'object' && outcome.in === 'onEvent') throw new Error(outcome.fail);
        return { PhysicalResourceId: this.physicalIdFor(request) };
      },
      isComplete: async (event: any) => {
        const request = this.requests.find(r => r.RequestId === event.RequestId)!;
        const outcome = this.decide(request);
        if (typeof outcome === 'object') throw new Error(outcome.fail);
        if (outcome === 'wait') return { IsComplete: false };
        return request.RequestType === 'Delete' ? { IsComplete: true } : { IsComplete: true, Data: { MpaTeamArn: event.ResourceProperties.MpaTeamArn } };
      },
    };
  }

  /** The requests as `<type> <logical id>` lines, in order. */
  summary(): string[] {
    return this.requests.map(r => `${r.RequestType} ${r.LogicalResourceId}`);
  }
}
