import { Fn } from 'aws-cdk-lib';

/*
 * The events of Multi-party approval (MPA) about one approval team and its approval
 * sessions, as an EventBridge event pattern. Internal: not exported from index.ts.
 *
 * Sources (see docs/change-alarm.md for what is inferred):
 * - Multi-party approval User Guide, "Logging Multi-party approval API calls using AWS
 *   CloudTrail" (https://docs.aws.amazon.com/mpa/latest/userguide/logging-using-cloudtrail.html):
 *   API calls are logged with eventSource `multi-party-approval.amazonaws.com` and list the
 *   team's and the session's ARNs in `resources` (CancelSession); asynchronous service events
 *   (SessionApproved, SessionExpiration, SessionCancellation, TeamDeletionApprovalSuccess,
 *   TeamUpdate...) are shown with eventSource `mpa.amazonaws.com` and the team's or the
 *   session's ARN in `resources`.
 * - EventBridge Events Reference, "Multi-party approval events": source
 *   `aws.multi-party-approval`
 *   (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-multi-party-approval.html).
 * - Inferred: the EventBridge source of events whose eventSource is `mpa.amazonaws.com`
 *   (`aws.mpa`, by EventBridge's naming of CloudTrail sources), and that service events
 *   arrive as `AWS Service Event via CloudTrail`. Both spellings are matched.
 * - A session ARN is `arn:<partition>:mpa:<region>:<account>:session/<team name>/<id>`, where
 *   the team name is the last segment of the team's ARN (the CancelSession example).
 */

export const MPA_EVENT_SOURCES = ['aws.multi-party-approval', 'aws.mpa'];
export const MPA_CLOUDTRAIL_SOURCES = ['multi-party-approval.amazonaws.com', 'mpa.amazonaws.com'];
export const MPA_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail'];

/** The prefix of the ARNs of a team's sessions; works on a token ARN too (at deploy time). */
export function sessionArnPrefix(teamArn: string): string {
  const [teamPrefix, teamName] = [0, 1].map(index => Fn.select(index, Fn.split(':approval-team/', teamArn, 2)));
  return Fn.join('', [teamPrefix, ':session/', teamName, '/']);
}

/** The event pattern of the events about a team and its sessions, in EventBridge's JSON form. */
export function approvalTeamEventPattern(teamArn: string): Record<string, unknown> {
  return {
    'source': MPA_EVENT_SOURCES,
    'detail-type': MPA_DETAIL_TYPES,
    'detail': {
      eventSource: MPA_CLOUDTRAIL_SOURCES,
      // Any resource of the event: the team itself, or one of its sessions.
      resources: { ARN: [teamArn, { prefix: sessionArnPrefix(teamArn) }] },
    },
  };
}

/** Facts every MPA event carries (API calls and service events alike). */
export const TEAM_EVENT_ALWAYS_PRESENT_PATHS = {
  detailType: '$.detail-type',
  eventName: '$.detail.eventName',
  eventTime: '$.detail.eventTime',
  eventId: '$.detail.eventID',
  account: '$.account',
  region: '$.region',
} as const;

/** Facts that only some events carry: they go inside a text in the message. */
export const TEAM_EVENT_MAY_BE_ABSENT_PATHS = {
  callerArn: '$.detail.userIdentity.arn',
  sessionStatus: '$.detail.serviceEventDetails.sessionStatus',
  sessionStatusCode: '$.detail.serviceEventDetails.sessionStatusCode',
  teamStatus: '$.detail.serviceEventDetails.teamStatus',
  teamStatusCode: '$.detail.serviceEventDetails.teamStatusCode',
} as const;
