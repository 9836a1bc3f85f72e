/**
 * Ways the fake's own tests reach it on the wire: the real SDK clients pointed at its
 * endpoint, and raw signed-shape HTTP for what no installed client can send (MPA's
 * REST API) or for answers a client would hide (exact bodies and headers).
 */
import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { SSMClient } from '@aws-sdk/client-ssm';
import { sigV4ShapedHeaders, type FakeControlPlane } from './fake-control-plane';

export const ACTION = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
export const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/team-a';
export const TEAM_B = 'arn:aws:mpa:us-east-1:111122223333:approval-team/team-b';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret-for-the-local-fake' };

export interface WireAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; undefined for an empty one. */
  readonly body: any;
  readonly text: string;
}

/** The real 3.882.0 client, one attempt per call, signing for `region` (the fake's by default). */
export function paymentCryptographyClient(fake: FakeControlPlane, region = fake.region): PaymentCryptographyClient {
  return new PaymentCryptographyClient({ endpoint: fake.endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 });
}

export function ssmClient(fake: FakeControlPlane, region = fake.region): SSMClient {
  return new SSMClient({ endpoint: fake.endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 });
}

export interface ControlPlaneCallOptions {
  /** Headers added to (or, with `undefined`, removed from) the JSON content type, the target and the SigV4-shaped ones. */
  readonly headers?: Record<string, string | undefined>;
  /** The body as sent, instead of the input as JSON. */
  readonly rawBody?: string;
  readonly signal?: AbortSignal;
}

/** One awsJson1_0 control-plane request with SigV4-shaped headers, as bare HTTP (no SDK: no retries, no timeout but `signal`). */
export async function callControlPlane(
  fake: FakeControlPlane, operation: string, input: unknown, options: ControlPlaneCallOptions = {},
): Promise<WireAnswer> {
  const headers: Record<string, string | undefined> = {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `PaymentCryptographyControlPlane.${operation}`,
    ...sigV4ShapedHeaders('payment-cryptography', fake.region),
    ...options.headers,
  };
  return send(`${fake.endpoint}/`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    body: options.rawBody ?? JSON.stringify(input),
    signal: options.signal,
  });
}

export interface MpaCallOptions {
  /** Region the request is signed for. @default fake.mpaRegion */
  readonly region?: string;
  readonly headers?: Record<string, string>;
}

/** One restJson1 MPA request; `arn` is URL-encoded into the path as the SDKs do. */
export async function callMpa(
  fake: FakeControlPlane, method: 'GET' | 'PUT', resource: 'sessions' | 'approval-teams', arn: string, options: MpaCallOptions = {},
): Promise<WireAnswer> {
  return send(`${fake.endpoint}/${resource}/${encodeURIComponent(arn)}`, {
    method,
    headers: { ...sigV4ShapedHeaders('mpa', options.region ?? fake.mpaRegion), ...options.headers },
  });
}

export const getSession = (fake: FakeControlPlane, sessionArn: string, options?: MpaCallOptions) =>
  callMpa(fake, 'GET', 'sessions', sessionArn, options);
export const cancelSession = (fake: FakeControlPlane, sessionArn: string, options?: MpaCallOptions) =>
  callMpa(fake, 'PUT', 'sessions', sessionArn, options);
export const getApprovalTeam = (fake: FakeControlPlane, teamArn: string, options?: MpaCallOptions) =>
  callMpa(fake, 'GET', 'approval-teams', teamArn, options);

async function send(url: string, init: RequestInit): Promise<WireAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text), text };
}

/** Resolves with the error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
