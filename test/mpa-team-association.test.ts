import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MpaProtectedOperation, MpaTeamAssociation, MpaTeamAssociationProps } from '../src';
import {
  CROSS_ACCOUNT_TEAM_ARN,
  handlerPolicyStatements,
  handlerServiceStatements,
  iamResourceMatches,
  LOCAL_TEAM_ARN,
  logicalIdOf,
  newApprovalTeam,
  newStack,
  OTHER_LOCAL_TEAM_ARN,
  STACK_ENV,
  waiterDefinition,
} from './construct-helpers/stacks';
import { ATTRIBUTE, RESOURCE_TYPE } from '../src/handler-contract';

const TEAM_SCOPE_STATEMENTS = (partition: string, region: string, account: string) => [
  {
    Sid: 'ManageMpaTeamAssociation',
    Effect: 'Allow',
    Action: [
      'payment-cryptography:AssociateMpaTeam',
      'payment-cryptography:DisassociateMpaTeam',
      'payment-cryptography:GetMpaTeamAssociation',
    ],
    Resource: `arn:${partition}:mpa:${region}:${account}:approval-team/*`,
  },
  {
    Sid: 'UseMpaApprovalTeam',
    Effect: 'Allow',
    Action: ['mpa:GetApprovalTeam', 'mpa:StartSession'],
    Resource: `arn:${partition}:mpa:${region}:${account}:approval-team/*`,
  },
  {
    Sid: 'ManageMpaApprovalSessions',
    Effect: 'Allow',
    Action: ['mpa:StartSession', 'mpa:CancelSession'],
    Resource: `arn:${partition}:mpa:${region}:${account}:session/*`,
  },
];

const READ_PROGRESS_STATEMENT = (partition: string, region: string, account: string) => ({
  Sid: 'ReadMpaApprovalSessionProgress',
  Effect: 'Allow',
  Action: 'mpa:GetSession',
  Resource: `arn:${partition}:mpa:${region}:${account}:session/*`,
});

function synthAssociation(props: Partial<MpaTeamAssociationProps> = {}): { stack: Stack; association: MpaTeamAssociation; template: Template } {
  const stack = newStack();
  const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN, ...props });
  return { stack, association, template: Template.fromStack(stack) };
}

function associationResource(template: Template): any {
  const resources = Object.values(template.findResources(RESOURCE_TYPE));
  expect(resources).toHaveLength(1);
  return resources[0];
}

function expectSynthError(props: Partial<MpaTeamAssociationProps>, message: RegExp): void {
  const stack = newStack();
  expect(() => new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN, ...props }))
    .toThrow(message);
}

describe('the custom resource', () => {
  test('is written with the defaults when only the team is given', () => {
    const { template } = synthAssociation();

    const resource = associationResource(template);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'MpaTeamAssociationProviderframeworkonEvent'), 'Arn'] },
      ServiceTimeout: '1940',
      Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      MpaTeamArn: LOCAL_TEAM_ARN,
      ApprovalTimeoutSeconds: '1800',
      PollIntervalSeconds: '10',
      RemovalPolicy: 'destroy',
      ReportApprovalProgress: 'true',
    });
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.UpdateReplacePolicy).toBe('Delete');
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

  test.each([
    [RemovalPolicy.RETAIN, 'Retain', 'Retain'],
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RetainExceptOnCreate', 'Retain'],
  ])('with removalPolicy %s keeps the association and tells the handler to retain it', (removalPolicy, deletionPolicy, updateReplacePolicy) => {
    const { template } = synthAssociation({ removalPolicy });

    const resource = associationResource(template);
    expect(resource.Properties.RemovalPolicy).toBe('retain');
    expect(resource.DeletionPolicy).toBe(deletionPolicy);
    expect(resource.UpdateReplacePolicy).toBe(updateReplacePolicy);
  });

  test('exposes the handler response data as Fn::GetAtt attributes', () => {
    const { stack, association, template } = synthAssociation();
    const logicalId = logicalIdOf(template, RESOURCE_TYPE, 'RootCertificateApproval');

    expect(stack.resolve(association.attrAssociationState)).toEqual({ 'Fn::GetAtt': [logicalId, ATTRIBUTE.ASSOCIATION_STATE] });
    expect(stack.resolve(association.attrMpaTeamArn)).toEqual({ 'Fn::GetAtt': [logicalId, ATTRIBUTE.MPA_TEAM_ARN] });
    expect(stack.resolve(association.attrMpaSessionArn)).toEqual({ 'Fn::GetAtt': [logicalId, ATTRIBUTE.MPA_SESSION_ARN] });
  });

  test('keeps its logical ids when the team changes (the physical id is the handler\'s business)', () => {
    const before = synthAssociation({ mpaTeamArn: LOCAL_TEAM_ARN }).template;
    const after = synthAssociation({ mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN }).template;

    expect(Object.keys(after.toJSON().Resources)).toEqual(Object.keys(before.toJSON().Resources));
  });
});

