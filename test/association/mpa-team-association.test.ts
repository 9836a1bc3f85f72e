import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MpaProtectedOperation, MpaTeamAssociation, MpaTeamAssociationProps } from '../../src';
import { ATTRIBUTE, RESOURCE_TYPE } from '../../src/handler-contract';
import {
  CROSS_ACCOUNT_TEAM_ARN,
  logicalIdOf,
  newApp,
  newApprovalTeam,
  newStack,
  STACK_ENV,
  synthAssociation,
  TEAM_ARN,
  TEAM_ARN_OUTSIDE_MPA_REGION,
} from '../construct-helpers/stacks';

function associationResource(template: Template): any {
  const resources = Object.values(template.findResources(RESOURCE_TYPE));
  expect(resources).toHaveLength(1);
  return resources[0];
}

function expectSynthError(props: Partial<MpaTeamAssociationProps>, message: RegExp): void {
  const stack = newStack();
  expect(() => new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, ...props }))
    .toThrow(message);
}

// One synthesized stack with only the team given, shared by the cases that read it.
const defaults = synthAssociation();

describe('the custom resource', () => {
  test('is written with the defaults when only the team is given', () => {
    const resource = associationResource(defaults.template);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalIdOf(defaults.template, 'AWS::Lambda::Function', 'MpaTeamAssociationProviderframeworkonEvent'), 'Arn'] },
      ServiceTimeout: '1940',
      Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      MpaTeamArn: TEAM_ARN,
      ApprovalTimeoutSeconds: '1800',
      PollIntervalSeconds: '10',
      ReportApprovalProgress: 'true',
    });
  });

  test('carries each prop that is set', () => {
    const { template } = synthAssociation({
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
      requesterComment: 'Managed by the payments-keys stack',
      approvalTimeout: Duration.minutes(10),
      pollInterval: Duration.seconds(30),
      reportApprovalProgress: false,
    });

    expect(associationResource(template).Properties).toMatchObject({
      Action: 'SOME_FUTURE_OPERATION',
      RequesterComment: 'Managed by the payments-keys stack',
      ApprovalTimeoutSeconds: '600',
      PollIntervalSeconds: '30',
      ReportApprovalProgress: 'false',
    });
  });

  test('exposes the team and the last session as Fn::GetAtt attributes, and nothing else', () => {
    const logicalId = logicalIdOf(defaults.template, RESOURCE_TYPE, 'RootCertificateApproval');

    expect(defaults.stack.resolve(defaults.association.attrMpaTeamArn)).toEqual({ 'Fn::GetAtt': [logicalId, ATTRIBUTE.MPA_TEAM_ARN] });
    expect(defaults.stack.resolve(defaults.association.attrMpaSessionArn)).toEqual({ 'Fn::GetAtt': [logicalId, ATTRIBUTE.MPA_SESSION_ARN] });
    expect(Object.keys(defaults.association).filter(key => key.startsWith('attr')).sort()).toEqual(['attrMpaSessionArn', 'attrMpaTeamArn']);
  });

  test('keeps its logical ids when the team changes (the physical id is the handler\'s business)', () => {
    const after = synthAssociation({ mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN }).template;

    expect(Object.keys(after.toJSON().Resources)).toEqual(Object.keys(defaults.template.toJSON().Resources));
  });
});

