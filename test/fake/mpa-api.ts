/**
 * MPA's REST API (restJson1, signing name `mpa`) as far as a handler needs it:
 * GetSession, CancelSession and GetApprovalTeam. Routes as in the MPA model
 * (`GET /sessions/{SessionArn}`, `PUT /sessions/{SessionArn}`,
 * `GET /approval-teams/{Arn}`), outputs with the model's member names.
 */
import type { SessionRecord } from './approval-state-machine';
import type { TeamRecord } from './approval-teams';

export const MPA_OPERATIONS = ['GetSession', 'CancelSession', 'GetApprovalTeam'] as const;
export type MpaOperation = typeof MPA_OPERATIONS[number];
export type MpaInput = { readonly SessionArn: string } | { readonly Arn: string };

/** Service principal of Payment Cryptography, MPA's RequesterServicePrincipal for its sessions. */
export const PAYMENT_CRYPTOGRAPHY_SERVICE_PRINCIPAL = 'payment-cryptography.amazonaws.com';

const ROUTES: readonly { readonly method: string; readonly path: RegExp; readonly operation: MpaOperation; readonly label: 'SessionArn' | 'Arn' }[] = [
  { method: 'GET', path: /^\/sessions\/([^/?]+)(?:\?.*)?$/, operation: 'GetSession', label: 'SessionArn' },
  { method: 'PUT', path: /^\/sessions\/([^/?]+)(?:\?.*)?$/, operation: 'CancelSession', label: 'SessionArn' },
  { method: 'GET', path: /^\/approval-teams\/([^/?]+)(?:\?.*)?$/, operation: 'GetApprovalTeam', label: 'Arn' },
];

/** The MPA operation a method and URL name, with the still-encoded label; undefined for any other route. */
export function matchMpaRoute(method: string, url: string): { operation: MpaOperation; label: 'SessionArn' | 'Arn'; encoded: string } | undefined {
  for (const route of ROUTES) {
    const match = route.method === method ? route.path.exec(url) : null;
    if (match) return { operation: route.operation, label: route.label, encoded: match[1] };
  }
  return undefined;
}

/** How MPA timestamps travel: the model's IsoTimestamp (ISO-8601 strings), or epoch seconds to test a lenient reader. */
export type TimestampFormat = 'iso8601' | 'epoch-seconds';

function timestamp(ms: number, format: TimestampFormat): string | number {
  return format === 'epoch-seconds' ? ms / 1000 : new Date(ms).toISOString();
}

/** GetSession's output. `requesterRegion` is the control plane's region, where the protected call was made. */
export function sessionOutput(session: SessionRecord, format: TimestampFormat, requesterRegion: string): Record<string, unknown> {
  const time = (ms: number) => timestamp(ms, format);
  return {
    SessionArn: session.sessionArn,
    ApprovalTeamArn: session.approvalTeamArn,
    ApprovalTeamName: teamName(session.approvalTeamArn),
    ApprovalStrategy: { MofN: { MinApprovalsRequired: session.minApprovalsRequired } },
    NumberOfApprovers: session.approvers.length,
    InitiationTime: time(session.initiatedAtMs),
    ExpirationTime: time(session.expiresAtMs),
    ...(session.completedAtMs !== undefined && { CompletionTime: time(session.completedAtMs) }),
    Status: session.status,
    ...(session.statusCode !== undefined && { StatusCode: session.statusCode }),
    ...(session.statusMessage !== undefined && { StatusMessage: session.statusMessage }),
    ActionName: session.actionName,
    RequesterServicePrincipal: PAYMENT_CRYPTOGRAPHY_SERVICE_PRINCIPAL,
    RequesterPrincipalArn: session.requesterPrincipalArn,
    RequesterAccountId: accountOf(session.requesterPrincipalArn),
    RequesterRegion: requesterRegion,
    ...(session.requesterComment !== undefined && { RequesterComment: session.requesterComment }),
    ActionCompletionStrategy: 'AUTO_COMPLETION_UPON_APPROVAL',
    ApproverResponses: session.approvers.map(vote => ({
      ApproverId: vote.approverId,
      Response: vote.response,
      ...(vote.responseTimeMs !== undefined && { ResponseTime: time(vote.responseTimeMs) }),
    })),
  };
}

/** GetApprovalTeam's output (no Policies: the Payment Cryptography policy ARN is not published). */
export function teamOutput(team: TeamRecord, format: TimestampFormat): Record<string, unknown> {
  const time = (ms: number) => timestamp(ms, format);
  const [, partition, , region, account] = team.arn.split(':');
  return {
    CreationTime: time(team.createdAtMs),
    ApprovalStrategy: { MofN: { MinApprovalsRequired: team.minApprovalsRequired } },
    NumberOfApprovers: team.approvers.length,
    Approvers: team.approvers.map((approver, i) => ({
      ApproverId: `approver-${i + 1}`,
      PrimaryIdentityId: approver.primaryIdentityId,
      PrimaryIdentitySourceArn: `arn:${partition}:mpa:${region}:${account}:identity-source/fake-identity-center`,
      PrimaryIdentityStatus: approver.status,
      ...(approver.status !== 'PENDING' && { ResponseTime: time(team.createdAtMs) }),
    })),
    Arn: team.arn,
    Description: `Approval team ${team.name}`,
    Name: team.name,
    Status: team.status,
    ...(team.statusCode !== undefined && { StatusCode: team.statusCode }),
    ...(team.statusMessage !== undefined && { StatusMessage: team.statusMessage }),
    VersionId: '1',
    LastUpdateTime: time(team.updatedAtMs),
  };
}

function teamName(teamArn: string): string {
  return teamArn.slice(teamArn.indexOf('approval-team/') + 'approval-team/'.length);
}

/** The account field of an ARN (`arn:aws:sts::123456789012:assumed-role/...`). */
function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}
