/*
 * Multi-party approval events as EventBridge delivers them, from the examples of the MPA
 * User Guide, "Logging Multi-party approval API calls using AWS CloudTrail"
 * (https://docs.aws.amazon.com/mpa/latest/userguide/logging-using-cloudtrail.html):
 * - API calls (CancelSession): eventSource `multi-party-approval.amazonaws.com`, the team's
 *   and the session's ARNs in `resources`, the session ARN `session/<team name>/<id>`.
 * - Service events (SessionExpiration, SessionApproved, SessionCancellation,
 *   TeamDeletionApprovalSuccess): eventSource `mpa.amazonaws.com`, userIdentity without a
 *   type or ARN, serviceEventDetails with the statuses. The guide writes their ARNs as
 *   placeholders ("arn:aws:mpa:[Session ARN]"): the concrete forms here are INFERRED from the
 *   API call examples.
 * INFERRED: the EventBridge envelope of these events (source `aws.multi-party-approval` for
 * API calls as the EventBridge Events Reference says; `aws.mpa` and the detail-type
 * `AWS Service Event via CloudTrail` for service events).
 */

export const TEAM_ACCOUNT = '222222222222';
export const TEAM_ARN = `arn:aws:mpa:us-east-1:${TEAM_ACCOUNT}:approval-team/org-approvers`;
export const SESSION_ARN = `arn:aws:mpa:us-east-1:${TEAM_ACCOUNT}:session/org-approvers/a1b2c3d4-5678-90ab-cdef-EXAMPLE22222`;

function envelope(detailType: string, source: string, detail: Record<string, unknown>): Record<string, unknown> {
  return {
    'version': '0',
    'id': '6f87d04b-9f74-4f04-a780-7acf4b0a9b38',
    'detail-type': detailType,
    source,
    'account': TEAM_ACCOUNT,
    'time': '2026-11-20T11:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    detail,
  };
}

/** A person cancelling a session of the team (the guide's CancelSession example). */
export function cancelSessionCall(sessionArn = SESSION_ARN, teamArn = TEAM_ARN): Record<string, unknown> {
  return envelope('AWS API Call via CloudTrail', 'aws.multi-party-approval', {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROA123456789EXAMPLE:ExampleRole-mpa',
      arn: `arn:aws:sts::${TEAM_ACCOUNT}:assumed-role/ExampleRole/ExampleRole-mpa`,
      accountId: TEAM_ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${TEAM_ACCOUNT}:role/ExampleRole` } },
    },
    eventTime: '2026-11-20T11:00:00Z',
    eventSource: 'multi-party-approval.amazonaws.com',
    eventName: 'CancelSession',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.0',
    userAgent: 'aws-sdk-java/2.30.32',
    requestParameters: { sessionArn },
    responseElements: null,
    requestID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE33333',
    eventID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE44444',
    readOnly: false,
    resources: [
      { accountId: TEAM_ACCOUNT, type: 'AWS::MPA::ApprovalTeam', ARN: teamArn },
      { accountId: TEAM_ACCOUNT, type: 'AWS::MPA::Session', ARN: sessionArn },
    ],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: TEAM_ACCOUNT,
    eventCategory: 'Management',
  });
}

/** A service event about one resource of the team (a session or the team itself). */
export function mpaServiceEvent(eventName: string, resource: { type: string; arn: string },
  serviceEventDetails: Record<string, unknown>): Record<string, unknown> {
  return envelope('AWS Service Event via CloudTrail', 'aws.mpa', {
    eventVersion: '1.10',
    userIdentity: { accountId: TEAM_ACCOUNT, invokedBy: 'mpa.amazonaws.com' },
    eventTime: '2026-11-20T11:05:00Z',
    eventSource: 'mpa.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: 'a24b3967-ddad-417f-9b22-2332b918db06',
    readOnly: false,
    resources: [{ accountId: TEAM_ACCOUNT, type: resource.type, ARN: resource.arn }],
    eventType: 'AwsServiceEvent',
    recipientAccountId: TEAM_ACCOUNT,
    serviceEventDetails,
    eventCategory: 'Management',
  });
}

export const sessionResource = (arn = SESSION_ARN) => ({ type: 'AWS::MPA::Session', arn });
export const teamResource = (arn = TEAM_ARN) => ({ type: 'AWS::MPA::Team', arn });
