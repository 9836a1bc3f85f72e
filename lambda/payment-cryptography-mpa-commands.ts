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
import {
  Command,
  decorateServiceException,
  expectNonNull,
  expectNumber,
  expectObject,
  expectString,
  parseEpochTimestamp,
  withBaseException,
} from '@smithy/smithy-client';
import type { HttpResponse, MetadataBearer, ResponseMetadata, SerdeContext } from '@smithy/types';

// ---------------------------------------------------------------------------
// Shapes (from the service model)
// ---------------------------------------------------------------------------

/** Operations that can be protected by an approval team; an open string, more will come. */
export type MpaProtectedAction = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE' | (string & {});

export type MpaAssociationState = 'ACTIVE' | 'UPDATE_PENDING' | 'DELETE_PENDING' | (string & {});

export type MpaSessionStatus = 'PENDING' | 'APPROVED' | 'FAILED' | 'CANCELLED' | (string & {});

export interface MpaStatus {
  MpaSessionArn: string;
  Status: MpaSessionStatus;
  /** Sent on the wire as epoch seconds. */
  InitiationDate: Date;
  StatusMessage?: string;
}

export interface MpaTeamAssociation {
  Action: MpaProtectedAction;
  MpaTeamArn: string;
  AssociationState: MpaAssociationState;
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
  MpaTeamAssociation: MpaTeamAssociation;
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

function deserializeMpaStatus(raw: unknown): MpaStatus | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  const status = expectObject(raw)!;
  return {
    MpaSessionArn: expectNonNull(expectString(status.MpaSessionArn), 'MpaSessionArn'),
    Status: expectNonNull(expectString(status.Status), 'Status'),
    InitiationDate: expectNonNull(parseEpochTimestamp(expectNumber(status.InitiationDate)), 'InitiationDate'),
    StatusMessage: expectString(status.StatusMessage),
  };
}

function deserializeAssociation(raw: unknown): MpaTeamAssociation {
  const association = expectNonNull(expectObject(raw), 'MpaTeamAssociation');
  return {
    Action: expectNonNull(expectString(association.Action), 'Action'),
    MpaTeamArn: expectNonNull(expectString(association.MpaTeamArn), 'MpaTeamArn'),
    AssociationState: expectNonNull(expectString(association.AssociationState), 'AssociationState'),
    MpaStatus: deserializeMpaStatus(association.MpaStatus),
  };
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
  const data = await parseJsonBody(output.body, context);
  return {
    $metadata: responseMetadata(output),
    MpaTeamAssociation: deserializeAssociation(data.MpaTeamAssociation),
  };
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
