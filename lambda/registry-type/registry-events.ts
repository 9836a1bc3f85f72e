/**
 * What CloudFormation sends a registry resource type's handler and what it reads
 * back (protocol 2.0.0), as far as this handler uses it. Sources: the
 * cloudformation-cli plugins' request and ProgressEvent shapes and the
 * CloudFormation CLI's contract documentation (docs/registry-type.md cites them).
 */

export type RegistryAction = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | 'LIST';

export interface RegistryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The resource model: the schema's properties, as CloudFormation passes them (scalars may arrive as strings). */
export type ResourceModel = Record<string, unknown>;

export interface RegistryHandlerRequest {
  readonly action: RegistryAction;
  readonly awsAccountId?: string;
  /** The operation's idempotency token: never logged. Whether it is the same for every callback is not documented. */
  readonly bearerToken?: string;
  readonly region?: string;
  readonly resourceType?: string;
  /** Absent when the call does not come from a stack (Cloud Control API, the contract tests). */
  readonly stackId?: string;
  /** Absent, null or `{}` on the first call; the previous IN_PROGRESS answer's on a callback. */
  readonly callbackContext?: Record<string, unknown> | null;
  /** Set by CloudFormation while it rolls a stack back (Java plugin only; its meaning is not documented). */
  readonly rollback?: boolean;
  readonly nextToken?: string;
  readonly requestData: {
    readonly callerCredentials?: RegistryCredentials;
    readonly providerCredentials?: RegistryCredentials;
    readonly providerLogGroupName?: string;
    readonly logicalResourceId?: string;
    readonly resourceProperties?: ResourceModel;
    readonly previousResourceProperties?: ResourceModel;
  };
}

export type HandlerErrorCode =
  | 'NotUpdatable' | 'InvalidRequest' | 'AccessDenied' | 'InvalidCredentials' | 'AlreadyExists' | 'NotFound'
  | 'ResourceConflict' | 'Throttling' | 'ServiceLimitExceeded' | 'NotStabilized' | 'GeneralServiceException'
  | 'ServiceInternalError' | 'NetworkFailure' | 'InternalFailure';

export interface ProgressEvent {
  readonly status: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED';
  readonly errorCode?: HandlerErrorCode;
  readonly message?: string;
  readonly callbackContext?: Record<string, unknown>;
  readonly callbackDelaySeconds?: number;
  readonly resourceModel?: ResourceModel;
  readonly resourceModels?: ResourceModel[];
  readonly nextToken?: string;
}
