/**
 * The wire formats the fake speaks: awsJson1_0 for the Payment Cryptography control
 * plane, awsJson1_1 for SSM, restJson1 for MPA's routes, SigV4-shaped authorization
 * for all three (each with its signing name and region), and the ways services spell
 * an error name.
 */
import type { IncomingMessage } from 'node:http';
import { LOGS_OPERATIONS, type LogsOperation } from './log-store';
import { matchMpaRoute, type MpaInput, type MpaOperation } from './mpa-api';
import { SSM_OPERATIONS, type SsmOperation } from './parameter-store';
import { ServiceError } from './service-error';

export const CONTROL_PLANE_TARGET_PREFIX = 'PaymentCryptographyControlPlane.';
export const CONTROL_PLANE_CONTENT_TYPE = 'application/x-amz-json-1.0';
export const CONTROL_PLANE_SIGNING_NAME = 'payment-cryptography';
export const CONTROL_PLANE_ERROR_NAMESPACE = 'com.amazonaws.paymentcryptography';
export const MPA_SIGNING_NAME = 'mpa';
export const MPA_CONTENT_TYPE = 'application/json';
export const MPA_ERROR_NAMESPACE = 'com.amazonaws.mpa';
export const SSM_TARGET_PREFIX = 'AmazonSSM.';
export const SSM_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const SSM_SIGNING_NAME = 'ssm';
export const SSM_ERROR_NAMESPACE = 'com.amazonaws.ssm';
export const LOGS_TARGET_PREFIX = 'Logs_20140328.';
export const LOGS_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const LOGS_SIGNING_NAME = 'logs';
export const LOGS_ERROR_NAMESPACE = 'com.amazonaws.logs';
/** Coral, the framework behind awsJson services, answers protocol errors in its own namespace. */
export const PROTOCOL_ERROR_NAMESPACE = 'com.amazon.coral.service';

export const CONTROL_PLANE_OPERATIONS = ['AssociateMpaTeam', 'DisassociateMpaTeam', 'GetMpaTeamAssociation'] as const;
export type ControlPlaneOperation = typeof CONTROL_PLANE_OPERATIONS[number];
export type OperationName = ControlPlaneOperation | MpaOperation | SsmOperation | LogsOperation;
export const MUTATING_OPERATIONS: readonly string[] = ['AssociateMpaTeam', 'DisassociateMpaTeam'];

/**
 * How an error name reaches the client. The SDK accepts all four and strips the
 * namespace (`…#`) and the suffix (`:…`), so a robust caller must too.
 * - `namespaced`: body `__type` = `com.amazonaws.paymentcryptography#ConflictException`
 * - `bare`: body `__type` = `ConflictException`
 * - `header`: only the `X-Amzn-ErrorType` header, no `__type` in the body
 * - `header-with-suffix`: like `header`, with a `:http://internal.amazon.com/…` suffix
 */
export type ErrorNameStyle = 'namespaced' | 'bare' | 'header' | 'header-with-suffix';

/** The regions requests must be signed for: the control plane's and SSM's, and MPA's own. */
export interface SigningRegions {
  readonly region: string;
  readonly mpaRegion: string;
}

/** A request the fake understood well enough to route; `input` is the JSON body or the path label. */
export type ParsedRequest =
  | { readonly route: 'control-plane'; readonly operation: ControlPlaneOperation; readonly input: Record<string, unknown> }
  | { readonly route: 'ssm'; readonly operation: SsmOperation; readonly input: Record<string, unknown> }
  | { readonly route: 'logs'; readonly operation: LogsOperation; readonly input: Record<string, unknown> }
  | { readonly route: 'mpa'; readonly operation: MpaOperation; readonly input: MpaInput };

/** A request refused before it reached an operation, with the operation name if one could be read. */
export interface RejectedRequest {
  readonly route: 'rejected';
  readonly operation: string;
  readonly input: unknown;
  readonly error: ServiceError;
}

interface JsonRpcService<Operation extends string> {
  readonly route: 'control-plane' | 'ssm' | 'logs';
  readonly targetPrefix: string;
  readonly contentType: string;
  readonly signingName: string;
  readonly operations: readonly Operation[];
}

const CONTROL_PLANE: JsonRpcService<ControlPlaneOperation> = {
  route: 'control-plane',
  targetPrefix: CONTROL_PLANE_TARGET_PREFIX,
  contentType: CONTROL_PLANE_CONTENT_TYPE,
  signingName: CONTROL_PLANE_SIGNING_NAME,
  operations: CONTROL_PLANE_OPERATIONS,
};
const SSM: JsonRpcService<SsmOperation> = {
  route: 'ssm',
  targetPrefix: SSM_TARGET_PREFIX,
  contentType: SSM_CONTENT_TYPE,
  signingName: SSM_SIGNING_NAME,
  operations: SSM_OPERATIONS,
};

const LOGS: JsonRpcService<LogsOperation> = {
  route: 'logs',
  targetPrefix: LOGS_TARGET_PREFIX,
  contentType: LOGS_CONTENT_TYPE,
  signingName: LOGS_SIGNING_NAME,
  operations: LOGS_OPERATIONS,
};

const SIGV4_AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;

