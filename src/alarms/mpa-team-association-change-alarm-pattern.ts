/*
 * The CloudTrail events that an out-of-band change of an MPA team association leaves, as an
 * EventBridge event pattern, and what the alarm tells about each. Internal: not exported
 * from index.ts, so that the shapes can follow AWS without a breaking change.
 *
 * Sources (see docs/change-alarm.md for the full list and what is inferred):
 * - EventBridge Events Reference, "AWS Payment Cryptography Controlplane events":
 *   source `aws.payment-cryptography`, eventSource `payment-cryptography.amazonaws.com`,
 *   detail-type `AWS API Call via CloudTrail`
 *   (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-payment-cryptography.html).
 * - CloudTrail userIdentity element: assumed roles carry
 *   `sessionContext.sessionIssuer.arn`; IAM users and the root user do not
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
 * - Inferred: the request parameters of AssociateMpaTeam and DisassociateMpaTeam are logged
 *   in lower camel case (`action`, `mpaTeamArn`), as the Payment Cryptography User Guide's
 *   CloudTrail example of CreateKey logs `KeyAttributes` as `keyAttributes`. No example of
 *   these two calls is published, so the pattern also accepts `Action`.
 */

/** The EventBridge `source` of Payment Cryptography control-plane events. */
export const PAYMENT_CRYPTOGRAPHY_EVENT_SOURCE = 'aws.payment-cryptography';
/** The CloudTrail `eventSource` of the Payment Cryptography control plane. */
export const PAYMENT_CRYPTOGRAPHY_CLOUDTRAIL_SOURCE = 'payment-cryptography.amazonaws.com';
/** The `detail-type` of every API call that CloudTrail delivers to EventBridge. */
export const CLOUDTRAIL_API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** The calls that change an association. */
export const ASSOCIATION_CHANGING_CALLS = ['AssociateMpaTeam', 'DisassociateMpaTeam'];

/** What an association change alarm watches. */
export interface ChangeAlarmScope {
  /** The protected operation, as sent in the calls' `Action`. */
  readonly action: string;
  /** The account whose calls are watched. */
  readonly account: string;
  /** The region whose calls are watched. */
  readonly region: string;
  /** The role whose calls are expected (the pipeline's); undefined: every call is reported. */
  readonly expectedCallerRoleArn?: string;
}

/**
 * The event pattern of an association change alarm, in EventBridge's JSON form
 * (field names as in the event, `detail-type` included).
 */
export function associationChangePattern(scope: ChangeAlarmScope): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    eventSource: [PAYMENT_CRYPTOGRAPHY_CLOUDTRAIL_SOURCE],
    eventName: ASSOCIATION_CHANGING_CALLS,
    // Inferred casing (see above): either form matches, so a wrong guess cannot silence the alarm.
    requestParameters: {
      $or: [
        { action: [scope.action] },
        { Action: [scope.action] },
      ],
    },
  };
  if (scope.expectedCallerRoleArn !== undefined) {
    detail.userIdentity = {
      $or: [
        // An assumed role, a federated user or a service-linked session other than the expected role.
        { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': scope.expectedCallerRoleArn }] } } },
        // No issuer at all: an IAM user's long-term keys or the root user. `anything-but`
        // alone would let these pass silently, because it matches only fields that exist.
        { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
      ],
    };
  }
  return {
    'source': [PAYMENT_CRYPTOGRAPHY_EVENT_SOURCE],
    'detail-type': [CLOUDTRAIL_API_CALL_DETAIL_TYPE],
    'account': [scope.account],
    'region': [scope.region],
    detail,
  };
}

/**
 * Paths of the facts that every CloudTrail API call event carries, as JSONPaths into the
 * EventBridge event: the alarm's message holds them as JSON values.
 */
export const ALWAYS_PRESENT_EVENT_PATHS = {
  eventName: '$.detail.eventName',
  eventTime: '$.detail.eventTime',
  eventId: '$.detail.eventID',
  account: '$.account',
  region: '$.region',
  sourceIpAddress: '$.detail.sourceIPAddress',
  callerType: '$.detail.userIdentity.type',
} as const;

/**
 * Paths of facts that some events lack: the ARN of an AWS service caller, the session
 * issuer of an IAM user, the request id of some calls, the error of a successful call, the
 * team ARN of a DisassociateMpaTeam call. What EventBridge puts in place of a missing path
 * is documented only as "that variable isn't created", so the message holds these inside a
 * text (where an empty value still leaves valid JSON), never as bare JSON values.
 */
export const MAY_BE_ABSENT_EVENT_PATHS = {
  callerArn: '$.detail.userIdentity.arn',
  callerAccountId: '$.detail.userIdentity.accountId',
  callerSessionIssuerArn: '$.detail.userIdentity.sessionContext.sessionIssuer.arn',
  requestId: '$.detail.requestID',
  errorCode: '$.detail.errorCode',
  /** Inferred (lower camel case): only AssociateMpaTeam carries a team ARN. */
  requestedMpaTeamArn: '$.detail.requestParameters.mpaTeamArn',
} as const;