describe('the handler role', () => {
  test('may manage associations and sessions of the team\'s account and region, and nothing else', () => {
    const { template } = synthAssociation();

    expect(handlerPolicyStatements(template)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderHandlerLogGroup'), 'Arn'] },
      },
      ...TEAM_SCOPE_STATEMENTS('aws', 'eu-west-1', '111111111111'),
      READ_PROGRESS_STATEMENT('aws', 'eu-west-1', '111111111111'),
    ]);
  });

  test('has no managed policy', () => {
    const { template } = synthAssociation();
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');

    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('is not granted mpa:GetSession when approval progress is not reported', () => {
    const { template } = synthAssociation({ reportApprovalProgress: false });

    expect(handlerServiceStatements(template)).toEqual(TEAM_SCOPE_STATEMENTS('aws', 'eu-west-1', '111111111111'));
    expect(JSON.stringify(handlerPolicyStatements(template))).not.toContain('mpa:GetSession');
  });

  test('is scoped to a team in another account and region, not to the stack\'s', () => {
    const { template } = synthAssociation({ mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN });

    expect(associationResource(template).Properties.MpaTeamArn).toBe(CROSS_ACCOUNT_TEAM_ARN);
    expect(handlerServiceStatements(template)).toEqual([
      ...TEAM_SCOPE_STATEMENTS('aws', 'us-east-1', '222222222222'),
      READ_PROGRESS_STATEMENT('aws', 'us-east-1', '222222222222'),
    ]);
  });

  test('can still disassociate the previous team after the stack changes team A to team B', () => {
    // CloudFormation updates the policy to the new template before the handler runs, and
    // DisassociateMpaTeam / GetMpaTeamAssociation are authorized against the team associated now (A).
    const afterChange = synthAssociation({ mpaTeamArn: OTHER_LOCAL_TEAM_ARN }).template;

    const manage = handlerServiceStatements(afterChange).find(s => s.Sid === 'ManageMpaTeamAssociation');
    expect(manage.Action).toEqual(expect.arrayContaining([
      'payment-cryptography:DisassociateMpaTeam',
      'payment-cryptography:GetMpaTeamAssociation',
    ]));
    expect(iamResourceMatches(manage.Resource, LOCAL_TEAM_ARN)).toBe(true);
    expect(iamResourceMatches(manage.Resource, OTHER_LOCAL_TEAM_ARN)).toBe(true);
    // ... and the wildcard stays within the team's account and region.
    expect(iamResourceMatches(manage.Resource, CROSS_ACCOUNT_TEAM_ARN)).toBe(false);
    expect(iamResourceMatches(manage.Resource, 'arn:aws:mpa:eu-west-1:111111111111:identity-source/idc')).toBe(false);
  });

  test('gets each team scope once when several associations use teams of the same account and region', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: LOCAL_TEAM_ARN });
    new MpaTeamAssociation(stack, 'Second', {
      mpaTeamArn: OTHER_LOCAL_TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
    });
    new MpaTeamAssociation(stack, 'Third', {
      mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN,
      action: MpaProtectedOperation.of('ANOTHER_FUTURE_OPERATION'),
      reportApprovalProgress: false,
    });

    const statements = handlerServiceStatements(Template.fromStack(stack));
    const resourcesOf = (sid: string) => statements.find(s => s.Sid === sid).Resource;
    const local = 'arn:aws:mpa:eu-west-1:111111111111';
    const crossAccount = 'arn:aws:mpa:us-east-1:222222222222';
    expect(resourcesOf('ManageMpaTeamAssociation')).toEqual([`${local}:approval-team/*`, `${crossAccount}:approval-team/*`]);
    expect(resourcesOf('UseMpaApprovalTeam')).toEqual([`${local}:approval-team/*`, `${crossAccount}:approval-team/*`]);
    expect(resourcesOf('ManageMpaApprovalSessions')).toEqual([`${local}:session/*`, `${crossAccount}:session/*`]);
    // Only the associations that report progress read sessions.
    expect(resourcesOf('ReadMpaApprovalSessionProgress')).toBe(`${local}:session/*`);
  });
});

