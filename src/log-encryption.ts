import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
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
  const statement = cloudWatchLogsKeyStatement(stack.partition, stack.region, stack.account);
  const { statementAdded } = key.addToResourcePolicy(statement, /* allowNoOp */ true);
  if (statementAdded) {
    return;
  }
  const readable = cloudWatchLogsKeyStatement(
    concreteOr(stack.partition, '<partition>'),
    concreteOr(stack.region, '<region>'),
    concreteOr(stack.account, '<account>'),
  ).toStatementJson();
  const keyArn = concreteOr(key.keyArn, `the key of '${key.node.path}'`);
  Annotations.of(scope).addWarningV2('cdk-mpa-team-association:logEncryptionKeyPolicy',
    `logEncryptionKey ${keyArn} is imported, so its key policy cannot be changed by this app. CloudWatch Logs must be allowed ` +
    'to use it, or CloudFormation cannot create the provider\'s log groups: add this statement to the key policy: ' +
    JSON.stringify(readable));
}

function cloudWatchLogsKeyStatement(partition: string, region: string, account: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForMpaTeamAssociation',
    principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
    },
  });
}

function concreteOr(value: string, placeholder: string): string {
  return Token.isUnresolved(value) ? placeholder : value;
}
