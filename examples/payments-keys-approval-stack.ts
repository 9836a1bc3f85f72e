import { CfnOutput, CfnParameter, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PrivateNetwork } from './private-network';
import { MpaProtectedOperation, MpaTeamAssociation } from 'cdk-mpa-team-association';

export interface PaymentsKeysApprovalStackProps extends StackProps {
  /**
   * ARN of the approval team (the output of ApprovalTeamStack, or a team shared with this
   * account through AWS RAM).
   *
   * @default - a stack parameter, MpaTeamArn, given at deployment
   */
  readonly mpaTeamArn?: string;
  /**
   * Run the association's functions in a VPC without internet access, with encrypted logs.
   *
   * @default true
   */
  readonly privateNetwork?: boolean;
}

/**
 * Keeps importing a root public key certificate into AWS Payment Cryptography behind the MPA
 * team's approval, in any region.
 */
export class PaymentsKeysApprovalStack extends Stack {
  constructor(scope: Construct, id: string, props: PaymentsKeysApprovalStackProps = {}) {
    super(scope, id, props);

    const mpaTeamArn = props.mpaTeamArn ?? new CfnParameter(this, 'MpaTeamArn', {
      description: 'ARN of the MPA approval team, arn:aws:mpa:us-east-1:<account>:approval-team/<id>',
    }).valueAsString;

    const network = (props.privateNetwork ?? true) ? new PrivateNetwork(this, 'PrivateNetwork') : undefined;

    const association = new MpaTeamAssociation(this, 'RootCertificateImportApproval', {
      mpaTeamArn,
      action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
      requesterComment: 'Managed by the PaymentsKeysApproval stack',
      approvalTimeout: Duration.minutes(45),
      pollInterval: Duration.seconds(15),
      vpc: network?.vpc,
      vpcSubnets: network?.subnets,
      logEncryptionKey: network?.logKey,
    });

    new CfnOutput(this, 'AssociatedTeamArn', { value: association.attrMpaTeamArn });
    new CfnOutput(this, 'LastApprovalSessionArn', { value: association.attrMpaSessionArn });
  }
}
