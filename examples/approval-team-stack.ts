import { CfnOutput, Stack, StackProps, aws_mpa as mpa } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Who approves, and under which MPA policy. */
export interface ApprovalTeamStackProps extends StackProps {
  /** Identity ids of the approvers in the MPA identity source (IAM Identity Center users). */
  readonly approvers: string[];
  /** The MPA identity source of the approvers, `arn:aws:mpa:us-east-1:<account>:identity-source/<id>`. */
  readonly identitySourceArn: string;
  /**
   * The MPA-managed policy for AWS Payment Cryptography,
   * `arn:aws:mpa:::aws:policy/<service principal>/<policy name>/<version>`:
   * `aws mpa list-policies --region us-east-1` lists them.
   */
  readonly policyArn: string;
}

/**
 * The approval team, in its own stack: MPA creates approval teams in us-east-1, and a team
 * protects resources in every commercial region. A new team stays pending until every approver
 * has accepted (within 24 hours): deploy this stack first, wait for the approvers, then deploy
 * the association with the team's ARN.
 */
export class ApprovalTeamStack extends Stack {
  constructor(scope: Construct, id: string, props: ApprovalTeamStackProps) {
    super(scope, id, props);

    const team = new mpa.CfnApprovalTeam(this, 'RootCaApprovers', {
      name: 'payments-root-ca-approvers',
      description: 'Approves imports of root public key certificates into AWS Payment Cryptography',
      approvalStrategy: { mofN: { minApprovalsRequired: 2 } },
      approvers: props.approvers.map(identity => ({
        primaryIdentityId: identity,
        primaryIdentitySourceArn: props.identitySourceArn,
      })),
      policies: [{ policyArn: props.policyArn }],
    });

    new CfnOutput(this, 'ApprovalTeamArn', {
      value: team.attrArn,
      description: 'Pass it to the association: cdk deploy PaymentsKeysApproval -c mpaTeamArn=<this value>',
    });
  }
}
