import { Template } from 'aws-cdk-lib/assertions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  assumedRoleIdentity, federatedUserIdentity, iamUserIdentity, identityCenterIdentity,
  paymentCryptographyApiCall, rootIdentity,
} from './cloudtrail-events';
import { matchesPattern } from './event-pattern-matcher';
import { concreteEventPattern } from './synthesized-rules';
import { MpaProtectedOperation, MpaTeamAssociation } from '../../src';
import { TEAM_ARN, logicalIdOf, newStack, STACK_ENV } from '../construct-helpers/stacks';

/*
 * The rule of `changeAlarm` against CloudTrail events of AssociateMpaTeam and
 * DisassociateMpaTeam (see cloudtrail-events.ts for their sources and what is inferred).
 */

/** What CloudFormation would make of the handler role's `Fn::GetAtt Arn`. */
const HANDLER_ROLE_ARN = `arn:aws:iam::${STACK_ENV.account}:role/TestStack-MpaTeamAssociationProviderHandlerRole-1A2B3C4D5E6F`;

function alarmPattern(action?: MpaProtectedOperation) {
  const stack = newStack();
  new MpaTeamAssociation(stack, 'RootCertificateApproval', {
    mpaTeamArn: TEAM_ARN,
    action,
    changeAlarm: { target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) },
  });
  const template = Template.fromStack(stack);
  const handlerRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');
  return concreteEventPattern(template, { [handlerRoleId]: HANDLER_ROLE_ARN });
}

const pattern = alarmPattern();
const handlerCall = (eventName: string) => paymentCryptographyApiCall({
  eventName,
  userIdentity: assumedRoleIdentity(HANDLER_ROLE_ARN, 'TestStack-OnEventHandler-AbCdEf123456'),
});

describe('calls by a person or another tool raise the alarm', () => {
  test('AssociateMpaTeam through an assumed role', () => {
    const event = paymentCryptographyApiCall({
      userIdentity: assumedRoleIdentity(`arn:aws:iam::${STACK_ENV.account}:role/BreakGlassAdmin`, 'alice'),
    });
    expect(matchesPattern(pattern, event)).toBe(true);
  });

  test('DisassociateMpaTeam through an IAM Identity Center role', () => {
    const event = paymentCryptographyApiCall({ eventName: 'DisassociateMpaTeam', userIdentity: identityCenterIdentity() });
    expect(matchesPattern(pattern, event)).toBe(true);
  });

  test('a call with an IAM user\'s access keys, which has no session issuer', () => {
    expect(matchesPattern(pattern, paymentCryptographyApiCall({ userIdentity: iamUserIdentity() }))).toBe(true);
  });

  test('a call by the root user', () => {
    const event = paymentCryptographyApiCall({ eventName: 'DisassociateMpaTeam', userIdentity: rootIdentity() });
    expect(matchesPattern(pattern, event)).toBe(true);
  });

  test('a call by a federated user', () => {
    expect(matchesPattern(pattern, paymentCryptographyApiCall({ userIdentity: federatedUserIdentity() }))).toBe(true);
  });

  test('a call that was refused: an attempt is reported too', () => {
    const event = paymentCryptographyApiCall({ userIdentity: iamUserIdentity(), errorCode: 'AccessDeniedException' });
    expect(matchesPattern(pattern, event)).toBe(true);
  });

  test('a call whose parameters are logged as the API spells them (Action): the inferred casing may be wrong', () => {
    const event = paymentCryptographyApiCall({ userIdentity: iamUserIdentity(), pascalCaseParameters: true });
    expect(matchesPattern(pattern, event)).toBe(true);
  });
});

describe('calls that do not raise the alarm', () => {
  test('AssociateMpaTeam by the handler role', () => {
    expect(matchesPattern(pattern, handlerCall('AssociateMpaTeam'))).toBe(false);
  });

  test('DisassociateMpaTeam by the handler role', () => {
    expect(matchesPattern(pattern, handlerCall('DisassociateMpaTeam'))).toBe(false);
  });

  test('a call for another protected operation', () => {
    const event = paymentCryptographyApiCall({ action: 'SOME_FUTURE_OPERATION', userIdentity: iamUserIdentity() });
    expect(matchesPattern(pattern, event)).toBe(false);
  });

  test('another call of the service (GetMpaTeamAssociation, ImportKey)', () => {
    for (const eventName of ['GetMpaTeamAssociation', 'ImportKey']) {
      expect(matchesPattern(pattern, paymentCryptographyApiCall({ eventName, userIdentity: iamUserIdentity() }))).toBe(false);
    }
  });

  test('a call in another region', () => {
    const event = paymentCryptographyApiCall({ region: 'us-east-1', userIdentity: iamUserIdentity() });
    expect(matchesPattern(pattern, event)).toBe(false);
  });

  test('a call in another account (an event forwarded to this bus)', () => {
    const event = paymentCryptographyApiCall({ account: '333333333333', userIdentity: iamUserIdentity() });
    expect(matchesPattern(pattern, event)).toBe(false);
  });

  test('a call from another service with the same event name', () => {
    const call = paymentCryptographyApiCall({ userIdentity: iamUserIdentity() });
    const event = { ...call, source: 'aws.backup', detail: { ...(call.detail as object), eventSource: 'backup.amazonaws.com' } };
    expect(matchesPattern(pattern, event)).toBe(false);
  });
});

test('the action of the association is the one watched', () => {
  const futurePattern = alarmPattern(MpaProtectedOperation.of('SOME_FUTURE_OPERATION'));
  const call = (action: string) => paymentCryptographyApiCall({ action, userIdentity: iamUserIdentity() });

  expect(matchesPattern(futurePattern, call('SOME_FUTURE_OPERATION'))).toBe(true);
  expect(matchesPattern(futurePattern, call('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'))).toBe(false);
});
