import { Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MpaProtectedOperation, MpaTeamAssociation, MpaTeamAssociationEngine, MpaTeamAssociationType } from '../../src';
import { associationOnType, REGISTRATION_STACK, registrationStack } from '../construct-helpers/registry-engine';
import { newApp, newStack, OTHER_TEAM_ARN, STACK_ENV, synthAssociation, TEAM_ARN } from '../construct-helpers/stacks';

/*
 * MpaTeamAssociation on MpaTeamAssociationEngine.registryType(): a resource of the registered
 * type with the custom resource's properties (typed as the schema types them), the same checks,
 * the same attributes, an approvalTimeout up to a session's 24 hours that must fit in the type's
 * handler timeout, and a logical id of its own, so that switching engines is a create and a delete.
 */

const TYPE_NAME = 'CdkMpa::PaymentCryptography::MpaTeamAssociation';
const typeResources = (template: Template) => Object.entries(template.findResources(TYPE_NAME));

describe('an association on the registry type', () => {
  const { template, stack, association, registration } = associationOnType({ requesterComment: 'Managed by the payments pipeline' });

  test('is one resource of the type, with typed properties and the defaults: 24 hours, 10 s polls, progress reported', () => {
    const [[, resource]] = typeResources(template);
    expect(resource.Properties).toEqual({
      Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      MpaTeamArn: TEAM_ARN,
      RequesterComment: 'Managed by the payments pipeline',
      ApprovalTimeoutSeconds: 86_400,
      PollIntervalSeconds: 10,
      ReportApprovalProgress: true,
    });
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
  });

  test('deploys nothing else: no provider, no functions, no roles in the stack', () => {
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type)).toEqual([TYPE_NAME]);
  });

  test('its attributes read the type\'s read-only properties', () => {
    const [[logicalId]] = typeResources(template);
    expect(stack.resolve(association.attrMpaTeamArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'AssociatedMpaTeamArn'] });
    expect(stack.resolve(association.attrMpaSessionArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'MpaSessionArn'] });
  });

  test('has another logical id than on the custom resource (a resource cannot change its type)', () => {
    const [[typeId]] = typeResources(template);
    const onCustomResource = synthAssociation().template;
    const [customId] = Object.keys(onCustomResource.findResources('Custom::PaymentCryptographyMpaTeamAssociation'));
    expect(typeId).toMatch(/^RootCertificateApprovalTypeResource/);
    expect(customId).not.toBe(typeId);
  });

  test('its stack depends on the registration stack of the same app', () => {
    expect(stack.dependencies.map(s => s.stackName)).toEqual([REGISTRATION_STACK]);
    expect(registration.dependencies).toEqual([]);
  });

  test('removalPolicy RETAIN leaves the association when the resource goes, as on the custom resource', () => {
    const retained = associationOnType({ removalPolicy: RemovalPolicy.RETAIN }).template;
    const [[, resource]] = typeResources(retained);
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });
});

