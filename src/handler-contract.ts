/**
 * The contract between the MpaTeamAssociation construct and its custom-resource
 * handler (lambda/), typed once and imported by both. Not part of the public
 * jsii API: nothing here is exported from index.ts.
 *
 * CloudFormation delivers every resource property as a string, so the
 * properties are typed as strings and the handler parses them again.
 */

/** Resource properties the construct writes and the handler reads. */
export interface AssociationResourceProperties {
  /** Payment Cryptography operation protected by the team, e.g. IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE. */
  readonly Action: string;
  /** ARN of the MPA approval team. */
  readonly MpaTeamArn: string;
  /** Optional comment sent with AssociateMpaTeam and DisassociateMpaTeam. */
  readonly RequesterComment?: string;
  /** How long one stack operation waits for approvers, in whole seconds. */
  readonly ApprovalTimeoutSeconds: string;
  /** How often the handler polls, in whole seconds (also the Provider's query interval). */
  readonly PollIntervalSeconds: string;
  /** `true` to read approval progress from the MPA service while a session is pending. */
  readonly ReportApprovalProgress: string;
}

/** Names of the property keys, for code that builds or reads them by name. */
export const PROPERTY = {
  ACTION: 'Action',
  MPA_TEAM_ARN: 'MpaTeamArn',
  REQUESTER_COMMENT: 'RequesterComment',
  APPROVAL_TIMEOUT_SECONDS: 'ApprovalTimeoutSeconds',
  POLL_INTERVAL_SECONDS: 'PollIntervalSeconds',
  REPORT_APPROVAL_PROGRESS: 'ReportApprovalProgress',
} as const;

/** Response data the handler returns on success; each key is a `Fn::GetAtt` attribute. */
export interface AssociationResponseData {
  /** ARN of the team associated when the operation ended (after a drifted update, the team found). */
  readonly MpaTeamArn: string;
  /** ARN of the last approval session of the operation, or an empty string when none took place. */
  readonly MpaSessionArn: string;
}

/** Names of the response data keys, for `CustomResource.getAttString`. */
export const ATTRIBUTE = {
  MPA_TEAM_ARN: 'MpaTeamArn',
  MPA_SESSION_ARN: 'MpaSessionArn',
} as const;

/** The CloudFormation resource type the construct declares. */
export const RESOURCE_TYPE = 'Custom::PaymentCryptographyMpaTeamAssociation';

/** Bounds the construct validates at synth time and the handler again at run time. */
export const LIMITS = {
  /** RequesterComment length limit of the service. */
  MAX_REQUESTER_COMMENT_LENGTH: 200,
  /** Shortest approval timeout, in seconds. */
  MIN_APPROVAL_TIMEOUT_SECONDS: 60,
  /**
   * Longest approval timeout, in seconds: CloudFormation waits at most 3600 s for a
   * custom resource; the rest is left for the Provider's margin and the first call.
   */
  MAX_APPROVAL_TIMEOUT_SECONDS: 55 * 60,
  /** Shortest poll interval, in seconds. */
  MIN_POLL_INTERVAL_SECONDS: 1,
  /** Longest poll interval, in seconds. */
  MAX_POLL_INTERVAL_SECONDS: 5 * 60,
  /** Service-side pattern of an approval team ARN. */
  MPA_TEAM_ARN_PATTERN: /^arn:aws(-[^:]+)?:mpa:[a-z0-9-]{1,20}:[0-9]{12}:approval-team\/[a-zA-Z0-9._-]+$/,
  MIN_MPA_TEAM_ARN_LENGTH: 20,
  MAX_MPA_TEAM_ARN_LENGTH: 2048,
  /** Operation names are upper snake case; unknown ones are passed through to the service. */
  ACTION_PATTERN: /^[A-Z][A-Z0-9_]{0,127}$/,
} as const;

/** Default values shared by construct and handler. */
export const DEFAULTS = {
  ACTION: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
  APPROVAL_TIMEOUT_SECONDS: 30 * 60,
  POLL_INTERVAL_SECONDS: 10,
} as const;

/** Environment variables the construct sets on the handler functions. */
export const HANDLER_ENVIRONMENT = {
  /**
   * ARN of the handler's role: the handler cancels an MPA session only when GetSession
   * names this role as the session's requester.
   */
  HANDLER_ROLE_ARN: 'MPA_HANDLER_ROLE_ARN',
} as const;

/**
 * Where the handler keeps its ownership records in SSM Parameter Store, in the stack's
 * account and region: `<path>/<action>/...`, one String parameter per managing resource.
 */
export const OWNERSHIP_RECORD_PATH = '/cdk-mpa-team-association';

/**
 * The registry resource type that serves the same association for approvals that
 * take longer than a custom resource may wait (an hour): its name, its extra
 * read-only properties and its limits. The handler (lambda/registry-type/handler.ts) and
 * the type's schema use them.
 */
export const REGISTRY_TYPE = {
  TYPE_NAME: 'CdkMpa::PaymentCryptography::MpaTeamAssociation',
  /** Read-only: the ownership record's name, the type's primary identifier. */
  ID: 'Id',
  /** Read-only: the team associated when the operation ended (after drift, the team found). */
  ASSOCIATED_TEAM_ARN: 'AssociatedMpaTeamArn',
  /** Read-only: the last approval session of the operation, or an empty string. */
  MPA_SESSION_ARN: 'MpaSessionArn',
  /** An MPA session lives at most 24 hours: no approval is waited for longer. */
  MAX_APPROVAL_TIMEOUT_SECONDS: 24 * 60 * 60,
  /** What the type waits by default: the session's whole life. */
  DEFAULT_APPROVAL_TIMEOUT_SECONDS: 24 * 60 * 60,
  /** Every create/update/delete handler's timeoutInMinutes: 36 hours, CloudFormation's longest. */
  HANDLER_TIMEOUT_MINUTES: 2160,
  /** How long one create/update/delete call may take (CloudFormation's 60 s), and a read or list call (30 s). */
  CALL_BUDGET_MS: 60_000,
  READ_BUDGET_MS: 30_000,
} as const;

/**
 * The properties the construct writes on a resource of the registry type: the custom
 * resource's, with their schema types (a registry type's properties are typed JSON, not
 * strings). The type's schema (registry-type/schema.json) declares the same names.
 */
export interface TypeResourceProperties {
  readonly Action: string;
  readonly MpaTeamArn: string;
  readonly RequesterComment?: string;
  readonly ApprovalTimeoutSeconds: number;
  readonly PollIntervalSeconds: number;
  readonly ReportApprovalProgress: boolean;
}
