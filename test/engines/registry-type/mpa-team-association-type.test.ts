import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MpaTeamAssociationType } from '../../../src';
import { registrationStack } from '../../construct-helpers/registry-engine';
import { arnText, CROSS_ACCOUNT_TEAM_ARN, newStack, resourceOf } from '../../construct-helpers/stacks';
import { readZip } from '../../construct-helpers/zip-reader';

/*
 * MpaTeamAssociationType registers the registry type in its stack's account and region: the
 * handler package as an asset laid out as `cfn submit` lays it out, the execution and log roles
 * trusted by CloudFormation's registry for this type and account only, the log group, the
 * version and the default version, with removal and upgrade paths that never pile up versions.
 */

const TYPE_NAME = 'CdkMpa::PaymentCryptography::MpaTeamAssociation';
const REPO_ROOT = path.join(__dirname, '..', '..', '..');
const BUNDLE = path.join(REPO_ROOT, 'assets', 'lambda', 'registry-type', 'handler', 'index.js');

function synthesized(stack: Stack) {
  const template = Template.fromStack(stack);
  const version = resourceOf(template, 'AWS::CloudFormation::ResourceVersion', 'MpaTeamAssociationTypeVersion');
  return { template, version };
}

/** The handler package the version registers, read from the cloud assembly as the CDK CLI would upload it. */
function handlerPackage(stack: Stack) {
  const { version } = synthesized(stack);
  const url = version.Properties.SchemaHandlerPackage as string;
  const [, key] = /^s3:\/\/[^/]+\/(.+)$/.exec(url)!;
  const assembly = Stage.of(stack)!.synth();
  const file = path.join(assembly.directory, `asset.${key}`);
  const entries = readZip(fs.readFileSync(file));
  const entry = (name: string) => entries.find(e => e.name === name)!.data;
  return { key, entries, rpdkConfig: JSON.parse(entry('.rpdk-config').toString()), schema: JSON.parse(entry('schema.json').toString()), handler: readZip(entry('ResourceProvider.zip')) };
}