describe('approvalTimeout on the registry type', () => {
  const seconds = (props: Parameters<typeof associationOnType>[0], typeProps?: Parameters<typeof associationOnType>[1]) =>
    typeResources(associationOnType(props, typeProps).template)[0][1].Properties.ApprovalTimeoutSeconds;

  test('goes up to 24 hours, in whole seconds, from 1 minute', () => {
    expect(seconds({ approvalTimeout: Duration.hours(24) })).toBe(86_400);
    expect(seconds({ approvalTimeout: Duration.hours(20) })).toBe(72_000);
    expect(seconds({ approvalTimeout: Duration.minutes(1) })).toBe(60);
    expect(() => seconds({ approvalTimeout: Duration.seconds(86_401) })).toThrow(/approvalTimeout must be between 60 and 86400 seconds on the registry type .*got 86401 seconds/);
    expect(() => seconds({ approvalTimeout: Duration.seconds(59) })).toThrow(/approvalTimeout must be between 60 and 86400 seconds/);
    expect(() => seconds({ approvalTimeout: Duration.millis(90_500) })).toThrow(/approvalTimeout must be a whole number of seconds/);
  });

  test('must fit, with a poll interval and 2 minutes, in the type\'s handler timeout', () => {
    const twoHours = { handlerTimeout: Duration.hours(2) };
    expect(seconds({ approvalTimeout: Duration.seconds(7200 - 10 - 120) }, twoHours)).toBe(7070);
    expect(() => seconds({ approvalTimeout: Duration.seconds(7200 - 10 - 119) }, twoHours))
      .toThrow(/approvalTimeout \(7071 seconds\) \+ pollInterval \(10 seconds\) \+ 120 seconds must fit in the type's handler timeout \(7200 seconds/);
    // The default shrinks to fit.
    expect(seconds({}, twoHours)).toBe(7070);
  });

  test('is checked against an imported type\'s handler timeout too', () => {
    const stack = newStack();
    const type = MpaTeamAssociationType.fromTypeAttributes(stack, 'Type', { handlerTimeout: Duration.minutes(30) });
    expect(() => new MpaTeamAssociation(stack, 'A', { mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type), approvalTimeout: Duration.minutes(29) }))
      .toThrow(/must fit in the type's handler timeout \(1800 seconds/);
  });

  test('pollInterval: 1 s to 5 minutes, never longer than approvalTimeout', () => {
    expect(() => seconds({ pollInterval: Duration.minutes(6) })).toThrow(/pollInterval must be between 1 and 300 seconds; got 360 seconds/);
    expect(() => seconds({ pollInterval: Duration.minutes(2), approvalTimeout: Duration.minutes(1) })).toThrow(/pollInterval \(120 seconds\) must not be longer than approvalTimeout \(60 seconds\)/);
  });
});

describe('what the registry engine refuses, naming the prop and the rule', () => {
  test('each of the provider\'s props, which would do nothing on the type', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const cases: Array<[string, object]> = [
      ['vpc', { vpc }],
      ['vpcSubnets', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }],
      ['securityGroups', { securityGroups: [] }],
      ['logEncryptionKey', { logEncryptionKey: new kms.Key(stack, 'Key') }],
      ['logRetention', { logRetention: logs.RetentionDays.ONE_YEAR }],
      ['logRemovalPolicy', { logRemovalPolicy: RemovalPolicy.DESTROY }],
    ];
    const type = MpaTeamAssociationType.fromTypeAttributes(stack, 'Type');
    for (const [prop, props] of cases) {
      expect(() => new MpaTeamAssociation(stack, `With-${prop}`, { mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type), ...props }))
        .toThrow(new RegExp(`^MpaTeamAssociation at 'TestStack/With-${prop}': ${prop} configures the custom resource's provider and does not apply to the registry type`));
    }
  });

  test('the same rules as the custom resource for the team, the comment and the removal policy', () => {
    expect(() => associationOnType({ mpaTeamArn: 'arn:aws:iam::111111111111:role/x' })).toThrow(/mpaTeamArn must be an MPA approval team ARN/);
    expect(() => associationOnType({ requesterComment: 'x'.repeat(201) })).toThrow(/requesterComment must be at most 200 characters; got 201/);
    expect(() => associationOnType({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(/removalPolicy RemovalPolicy.SNAPSHOT is not supported/);
  });

  test('a registration in the same stack: a template cannot use a type it registers', () => {
    const { stack, type } = registrationStack();
    expect(() => new MpaTeamAssociation(stack, 'A', { mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type) }))
      .toThrow(/the MpaTeamAssociationType 'MpaTypeRegistration\/MpaTeamAssociationType' is in the same stack: a template cannot use a type that the same deployment registers/);
  });

  test('grantHandlerAccessToTeamsOf(), which belongs to the custom resource\'s handler', () => {
    const { association } = associationOnType();
    expect(() => association.grantHandlerAccessToTeamsOf(OTHER_TEAM_ARN)).toThrow(/grantHandlerAccessToTeamsOf\(\) applies to the custom resource's handler; on the registry type, list the team in the MpaTeamAssociationType's approvalTeamArns/);
  });

  test('a second association of the same action in the stack, as on the custom resource', () => {
    const { stack, type } = associationOnType();
    expect(() => new MpaTeamAssociation(stack, 'Second', { mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type) }))
      .toThrow(/'Payments\/Second': action IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is already managed by 'Payments\/RootCertificateApproval' in the same stack/);
    // And one on each engine.
    expect(() => new MpaTeamAssociation(stack, 'Third', { mpaTeamArn: TEAM_ARN })).toThrow(/is already managed by 'Payments\/RootCertificateApproval' in the same stack/);
  });
});

