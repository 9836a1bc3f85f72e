import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MpaProtectedOperation, MpaTeamAssociation, MpaTeamAssociationProps } from '../../../src';
import { SHARED_SETTING_PROPS } from '../../../src/engines/custom-resource/provider-settings';
import { RESOURCE_TYPE } from '../../../src/handler-contract';
import { newStack, TEAM_ARN } from '../../construct-helpers/stacks';

/** A stack with a VPC of two subnet groups, two security groups and two keys to choose from. */
function stackWithChoices() {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    subnetConfiguration: [
      { name: 'handlers', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'other', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const securityGroup = (id: string) => new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false });
  return {
    stack,
    vpc,
    groups: [securityGroup('GroupA'), securityGroup('GroupB')],
    keys: [new kms.Key(stack, 'KeyA'), new kms.Key(stack, 'KeyB')],
  };
}

type Choices = ReturnType<typeof stackWithChoices>;

/** Two associations of one stack whose props differ only by `first` and `second`. */
function twoAssociations(first: (c: Choices) => Partial<MpaTeamAssociationProps>, second: (c: Choices) => Partial<MpaTeamAssociationProps>) {
  const choices = stackWithChoices();
  new MpaTeamAssociation(choices.stack, 'First', { mpaTeamArn: TEAM_ARN, ...first(choices) });
  return () => new MpaTeamAssociation(choices.stack, 'Second', {
    mpaTeamArn: TEAM_ARN,
    action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
    ...second(choices),
  });
}

describe('the settings of the stack\'s shared provider must agree across its associations', () => {
  test.each<[string, (c: Choices) => Partial<MpaTeamAssociationProps>, (c: Choices) => Partial<MpaTeamAssociationProps>, RegExp]>([
    ['approvalTimeout', () => ({}), () => ({ approvalTimeout: Duration.minutes(10) }),
      /approvalTimeout \(600 seconds\) must equal that of 'TestStack\/First' \(1800 seconds\)/],
    ['pollInterval', () => ({}), () => ({ pollInterval: Duration.seconds(5) }),
      /pollInterval \(5 seconds\) must equal that of 'TestStack\/First' \(10 seconds\)/],
    ['vpc', c => ({ vpc: c.vpc }), () => ({}),
      /vpc \(not set\) must equal that of 'TestStack\/First' \('TestStack\/Vpc'\)/],
    ['vpcSubnets', c => ({ vpc: c.vpc, vpcSubnets: { subnetGroupName: 'handlers' } }), c => ({ vpc: c.vpc, vpcSubnets: { subnetGroupName: 'other' } }),
      /vpcSubnets \(subnets 'TestStack\/Vpc\/otherSubnet1'.*\) must equal that of 'TestStack\/First' \(subnets 'TestStack\/Vpc\/handlersSubnet1'/],
    ['securityGroups', c => ({ vpc: c.vpc, securityGroups: [c.groups[0]] }), c => ({ vpc: c.vpc, securityGroups: [c.groups[1]] }),
      /securityGroups \('TestStack\/GroupB'\) must equal that of 'TestStack\/First' \('TestStack\/GroupA'\)/],
    ['logEncryptionKey', c => ({ logEncryptionKey: c.keys[0] }), c => ({ logEncryptionKey: c.keys[1] }),
      /logEncryptionKey \('TestStack\/KeyB'\) must equal that of 'TestStack\/First' \('TestStack\/KeyA'\)/],
    ['logRetention', () => ({}), () => ({ logRetention: logs.RetentionDays.ONE_YEAR }),
      /logRetention \(365 days\) must equal that of 'TestStack\/First' \(731 days\)/],
    ['logRemovalPolicy', () => ({}), () => ({ logRemovalPolicy: RemovalPolicy.DESTROY }),
      /logRemovalPolicy \(RemovalPolicy.DESTROY\) must equal that of 'TestStack\/First' \(RemovalPolicy.RETAIN\)/],
  ])('a different %s fails, naming the prop and both associations', (prop, first, second, message) => {
    expect(() => twoAssociations(first, second)()).toThrow(message);
    expect(() => twoAssociations(first, second)()).toThrow(new RegExp(`^MpaTeamAssociation at 'TestStack/Second': ${prop} `));
  });

  test('the cases above cover every shared setting', () => {
    expect(SHARED_SETTING_PROPS).toEqual(['approvalTimeout', 'pollInterval', 'vpc', 'vpcSubnets', 'securityGroups',
      'logEncryptionKey', 'logRetention', 'logRemovalPolicy']);
  });

  test('the same values, and the same resources imported twice, are accepted', () => {
    const choices = stackWithChoices();
    const keyArn = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const shared = (suffix: string): Partial<MpaTeamAssociationProps> => ({
      approvalTimeout: Duration.minutes(10),
      pollInterval: Duration.seconds(5),
      vpc: choices.vpc,
      vpcSubnets: { subnetGroupName: 'handlers' },
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(choices.stack, `Imported${suffix}`, 'sg-0123456789abcdef0')],
      logEncryptionKey: kms.Key.fromKeyArn(choices.stack, `ImportedKey${suffix}`, keyArn),
      logRetention: logs.RetentionDays.FIVE_YEARS,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });
    new MpaTeamAssociation(choices.stack, 'First', { mpaTeamArn: TEAM_ARN, ...shared('1') });
    new MpaTeamAssociation(choices.stack, 'Second', { mpaTeamArn: TEAM_ARN, action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'), ...shared('2') });

    Template.fromStack(choices.stack).resourceCountIs(RESOURCE_TYPE, 2);
  });
});

describe('the provider settings are checked on their own', () => {
  const expectError = (build: (stack: Stack, vpc: ec2.IVpc) => Partial<MpaTeamAssociationProps>, message: RegExp) => {
    const { stack, vpc } = stackWithChoices();
    expect(() => new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, ...build(stack, vpc) })).toThrow(message);
  };

  test('vpcSubnets needs vpc', () => {
    expectError(() => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /'TestStack\/RootCertificateApproval': vpcSubnets needs vpc/);
  });

  test('securityGroups needs vpc', () => {
    expectError((stack, vpc) => ({ securityGroups: [new ec2.SecurityGroup(stack, 'Group', { vpc })] }), /securityGroups needs vpc/);
  });

  test('securityGroups must not be empty', () => {
    expectError((_stack, vpc) => ({ vpc, securityGroups: [] }), /securityGroups must hold at least one security group/);
  });

  test('logRemovalPolicy SNAPSHOT is rejected: a log group has no snapshot', () => {
    expectError(() => ({ logRemovalPolicy: RemovalPolicy.SNAPSHOT }), /logRemovalPolicy RemovalPolicy.SNAPSHOT is not supported/);
  });
});
