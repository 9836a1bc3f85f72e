import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MpaTeamAssociation } from '../../../src';
import { logicalIdOf, newApp, newStack, synthAssociation, TEAM_ARN } from '../../construct-helpers/stacks';

const IMPORTED_KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** What CloudWatch Logs needs in the key policy for the log groups of an account and region. */
const cloudWatchLogsStatement = (partition: string, region: string, account: string) => ({
  Sid: 'AllowCloudWatchLogsForMpaTeamAssociation',
  Effect: 'Allow',
  Principal: { Service: `logs.${region}.amazonaws.com` },
  Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
  Resource: '*',
  Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` } },
});

const logGroupsOf = (template: Template) => Object.values<any>(template.findResources('AWS::Logs::LogGroup'));

describe('logRetention and logRemovalPolicy', () => {
  test('apply to every log group the construct creates', () => {
    const { template } = synthAssociation({ logRetention: logs.RetentionDays.FIVE_YEARS, logRemovalPolicy: RemovalPolicy.DESTROY });

    const logGroups = logGroupsOf(template);
    expect(logGroups).toHaveLength(4);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.RetentionInDays).toBe(1827);
      expect(logGroup.DeletionPolicy).toBe('Delete');
      expect(logGroup.UpdateReplacePolicy).toBe('Delete');
    }
  });
});

describe('a logEncryptionKey of the app', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
  new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, logEncryptionKey: key });
  const template = Template.fromStack(stack);

  test('encrypts every log group the construct creates', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'LogKey');
    for (const logGroup of logGroupsOf(template)) {
      expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
  });

  test('lets CloudWatch Logs of the stack\'s account and region use it, in its key policy', () => {
    const keyPolicy = template.toJSON().Resources[logicalIdOf(template, 'AWS::KMS::Key', 'LogKey')].Properties.KeyPolicy;

    expect(keyPolicy.Statement).toContainEqual({
      ...cloudWatchLogsStatement('aws', 'eu-west-1', '111111111111'),
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:log-group:*']] } } },
    });
  });

  test('raises no warning', () => {
    AssertAnnotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('an imported logEncryptionKey', () => {
  const warningOf = (stack: Stack) => {
    const warnings = AssertAnnotations.fromStack(stack).findWarning('/TestStack/MpaTeamAssociationProvider', Match.stringLikeRegexp('logEncryptionKey'));
    expect(warnings).toHaveLength(1);
    return String(warnings[0].entry.data);
  };

  test('encrypts the log groups, and the synth warns with the exact statement to add to its key policy', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN,
      logEncryptionKey: kms.Key.fromKeyArn(stack, 'LogKey', IMPORTED_KEY_ARN),
    });
    const template = Template.fromStack(stack);

    for (const logGroup of logGroupsOf(template)) {
      expect(logGroup.Properties.KmsKeyId).toBe(IMPORTED_KEY_ARN);
    }
    const warning = warningOf(stack);
    expect(warning).toMatch(new RegExp(`^logEncryptionKey ${IMPORTED_KEY_ARN} is imported, so its key policy cannot be changed by this app`));
    const printed = JSON.parse(warning.slice(warning.indexOf('{')).replace(/ \[ack: .*\]$/, ''));
    expect(printed).toEqual(cloudWatchLogsStatement('aws', 'eu-west-1', '111111111111'));
  });

  test('in a stack without an environment, the statement shows placeholders for what only deployment knows', () => {
    const stack = new Stack(newApp(), 'TestStack');
    new MpaTeamAssociation(stack, 'RootCertificateApproval', {
      mpaTeamArn: TEAM_ARN,
      logEncryptionKey: kms.Key.fromKeyArn(stack, 'LogKey', IMPORTED_KEY_ARN),
    });

    const warning = warningOf(stack);
    const printed = JSON.parse(warning.slice(warning.indexOf('{')).replace(/ \[ack: .*\]$/, ''));
    expect(printed).toEqual(cloudWatchLogsStatement('<partition>', '<region>', '<account>'));
  });
});
