import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { nagResourceFinding, suppressNagRules } from '../../compliance/nag-suppressions';

/**
 * The provider's own security group, when the app places it in a VPC without giving
 * security groups: no inbound rule, and outbound only HTTPS (every endpoint the functions
 * call, AWS APIs through interface endpoints or a NAT gateway, listens on 443). DNS to the
 * VPC's Amazon-provided resolver is not filtered by security groups.
 */
export function newProviderSecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: 'cdk-mpa-team-association provider functions: outbound HTTPS to AWS APIs only',
    allowAllOutbound: false,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (interface endpoints, S3 gateway endpoint or NAT)');
  return group;
}

/**
 * What Lambda needs in a function's role to attach the function to a VPC (Lambda Developer
 * Guide, "Giving Lambda functions access to resources in an Amazon VPC": the actions of the
 * AWSLambdaVPCAccessExecutionRole managed policy, without its logs actions), as a
 * customer-managed policy scoped as far as the guide allows:
 *
 * - ec2:DescribeNetworkInterfaces "only works if it's allowed on all resources", and
 *   ec2:DescribeSubnets, like every Describe action, supports no resource-level permission;
 * - the others act on network interfaces, subnets and security groups of the stack's region;
 *   the subnets may belong to another account (a VPC shared through AWS RAM), so the account
 *   is left open.
 *
 * Lambda checks these permissions when it creates the function, so every function of the
 * provider must depend on this policy.
 */
export function newNetworkInterfacePolicy(scope: Construct, roles: iam.IRole[]): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const inRegion = `arn:${stack.partition}:ec2:${stack.region}:*:*`;
  const policy = new iam.ManagedPolicy(scope, 'NetworkInterfacePolicy', {
    description: 'Lets Lambda attach the cdk-mpa-team-association provider functions to the VPC',
    roles,
    statements: [
      new iam.PolicyStatement({
        sid: 'DescribeNetworkInterfaces',
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ManageFunctionNetworkInterfaces',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: [inRegion],
      }),
    ],
  });
  suppressNagRules(policy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets support no resource-level permissions; the Lambda ' +
      'Developer Guide requires DescribeNetworkInterfaces on all resources for a function in a VPC.',
    appliesTo: ['Resource::*'],
  }, {
    id: 'AwsSolutions-IAM5',
    reason: 'Lambda creates and deletes the functions\' network interfaces with ids known only then, in subnets that may ' +
      'belong to another account (a VPC shared through AWS RAM): the grant is limited to EC2 resources of the stack\'s region.',
    appliesTo: [nagResourceFinding(policy, inRegion)],
  }]);
  return policy;
}
