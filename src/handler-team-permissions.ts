import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { nagResourceFinding, suppressNagRules } from './nag-suppressions';

/*
 * What the handler needs, and on which resources (Service Authorization Reference,
 * "Actions, resources, and condition keys for Multi-party approval",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_mpa.html, and
 * for AWS Payment Cryptography, list_awspaymentcryptography.html):
 *
 * - payment-cryptography:AssociateMpaTeam | DisassociateMpaTeam | GetMpaTeamAssociation:
 *   checked against the approval team's ARN. Disassociate and Get take no ARN and are
 *   checked against the team associated *now*: when a stack moves from team A to team B,
 *   CloudFormation updates this policy to B before the handler disassociates A. So the
 *   grant covers every team of the team's account and region (`approval-team/*`), never
 *   one team's ARN. Dependent actions: mpa:StartSession, mpa:CancelSession, mpa:GetApprovalTeam.
 * - mpa:GetApprovalTeam: resource type `approval-team` (required).
 * - mpa:StartSession: a permission-only action; the reference lists resource type
 *   `session` (required), while the MPA User Guide's CloudTrail examples show it denied
 *   "on resource: arn:aws:mpa:<region>:<team account>:approval-team/<name>". It is granted
 *   on both so that either evaluation works.
 * - mpa:CancelSession, mpa:GetSession: resource type `session` (required),
 *   `arn:${Partition}:mpa:${Region}:${Account}:session/${SessionId}`; session ARNs have the
 *   form `session/<team name>/<id>` in the team's account and region.
 * - Condition keys mpa:RequestedOperation and mpa:ProtectedResourceAccount exist for the
 *   session actions, but their values for Payment Cryptography are not documented, so no
 *   condition is set (a wrong value would deny every approval).
 *
 * The account and region come from the team ARN (the team may be shared from another
 * account through AWS RAM), never from the stack.
 */

/** Grants the handler role what it needs on the teams of the associations in one stack. */
export class HandlerTeamPermissions {
  private readonly teamScopes = new Set<string>();
  private readonly progressScopes = new Set<string>();
  private readonly manageAssociation = new iam.PolicyStatement({
    sid: 'ManageMpaTeamAssociation',
    actions: [
      'payment-cryptography:AssociateMpaTeam',
      'payment-cryptography:DisassociateMpaTeam',
      'payment-cryptography:GetMpaTeamAssociation',
    ],
  });
  private readonly useApprovalTeam = new iam.PolicyStatement({
    sid: 'UseMpaApprovalTeam',
    actions: ['mpa:GetApprovalTeam', 'mpa:StartSession'],
  });
  private readonly manageSessions = new iam.PolicyStatement({
    sid: 'ManageMpaApprovalSessions',
    actions: ['mpa:StartSession', 'mpa:CancelSession'],
  });
  private readonly readSessionProgress = new iam.PolicyStatement({
    sid: 'ReadMpaApprovalSessionProgress',
    actions: ['mpa:GetSession'],
  });

  constructor(private readonly role: iam.IRole) {}

  /**
   * Allows the handler to associate and disassociate teams of `mpaTeamArn`'s account
   * and region, and (with `reportApprovalProgress`) to read the approval sessions.
   * Several associations with teams in the same account and region share one grant.
   */
  public allowTeamsOf(mpaTeamArn: string, reportApprovalProgress: boolean): void {
    const { partition, region, account } = Arn.split(mpaTeamArn, ArnFormat.SLASH_RESOURCE_NAME);
    const inTeamScope = (resourceType: string) => `arn:${partition}:mpa:${region}:${account}:${resourceType}/*`;
    const approvalTeams = inTeamScope('approval-team');
    const sessions = inTeamScope('session');
    // Tokens (a CfnParameter, CfnApprovalTeam.attrArn) are compared by what they resolve to.
    const key = JSON.stringify(Stack.of(this.role).resolve(approvalTeams));

    if (!this.teamScopes.has(key)) {
      if (this.teamScopes.size === 0) {
        this.role.addToPrincipalPolicy(this.manageAssociation);
        this.role.addToPrincipalPolicy(this.useApprovalTeam);
        this.role.addToPrincipalPolicy(this.manageSessions);
      }
      this.teamScopes.add(key);
      this.manageAssociation.addResources(approvalTeams);
      this.useApprovalTeam.addResources(approvalTeams);
      this.manageSessions.addResources(sessions);
      this.acknowledgeWildcards(approvalTeams, sessions);
    }

    if (reportApprovalProgress && !this.progressScopes.has(key)) {
      if (this.progressScopes.size === 0) {
        this.role.addToPrincipalPolicy(this.readSessionProgress);
      }
      this.progressScopes.add(key);
      this.readSessionProgress.addResources(sessions);
    }
  }

  private acknowledgeWildcards(approvalTeams: string, sessions: string): void {
    suppressNagRules(this.role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'DisassociateMpaTeam and GetMpaTeamAssociation are authorized against the team associated now, ' +
        'which after a change of team is the previous one: the grant covers the approval teams of the team\'s ' +
        'account and region, not one team.',
      appliesTo: [nagResourceFinding(this.role, approvalTeams)],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: 'MPA approval sessions are created by the service for each protected request; their ids are not ' +
        'known in advance, so the grant covers the sessions of the team\'s account and region.',
      appliesTo: [nagResourceFinding(this.role, sessions)],
    }]);
  }
}
