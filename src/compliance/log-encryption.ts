import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/**
 * Lets CloudWatch Logs use `key` for the provider's log groups (CloudWatch Logs User Guide,
 * "Encrypt log data in CloudWatch Logs using AWS KMS": the service principal of the region,
 * with the encryption context of log groups in the stack's account and region).
 *
 * A key the app owns gets the statement in its key policy. An imported key's policy cannot be
 * changed from here: the app is warned, with the exact statement to add, because without it
 * CloudFormation cannot create the log groups.
 *
 * The condition names every log group of the account and region rather than the provider's
 * own: the log groups refer to the key, so the key policy cannot refer back to them.
 */
export function allowCloudWatchLogsToUseKey(scope: IConstruct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  const statement = iam.PolicyStatement.fromJson(cloudWatchLogsKeyStatement(stack.partition, stack.region, stack.account));
  const { statementAdded } = key.addToResourcePolicy(statement, /* allowNoOp */ true);
  if (statementAdded) {
    return;
  }
  // What the user pastes into a key policy: literal values, and placeholders for what only
  // the deployment knows (an environment-agnostic stack).
  const region = concreteOr(stack.region, '<region>');
  const partition = Token.isUnresolved(stack.region)
    ? concreteOr(stack.partition, '<partition>')
    : RegionInfo.get(stack.region).partition ?? '<partition>';
  const readable = cloudWatchLogsKeyStatement(partition, region, concreteOr(stack.account, '<account>'));
  const keyArn = concreteOr(key.keyArn, `the key of '${key.node.path}'`);
  Annotations.of(scope).addWarningV2('cdk-mpa-team-association:logEncryptionKeyPolicy',
    `logEncryptionKey ${keyArn} is imported, so its key policy cannot be changed by this app. CloudWatch Logs must be allowed ` +
    'to use it, or CloudFormation cannot create the provider\'s log groups: add this statement to the key policy: ' +
    JSON.stringify(readable));
}

/** The key policy statement, as IAM JSON. */
function cloudWatchLogsKeyStatement(partition: string, region: string, account: string) {
  return {
    Sid: 'AllowCloudWatchLogsForMpaTeamAssociation',
    Effect: 'Allow',
    Principal: { Service: `logs.${region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
    },
  };
}

function concreteOr(value: string, placeholder: string): string {
  return Token.isUnresolved(value) ? placeholder : value;
}
