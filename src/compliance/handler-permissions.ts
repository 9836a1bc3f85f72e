import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { OWNERSHIP_RECORD_PATH } from '../handler-contract';
import { nagResourceFinding, suppressNagRules } from './nag-suppressions';

/*
 * What the handler needs, and on which resources (Service Authorization Reference:
 * "Actions, resources, and condition keys for Multi-party approval", list_mpa.html, for
 * AWS Payment Cryptography, list_awspaymentcryptography.html, and for AWS Systems Manager,
 * list_awssystemsmanager.html). The README's Regulated accounts section has the same table for users.
 *
 * - payment-cryptography:GetMpaTeamAssociation: checked against the team associated now;
 *   with nothing associated (every first Create) AWS does not document what IAM checks, so
 *   a grant scoped to teams could refuse the first read. It only reads: granted on `*`.
 * - payment-cryptography:AssociateMpaTeam | DisassociateMpaTeam:
 *   checked against the approval team's ARN. Disassociate takes no ARN and is
 *   checked against the team associated *now*: when a stack moves from team A to team B,
 *   CloudFormation updates this policy to B before the handler disassociates A, and the
 *   rollback of that change runs with the new policy too (the custom resource rolls back
 *   before the policy it depends on). So the grant covers every team of the team's account
 *   and region (`approval-team/*`), never one team's ARN; a team of another account or region
 *   is added with MpaTeamAssociation.grantHandlerAccessToTeamsOf().
 * - mpa:GetApprovalTeam: resource type `approval-team`; the handler checks that the team is
 *   active before it associates it.
 * - mpa:StartSession: a permission-only action; the reference lists resource type `session`,
 *   while the MPA User Guide's CloudTrail examples show it denied "on resource:
 *   arn:aws:mpa:<region>:<team account>:approval-team/<name>". Granted on both.
 * - mpa:CancelSession, mpa:GetSession: resource type `session`, `session/<team name>/<id>` in
 *   the team's account and region. Always granted: the lifecycle reads who requested a session
 *   and cancels the sessions that a rolled-back change opened.
 * - Condition keys mpa:RequestedOperation and mpa:ProtectedResourceAccount exist for the
 *   session actions, but their values for Payment Cryptography are not documented, so no
 *   condition is set (a wrong value would deny every approval).
 * - ssm:GetParameter | PutParameter | DeleteParameter | GetParametersByPath: the ownership
 *   records, String parameters under OWNERSHIP_RECORD_PATH in the stack's account and region.
 *   The records of every action and stack are read (a Delete asks whether another resource
 *   still manages the action, possibly from another stack), so the scope is the whole path.
 *
 * The account and region of the MPA resources come from the team ARN (the team may be shared
 * from another account through AWS RAM, and MPA teams live in us-east-1), never from the stack.
 */

const TEAM_ACTIONS = ['payment-cryptography:AssociateMpaTeam', 'payment-cryptography:DisassociateMpaTeam'];
const READ_ASSOCIATION = 'payment-cryptography:GetMpaTeamAssociation';
const OWNERSHIP_RECORD_ACTIONS = ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParametersByPath'];
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** The statements of the handler's customer-managed policy, and the team scopes they cover. */
export class HandlerPermissions {
  private readonly teamScopes = new Set<string>();
  private readonly manageAssociation = new iam.PolicyStatement({ sid: 'ManageMpaTeamAssociation', actions: TEAM_ACTIONS });
  private readonly useApprovalTeam = new iam.PolicyStatement({
    sid: 'UseMpaApprovalTeam',
    actions: ['mpa:GetApprovalTeam', 'mpa:StartSession'],
  });
  private readonly manageSessions = new iam.PolicyStatement({
    sid: 'ManageMpaApprovalSessions',
    actions: ['mpa:StartSession', 'mpa:CancelSession', 'mpa:GetSession'],
  });

  constructor(private readonly policy: iam.ManagedPolicy, handlerLogGroups: logs.ILogGroup[]) {
    const stack = Stack.of(policy);
    const ownershipRecords = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: `${OWNERSHIP_RECORD_PATH.replace(/^\//, '')}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    policy.addStatements(
      new iam.PolicyStatement({ sid: 'ReadMpaTeamAssociation', actions: [READ_ASSOCIATION], resources: ['*'] }),
      new iam.PolicyStatement({ sid: 'KeepOwnershipRecords', actions: OWNERSHIP_RECORD_ACTIONS, resources: [ownershipRecords] }),
    );
    // The registry type's handler writes its logs with the log role CloudFormation passes it, not with this policy.
    if (handlerLogGroups.length > 0) {
      policy.addStatements(new iam.PolicyStatement({ sid: 'WriteHandlerLogs', actions: LOG_ACTIONS, resources: handlerLogGroups.map(g => g.logGroupArn) }));
    }
    suppressNagRules(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'GetMpaTeamAssociation only reads. IAM checks it against the team associated now, and AWS does not document ' +
        'what it checks when nothing is associated, which is the case of every first create: a grant scoped to approval ' +
        'teams could refuse that read and fail the deployment.',
      appliesTo: ['Resource::*'],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: `The ownership records are SSM parameters under ${OWNERSHIP_RECORD_PATH}, one per managing resource, named by ` +
        'action, stack and logical id at run time; a Delete lists the records of its action to learn whether another ' +
        'resource (possibly in another stack) still manages it. The grant is limited to that path in the stack\'s account and region.',
      appliesTo: [nagResourceFinding(policy, ownershipRecords)],
    }]);
  }

  /**
   * Allows the handler to associate, disassociate and approve through the teams of
   * `mpaTeamArn`'s account and region. Teams of one account and region share one grant.
   */
  public allowTeamsOf(mpaTeamArn: string): void {
    const { partition, region, account } = Arn.split(mpaTeamArn, ArnFormat.SLASH_RESOURCE_NAME);
    this.allowTeamsIn(partition!, region!, account!);
  }

  /** Allows the teams of one account and region (of a partition). */
  public allowTeamsIn(partition: string, region: string, account: string): void {
    const inTeamScope = (resourceType: string) => `arn:${partition}:mpa:${region}:${account}:${resourceType}/*`;
    const approvalTeams = inTeamScope('approval-team');
    const sessions = inTeamScope('session');
    // Tokens (a CfnParameter, CfnApprovalTeam.attrArn) are compared by what they resolve to.
    const key = JSON.stringify(Stack.of(this.policy).resolve(approvalTeams));
    if (this.teamScopes.has(key)) {
      return;
    }
    if (this.teamScopes.size === 0) {
      this.policy.addStatements(this.manageAssociation, this.useApprovalTeam, this.manageSessions);
    }
    this.teamScopes.add(key);
    this.manageAssociation.addResources(approvalTeams);
    this.useApprovalTeam.addResources(approvalTeams);
    this.manageSessions.addResources(sessions);
    this.acknowledgeTeamWildcards(approvalTeams, sessions);
  }

  private acknowledgeTeamWildcards(approvalTeams: string, sessions: string): void {
    suppressNagRules(this.policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'DisassociateMpaTeam is authorized against the team associated now, which during ' +
        'a change of team (and its rollback, which runs before this policy is restored) is the previous team: the grant ' +
        'covers the approval teams of the team\'s account and region, not one team.',
      appliesTo: [nagResourceFinding(this.policy, approvalTeams)],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: 'MPA creates an approval session for each protected request, with an id known only then; the handler reads ' +
        'and cancels the sessions it requested, so the grant covers the sessions of the team\'s account and region.',
      appliesTo: [nagResourceFinding(this.policy, sessions)],
    }]);
  }
}