describe('removalPolicy maps exactly to CloudFormation\'s DeletionPolicy, which decides alone whether the handler sees a Delete', () => {
  test('DESTROY (the default) is DeletionPolicy Delete', () => {
    const resource = associationResource(defaults.template);
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.UpdateReplacePolicy).toBe('Delete');
  });

  test.each([
    [RemovalPolicy.DESTROY, 'Delete', 'Delete'],
    [RemovalPolicy.RETAIN, 'Retain', 'Retain'],
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RetainExceptOnCreate', 'Retain'],
  ])('%s is DeletionPolicy %s, UpdateReplacePolicy %s, and nothing for the handler to read', (removalPolicy, deletionPolicy, updateReplacePolicy) => {
    const { template } = synthAssociation({ removalPolicy });

    const resource = associationResource(template);
    expect(resource.DeletionPolicy).toBe(deletionPolicy);
    expect(resource.UpdateReplacePolicy).toBe(updateReplacePolicy);
    expect(resource.Properties).not.toHaveProperty('RemovalPolicy');
  });

  test('SNAPSHOT is rejected: an association has no snapshot', () => {
    expectSynthError({ removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy RemovalPolicy.SNAPSHOT is not supported/);
  });
});

describe('tokens', () => {
  test('CfnApprovalTeam.attrArn passes through, and the grant is scoped by the ARN\'s own parts', () => {
    // us-east-1, where MPA approval teams live (template-validation.test.ts validates such a stack).
    const stack = new Stack(newApp(), 'TestStack', { env: { ...STACK_ENV, region: 'us-east-1' } });
    const team = newApprovalTeam(stack);
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: team.attrArn });
    const template = Template.fromStack(stack);

    const teamArn = { 'Fn::GetAtt': ['Team', 'Arn'] };
    expect(associationResource(template).Properties.MpaTeamArn).toEqual(teamArn);
    const part = (index: number) => ({ 'Fn::Select': [index, { 'Fn::Split': [':', teamArn] }] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'ManageMpaTeamAssociation',
          Resource: { 'Fn::Join': ['', ['arn:', part(1), ':mpa:', part(3), ':', part(4), ':approval-team/*']] },
        })]),
      },
    });
  });

  test('a token action passes through, with a warning that no other association was compared with it', () => {
    const stack = newStack();
    const operation = new CfnParameter(stack, 'Operation').valueAsString;
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: TEAM_ARN, action: MpaProtectedOperation.of(operation) });
    new MpaTeamAssociation(stack, 'Second', { mpaTeamArn: TEAM_ARN });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { Action: { Ref: 'Operation' } });
    AssertAnnotations.fromStack(stack).hasWarning('/TestStack/First',
      Match.stringLikeRegexp('action is a token, so the synth cannot check'));
  });

  test('a token requesterComment is passed through with a warning that its length is unchecked', () => {
    const stack = newStack();
    const comment = new CfnParameter(stack, 'Comment').valueAsString;
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, requesterComment: comment });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { RequesterComment: { Ref: 'Comment' } });
    AssertAnnotations.fromStack(stack).hasWarning('/TestStack/RootCertificateApproval',
      Match.stringLikeRegexp('requesterComment is a token.*at most 200 characters'));
  });

  test('concrete props of a stack with an environment raise no warning', () => {
    const { stack } = synthAssociation({ requesterComment: 'Managed by the payments-keys stack' });

    expect(AssertAnnotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('the team\'s region', () => {
  test('a team ARN of the aws partition outside us-east-1 earns a warning that names the prop', () => {
    const { stack } = synthAssociation({ mpaTeamArn: TEAM_ARN_OUTSIDE_MPA_REGION });

    AssertAnnotations.fromStack(stack).hasWarning('/TestStack/RootCertificateApproval',
      Match.stringLikeRegexp('^mpaTeamArn names an approval team in eu-west-1, but MPA creates approval teams in us-east-1'));
  });

  test('is not checked in other partitions, which have their own MPA regions', () => {
    const { stack } = synthAssociation({ mpaTeamArn: 'arn:aws-us-gov:mpa:us-gov-west-1:333333333333:approval-team/gov.approvers_1' });

    AssertAnnotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('mpaTeamArn names an approval team'));
  });
});

describe('synth-time validation', () => {
  test.each([
    ['of another service', 'arn:aws:iam::111111111111:role/approvers', /mpaTeamArn must be an MPA approval team ARN/],
    ['without a team name', 'arn:aws:mpa:us-east-1:111111111111:approval-team/', /mpaTeamArn must be an MPA approval team ARN/],
    ['with a short account', 'arn:aws:mpa:us-east-1:1111:approval-team/approvers', /mpaTeamArn must be an MPA approval team ARN/],
    ['shorter than 20 characters', 'arn:aws:mpa', /mpaTeamArn must be 20 to 2048 characters long; got 11/],
    ['longer than 2048 characters', `arn:aws:mpa:us-east-1:111111111111:approval-team/${'a'.repeat(2048)}`, /mpaTeamArn must be 20 to 2048 characters long; got 2097/],
  ])('rejects a team ARN %s', (_case, mpaTeamArn, message) => {
    expectSynthError({ mpaTeamArn }, message);
  });

  test('names the construct in its messages', () => {
    expectSynthError({ mpaTeamArn: 'not-an-arn-at-all-no-no' }, /^MpaTeamAssociation at 'TestStack\/RootCertificateApproval': mpaTeamArn/);
  });

  test('rejects a requesterComment longer than 200 characters without echoing it', () => {
    expect(() => new MpaTeamAssociation(newStack(), 'Ok', { mpaTeamArn: TEAM_ARN, requesterComment: 'x'.repeat(200) })).not.toThrow();
    expectSynthError({ requesterComment: 'secret'.repeat(34) }, /requesterComment must be at most 200 characters; got 204\.$/);
  });

  test.each([
    [Duration.seconds(59), /approvalTimeout must be between 60 and 3300 seconds.*got 59 seconds/],
    [Duration.seconds(3301), /approvalTimeout must be between 60 and 3300 seconds.*got 3301 seconds/],
    [Duration.millis(90_500), /approvalTimeout must be a whole number of seconds/],
  ])('rejects approvalTimeout %s', (approvalTimeout, message) => {
    expectSynthError({ approvalTimeout }, message);
  });

  test.each([
    [Duration.seconds(0), /pollInterval must be between 1 and 300 seconds; got 0 seconds/],
    [Duration.seconds(301), /pollInterval must be between 1 and 300 seconds; got 301 seconds/],
    [Duration.millis(2_500), /pollInterval must be a whole number of seconds/],
  ])('rejects pollInterval %s', (pollInterval, message) => {
    expectSynthError({ pollInterval }, message);
  });

  test('rejects a pollInterval longer than the approvalTimeout', () => {
    expectSynthError({ approvalTimeout: Duration.seconds(60), pollInterval: Duration.seconds(90) },
      /pollInterval \(90 seconds\) must not be longer than approvalTimeout \(60 seconds\)/);
  });

  test('rejects durations that are tokens', () => {
    const stack = newStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    expect(() => new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN,
      approvalTimeout: Duration.seconds(seconds),
    })).toThrow(/approvalTimeout must be a concrete duration, not a token/);
  });

  test('rejects timeouts whose provider would outlast CloudFormation\'s hour', () => {
    // 3300 + 2 x 300 + 60 = 3960, rounded up to 4200 s of waiter, + 60 s of ServiceTimeout.
    expectSynthError({ approvalTimeout: Duration.minutes(55), pollInterval: Duration.minutes(5) },
      /approvalTimeout \(3300 seconds\) and pollInterval \(300 seconds\) need a custom resource ServiceTimeout of 4260 seconds.*at most 3600 seconds/);
    // 3300 + 2 x 110 + 60 = 3580, rounded up to 3630, + 60.
    expectSynthError({ approvalTimeout: Duration.minutes(55), pollInterval: Duration.seconds(110) }, /ServiceTimeout of 3690 seconds/);
  });

  test('rejects a second association of the same action in one stack', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: TEAM_ARN });

    expect(() => new MpaTeamAssociation(stack, 'Second', {
      mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN,
      action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
    })).toThrow(/'TestStack\/Second': action IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is already managed by 'TestStack\/First'/);
  });
});