describe('the handler package', () => {
  const { stack } = registrationStack();
  const pkg = handlerPackage(stack);

  test('is a zip of .rpdk-config, schema.json and ResourceProvider.zip, every entry stored, as cfn submit writes it', () => {
    expect(pkg.entries.map(e => [e.name, e.method])).toEqual([['.rpdk-config', 0], ['schema.json', 0], ['ResourceProvider.zip', 0]]);
  });

  test('.rpdk-config: a TypeScript RESOURCE type on nodejs20.x, entrypoint index.handler, handler protocol 2.0.0', () => {
    expect(pkg.rpdkConfig).toEqual({
      artifact_type: 'RESOURCE',
      typeName: TYPE_NAME,
      language: 'typescript',
      runtime: 'nodejs20.x',
      entrypoint: 'index.handler',
      testEntrypoint: 'index.handler',
      settings: { protocolVersion: '2.0.0' },
    });
    // The CloudFormation CLI refuses a .rpdk-config over 10 KiB.
    expect(JSON.stringify(pkg.rpdkConfig).length).toBeLessThan(10 * 1024);
  });

  test('ResourceProvider.zip holds the handler bundle built with the library, as index.js, exporting the entrypoint', () => {
    expect(pkg.handler.map(e => e.name)).toEqual(['index.js']);
    expect(pkg.handler[0].data.equals(fs.readFileSync(BUNDLE))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle as Lambda loads it (CommonJS)
    expect(typeof require(BUNDLE).handler).toBe('function');
  });

  test('schema.json is the type\'s schema, every create, update and delete handler given 2160 minutes', () => {
    expect(pkg.schema.typeName).toBe(TYPE_NAME);
    expect(pkg.schema.primaryIdentifier).toEqual(['/properties/Id']);
    expect(['create', 'update', 'delete'].map(op => pkg.schema.handlers[op].timeoutInMinutes)).toEqual([2160, 2160, 2160]);
  });

  test('is the same bytes on every synth, so an unchanged registration registers no new version', () => {
    expect(handlerPackage(registrationStack().stack).key).toBe(pkg.key);
  });

  test('a runtime and a handler timeout of its own change .rpdk-config, the schema and so the asset', () => {
    const other = handlerPackage(registrationStack({ runtime: lambda.Runtime.NODEJS_22_X, handlerTimeout: Duration.hours(26) }).stack);
    expect(other.rpdkConfig.runtime).toBe('nodejs22.x');
    expect(['create', 'update', 'delete'].map(op => other.schema.handlers[op].timeoutInMinutes)).toEqual([1560, 1560, 1560]);
    expect(other.key).not.toBe(pkg.key);
  });
});

describe('the registration', () => {
  const { stack } = registrationStack();
  const { template, version } = synthesized(stack);

  test('registers the type with its execution role and logging config, once the roles\' policies exist, and makes it the default version', () => {
    expect(version.Properties).toEqual({
      TypeName: TYPE_NAME,
      SchemaHandlerPackage: expect.stringMatching(/^s3:\/\/cdk-[a-z0-9]+-assets-111111111111-eu-west-1\/[0-9a-f]{64}\.zip$/),
      ExecutionRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^MpaTeamAssociationTypeExecutionRole/), 'Arn'] },
      LoggingConfig: {
        LogGroupName: { Ref: expect.stringMatching(/^MpaTeamAssociationTypeLogGroup/) },
        LogRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^MpaTeamAssociationTypeLogRole/), 'Arn'] },
      },
    });
    expect(version.DependsOn.sort()).toEqual([
      expect.stringMatching(/^MpaTeamAssociationTypeExecutionPolicy/),
      expect.stringMatching(/^MpaTeamAssociationTypeLogRolePolicy/),
    ]);
    const versionId = Object.keys(template.findResources('AWS::CloudFormation::ResourceVersion'))[0];
    template.hasResourceProperties('AWS::CloudFormation::ResourceDefaultVersion', { TypeVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] } });
  });

  test('both roles trust only CloudFormation\'s registry, for this type in this account (aws:SourceAccount, aws:SourceArn)', () => {
    const trusts = Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.AssumeRolePolicyDocument.Statement);
    expect(trusts).toHaveLength(2);
    for (const statements of trusts) {
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'resources.cloudformation.amazonaws.com' } });
      expect(statements[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '111111111111' });
      expect(arnText(statements[0].Condition.ArnLike['aws:SourceArn']))
        .toBe('arn:aws:cloudformation:eu-west-1:111111111111:type/resource/CdkMpa-PaymentCryptography-MpaTeamAssociation*');
    }
  });

  test('the execution role\'s session covers the CloudFormation CLI\'s 70 s per minute of handler timeout, within IAM\'s 1 to 12 hours', () => {
    const session = (handlerTimeout?: Duration) => resourceOf(Template.fromStack(registrationStack({ handlerTimeout }).stack),
      'AWS::IAM::Role', 'MpaTeamAssociationTypeExecutionRole').Properties.MaxSessionDuration;
    expect([session(), session(Duration.minutes(300)), session(Duration.minutes(30)), session(Duration.minutes(2))])
      .toEqual([43_200, 21_000, 3_600, 3_600]);
  });

  test('the execution policy grants what the handlers call, on the teams of this account in us-east-1 by default, and no logs', () => {
    const statements = resourceOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationTypeExecutionPolicy').Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual(['ReadMpaTeamAssociation', 'KeepOwnershipRecords', 'ManageMpaTeamAssociation', 'UseMpaApprovalTeam', 'ManageMpaApprovalSessions']);
    const resources = (sid: string) => [statements.find((s: any) => s.Sid === sid).Resource].flat().map(arnText);
    expect(resources('ManageMpaTeamAssociation')).toEqual(['arn:aws:mpa:us-east-1:111111111111:approval-team/*']);
    expect(resources('ManageMpaApprovalSessions')).toEqual(['arn:aws:mpa:us-east-1:111111111111:session/*']);
    expect(resources('KeepOwnershipRecords')).toEqual(['arn:aws:ssm:eu-west-1:111111111111:parameter/cdk-mpa-team-association/*']);
    // Every action the schema's handlers list is granted, and nothing else.
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'registry-type', 'schema.json'), 'utf8'));
    const granted = new Set(statements.flatMap((s: any) => [s.Action].flat()));
    expect([...granted].sort()).toEqual([...new Set<string>(schema.handlers.create.permissions)].sort());
  });

  test('approvalTeamArns: the grant covers each team\'s account and region instead', () => {
    const { stack: other } = registrationStack({ approvalTeamArns: [CROSS_ACCOUNT_TEAM_ARN] });
    const statements = resourceOf(Template.fromStack(other), 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationTypeExecutionPolicy').Properties.PolicyDocument.Statement;
    expect(statements.find((s: any) => s.Sid === 'ManageMpaTeamAssociation').Resource).toBe('arn:aws:mpa:us-east-1:222222222222:approval-team/*');
  });

  test('the log role may write streams and events to the type\'s log group only', () => {
    const statements = resourceOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationTypeLogRolePolicy').Properties.PolicyDocument.Statement;
    expect(statements).toEqual([{
      Sid: 'WriteTypeLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MpaTeamAssociationTypeLogGroup/), 'Arn'] },
    }]);
  });

  test('the log group keeps two years of events and is retained by default; logEncryptionKey encrypts it and gets the key policy', () => {
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 731 }, DeletionPolicy: 'Retain' });
    const encrypted = newStack();
    const key = new kms.Key(encrypted, 'LogKey', { enableKeyRotation: true });
    new MpaTeamAssociationType(encrypted, 'Type', { logEncryptionKey: key });
    const encryptedTemplate = Template.fromStack(encrypted);
    encryptedTemplate.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] } });
    const keyPolicy = resourceOf(encryptedTemplate, 'AWS::KMS::Key', 'LogKey').Properties.KeyPolicy.Statement;
    expect(keyPolicy).toContainEqual(expect.objectContaining({ Sid: 'AllowCloudWatchLogsForMpaTeamAssociation', Principal: { Service: 'logs.eu-west-1.amazonaws.com' } }));
  });

  test('by default leaving the stack keeps the type registered, and an upgrade deregisters the replaced version (UpdateReplacePolicy Delete)', () => {
    for (const type of ['AWS::CloudFormation::ResourceVersion', 'AWS::CloudFormation::ResourceDefaultVersion']) {
      template.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Delete' });
    }
  });

  test('removalPolicy DESTROY deregisters the type with the stack; an upgrade still deregisters only the replaced version', () => {
    const destroyed = Template.fromStack(registrationStack({ removalPolicy: RemovalPolicy.DESTROY }).stack);
    for (const type of ['AWS::CloudFormation::ResourceVersion', 'AWS::CloudFormation::ResourceDefaultVersion']) {
      destroyed.hasResource(type, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    }
  });

  test('exposes the type name, handler timeout, roles, log group and version', () => {
    const { type } = registrationStack({ handlerTimeout: Duration.hours(30) });
    expect([type.typeName, type.handlerTimeout.toMinutes()]).toEqual([TYPE_NAME, 1800]);
    expect(Stack.of(type).resolve(type.typeVersionArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Version/), 'Arn'] });
    expect(type.executionRole).toBeDefined();
    expect(type.logRole).toBeDefined();
    expect(type.logGroup).toBeDefined();
  });
});

