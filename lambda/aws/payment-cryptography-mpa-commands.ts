/**
 * AssociateMpaTeam, DisassociateMpaTeam and GetMpaTeamAssociation for
 * `@aws-sdk/client-payment-cryptography@3.882.0`, the newest version the
 * project's registry serves, which predates them (they arrived around v3.1040).
 *
 * DELETE THIS FILE the day a client with the official commands can be installed:
 * import `AssociateMpaTeamCommand`, `DisassociateMpaTeamCommand` and
 * `GetMpaTeamAssociationCommand` from `@aws-sdk/client-payment-cryptography`
 * instead; the names, inputs and outputs below mirror the service model so that
 * callers do not change.
 *
 * The commands are built the way the generated client builds its own: the same
 * Command class builder, serde and endpoint plugins and error classes, so the
 * client's middleware stack signs (SigV4, `payment-cryptography`), retries,
 * resolves endpoints and honours AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY.
 */
import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  PaymentCryptographyServiceException,
  type PaymentCryptographyClient,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type PaymentCryptographyClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-payment-cryptography';
import { loadRestJsonErrorCode, parseJsonBody, parseJsonErrorBody } from '@aws-sdk/core';
import { getEndpointPlugin } from '@smithy/middleware-endpoint';
import { getSerdePlugin } from '@smithy/middleware-serde';
import { HttpRequest } from '@smithy/protocol-http';
import { Command, decorateServiceException, withBaseException } from '@smithy/smithy-client';
import type { HttpResponse, MetadataBearer, ResponseMetadata, SerdeContext } from '@smithy/types';

// ---------------------------------------------------------------------------
// Shapes (from the service model)
// ---------------------------------------------------------------------------

/** Operations that can be protected by an approval team; an open string, more will come. */
export type MpaProtectedAction = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE' | (string & {});

export type MpaAssociationState = 'ACTIVE' | 'UPDATE_PENDING' | 'DELETE_PENDING' | (string & {});

export type MpaSessionStatus = 'PENDING' | 'APPROVED' | 'FAILED' | 'CANCELLED' | (string & {});

/**
 * Output shapes as the generated clients type them: every member optional, because
 * reads are lenient (a member the service omits is undefined, never an error).
 */
export interface MpaStatus {
  MpaSessionArn?: string;
  Status?: MpaSessionStatus;
  /** Sent on the wire as epoch seconds. */
  InitiationDate?: Date;
  StatusMessage?: string;
}

export interface MpaTeamAssociation {
  Action?: MpaProtectedAction;
  MpaTeamArn?: string;
  AssociationState?: MpaAssociationState;
  MpaStatus?: MpaStatus;
}

export interface AssociateMpaTeamCommandInput {
  Action: MpaProtectedAction;
  MpaTeamArn: string;
  /** Sensitive in the service model: it may appear in CloudTrail in plain text. */
  RequesterComment?: string;
}

export interface DisassociateMpaTeamCommandInput {
  Action: MpaProtectedAction;
  RequesterComment?: string;
}

export interface GetMpaTeamAssociationCommandInput {
  Action: MpaProtectedAction;
}

export interface MpaTeamAssociationCommandOutput extends MetadataBearer {
  MpaTeamAssociation?: MpaTeamAssociation;
}
export type AssociateMpaTeamCommandOutput = MpaTeamAssociationCommandOutput;
export type DisassociateMpaTeamCommandOutput = MpaTeamAssociationCommandOutput;
export type GetMpaTeamAssociationCommandOutput = MpaTeamAssociationCommandOutput;

// ---------------------------------------------------------------------------
// awsJson1_0 serialization
// ---------------------------------------------------------------------------

const TARGET_PREFIX = 'PaymentCryptographyControlPlane';

