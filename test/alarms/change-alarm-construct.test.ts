import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { assumedRoleIdentity, iamUserIdentity, paymentCryptographyApiCall } from './cloudtrail-events';
import { matchesPattern } from './event-pattern-matcher';
import { transformInput } from './input-transformer';
import { concreteEventPattern, eventRules, onlyEventRule, resolveArns } from './synthesized-rules';
import { MpaProtectedOperation, MpaTeamAssociation, MpaTeamAssociationChangeAlarm } from '../../src';
import { CROSS_ACCOUNT_TEAM_ARN, TEAM_ARN, logicalIdOf, newStack, STACK_ENV } from '../construct-helpers/stacks';

const HANDLER_ROLE_ARN = `arn:aws:iam::${STACK_ENV.account}:role/TestStack-HandlerRole-1A2B3C4D5E6F`;

function associationWithAlarm(stack: Stack = newStack()) {
  const topic = new sns.Topic(stack, 'Alarms');
  const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', {
    mpaTeamArn: TEAM_ARN,
    changeAlarm: { target: new targets.SnsTopic(topic) },
  });
  const template = Template.fromStack(stack);
  const handlerRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');
  return { stack, association, template, arns: { [handlerRoleId]: HANDLER_ROLE_ARN } };
}

/** The message a target of the rule would receive for `event`, parsed. */
function messageFor(target: any, arns: Record<string, string>, event: unknown): any {
  const transformer = target.InputTransformer;
  const template = resolveArns(transformer.InputTemplate, arns) as string;
  return JSON.parse(transformInput(template, transformer.InputPathsMap, event));
}

describe('MpaTeamAssociation changeAlarm', () => {
  test('without changeAlarm, no rule is created', () => {
    const stack = newStack();
    const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });

    expect(association.changeAlarm).toBeUndefined();
    expect(Object.keys(eventRules(Template.fromStack(stack)))).toEqual([]);
  });

  test('with changeAlarm, one rule delivers to the target given', () => {
    const { association, template } = associationWithAlarm();
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'Alarms');

    expect(association.changeAlarm).toBeInstanceOf(MpaTeamAssociationChangeAlarm);
    expect(onlyEventRule(template).properties.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: topicId } }),
    ]);
  });

  test('the message names the operation, the expected role, the call and the caller', () => {
    const { template, arns } = associationWithAlarm();
    const event = paymentCryptographyApiCall({
      userIdentity: assumedRoleIdentity(`arn:aws:iam::${STACK_ENV.account}:role/BreakGlassAdmin`, 'alice'),
      mpaTeamArn: 'arn:aws:mpa:us-east-1:111111111111:approval-team/other-approvers',
    });

    const message = messageFor(onlyEventRule(template).properties.Targets[0], arns, event);

    expect(message).toEqual({
      alarm: 'An MPA team association of AWS Payment Cryptography was changed outside its pipeline',
      protectedOperation: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      expectedCallerRoleArn: HANDLER_ROLE_ARN,
      call: {
        eventName: 'AssociateMpaTeam',
        eventTime: '2026-11-20T10:15:30Z',
        eventId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222',
        account: STACK_ENV.account,
        region: STACK_ENV.region,
        sourceIpAddress: '192.0.2.10',
      },
      caller: { principalType: 'AssumedRole' },
      details: `caller arn:aws:sts::${STACK_ENV.account}:assumed-role/BreakGlassAdmin/alice (account ${STACK_ENV.account}, ` +
        `session issuer arn:aws:iam::${STACK_ENV.account}:role/BreakGlassAdmin); request id a1b2c3d4-5678-90ab-cdef-EXAMPLE11111; ` +
        'requested MPA team arn:aws:mpa:us-east-1:111111111111:approval-team/other-approvers; error ',
    });
  });

  test('the message stays valid JSON when the event lacks the optional facts (an IAM user disassociating, refused)', () => {
    const { template, arns } = associationWithAlarm();
    const event = paymentCryptographyApiCall({
      eventName: 'DisassociateMpaTeam', userIdentity: iamUserIdentity(), errorCode: 'AccessDeniedException',
    });

    const message = messageFor(onlyEventRule(template).properties.Targets[0], arns, event);

    expect(message.caller).toEqual({ principalType: 'IAMUser' });
    expect(message.details).toBe(`caller arn:aws:iam::${STACK_ENV.account}:user/alice (account ${STACK_ENV.account}, session issuer ); ` +
      'request id a1b2c3d4-5678-90ab-cdef-EXAMPLE11111; requested MPA team ; error AccessDeniedException');
  });

  test('the rule follows the association\'s action', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'FutureApproval', {
      mpaTeamArn: TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
      changeAlarm: { target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) },
    });

    expect(onlyEventRule(Template.fromStack(stack)).properties.EventPattern.detail.requestParameters).toEqual({
      $or: [{ action: ['SOME_FUTURE_OPERATION'] }, { Action: ['SOME_FUTURE_OPERATION'] }],
    });
  });

  test('two associations of a stack get one rule each, both expecting the shared handler role', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Alarms');
    new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN, changeAlarm: { target: new targets.SnsTopic(topic) },
    });
    new MpaTeamAssociation(stack, 'FutureApproval', {
      mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN,
      action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION'),
      changeAlarm: { target: new targets.SnsTopic(topic) },
    });
    const template = Template.fromStack(stack);
    const handlerRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');

    const expected = Object.values(eventRules(template)).map((rule: any) =>
      rule.Properties.EventPattern.detail.userIdentity.$or[0].sessionContext.sessionIssuer.arn);
    expect(expected).toEqual([
      [{ 'anything-but': { 'Fn::GetAtt': [handlerRoleId, 'Arn'] } }],
      [{ 'anything-but': { 'Fn::GetAtt': [handlerRoleId, 'Arn'] } }],
    ]);
  });

  test('a token action (a CfnParameter) is passed through to the pattern', () => {
    const stack = newStack();
    const action = new CfnParameter(stack, 'Action');
    new MpaTeamAssociation(stack, 'ParameterApproval', {
      mpaTeamArn: TEAM_ARN,
      action: MpaProtectedOperation.of(action.valueAsString),
      changeAlarm: { target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) },
    });

    expect(onlyEventRule(Template.fromStack(stack)).properties.EventPattern.detail.requestParameters.$or[0])
      .toEqual({ action: [{ Ref: 'Action' }] });
  });

  test('ruleName and enabled reach the rule', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN,
      changeAlarm: { target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')), ruleName: 'mpa-association-changes', enabled: false },
    });

    expect(onlyEventRule(Template.fromStack(stack)).properties).toEqual(expect.objectContaining({
      Name: 'mpa-association-changes',
      State: 'DISABLED',
    }));
  });
});

