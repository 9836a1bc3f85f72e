import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MpaTeamAssociation } from '../../../src';
import { arnText, logicalIdOf, newStack, resourceOf, synthAssociation, TEAM_ARN } from '../../construct-helpers/stacks';

/** A stack whose association is placed in a VPC of isolated subnets (and `groups`, when given). */
function privateStack(options: { securityGroups?: boolean } = {}) {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    subnetConfiguration: [
      { name: 'handlers', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'databases', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const securityGroups = options.securityGroups ? [new ec2.SecurityGroup(stack, 'AppGroup', { vpc })] : undefined;
  new MpaTeamAssociation(stack, 'RootCertificateApproval', {
    mpaTeamArn: TEAM_ARN,
    vpc,
    vpcSubnets: { subnetGroupName: 'handlers' },
    securityGroups,
  });
  return { stack, template: Template.fromStack(stack) };
}

const providerFunctions = (template: Template) => Object.entries<any>(template.findResources('AWS::Lambda::Function'))
  .filter(([id]) => id.startsWith('MpaTeamAssociationProvider'));

describe('with vpc', () => {
  const { template } = privateStack();
  const handlerSubnets = Object.keys(template.findResources('AWS::EC2::Subnet')).filter(id => id.startsWith('VpchandlersSubnet')).sort();
  const providerGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'MpaTeamAssociationProviderSecurityGroup');

  test('all five functions of the provider run in the selected subnets, with the provider\'s security group', () => {
    const functions = providerFunctions(template);
    expect(functions).toHaveLength(5);
    for (const [, fn] of functions) {
      expect(fn.Properties.VpcConfig.SubnetIds.map((s: any) => s.Ref).sort()).toEqual(handlerSubnets);
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [providerGroup, 'GroupId'] }]);
    }
  });

  test('the provider\'s security group accepts no connection and allows outbound HTTPS only', () => {
    const group = template.toJSON().Resources[providerGroup];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('Lambda may manage the functions\' network interfaces through a customer-managed policy that every function waits for', () => {
    const policyId = logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationProviderNetworkInterfacePolicy');
    const policy = template.toJSON().Resources[policyId];

    expect(policy.Properties.PolicyDocument.Statement.map((s: any) => ({ ...s, Resource: arnText(s.Resource) }))).toEqual([
      { Sid: 'DescribeNetworkInterfaces', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
      {
        Sid: 'ManageFunctionNetworkInterfaces',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        Resource: 'arn:aws:ec2:eu-west-1:*:*',
      },
    ]);
    const roles = ['HandlerRole', 'FrameworkOnEventRole', 'FrameworkCompleteAndTimeoutRole']
      .map(role => ({ Ref: logicalIdOf(template, 'AWS::IAM::Role', `MpaTeamAssociationProvider${role}`) }));
    expect(policy.Properties.Roles).toEqual(roles);
    for (const [, fn] of providerFunctions(template)) {
      expect(fn.DependsOn).toContain(policyId);
    }
  });
});

test('with securityGroups, the functions use them and the provider creates none', () => {
  const { template } = privateStack({ securityGroups: true });

  expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup'))).toEqual([logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'AppGroup')]);
  for (const [, fn] of providerFunctions(template)) {
    expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'AppGroup'), 'GroupId'] }]);
  }
});

test('without vpc, no function is placed in a VPC and Lambda gets no network permission', () => {
  const { template } = synthAssociation();

  for (const [, fn] of providerFunctions(template)) {
    expect(fn.Properties.VpcConfig).toBeUndefined();
  }
  template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  expect(JSON.stringify(template.toJSON())).not.toContain('ec2:CreateNetworkInterface');
  expect(resourceOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole').Properties.ManagedPolicyArns).toBeUndefined();
});
