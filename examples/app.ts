/**
 * An application that keeps an AWS Payment Cryptography MPA team association in
 * code: an approval team (or the ARN of an existing one) and the association
 * that makes importing a root public key certificate need that team's approval.
 *
 *   npx cdk synth                                       # creates an example team (placeholders)
 *   npx cdk synth -c mpaTeamArn=arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-ca
 *   npx cdk synth -c approvers=alice@example.com,bob@example.com,carol@example.com \
 *                 -c identitySourceArn=arn:aws:mpa:us-east-1:111122223333:identity-source/... \
 *                 -c policyArn='arn:aws:mpa:::aws:policy/<service>/<policy>/$DEFAULT'
 */
import { App, CfnOutput, Duration, Stack, type StackProps, aws_mpa as mpa } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MpaProtectedOperation, MpaTeamAssociation } from '../src';

/** Placeholders for a synth without context; replace them before deploying. */
const PLACEHOLDER = {
  approvers: 'alice@example.com,bob@example.com,carol@example.com',
  identitySourceArn: 'arn:aws:mpa:us-east-1:111122223333:identity-source/example',
  // The MPA-managed policy of the protected operation, arn:aws:mpa:::aws:policy/<service>/<policy>/<version>.
  policyArn: 'arn:aws:mpa:::aws:policy/example/ExamplePolicy/$DEFAULT',
};

export class PaymentsKeysApprovalStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const context = (key: keyof typeof PLACEHOLDER) => String(this.node.tryGetContext(key) ?? PLACEHOLDER[key]);
    const existingTeamArn: string | undefined = this.node.tryGetContext('mpaTeamArn');

    // An existing team (for example one shared with this account through AWS RAM), or a new one.
    const mpaTeamArn = existingTeamArn ?? new mpa.CfnApprovalTeam(this, 'RootCaApprovers', {
      name: 'payments-root-ca-approvers',
      description: 'Approves imports of root public key certificates into AWS Payment Cryptography',
      approvalStrategy: { mofN: { minApprovalsRequired: 2 } },
      approvers: context('approvers').split(',').map(identity => ({
        primaryIdentityId: identity.trim(),
        primaryIdentitySourceArn: context('identitySourceArn'),
      })),
      policies: [{ policyArn: context('policyArn') }],
    }).attrArn;

    const association = new MpaTeamAssociation(this, 'RootCertificateImportApproval', {
      mpaTeamArn,
      action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
      requesterComment: 'Managed by the PaymentsKeysApproval stack',
      approvalTimeout: Duration.minutes(45),
      pollInterval: Duration.seconds(15),
    });

    new CfnOutput(this, 'AssociationState', { value: association.attrAssociationState });
    new CfnOutput(this, 'AssociatedTeamArn', { value: association.attrMpaTeamArn });
    new CfnOutput(this, 'LastApprovalSessionArn', { value: association.attrMpaSessionArn });
  }
}

const app = new App();
new PaymentsKeysApprovalStack(app, 'PaymentsKeysApproval', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