/** Routes and checks one request; never throws. */
export function parseRequest(req: IncomingMessage, body: string, regions: SigningRegions): ParsedRequest | RejectedRequest {
  const url = req.url ?? '/';
  const method = req.method ?? 'GET';
  const mpaRoute = matchMpaRoute(method, url);
  if (mpaRoute) return parseMpa(req, mpaRoute, regions.mpaRegion);
  if (method === 'POST' && (url === '/' || url.startsWith('/?'))) {
    const target = headerValue(req, 'x-amz-target') ?? '';
    if (target.startsWith(SSM_TARGET_PREFIX)) return parseJsonRpc(req, body, SSM, regions.region);
    if (target.startsWith(LOGS_TARGET_PREFIX)) return parseJsonRpc(req, body, LOGS, regions.region);
    return parseJsonRpc(req, body, CONTROL_PLANE, regions.region);
  }
  return reject(`${method} ${url}`, undefined,
    new ServiceError('UnknownOperationException', 404, `No route for ${method} ${url}`));
}

function parseJsonRpc<Operation extends string>(
  req: IncomingMessage, body: string, service: JsonRpcService<Operation>, region: string,
): ParsedRequest | RejectedRequest {
  const target = headerValue(req, 'x-amz-target');
  const operationName = target?.startsWith(service.targetPrefix) ? target.slice(service.targetPrefix.length) : target ?? '';

  const authError = checkSigV4(req, service.signingName, region);
  if (authError) return reject(operationName, body, authError);

  const contentType = headerValue(req, 'content-type')?.split(';')[0].trim().toLowerCase();
  if (contentType !== service.contentType) {
    return reject(operationName, body, new ServiceError('SerializationException', 400,
      `Unsupported Content-Type '${contentType ?? ''}'; expected ${service.contentType}`));
  }
  if (!target?.startsWith(service.targetPrefix) || !(service.operations as readonly string[]).includes(operationName)) {
    return reject(operationName, body, new ServiceError('UnknownOperationException', 400,
      `Unknown operation: X-Amz-Target '${target ?? ''}'`));
  }

  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return reject(operationName, body, new ServiceError('SerializationException', 400, 'Request body is not valid JSON'));
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return reject(operationName, input, new ServiceError('SerializationException', 400, 'Request body must be a JSON object'));
  }
  return { route: service.route, operation: operationName, input: input as Record<string, unknown> } as ParsedRequest;
}

function parseMpa(
  req: IncomingMessage, route: { operation: MpaOperation; label: 'SessionArn' | 'Arn'; encoded: string }, mpaRegion: string,
): ParsedRequest | RejectedRequest {
  let arn: string;
  try {
    arn = decodeURIComponent(route.encoded);
  } catch {
    return reject(route.operation, route.encoded, new ServiceError('ValidationException', 400, `${route.label} is not a valid URI label`));
  }
  const input = { [route.label]: arn } as MpaInput;
  const authError = checkSigV4(req, MPA_SIGNING_NAME, mpaRegion);
  if (authError) return reject(route.operation, input, authError);
  return { route: 'mpa', operation: route.operation, input };
}

/**
 * Checks the shape of a SigV4 Authorization header and its credential scope, as AWS
 * front ends do before looking at the signature. The signature value is not verified.
 */
function checkSigV4(req: IncomingMessage, signingName: string, region: string): ServiceError | undefined {
  const authorization = headerValue(req, 'authorization');
  if (!authorization) {
    return new ServiceError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  }
  const match = SIGV4_AUTHORIZATION.exec(authorization);
  if (!match) {
    return new ServiceError('IncompleteSignatureException', 400,
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters in the AWS4-HMAC-SHA256 format. Authorization=${authorization}`);
  }
  const [, , scopeDate, scopeRegion, scopeService] = match;
  const amzDate = AMZ_DATE.exec(headerValue(req, 'x-amz-date') ?? '');
  if (!amzDate) {
    return new ServiceError('IncompleteSignatureException', 400, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (scopeService !== signingName) {
    return new ServiceError('InvalidSignatureException', 403, `Credential should be scoped to correct service: '${signingName}'.`);
  }
  if (scopeRegion !== region) {
    return new ServiceError('InvalidSignatureException', 403,
      `Credential should be scoped to a valid region: this endpoint serves '${region}', not '${scopeRegion}'.`);
  }
  if (scopeDate !== amzDate[1]) {
    return new ServiceError('InvalidSignatureException', 403,
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate[1]}'`);
  }
  return undefined;
}

/** Status, headers and body of an error answer in the given naming style. */
export function renderError(error: ServiceError, style: ErrorNameStyle, namespace: string): {
  status: number; headers: Record<string, string>; body: Record<string, unknown>;
} {
  const body: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  switch (style) {
    case 'namespaced':
      body.__type = `${namespace}#${error.errorName}`;
      break;
    case 'bare':
      body.__type = error.errorName;
      break;
    case 'header':
      headers['X-Amzn-ErrorType'] = error.errorName;
      break;
    case 'header-with-suffix':
      headers['X-Amzn-ErrorType'] = `${error.errorName}:http://internal.amazon.com/coral/${namespace}/`;
      break;
  }
  if (error.errorMessage !== undefined) body.Message = error.errorMessage;
  Object.assign(body, error.members);
  return { status: error.status, headers, body };
}

/**
 * Headers shaped like a SigV4-signed request (the signature is a placeholder), for
 * callers that drive the fake with raw HTTP instead of an SDK client.
 */
export function sigV4ShapedHeaders(signingName: string, region: string, date: Date = new Date()): Record<string, string> {
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scopeDate = amzDate.slice(0, 8);
  return {
    'X-Amz-Date': amzDate,
    'Authorization': `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scopeDate}/${region}/${signingName}/aws4_request, `
      + `SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  };
}

function reject(operation: string, input: unknown, error: ServiceError): RejectedRequest {
  return { route: 'rejected', operation, input, error };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
