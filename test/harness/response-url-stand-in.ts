import { createHash, randomBytes } from 'node:crypto';
import { currentScope } from './activity';
import type { ResponseRequestOptions } from './provider-framework-runtime';
import type { SimulationClock } from './simulation-clock';

/** What CloudFormation's custom-resource responses must stay within. */
export const RESPONSE_LIMIT_BYTES = 4096;

/** A response as it was PUT to a presigned ResponseURL. */
export interface RecordedResponse {
  readonly url: string;
  /** The body's RequestId (undefined if the body is not JSON). */
  readonly requestId?: string;
  readonly body: CloudFormationResponseBody | undefined;
  readonly text: string;
  readonly bytes: number;
  readonly at: number;
  /** The `x-simulation-tag` of the invocation that sent it, and the delivery it served. */
  readonly tag?: string;
  readonly delivery?: string;
  /** Set by CloudFormation: whether it was still waiting for this request when the response came. */
  waitedFor?: boolean;
  /** The association the service held for the request's action the moment the response came. */
  association?: unknown;
}

/** The body cfn-response.js sends. */
export interface CloudFormationResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly PhysicalResourceId?: string;
  readonly LogicalResourceId?: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, unknown>;
}

export interface PresignFor {
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly RequestId: string;
}

/**
 * The presigned S3 URL CloudFormation hands a custom resource, locally: a URL
 * per request, shaped like the real one (its signature is a secret: whoever
 * holds the URL can answer for the stack), and every PUT to any URL recorded
 * with the invocation that sent it. The store accepts every PUT, as S3 does;
 * whether CloudFormation still listens is CloudFormation's business.
 */
export class ResponseUrlStandIn {
  readonly responses: RecordedResponse[] = [];
  private readonly urls = new Map<string, string>();
  private readonly listeners = new Set<(response: RecordedResponse) => void>();
  constructor(private readonly clock: SimulationClock, private readonly region: string) {}

  /** Looks at the service the moment a response arrives (set by the simulation). */
  observe: (response: RecordedResponse) => void = () => undefined;

  /** The URL for a request; the same request (a redelivery) gets the same URL. */
  presign(request: PresignFor): string {
    const existing = this.urls.get(request.RequestId);
    if (existing) return existing;
    const key = encodeURIComponent(`${request.StackId}|${request.LogicalResourceId}|${request.RequestId}`);
    const date = new Date(this.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const signature = createHash('sha256').update(randomBytes(32)).digest('hex');
    const url = `https://cloudformation-custom-resource-response-${this.region.replace(/-/g, '')}.s3.amazonaws.com/${key}`
      + `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-SignedHeaders=host&X-Amz-Expires=7199`
      + `&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F${date.slice(0, 8)}%2F${this.region}%2Fs3%2Faws4_request&X-Amz-Signature=${signature}`;
    this.urls.set(request.RequestId, url);
    return url;
  }

  /** Every URL handed out: none may appear in a log line. */
  presignedUrls(): string[] {
    return [...this.urls.values()];
  }

  /** Called for each response as it arrives. Returns the function that stops listening. */
  onResponse(listener: (response: RecordedResponse) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The stand-in for outbound.js's `httpRequest`, which cfn-response.js calls with the response body. */
  readonly httpRequest = async (options: ResponseRequestOptions, body: string): Promise<void> => {
    if (options.method !== 'PUT') throw new Error(`Unsuccessful HTTP response: 405 (${options.method} to a presigned PUT URL)`);
    const scope = currentScope();
    let parsed: CloudFormationResponseBody | undefined;
    try {
      parsed = JSON.parse(body) as CloudFormationResponseBody;
    } catch {
      parsed = undefined;
    }
    const response: RecordedResponse = {
      url: `https://${options.hostname ?? ''}${options.path ?? ''}`,
      requestId: parsed?.RequestId,
      body: parsed,
      text: body,
      bytes: Buffer.byteLength(body, 'utf8'),
      at: this.clock.now(),
      tag: scope?.tag,
      delivery: scope?.delivery,
    };
    this.responses.push(response);
    this.observe(response);
    for (const listener of this.listeners) listener(response);
  };

  reset(): void {
    this.responses.length = 0;
    this.urls.clear();
  }
}
