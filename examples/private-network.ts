import { Duration, RemovalPolicy, aws_ec2 as ec2, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A VPC without any route to the internet, and what the association's functions need in it:
 * an interface endpoint for each AWS API they call in this region, a gateway endpoint for S3
 * (CloudFormation's response URL), and a customer-managed key for the log groups. Flow logs go
 * to a log group encrypted with the same key.
 *
 * MPA (us-east-1) is not reachable from here: the handler then skips what needs MPA (team
 * status, session requester and cancellation, progress), says so, and the lifecycle still works.
 * Add a NAT gateway if you want those too.
 */
export class PrivateNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  public readonly logKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.logKey = new kms.Key(this, 'LogKey', {
      description: 'Encrypts the logs of the payments keys approval stack',
      enableKeyRotation: true,
      // The log groups are retained after the stack: so is the key that reads them.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', {
        encryptionKey: this.logKey,
        retention: logs.RetentionDays.TWO_YEARS,
      })),
    });

    const interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      PaymentCryptography: ec2.InterfaceVpcEndpointAwsService.PAYMENT_CRYPTOGRAPHY_CONTROLPLANE,
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
      StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
    };
    for (const [name, service] of Object.entries(interfaceEndpoints)) {
      this.vpc.addInterfaceEndpoint(name, { service, subnets: this.subnets, privateDnsEnabled: true });
    }
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.subnets] });
  }
}
