import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations as AnnotationsAssertions, Match } from 'aws-cdk-lib/assertions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as nag3 from 'cdk-nag';
import * as nag2 from 'cdk-nag-v2';
import { MpaApprovalTeamChangeAlarm, MpaTeamAssociation, MpaTeamAssociationChangeAlarm } from '../../src';
import { TEAM_ARN, newStack, STACK_ENV } from '../construct-helpers/stacks';

/*
 * The rule packs of regulated accounts (issue 10) over the alarm's own resources, under
 * cdk-nag 3 and cdk-nag 2: AwsSolutions, PCI DSS 3.2.1 and NIST 800-53 R5. The SNS topic is
 * the application's, not the library's: it is the compliant one the docs show (a customer
 * managed key with rotation, TLS enforced). The provider's own findings belong to the
 * construct's rule-pack tests.
 */

/** Paths of the constructs this file answers for: the alarm and the docs' topic and key. */
const ALARM_PATHS = [/\/ChangeAlarm\//, /\/Changes\//, /\/TeamActivity\//, /^TestStack\/AlarmTopic\//, /^TestStack\/AlarmTopicKey\//];

function compliantTopic(stack: Stack): sns.ITopic {
  const key = new kms.Key(stack, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts MPA association alarms' });
  return new sns.Topic(stack, 'AlarmTopic', { masterKey: key, enforceSSL: true });
}

function standaloneAlarm(): Stack {
  const stack = newStack();
  new MpaTeamAssociationChangeAlarm(stack, 'Changes', {
    expectedCallerRole: iam.Role.fromRoleArn(stack, 'PipelineRole', `arn:aws:iam::${STACK_ENV.account}:role/payments-keys-deployer`),
    target: new targets.SnsTopic(compliantTopic(stack)),
  });
  return stack;
}

function associationWithAlarm(): Stack {
  const stack = newStack();
  new MpaTeamAssociation(stack, 'RootCertificateApproval', {
    mpaTeamArn: TEAM_ARN,
    changeAlarm: { target: new targets.SnsTopic(compliantTopic(stack)) },
  });
  return stack;
}

function approvalTeamAlarm(): Stack {
  const stack = newStack();
  new MpaApprovalTeamChangeAlarm(stack, 'TeamActivity', {
    mpaTeamArn: `arn:aws:mpa:${STACK_ENV.region}:${STACK_ENV.account}:approval-team/payments-approvers`,
    target: new targets.SnsTopic(compliantTopic(stack)),
  });
  return stack;
}

const isAlarmPath = (path: string) => ALARM_PATHS.some(pattern => pattern.test(path));

const PACKS_V3 = {
  AwsSolutions: () => new nag3.AwsSolutionsChecks(),
  PCIDSS321: () => new nag3.PCIDSS321Checks(),
  NIST80053R5: () => new nag3.NIST80053R5Checks(),
};

const PACKS_V2 = {
  AwsSolutions: () => new nag2.AwsSolutionsChecks({ reports: false }),
  PCIDSS321: () => new nag2.PCIDSS321Checks({ reports: false }),
  NIST80053R5: () => new nag2.NIST80053R5Checks({ reports: false }),
};

function findingsV3(stack: Stack, pack: nag3.NagPack): string[] {
  return pack.validateScope(stack).violations.flatMap(violation => violation.violatingResources
    .map(resource => resource.constructPath ?? '')
    .filter(isAlarmPath)
    .map(path => `${violation.ruleName} ${path}`));
}

function findingsV2(stack: Stack, pack: nag2.NagPack): string[] {
  Aspects.of(stack).add(pack);
  const annotations = AnnotationsAssertions.fromStack(stack);
  return [
    ...annotations.findError('*', Match.anyValue()),
    ...annotations.findWarning('*', Match.anyValue()),
  ].map(message => ({ path: message.id.replace(/^\//, ''), rule: String(message.entry.data).split(':')[0] }))
    .filter(finding => isAlarmPath(finding.path))
    .map(finding => `${finding.rule} ${finding.path}`);
}

describe.each([
  ['standalone MpaTeamAssociationChangeAlarm', standaloneAlarm],
  ['MpaTeamAssociation changeAlarm', associationWithAlarm],
  ['MpaApprovalTeamChangeAlarm', approvalTeamAlarm],
])('%s', (_name, build) => {
  test.each(Object.entries(PACKS_V3))('cdk-nag 3 %s finds nothing in the alarm', (_pack, makePack) => {
    expect(findingsV3(build(), makePack())).toEqual([]);
  });

  test.each(Object.entries(PACKS_V2))('cdk-nag 2 %s finds nothing in the alarm', (_pack, makePack) => {
    expect(findingsV2(build(), makePack())).toEqual([]);
  });
});

test('the filter sees findings in the alarm\'s paths: a topic without TLS enforced or encryption is reported', () => {
  const unencryptedTopicAlarm = () => {
    const stack = newStack();
    new MpaTeamAssociationChangeAlarm(stack, 'Changes', { target: new targets.SnsTopic(new sns.Topic(stack, 'AlarmTopic')) });
    return stack;
  };

  expect(findingsV3(unencryptedTopicAlarm(), new nag3.AwsSolutionsChecks())).toEqual(['AwsSolutions-SNS3 TestStack/AlarmTopic/Resource']);
  expect(findingsV3(unencryptedTopicAlarm(), new nag3.PCIDSS321Checks())).toEqual(['PCI.DSS.321-SNSEncryptedKMS TestStack/AlarmTopic/Resource']);
  expect(findingsV2(unencryptedTopicAlarm(), new nag2.AwsSolutionsChecks({ reports: false }))).toEqual(['AwsSolutions-SNS3 TestStack/AlarmTopic/Resource']);
  expect(findingsV2(unencryptedTopicAlarm(), new nag2.PCIDSS321Checks({ reports: false }))).toEqual(['PCI.DSS.321-SNSEncryptedKMS TestStack/AlarmTopic/Resource']);
});
