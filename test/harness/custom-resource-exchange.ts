import { newScope, runInScope } from './activity';
import type { AwsStandIns } from './aws-stand-ins';
import type { CloudFormationResponseBody, RecordedResponse } from './response-url-stand-in';

/** A custom-resource request as CloudFormation sends it. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly ResponseURL: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly StackId: string;
  readonly ServiceToken?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

export type ExchangeOutcome =
  | { readonly kind: 'response'; readonly response: RecordedResponse }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'abandoned' };

export interface ExchangeOptions {
  readonly sim: AwsStandIns;
  /** The request, for the tag and the comments to keep out of logs. */
  readonly request: CustomResourceRequest;
  /** Starts the work (invokes the ServiceToken, or starts a waiter), inside the delivery's scope. */
  readonly send: () => unknown;
  /** How long CloudFormation waits (the resource's ServiceTimeout). */
  readonly timeoutSeconds: number;
  /** Which responses answer this exchange. @default a PUT to the request's ResponseURL */
  readonly accepts?: (response: RecordedResponse, deliveryId: string) => boolean;
  /** Called the moment the response arrives (to look at the service then). */
  readonly atResponse?: (response: RecordedResponse) => void;
  /** CloudFormation stops waiting when this resolves (a cancelled update). */
  readonly abandon?: Promise<unknown>;
  /** Rejects the wait (a test's hook failed). */
  readonly failure?: Promise<never>;
}

export interface Exchange {
  readonly deliveryId: string;
  readonly outcome: ExchangeOutcome;
}

/** A request the simulation sent, and how CloudFormation's wait for it ended (while it waits: undefined). */
export interface SentRequest {
  readonly request: CustomResourceRequest;
  readonly deliveryId: string;
  ended?: ExchangeOutcome['kind'];
}

let deliveries = 0;

/**
 * One send of a request and CloudFormation's wait for its answer: the first
 * accepted PUT wins; the wait ends at ServiceTimeout, or when CloudFormation
 * abandons the request. A response arriving after that is recorded and ignored.
 */
export async function exchange(options: ExchangeOptions): Promise<Exchange> {
  const { sim, request } = options;
  const deliveryId = `delivery-${++deliveries}`;
  rememberComments(sim, request);
  const accepts = options.accepts ?? ((response: RecordedResponse) => response.url === request.ResponseURL);
  let stopListening = () => undefined as unknown;
  const answered = new Promise<RecordedResponse>(resolve => {
    stopListening = sim.responses.onResponse(response => {
      if (!accepts(response, deliveryId)) return;
      response.waitedFor = true;
      stopListening();
      options.atResponse?.(response);
      resolve(response);
    });
  });
  const sent: SentRequest = { request, deliveryId };
  sim.sentRequests.push(sent);
  const scope = newScope({ kind: 'delivery', id: deliveryId, tag: request.RequestId, delivery: deliveryId });
  runInScope(scope, options.send);
  const deadline = sim.clock.sleepUntil(sim.clock.now() + options.timeoutSeconds * 1000);
  try {
    const outcome = await Promise.race<ExchangeOutcome>([
      answered.then(response => ({ kind: 'response', response })),
      deadline.promise.then(() => ({ kind: 'timeout' })),
      ...(options.abandon ? [options.abandon.then(() => ({ kind: 'abandoned' as const }))] : []),
      ...(options.failure ? [options.failure] : []),
    ]);
    sent.ended = outcome.kind;
    return { deliveryId, outcome };
  } finally {
    deadline.cancel();
    stopListening();
  }
}

/** What CloudFormation makes of a response body: whether it is usable, and why not. */
export function validateResponse(response: RecordedResponse, request: CustomResourceRequest): string | undefined {
  const body: CloudFormationResponseBody | undefined = response.body;
  if (!body) return 'Invalid response object: the body is not JSON';
  if (response.bytes > 4096) return 'Response object is too long.';
  if (body.Status !== 'SUCCESS' && body.Status !== 'FAILED') return `Invalid response object: Status ${String(body.Status)}`;
  if (!body.PhysicalResourceId) return 'Invalid PhysicalResourceId';
  if (body.RequestId !== request.RequestId || body.LogicalResourceId !== request.LogicalResourceId || body.StackId !== request.StackId) {
    return 'Invalid response object: RequestId, LogicalResourceId and StackId must be those of the request';
  }
  return undefined;
}

function rememberComments(sim: AwsStandIns, request: CustomResourceRequest): void {
  for (const properties of [request.ResourceProperties, request.OldResourceProperties]) {
    const comment = properties?.RequesterComment;
    if (typeof comment === 'string' && comment.trim().length >= 4) sim.requesterComments.add(comment);
  }
}
