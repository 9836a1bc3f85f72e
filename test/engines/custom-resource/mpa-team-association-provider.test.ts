import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MpaProtectedOperation, MpaTeamAssociation } from '../../../src';
import { RESERVED_CONCURRENT_EXECUTIONS } from '../../../src/engines/custom-resource/mpa-team-association-provider';
import { HANDLER_ENVIRONMENT, RESOURCE_TYPE } from '../../../src/handler-contract';
import {
  logicalIdOf,
  newApp,
  newStack,
  OTHER_TEAM_ARN,
  resourceOf,
  STACK_ENV,
  synthAssociation,
  TEAM_ARN,
  waiterDefinition,
} from '../../construct-helpers/stacks';

const HANDLERS = [
  ['onEvent', 'MpaTeamAssociationProviderOnEventHandler'],
  ['isComplete', 'MpaTeamAssociationProviderIsCompleteHandler'],
] as const;

// Synthesized once without and once with aws-cdk-lib's recommended feature flags (a new app's
// cdk.json), which change how Lambda functions get log groups and how policies are written.
const stacks = {
  'default flags': synthAssociation(),
  'recommended flags': synthAssociation({}, { recommendedFlags: true }),
};
const defaults = stacks['default flags'];

describe('the handler functions', () => {
  test.each(HANDLERS)('%s runs on Node.js 22, arm64, 256 MB, 2 minutes, with the handler role', (entryPoint, prefix) => {
    const fn = resourceOf(defaults.template, 'AWS::Lambda::Function', prefix);
    expect(fn.Properties).toMatchObject({
      Handler: `index.${entryPoint}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 120,
      Role: { 'Fn::GetAtt': [logicalIdOf(defaults.template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole'), 'Arn'] },
    });
  });

  test.each(HANDLERS)('%s knows the handler role\'s ARN (to tell its own MPA sessions)', (_entryPoint, prefix) => {
    const fn = resourceOf(defaults.template, 'AWS::Lambda::Function', prefix);
    expect(fn.Properties.Environment.Variables).toEqual({
      [HANDLER_ENVIRONMENT.HANDLER_ROLE_ARN]: {
        'Fn::GetAtt': [logicalIdOf(defaults.template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole'), 'Arn'],
      },
    });
  });
});

describe('every function of the provider', () => {
  test('reserves its concurrency (the handler, and the framework\'s onEvent, isComplete and onTimeout)', () => {
    const functions = Object.values<any>(defaults.template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENT_EXECUTIONS);
    }
  });
});

describe.each(Object.entries(stacks))('the log groups, with %s', (_flags, { template }) => {
  test('the provider creates four, and nothing else creates one', () => {
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toHaveLength(4);
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test.each(HANDLERS)('%s writes to /aws/lambda/<its name>, the group the framework\'s FAILED reasons name', (entryPoint, prefix) => {
    const functionId = logicalIdOf(template, 'AWS::Lambda::Function', prefix);
    const logGroup = resourceOf(template, 'AWS::Logs::LogGroup', `${prefix}LogGroup`);

    expect(logGroup.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['/aws/lambda/', { Ref: functionId }]] });
    // Lambda's default destination: no LoggingConfig sends the logs elsewhere.
    expect(resourceOf(template, 'AWS::Lambda::Function', prefix).Properties.LoggingConfig).toBeUndefined();
    // The framework builds "Logs: /aws/lambda/<name>" from this ARN (framework.js, invokeUserFunction).
    const variable = entryPoint === 'onEvent' ? 'USER_ON_EVENT_FUNCTION_ARN' : 'USER_IS_COMPLETE_FUNCTION_ARN';
    const frameworkOnEvent = resourceOf(template, 'AWS::Lambda::Function', 'MpaTeamAssociationProviderframeworkonEvent');
    expect(frameworkOnEvent.Properties.Environment.Variables[variable]).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
  });

  test('the custom resource waits for the handler\'s log groups and policy before its first request', () => {
    const dependsOn = (Object.values<any>(template.findResources(RESOURCE_TYPE))[0]).DependsOn;
    expect([...dependsOn].sort()).toEqual([
      logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationProviderHandlerPolicy'),
      logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderIsCompleteHandlerLogGroup'),
      logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderOnEventHandlerLogGroup'),
    ].sort());
  });

  test('the framework\'s functions write to the framework log group', () => {
    const frameworkLogGroup = logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderFrameworkLogGroup');
    for (const name of ['onEvent', 'isComplete', 'onTimeout']) {
      const fn = resourceOf(template, 'AWS::Lambda::Function', `MpaTeamAssociationProviderframework${name}`);
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: frameworkLogGroup });
    }
  });

  test('every log group keeps its events for two years and is retained, as aws-cdk-lib\'s LogGroup by default', () => {
    for (const logGroup of Object.values<any>(template.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(731);
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.Properties.KmsKeyId).toBeUndefined();
    }
  });
});

describe('the waiter', () => {
  test.each([
    // approvalTimeout, pollInterval, waiter attempts (totalTimeout / pollInterval), ServiceTimeout
    [Duration.minutes(30), Duration.seconds(10), 188, '1940'], // 1800 + 20 + 60 = 1880
    [Duration.seconds(100), Duration.seconds(7), 25, '235'], // 100 + 14 + 60 = 174, rounded up to 175
    [Duration.minutes(55), Duration.seconds(10), 338, '3440'], // 3300 + 20 + 60 = 3380
  ])('waits approvalTimeout %s polled every %s: a backstop beyond the handler\'s own deadline', (approvalTimeout, pollInterval, maxAttempts, serviceTimeout) => {
    const { template } = synthAssociation({ approvalTimeout, pollInterval });

    const retry = waiterDefinition(template).States['framework-isComplete-task'].Retry[0];
    expect(retry).toMatchObject({ IntervalSeconds: pollInterval.toSeconds(), MaxAttempts: maxAttempts, BackoffRate: 1 });
    template.hasResourceProperties(RESOURCE_TYPE, { ServiceTimeout: serviceTimeout });
  });

  test('logs every event without execution data (which carries the presigned ResponseURL)', () => {
    defaults.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Destinations: [{
          CloudWatchLogsLogGroup: {
            LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(defaults.template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderWaiterLogGroup'), 'Arn'] },
          },
        }],
        IncludeExecutionData: false,
        Level: 'ALL',
      },
    });
  });
});

describe('the provider', () => {
  test('is shared by all associations of a stack', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });
    new MpaTeamAssociation(stack, 'FutureOperationApproval', {
      mpaTeamArn: OTHER_TEAM_ARN,
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
    const app = newApp();
    const first = new Stack(app, 'First', { env: STACK_ENV });
    const second = new Stack(app, 'Second', { env: { ...STACK_ENV, region: 'eu-central-1' } });
    new MpaTeamAssociation(first, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });
    new MpaTeamAssociation(second, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, approvalTimeout: Duration.minutes(5) });

    Template.fromStack(first).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    Template.fromStack(second).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});