describe('MpaTeamAssociationChangeAlarm on its own', () => {
  test('without an expected role, every call for the action is reported, the pipeline\'s too', () => {
    const stack = newStack();
    new MpaTeamAssociationChangeAlarm(stack, 'Changes', { target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) });
    const pattern = concreteEventPattern(Template.fromStack(stack));

    expect(matchesPattern(pattern, paymentCryptographyApiCall({ userIdentity: assumedRoleIdentity(HANDLER_ROLE_ARN, 'fn') }))).toBe(true);
    expect(matchesPattern(pattern, paymentCryptographyApiCall({ userIdentity: iamUserIdentity() }))).toBe(true);
  });

  test('with an expected role, that role\'s calls are not reported', () => {
    const stack = newStack();
    const pipelineRole = iam.Role.fromRoleArn(stack, 'PipelineRole', `arn:aws:iam::${STACK_ENV.account}:role/payments-keys-deployer`);
    new MpaTeamAssociationChangeAlarm(stack, 'Changes', {
      expectedCallerRole: pipelineRole,
      target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')),
    });
    const pattern = concreteEventPattern(Template.fromStack(stack));

    expect(matchesPattern(pattern, paymentCryptographyApiCall({ userIdentity: assumedRoleIdentity(pipelineRole.roleArn, 'deploy') }))).toBe(false);
    expect(matchesPattern(pattern, paymentCryptographyApiCall({ userIdentity: iamUserIdentity() }))).toBe(true);
  });

  test('a target that sets its own input keeps it', () => {
    const stack = newStack();
    new MpaTeamAssociationChangeAlarm(stack, 'Changes', {
      target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms'), {
        message: events.RuleTargetInput.fromText('MPA association changed: see CloudTrail'),
      }),
    });

    const [target] = onlyEventRule(Template.fromStack(stack)).properties.Targets;
    expect(target.Input).toBe('"MPA association changed: see CloudTrail"');
    expect(target.InputTransformer).toBeUndefined();
  });

  test('addTarget delivers the alarm\'s message to another target too', () => {
    const stack = newStack();
    const alarm = new MpaTeamAssociationChangeAlarm(stack, 'Changes', { target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) });
    alarm.addTarget(new targets.SqsQueue(new sqs.Queue(stack, 'Audit', { enforceSSL: true })));

    const [first, second] = onlyEventRule(Template.fromStack(stack)).properties.Targets;
    expect(second.InputTransformer).toEqual(first.InputTransformer);
  });
});
