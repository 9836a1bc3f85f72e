import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { NewStackOptions, CROSS_ACCOUNT_TEAM_ARN, newStack, TEAM_ARN } from './stacks';
import { MpaProtectedOperation, MpaTeamAssociation, MpaTeamAssociationProps } from '../../src';

/** A stack of a regulated account and the associations in it. */
export interface Deployment {
  readonly stack: Stack;
  readonly associations: IConstruct[];
}

/**
 * Three associations in a stack built with the recommended flags: a team of the stack's account,
 * a team of another account, and a team given as a parameter. cdk-nag 2's errors on the test's
 * own VPC (no flow log) must not fail the synth: the rule-pack tests collect and filter them.
 */
function stackWithAssociations(shared: (stack: Stack) => Partial<MpaTeamAssociationProps>, options: NewStackOptions): Deployment {
  const stack = newStack({ ...options, recommendedFlags: true, context: { '@aws-cdk/core:annotationsInValidationReport': false } });
  const props = shared(stack);
  const associations = [
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, ...props }),
    new MpaTeamAssociation(stack, 'CrossAccountApproval', {
      mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
      ...props,
    }),
    new MpaTeamAssociation(stack, 'ParameterTeamApproval', {
      mpaTeamArn: new CfnParameter(stack, 'TeamArn').valueAsString,
      action: MpaProtectedOperation.of('ANOTHER_FUTURE_OPERATION'),
      ...props,
    }),
  ];
  return { stack, associations };
}

/** The three associations with the provider in isolated subnets of a VPC and its logs encrypted with a customer managed key. */
export const privateDeployment = (options: NewStackOptions = {}) => stackWithAssociations(stack => ({
  vpc: new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
  logEncryptionKey: new kms.Key(stack, 'LogKey', { enableKeyRotation: true }),
}), options);

/** The three associations with logs encrypted with a customer managed key, and no VPC. */
export const deploymentWithoutVpc = (options: NewStackOptions = {}) => stackWithAssociations(stack => ({
  logEncryptionKey: new kms.Key(stack, 'LogKey', { enableKeyRotation: true }),
}), options);
