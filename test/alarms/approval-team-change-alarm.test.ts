import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { matchesPattern } from './event-pattern-matcher';
import { transformInput } from './input-transformer';
import {
  cancelSessionCall, mpaServiceEvent, SESSION_ARN, sessionResource, TEAM_ACCOUNT, TEAM_ARN, teamResource,
} from './mpa-events';
import { concreteEventPattern, onlyEventRule, resolveArns } from './synthesized-rules';
import { MpaApprovalTeamChangeAlarm } from '../../src';
import { newApp, newApprovalTeam } from '../construct-helpers/stacks';

function teamStack(): Stack {
  return new Stack(newApp(), 'TeamStack', { env: { account: TEAM_ACCOUNT, region: 'us-east-1' } });
}

function alarmTemplate(teamArn = TEAM_ARN): Template {
  const stack = teamStack();
  new MpaApprovalTeamChangeAlarm(stack, 'TeamActivity', {
    mpaTeamArn: teamArn,
    target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')),
  });
  return Template.fromStack(stack);
}

const pattern = concreteEventPattern(alarmTemplate());

describe('events about the team and its sessions raise the alarm', () => {
  test('a person cancels one of its sessions (API call)', () => {
    expect(matchesPattern(pattern, cancelSessionCall())).toBe(true);
  });

  test('a session expires', () => {
    const event = mpaServiceEvent('SessionExpiration', sessionResource(), { sessionStatus: 'FAILED', sessionStatusCode: 'EXPIRED' });
    expect(matchesPattern(pattern, event)).toBe(true);
  });

  test('a session is approved', () => {
    expect(matchesPattern(pattern, mpaServiceEvent('SessionApproved', sessionResource(), { sessionStatus: 'APPROVED' }))).toBe(true);
  });

  test('the team\'s deletion is approved', () => {
    const event = mpaServiceEvent('TeamDeletionApprovalSuccess', teamResource(), { teamStatus: 'DELETED' });
    expect(matchesPattern(pattern, event)).toBe(true);
  });
});

describe('events that do not raise it', () => {
  test('a session of another team whose name starts with this team\'s name', () => {
    const otherSession = SESSION_ARN.replace('session/org-approvers/', 'session/org-approvers-eu/');
    const otherTeam = TEAM_ARN.replace('org-approvers', 'org-approvers-eu');
    expect(matchesPattern(pattern, cancelSessionCall(otherSession, otherTeam))).toBe(false);
    expect(matchesPattern(pattern, mpaServiceEvent('SessionApproved', sessionResource(otherSession), { sessionStatus: 'APPROVED' })))
      .toBe(false);
  });

  test('another team\'s deletion', () => {
    const event = mpaServiceEvent('TeamDeletionApprovalSuccess', teamResource(TEAM_ARN.replace('org-approvers', 'other')), {});
    expect(matchesPattern(pattern, event)).toBe(false);
  });

  test('an event of another service about a resource with the same ARN', () => {
    const event = { ...cancelSessionCall(), source: 'aws.payment-cryptography' };
    expect(matchesPattern(pattern, event)).toBe(false);
  });
});

test('a team ARN token (CfnApprovalTeam.attrArn) yields the session prefix at deploy time', () => {
  const stack = teamStack();
  const team = newApprovalTeam(stack);
  new MpaApprovalTeamChangeAlarm(stack, 'TeamActivity', { mpaTeamArn: team.attrArn, target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) });
  const template = Template.fromStack(stack);
  const teamId = Object.keys(template.findResources('AWS::MPA::ApprovalTeam'))[0];

  // Resolve the intrinsics as CloudFormation would, for a team that gets TEAM_ARN.
  const resolved = JSON.parse(JSON.stringify(onlyEventRule(template).properties.EventPattern), (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (value['Fn::GetAtt']?.[0] === teamId) return TEAM_ARN;
      if (value['Fn::Split']) return (value['Fn::Split'][1] as string).split(value['Fn::Split'][0]);
      if (value['Fn::Select']) return value['Fn::Select'][1][value['Fn::Select'][0]];
    }
    return value;
  });
  const tokenPattern = resolveArns(resolved, {}) as Record<string, unknown>;

  expect(tokenPattern).toEqual(pattern);
});

test('the message names the team, the event and what happened', () => {
  const rule = onlyEventRule(alarmTemplate());
  const transformer = rule.properties.Targets[0].InputTransformer;
  const event = mpaServiceEvent('SessionExpiration', sessionResource(), { sessionStatus: 'FAILED', sessionStatusCode: 'EXPIRED' });

  const message = JSON.parse(transformInput(resolveArns(transformer.InputTemplate, {}) as string, transformer.InputPathsMap, event));

  expect(message).toEqual({
    alarm: 'A Multi-party approval team, or one of its approval sessions, changed',
    mpaTeamArn: TEAM_ARN,
    event: {
      detailType: 'AWS Service Event via CloudTrail',
      eventName: 'SessionExpiration',
      eventTime: '2026-11-20T11:05:00Z',
      eventId: 'a24b3967-ddad-417f-9b22-2332b918db06',
      account: TEAM_ACCOUNT,
      region: 'us-east-1',
    },
    details: 'caller ; session status FAILED EXPIRED; team status  ',
  });
});

describe('where it is deployed', () => {
  test('in the team\'s account and region: no warning', () => {
    const stack = teamStack();
    new MpaApprovalTeamChangeAlarm(stack, 'TeamActivity', { mpaTeamArn: TEAM_ARN, target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('elsewhere: a warning says the rule will never match', () => {
    const stack = new Stack(newApp(), 'PaymentsStack', { env: { account: '111111111111', region: 'eu-west-1' } });
    new MpaApprovalTeamChangeAlarm(stack, 'TeamActivity', { mpaTeamArn: TEAM_ARN, target: new targets.SnsTopic(new sns.Topic(stack, 'Alarms')) });
    Annotations.fromStack(stack).hasWarning('/PaymentsStack/TeamActivity',
      Match.stringLikeRegexp('account 222222222222 and region us-east-1.*never match'));
  });
});
