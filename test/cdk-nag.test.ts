import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MpaProtectedOperation, MpaTeamAssociation } from '../src';
import { CROSS_ACCOUNT_TEAM_ARN, LOCAL_TEAM_ARN, logicalIdOf, newStack, STACK_ENV } from './construct-helpers/stacks';

/**
 * cdk-nag (AwsSolutions) must find nothing the library has not justified: every
 * finding is acknowledged in the construct code, with its reason, and only for the
 * resources and findings it was written for.
 */
function stackWithAssociations(): Stack {
  const stack = newStack();
  new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN });
  new MpaTeamAssociation(stack, 'CrossAccountApproval', {
    mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN,
    action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
    reportApprovalProgress: false,
  });
  new MpaTeamAssociation(stack, 'ParameterTeamApproval', {
    mpaTeamArn: new CfnParameter(stack, 'TeamArn').valueAsString,
    action: MpaProtectedOperation.of('ANOTHER_FUTURE_OPERATION'),
  });
  return stack;
}

function findings(stack: Stack): Array<{ rule: string; severity: string; paths: string[] }> {
  return new AwsSolutionsChecks().validateScope(stack).violations.map(violation => ({
    rule: violation.ruleName,
    severity: violation.severity ?? 'unknown',
    paths: violation.violatingResources.map(resource => resource.constructPath ?? ''),
  }));
}

test('AwsSolutions reports no unacknowledged error or warning', () => {
  expect(findings(stackWithAssociations())).toEqual([]);
});

test('the AwsSolutions plugin lets the app synthesize', () => {
  const app = new App();
  const stack = new Stack(app, 'TestStack', { env: STACK_ENV });
  new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  expect(() => app.synth()).not.toThrow();
});

test('the acknowledgements are specific: a wildcard grant of the application is still reported', () => {
  const stack = stackWithAssociations();
  const role = new iam.Role(stack, 'ApplicationRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['mpa:GetSession'],
    resources: ['arn:aws:mpa:eu-west-1:111111111111:session/*'],
  }));

  expect(findings(stack)).toEqual([{
    rule: 'AwsSolutions-IAM5[Resource::arn:aws:mpa:eu-west-1:111111111111:session/*]',
    severity: 'error',
    paths: ['TestStack/ApplicationRole/DefaultPolicy/Resource'],
  }]);
});

test('cdk-nag 2 finds the same acknowledgements in the cdk_nag metadata, with their reasons', () => {
  const template = Template.fromStack(stackWithAssociations());
  const policyId = logicalIdOf(template, 'AWS::IAM::Policy', 'MpaTeamAssociationProviderHandlerRoleDefaultPolicy');

  const suppressions = template.toJSON().Resources[policyId].Metadata.cdk_nag.rules_to_suppress;
  expect(suppressions).toContainEqual({
    id: 'AwsSolutions-IAM5',
    reason: expect.stringContaining('team associated now'),
    applies_to: ['Resource::arn:aws:mpa:us-east-1:222222222222:approval-team/*'],
  });
  expect(suppressions).toContainEqual({
    id: 'AwsSolutions-IAM5',
    reason: expect.stringContaining('sessions'),
    applies_to: ['Resource::arn:aws:mpa:eu-west-1:111111111111:session/*'],
  });
  for (const suppression of suppressions) {
    expect(suppression.reason.length).toBeGreaterThan(20);
  }
});
