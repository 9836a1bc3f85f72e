import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { MpaTeamAssociation } from '../../../src';
import { RESOURCE_TYPE } from '../../../src/handler-contract';
import { logicalIdOf, newStack, synthAssociation, TEAM_ARN } from '../../construct-helpers/stacks';

/*
 * The ServiceToken of every association is the ARN of the framework's onEvent function, and
 * CloudFormation refuses to change the ServiceToken of an existing custom resource. The
 * provider's construct ids therefore decide whether an existing stack can be updated: they are
 * pinned here. A failure means a released stack would fail to update: do not "fix" it by
 * updating the list.
 */

const PROVIDER_LOGICAL_IDS = [
  'MpaTeamAssociationProviderFrameworkCompleteAndTimeoutRole9FF216D3',
  'MpaTeamAssociationProviderFrameworkCompleteAndTimeoutRolePolicy97E6C855',
  'MpaTeamAssociationProviderFrameworkLogGroup1678187A',
  'MpaTeamAssociationProviderFrameworkOnEventRoleA457A97A',
  'MpaTeamAssociationProviderFrameworkOnEventRolePolicy52BC1D7F',
  'MpaTeamAssociationProviderHandlerPolicy702AD68B',
  'MpaTeamAssociationProviderHandlerRole77F33661',
  'MpaTeamAssociationProviderIsCompleteHandlerBACFB47B',
  'MpaTeamAssociationProviderIsCompleteHandlerLogGroupF8B11B0B',
  'MpaTeamAssociationProviderOnEventHandlerCE019675',
  'MpaTeamAssociationProviderOnEventHandlerLogGroup76129FAC',
  'MpaTeamAssociationProviderWaiterLogGroup401F6FA3',
  'MpaTeamAssociationProviderframeworkisComplete5B793806',
  'MpaTeamAssociationProviderframeworkonEvent8669B4AC',
  'MpaTeamAssociationProviderframeworkonTimeoutE3D299AD',
  'MpaTeamAssociationProviderwaiterstatemachineB51058AE',
  'MpaTeamAssociationProviderwaiterstatemachineRoleDDD30616',
  'MpaTeamAssociationProviderwaiterstatemachineRolePolicy0CECB7DD',
];

const providerIds = (template: Template) => Object.keys(template.toJSON().Resources).filter(id => id.startsWith('MpaTeamAssociationProvider')).sort();

test('the provider\'s logical ids are pinned', () => {
  expect(providerIds(synthAssociation().template)).toEqual(PROVIDER_LOGICAL_IDS);
});

test('the ServiceToken is the framework\'s onEvent function, whatever the team', () => {
  const { template } = synthAssociation();

  template.hasResourceProperties(RESOURCE_TYPE, { ServiceToken: { 'Fn::GetAtt': ['MpaTeamAssociationProviderframeworkonEvent8669B4AC', 'Arn'] } });
});

test('moving the provider into a VPC with a log key adds resources but keeps every id above, and the ServiceToken', () => {
  const stack = newStack();
  new MpaTeamAssociation(stack, 'RootCertificateApproval', {
    mpaTeamArn: TEAM_ARN,
    vpc: new ec2.Vpc(stack, 'Vpc'),
    logEncryptionKey: new kms.Key(stack, 'LogKey'),
  });
  const template = Template.fromStack(stack);

  expect(providerIds(template)).toEqual([
    ...PROVIDER_LOGICAL_IDS,
    logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationProviderNetworkInterfacePolicy'),
    logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'MpaTeamAssociationProviderSecurityGroup'),
  ].sort());
  template.hasResourceProperties(RESOURCE_TYPE, { ServiceToken: { 'Fn::GetAtt': ['MpaTeamAssociationProviderframeworkonEvent8669B4AC', 'Arn'] } });
});