function serializeRequest(operation: string) {
  return async (input: object, context: SerdeContext): Promise<HttpRequest> => {
    const { hostname, protocol = 'https', port, path: basePath } = await context.endpoint();
    return new HttpRequest({
      protocol,
      hostname,
      port,
      method: 'POST',
      path: basePath.endsWith('/') ? basePath : `${basePath}/`,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}.${operation}`,
      },
      // Drop undefined members, as the generated serializers do.
      body: JSON.stringify(input),
    });
  };
}

function responseMetadata(output: HttpResponse): ResponseMetadata {
  return {
    httpStatusCode: output.statusCode,
    requestId: output.headers['x-amzn-requestid'] ?? output.headers['x-amzn-request-id'],
    extendedRequestId: output.headers['x-amz-id-2'],
    cfId: output.headers['x-amz-cf-id'],
  };
}

/*
 * Reads are as lenient as the generated deserializers' `take()`: a member that is
 * absent, null or of an unexpected type is left out, unknown members are ignored,
 * and nothing here throws on the shape of a successful answer.
 */

function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function readObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** Epoch seconds (possibly fractional), as the service sends timestamps; an ISO string is accepted too. */
function readTimestamp(value: unknown): Date | undefined {
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function deserializeMpaStatus(raw: unknown): MpaStatus | undefined {
  const status = readObject(raw);
  return status && withoutUndefined({
    MpaSessionArn: readString(status.MpaSessionArn),
    Status: readString(status.Status),
    InitiationDate: readTimestamp(status.InitiationDate),
    StatusMessage: readString(status.StatusMessage),
  });
}

function deserializeAssociation(raw: unknown): MpaTeamAssociation | undefined {
  const association = readObject(raw);
  return association && withoutUndefined({
    Action: readString(association.Action),
    MpaTeamArn: readString(association.MpaTeamArn),
    AssociationState: readString(association.AssociationState),
    MpaStatus: deserializeMpaStatus(association.MpaStatus),
  });
}

const throwUnmodelledError = withBaseException(PaymentCryptographyServiceException);

/** The eight modelled errors, by their bare name. */
const MODELLED_ERRORS: Record<string, new (options: any) => PaymentCryptographyServiceException> = {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
};

async function deserializeError(output: HttpResponse, context: SerdeContext): Promise<never> {
  const body = await parseJsonErrorBody(output.body, context);
  // Strips a namespace (`com.amazonaws.paymentcryptography#`) and a `:` suffix,
  // and reads the X-Amzn-ErrorType header before the body's __type.
  const errorCode = loadRestJsonErrorCode(output, body);
  const ErrorClass = errorCode ? MODELLED_ERRORS[errorCode] : undefined;
  if (!ErrorClass) {
    throw throwUnmodelledError({ output, parsedBody: body, errorCode });
  }
  const exception = new ErrorClass({ $metadata: responseMetadata(output), ...body });
  throw decorateServiceException(exception, body);
}

async function deserializeAssociationOutput(
  output: HttpResponse,
  context: SerdeContext,
): Promise<MpaTeamAssociationCommandOutput> {
  if (output.statusCode >= 300) {
    return deserializeError(output, context);
  }
  const data = readObject(await parseJsonBody(output.body, context)) ?? {};
  return withoutUndefined({
    $metadata: responseMetadata(output),
    MpaTeamAssociation: deserializeAssociation(data.MpaTeamAssociation),
  });
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/** The endpoint-ruleset parameters every command of this client declares. */
const commonParams = {
  UseFIPS: { type: 'builtInParams', name: 'useFipsEndpoint' },
  Endpoint: { type: 'builtInParams', name: 'endpoint' },
  Region: { type: 'builtInParams', name: 'region' },
  UseDualStack: { type: 'builtInParams', name: 'useDualstackEndpoint' },
} as const;

function commandClass<Input extends object>(operation: string) {
  return Command.classBuilder<
    Input,
    MpaTeamAssociationCommandOutput,
    PaymentCryptographyClientResolvedConfig,
    ServiceInputTypes,
    ServiceOutputTypes
  >()
    .ep(commonParams)
    .m(function (this: any, CommandCtor: any, _stack: unknown, config: PaymentCryptographyClientResolvedConfig) {
      return [
        getSerdePlugin(config, this.serialize, this.deserialize),
        getEndpointPlugin(config, CommandCtor.getEndpointParameterInstructions()),
      ];
    })
    .s(TARGET_PREFIX, operation, {})
    .n('PaymentCryptographyClient', `${operation}Command`)
    // RequesterComment is sensitive: keep it out of the SDK's own logger output.
    .f(redactRequesterComment, undefined)
    .ser(serializeRequest(operation))
    .de(deserializeAssociationOutput)
    .build();
}

function redactRequesterComment(input: any): any {
  return input && input.RequesterComment !== undefined ? { ...input, RequesterComment: '***SensitiveInformation***' } : input;
}

export class AssociateMpaTeamCommand extends commandClass<AssociateMpaTeamCommandInput>('AssociateMpaTeam') {}
export class DisassociateMpaTeamCommand extends commandClass<DisassociateMpaTeamCommandInput>('DisassociateMpaTeam') {}
export class GetMpaTeamAssociationCommand extends commandClass<GetMpaTeamAssociationCommandInput>('GetMpaTeamAssociation') {}

/**
 * `PaymentCryptographyClient.send` is typed to the operations its version knows;
 * these three are sent through the same middleware stack all the same.
 */
export function sendMpaCommand(
  client: PaymentCryptographyClient,
  command: AssociateMpaTeamCommand | DisassociateMpaTeamCommand | GetMpaTeamAssociationCommand,
  options?: { abortSignal?: AbortSignal },
): Promise<MpaTeamAssociationCommandOutput> {
  return client.send(command as any, options as any) as Promise<MpaTeamAssociationCommandOutput>;
}