describe('across stages', () => {
  test('a registration in another stage (a pipeline\'s earlier wave) adds no stack dependency', () => {
    const app = newApp();
    const first = new Stage(app, 'Registration');
    const type = new MpaTeamAssociationType(new Stack(first, 'Types', { env: STACK_ENV }), 'Type');
    const payments = new Stack(new Stage(app, 'Payments'), 'Keys', { env: STACK_ENV });
    new MpaTeamAssociation(payments, 'A', { mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type) });
    expect(payments.dependencies).toEqual([]);
  });
});

describe('changeAlarm on the registry type', () => {
  test('expects the type\'s execution role as the caller', () => {
    const { stack: registration, type } = registrationStack();
    const stack = new Stack(registration.node.scope!, 'Payments', { env: STACK_ENV });
    new MpaTeamAssociation(stack, 'A', {
      mpaTeamArn: TEAM_ARN,
      engine: MpaTeamAssociationEngine.registryType(type),
      changeAlarm: { target: new targets.SnsTopic(new sns.Topic(stack, 'Topic')) },
    });
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0] as any;
    // The role lives in the registration stack: the pattern imports its ARN.
    const expected = JSON.stringify(rule.Properties.EventPattern);
    expect(expected).toMatch(/"anything-but":\{"Fn::ImportValue":"MpaTypeRegistration:ExportsOutputFnGetAttMpaTeamAssociationTypeExecutionRole[0-9A-F]+Arn[0-9A-F]+"\}/);
    expect(registration.resolve(type.executionRole!.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MpaTeamAssociationTypeExecutionRole/), 'Arn'] });
  });

  test('on an imported type, needs its executionRoleArn', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Topic');
    const type = MpaTeamAssociationType.fromTypeAttributes(stack, 'Type');
    expect(() => new MpaTeamAssociation(stack, 'A', { mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(type), changeAlarm: { target: new targets.SnsTopic(topic) } }))
      .toThrow(/changeAlarm needs the type's execution role .*executionRoleArn to MpaTeamAssociationType.fromTypeAttributes\(\)/);
    const known = MpaTeamAssociationType.fromTypeAttributes(stack, 'Known', { executionRoleArn: 'arn:aws:iam::111111111111:role/mpa-type-execution' });
    new MpaTeamAssociation(stack, 'B', { action: MpaProtectedOperation.of('IMPORT_ANOTHER_CERTIFICATE'), mpaTeamArn: TEAM_ARN, engine: MpaTeamAssociationEngine.registryType(known), changeAlarm: { target: new targets.SnsTopic(topic) } });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('"anything-but":"arn:aws:iam::111111111111:role/mpa-type-execution"');
  });
});

test('MpaTeamAssociationEngine.customResource() is the default: the same template as without an engine', () => {
  const withEngine = synthAssociation({ engine: MpaTeamAssociationEngine.customResource() }).template.toJSON();
  expect(withEngine).toEqual(synthAssociation().template.toJSON());
  expect(MpaTeamAssociationEngine.customResource().type).toBeUndefined();
});