describe('what the registration refuses, naming the prop and the rule', () => {
  const refused = (props: ConstructorParameters<typeof MpaTeamAssociationType>[2]) => () => registrationStack(props);

  test('a runtime that is not Node.js 20 or later', () => {
    expect(refused({ runtime: lambda.Runtime.NODEJS_18_X })).toThrow(/runtime must be a Node.js runtime of version 20 or later .*got nodejs18.x/);
    expect(refused({ runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(/runtime must be a Node.js runtime .*got python3.12/);
  });

  test('a later Node.js runtime is allowed, with a warning that the registry is not known to accept it', () => {
    const { stack } = registrationStack({ runtime: lambda.Runtime.NODEJS_22_X });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('runtime nodejs22.x: .*not confirmed'));
    expect(Annotations.fromStack(registrationStack().stack).findWarning('*', Match.stringLikeRegexp('runtime'))).toEqual([]);
  });

  test('a handler timeout outside 2 to 2160 whole minutes', () => {
    expect(refused({ handlerTimeout: Duration.minutes(2161) })).toThrow(/handlerTimeout must be a whole number of minutes from 2 to 2160 .*got 2161 minutes/);
    expect(refused({ handlerTimeout: Duration.minutes(1) })).toThrow(/handlerTimeout must be a whole number of minutes from 2 to 2160/);
    expect(refused({ handlerTimeout: Duration.seconds(150) })).toThrow(/handlerTimeout must be a whole number of minutes .*got 2.5 minutes/);
    expect(refused({ handlerTimeout: Duration.minutes(2) })).not.toThrow();
    expect(refused({ handlerTimeout: Duration.minutes(2160) })).not.toThrow();
  });

  test('approvalTeamArns empty or not an approval team ARN', () => {
    expect(refused({ approvalTeamArns: [] })).toThrow(/approvalTeamArns must name at least one approval team/);
    expect(refused({ approvalTeamArns: ['arn:aws:iam::111111111111:role/x'] })).toThrow(/approvalTeamArns\[0\] must be an MPA approval team ARN/);
  });

  test('RemovalPolicy.SNAPSHOT, for the registration and for its log group', () => {
    expect(refused({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(/removalPolicy RemovalPolicy.SNAPSHOT is not supported/);
    expect(refused({ logRemovalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(/logRemovalPolicy RemovalPolicy.SNAPSHOT is not supported/);
  });
});

describe('MpaTeamAssociationType.fromTypeAttributes', () => {
  test('a type registered elsewhere: 2160 minutes unless told, its execution role when given', () => {
    const stack = newStack();
    const plain = MpaTeamAssociationType.fromTypeAttributes(stack, 'Plain');
    expect([plain.typeName, plain.handlerTimeout.toMinutes(), plain.executionRole]).toEqual([TYPE_NAME, 2160, undefined]);
    const known = MpaTeamAssociationType.fromTypeAttributes(stack, 'Known', {
      handlerTimeout: Duration.hours(12),
      executionRoleArn: 'arn:aws:iam::111111111111:role/mpa-type-execution',
    });
    expect([known.handlerTimeout.toMinutes(), known.executionRole?.roleArn]).toEqual([720, 'arn:aws:iam::111111111111:role/mpa-type-execution']);
    expect(() => MpaTeamAssociationType.fromTypeAttributes(stack, 'Bad', { handlerTimeout: Duration.hours(40) })).toThrow(/handlerTimeout must be a whole number of minutes from 2 to 2160/);
  });
});