describe('tokens', () => {
  test('CfnApprovalTeam.attrArn passes through, and the grant is scoped by the ARN\'s own parts', () => {
    // A region where AWS::MPA::ApprovalTeam is known to CloudFormation's template validation.
    const stack = new Stack(new App(), 'TestStack', { env: { ...STACK_ENV, region: 'us-east-1' } });
    const team = newApprovalTeam(stack);
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: team.attrArn });
    const template = Template.fromStack(stack);

    const teamArn = { 'Fn::GetAtt': ['Team', 'Arn'] };
    expect(associationResource(template).Properties.MpaTeamArn).toEqual(teamArn);
    const part = (index: number) => ({ 'Fn::Select': [index, { 'Fn::Split': [':', teamArn] }] });
    const manage = handlerServiceStatements(template).find(s => s.Sid === 'ManageMpaTeamAssociation');
    expect(manage.Resource).toEqual({
      'Fn::Join': ['', ['arn:', part(1), ':mpa:', part(3), ':', part(4), ':approval-team/*']],
    });
  });

  test('a CfnParameter passes through unchecked, and two associations of it share one grant', () => {
    const stack = newStack();
    const teamArn = new CfnParameter(stack, 'TeamArn').valueAsString;
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: teamArn });
    new MpaTeamAssociation(stack, 'Second', { mpaTeamArn: teamArn, action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION') });
    const template = Template.fromStack(stack);

    template.allResourcesProperties(RESOURCE_TYPE, { MpaTeamArn: { Ref: 'TeamArn' } });
    for (const statement of handlerServiceStatements(template)) {
      expect(statement.Resource).toHaveProperty(['Fn::Join']);
    }
  });

  test('a token action passes through and is not compared with others', () => {
    const stack = newStack();
    const operation = new CfnParameter(stack, 'Operation').valueAsString;
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: LOCAL_TEAM_ARN, action: MpaProtectedOperation.of(operation) });
    new MpaTeamAssociation(stack, 'Second', { mpaTeamArn: LOCAL_TEAM_ARN });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { Action: { Ref: 'Operation' } });
  });

  test('a token requesterComment is passed through with a warning that its length is unchecked', () => {
    const stack = newStack();
    const comment = new CfnParameter(stack, 'Comment').valueAsString;
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN, requesterComment: comment });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { RequesterComment: { Ref: 'Comment' } });
    AssertAnnotations.fromStack(stack).hasWarning('/TestStack/RootCertificateApproval',
      Match.stringLikeRegexp('requesterComment is a token.*at most 200 characters'));
  });

  test('a concrete requesterComment raises no warning', () => {
    const { stack } = synthAssociation({ requesterComment: 'Managed by the payments-keys stack' });

    expect(AssertAnnotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('the provider', () => {
  test('runs both handler functions on Node.js 22, arm64, 256 MB, 2 minutes', () => {
    const { template } = synthAssociation();

    for (const [prefix, handler] of [['MpaTeamAssociationProviderOnEventHandler', 'index.onEvent'], ['MpaTeamAssociationProviderIsCompleteHandler', 'index.isComplete']]) {
      const fn = template.toJSON().Resources[logicalIdOf(template, 'AWS::Lambda::Function', prefix)];
      expect(fn.Properties).toMatchObject({
        Handler: handler,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 120,
        Role: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole'), 'Arn'] },
      });
    }
  });

  test.each([
    // approvalTimeout, pollInterval, waiter attempts (totalTimeout / pollInterval), ServiceTimeout
    [Duration.minutes(30), Duration.seconds(10), 188, '1940'], // 1800 + 20 + 60 = 1880
    [Duration.seconds(100), Duration.seconds(7), 25, '235'], // 100 + 14 + 60 = 174, rounded up to 175
    [Duration.minutes(55), Duration.seconds(10), 338, '3440'], // 3300 + 20 + 60 = 3380
  ])('waits approvalTimeout %s polled every %s: a backstop beyond the handler\'s own deadline', (approvalTimeout, pollInterval, maxAttempts, serviceTimeout) => {
    const { template } = synthAssociation({ approvalTimeout, pollInterval });

    const retry = waiterDefinition(template).States['framework-isComplete-task'].Retry[0];
    expect(retry).toMatchObject({ IntervalSeconds: pollInterval.toSeconds(), MaxAttempts: maxAttempts, BackoffRate: 1 });
    expect(associationResource(template).Properties.ServiceTimeout).toBe(serviceTimeout);
  });

  test('keeps every log for one year, in log groups of its own', () => {
    const { template } = synthAssociation();

    const logGroups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(logGroups)).toHaveLength(3);
    for (const logGroup of Object.values(logGroups)) {
      expect((logGroup as any).Properties.RetentionInDays).toBe(365);
    }
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(Object.keys(logGroups)).toContainEqual((fn as any).Properties.LoggingConfig.LogGroup.Ref);
    }
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) {
      expect((role as any).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('logs every waiter event without execution data (which carries the presigned ResponseURL)', () => {
    const { template } = synthAssociation();

    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Destinations: [{
          CloudWatchLogsLogGroup: {
            LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderWaiterLogGroup'), 'Arn'] },
          },
        }],
        IncludeExecutionData: false,
        Level: 'ALL',
      },
    });
  });

  test('is shared by all associations of a stack', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN });
    new MpaTeamAssociation(stack, 'FutureOperationApproval', {
      mpaTeamArn: OTHER_LOCAL_TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
    });
    const template = Template.fromStack(stack);

    template.resourceCountIs(RESOURCE_TYPE, 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    // onEvent and isComplete of the handler, onEvent, isComplete and onTimeout of the framework.
    template.resourceCountIs('AWS::Lambda::Function', 5);
    const tokens = Object.values(template.findResources(RESOURCE_TYPE)).map((r: any) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
  });

  test('is created per stack', () => {
    const app = new App();
    const first = new Stack(app, 'First', { env: STACK_ENV });
    const second = new Stack(app, 'Second', { env: STACK_ENV });
    new MpaTeamAssociation(first, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN });
    new MpaTeamAssociation(second, 'RootCertificateApproval', { mpaTeamArn: LOCAL_TEAM_ARN, approvalTimeout: Duration.minutes(5) });

    Template.fromStack(first).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    Template.fromStack(second).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});

describe('synth-time validation', () => {
  test.each([
    ['of another service', 'arn:aws:iam::111111111111:role/approvers', /mpaTeamArn must be an MPA approval team ARN/],
    ['without a team name', 'arn:aws:mpa:eu-west-1:111111111111:approval-team/', /mpaTeamArn must be an MPA approval team ARN/],
    ['with a short account', 'arn:aws:mpa:eu-west-1:1111:approval-team/approvers', /mpaTeamArn must be an MPA approval team ARN/],
    ['shorter than 20 characters', 'arn:aws:mpa', /mpaTeamArn must be 20 to 2048 characters long; got 11/],
    ['longer than 2048 characters', `arn:aws:mpa:eu-west-1:111111111111:approval-team/${'a'.repeat(2048)}`, /mpaTeamArn must be 20 to 2048 characters long; got 2097/],
  ])('rejects a team ARN %s', (_case, mpaTeamArn, message) => {
    expectSynthError({ mpaTeamArn }, message);
  });

  test('accepts team ARNs of other partitions, accounts and regions', () => {
    for (const mpaTeamArn of [
      CROSS_ACCOUNT_TEAM_ARN,
      'arn:aws-us-gov:mpa:us-gov-west-1:333333333333:approval-team/gov.approvers_1',
    ]) {
      expect(() => synthAssociation({ mpaTeamArn })).not.toThrow();
    }
  });

  test('names the construct in its messages', () => {
    expectSynthError({ mpaTeamArn: 'not-an-arn-at-all-no-no' }, /^MpaTeamAssociation at 'TestStack\/RootCertificateApproval': mpaTeamArn/);
  });

  test('rejects a requesterComment longer than 200 characters without echoing it', () => {
    expect(() => synthAssociation({ requesterComment: 'x'.repeat(200) })).not.toThrow();
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
      mpaTeamArn: LOCAL_TEAM_ARN,
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

  test('rejects RemovalPolicy.SNAPSHOT', () => {
    expectSynthError({ removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy snapshot is not supported/);
  });

  test('rejects a second association of the same action in one stack', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: LOCAL_TEAM_ARN });

    expect(() => new MpaTeamAssociation(stack, 'Second', {
      mpaTeamArn: OTHER_LOCAL_TEAM_ARN,
      action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
    })).toThrow(/'TestStack\/Second': action IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is already managed by 'TestStack\/First'/);
  });

  test('rejects associations of one stack with different approvalTimeout or pollInterval: they share one provider', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: LOCAL_TEAM_ARN });

    expect(() => new MpaTeamAssociation(stack, 'Second', {
      mpaTeamArn: LOCAL_TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
      approvalTimeout: Duration.minutes(10),
    })).toThrow(/approvalTimeout \(600 seconds\) and pollInterval \(10 seconds\) must equal those of 'TestStack\/First' \(1800 and 10 seconds\): all associations of a stack share one provider/);
    expect(() => new MpaTeamAssociation(stack, 'Third', {
      mpaTeamArn: LOCAL_TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
      pollInterval: Duration.seconds(5),
    })).toThrow(/share one provider/);
  });

  test('accepts the same non-default timing on every association of a stack', () => {
    const stack = newStack();
    const timing = { approvalTimeout: Duration.minutes(10), pollInterval: Duration.seconds(5) };
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: LOCAL_TEAM_ARN, ...timing });
    new MpaTeamAssociation(stack, 'Second', { mpaTeamArn: LOCAL_TEAM_ARN, action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'), ...timing });

    Template.fromStack(stack).resourceCountIs(RESOURCE_TYPE, 2);
  });
});
