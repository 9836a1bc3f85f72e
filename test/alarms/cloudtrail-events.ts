/*
 * CloudTrail management events as EventBridge delivers them ("AWS API Call via CloudTrail"),
 * built from AWS documentation:
 * - the EventBridge envelope (version, id, detail-type, source, account, time, region,
 *   resources, detail): "AWS service events delivered via AWS CloudTrail",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * - the record fields (eventVersion, eventSource, eventName, awsRegion, sourceIPAddress,
 *   userAgent, requestID, eventID, readOnly, eventType, managementEvent,
 *   recipientAccountId, eventCategory): the Payment Cryptography User Guide's CloudTrail
 *   example of CreateKey, https://docs.aws.amazon.com/payment-cryptography/latest/userguide/monitoring-cloudtrail.html
 * - userIdentity of each kind of caller: "CloudTrail userIdentity element",
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 *
 * INFERRED, because AWS publishes no CloudTrail example of AssociateMpaTeam or
 * DisassociateMpaTeam: the names of requestParameters (`action`, `mpaTeamArn`,
 * `requesterComment`, in lower camel case like CreateKey's `keyAttributes`) and the whole of
 * responseElements (`mpaTeamAssociation`, by the same rule, from the API's output shape).
 */
import { STACK_ENV } from '../construct-helpers/stacks';

export interface CloudTrailApiCallOptions {
  readonly eventName?: string;
  readonly action?: string;
  /** Spell the request parameters as the API does (`Action`): the casing the alarm must also accept. */
  readonly pascalCaseParameters?: boolean;
  readonly mpaTeamArn?: string;
  readonly userIdentity: Record<string, unknown>;
  readonly account?: string;
  readonly region?: string;
  readonly errorCode?: string;
}

/** An AssociateMpaTeam call (by default) as EventBridge delivers it. */
export function paymentCryptographyApiCall(options: CloudTrailApiCallOptions): Record<string, unknown> {
  const eventName = options.eventName ?? 'AssociateMpaTeam';
  const account = options.account ?? STACK_ENV.account;
  const region = options.region ?? STACK_ENV.region;
  const action = options.action ?? 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
  const mpaTeamArn = options.mpaTeamArn ?? `arn:aws:mpa:us-east-1:${account}:approval-team/payments-approvers`;
  // INFERRED: parameter names (see the header).
  const requestParameters: Record<string, unknown> = options.pascalCaseParameters
    ? { Action: action, ...(eventName === 'AssociateMpaTeam' ? { MpaTeamArn: mpaTeamArn } : {}) }
    : { action, ...(eventName === 'AssociateMpaTeam' ? { mpaTeamArn } : {}), requesterComment: 'rotate the root CA' };
  return {
    'version': '0',
    'id': '36eb8523-97d0-4518-b33d-ee3579ff19f0',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.payment-cryptography',
    account,
    'time': '2026-11-20T10:15:30Z',
    region,
    'resources': [],
    'detail': {
      eventVersion: '1.10',
      userIdentity: options.userIdentity,
      eventTime: '2026-11-20T10:15:30Z',
      eventSource: 'payment-cryptography.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-cli/2.22.0 Python/3.12.6 Linux/6.1 exe/x86_64.amzn.2023',
      requestParameters,
      // INFERRED: the response of a refused call is null, as in every CloudTrail error event.
      responseElements: options.errorCode === undefined
        ? { mpaTeamAssociation: { action, mpaTeamArn, associationState: 'UPDATE_PENDING' } }
        : null,
      ...(options.errorCode !== undefined ? { errorCode: options.errorCode, errorMessage: 'refused' } : {}),
      requestID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      eventID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222',
      readOnly: eventName.startsWith('Get'),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}

/** A role session: the handler's own (Lambda), or a person's through an assumed role. */
export function assumedRoleIdentity(roleArn: string, sessionName: string, account = STACK_ENV.account): Record<string, unknown> {
  const roleName = roleArn.split('/').pop()!;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLEID1234:${sessionName}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEKEYID1234',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID1234',
        arn: roleArn,
        accountId: account,
        userName: roleName,
      },
      attributes: { creationDate: '2026-11-20T10:01:02Z', mfaAuthenticated: 'false' },
    },
  };
}

/** A person signed in through IAM Identity Center: a role under aws-reserved/sso.amazonaws.com/. */
export function identityCenterIdentity(): Record<string, unknown> {
  return assumedRoleIdentity(
    `arn:aws:iam::${STACK_ENV.account}:role/aws-reserved/sso.amazonaws.com/${STACK_ENV.region}/AWSReservedSSO_PaymentsAdmin_0123456789abcdef`,
    'alice@example.com');
}

/** An IAM user calling with long-term access keys: no sessionContext at all. */
export function iamUserIdentity(): Record<string, unknown> {
  return {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEUSERID123',
    arn: `arn:aws:iam::${STACK_ENV.account}:user/alice`,
    accountId: STACK_ENV.account,
    accessKeyId: 'AKIAEXAMPLEKEYID1234',
    userName: 'alice',
  };
}

/** The root user signed in to the console: session attributes, no session issuer. */
export function rootIdentity(): Record<string, unknown> {
  return {
    type: 'Root',
    principalId: STACK_ENV.account,
    arn: `arn:aws:iam::${STACK_ENV.account}:root`,
    accountId: STACK_ENV.account,
    accessKeyId: 'ASIAEXAMPLEKEYID5678',
    sessionContext: { attributes: { creationDate: '2026-11-20T10:01:02Z', mfaAuthenticated: 'true' } },
  };
}

/** A federated user (GetFederationToken): the session issuer is the IAM user. */
export function federatedUserIdentity(): Record<string, unknown> {
  return {
    type: 'FederatedUser',
    principalId: `${STACK_ENV.account}:bob`,
    arn: `arn:aws:sts::${STACK_ENV.account}:federated-user/bob`,
    accountId: STACK_ENV.account,
    accessKeyId: 'ASIAEXAMPLEKEYID9012',
    sessionContext: {
      sessionIssuer: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEUSERID456',
        arn: `arn:aws:iam::${STACK_ENV.account}:user/federation-broker`,
        accountId: STACK_ENV.account,
        userName: 'federation-broker',
      },
      attributes: { creationDate: '2026-11-20T10:01:02Z', mfaAuthenticated: 'false' },
    },
  };
}
