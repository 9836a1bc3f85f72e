import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { MpaProtectedOperation, MpaTeamAssociation } from '../../src';
import { OWNERSHIP_RECORD_PATH } from '../../src/handler-contract';
import {
  CROSS_ACCOUNT_TEAM_ARN,
  handlerPolicyStatements,
  handlerStatement,
  arnText,
  iamResourceMatches,
  logicalIdOf,
  newStack,
  OTHER_TEAM_ARN,
  resourceOf,
  synthAssociation,
  TEAM_ARN,
} from '../construct-helpers/stacks';

const teamScope = (account: string) => ({
  approvalTeams: `arn:aws:mpa:us-east-1:${account}:approval-team/*`,
  sessions: `arn:aws:mpa:us-east-1:${account}:session/*`,
});

const TEAM_STATEMENTS = (approvalTeams: unknown, sessions: unknown) => [
  {
    Sid: 'ManageMpaTeamAssociation',
    Effect: 'Allow',
    Action: ['payment-cryptography:AssociateMpaTeam', 'payment-cryptography:DisassociateMpaTeam'],
    Resource: approvalTeams,
  },
  { Sid: 'UseMpaApprovalTeam', Effect: 'Allow', Action: ['mpa:GetApprovalTeam', 'mpa:StartSession'], Resource: approvalTeams },
  {
    Sid: 'ManageMpaApprovalSessions',
    Effect: 'Allow',
    Action: ['mpa:StartSession', 'mpa:CancelSession', 'mpa:GetSession'],
    Resource: sessions,
  },
];

/** Every (action, resource) pair a policy document allows, tokens as JSON. */
function grants(statements: any[]): string[] {
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
  return statements.flatMap(s => list(s.Action).flatMap(action => list(s.Resource).map(r => `${action} ${arnText(r)}`))).sort();
}

const defaults = synthAssociation();

describe('the handler\'s policy', () => {
  test('allows exactly the association read, the ownership records, its own logs, and the teams and sessions of the team\'s account and region', () => {
    const { template } = defaults;
    const { approvalTeams, sessions } = teamScope('111111111111');

    const [read, records, ...others] = handlerPolicyStatements(template);
    // Read only; what IAM checks it against when nothing is associated is not documented (README, IAM).
    expect(read).toEqual({ Sid: 'ReadMpaTeamAssociation', Effect: 'Allow', Action: 'payment-cryptography:GetMpaTeamAssociation', Resource: '*' });
    expect({ ...records, Resource: arnText(records.Resource) }).toEqual({
      Sid: 'KeepOwnershipRecords',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParametersByPath'],
      Resource: 'arn:aws:ssm:eu-west-1:111111111111:parameter/cdk-mpa-team-association/*',
    });
    expect(others).toEqual([
      {
        Sid: 'WriteHandlerLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderOnEventHandlerLogGroup'), 'Arn'] },
          { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Logs::LogGroup', 'MpaTeamAssociationProviderIsCompleteHandlerLogGroup'), 'Arn'] },
        ],
      },
      ...TEAM_STATEMENTS(approvalTeams, sessions),
    ]);
  });

  test('is a customer-managed policy attached to the handler role, which has no other permission', () => {
    const { template } = defaults;
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');

    const role = resourceOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const attached = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(policy => JSON.stringify(policy.Properties.Roles).includes(roleId));
    expect(attached).toHaveLength(1);
    expect(attached[0]).toBe(resourceOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationProviderHandlerPolicy'));
  });

  test('keeps the ownership records to their path in the stack\'s account and region', () => {
    const records = arnText(handlerStatement(defaults.template, 'KeepOwnershipRecords').Resource);
    const parameterArn = (name: string) => `arn:aws:ssm:eu-west-1:111111111111:parameter${name}`;

    expect(iamResourceMatches(records, parameterArn(`${OWNERSHIP_RECORD_PATH}/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE/TestStack/abc/Root1`))).toBe(true);
    // GetParametersByPath on an action's records is authorized against the path itself.
    expect(iamResourceMatches(records, parameterArn(`${OWNERSHIP_RECORD_PATH}/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE`))).toBe(true);
    expect(iamResourceMatches(records, parameterArn('/other-application/secret'))).toBe(false);
    expect(iamResourceMatches(records, `arn:aws:ssm:us-east-1:111111111111:parameter${OWNERSHIP_RECORD_PATH}/X`)).toBe(false);
  });

  test('grants mpa:GetSession and CancelSession even when approval progress is not reported (the lifecycle needs them)', () => {
    const { template } = synthAssociation({ reportApprovalProgress: false });

    expect(handlerStatement(template, 'ManageMpaApprovalSessions').Action).toEqual(['mpa:StartSession', 'mpa:CancelSession', 'mpa:GetSession']);
  });

  test('is scoped to the team\'s account and region, not to the stack\'s', () => {
    const { template } = synthAssociation({ mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN });
    const { approvalTeams, sessions } = teamScope('222222222222');

    expect(handlerPolicyStatements(template).slice(3)).toEqual(TEAM_STATEMENTS(approvalTeams, sessions));
  });

  test('can still disassociate the previous team, and roll back to it, after the stack changes team A to team B', () => {
    // CloudFormation updates the policy before the handler runs, and the rollback of the change runs
    // before the policy is restored; Disassociate/Get are authorized against the team associated now.
    const afterChange = synthAssociation({ mpaTeamArn: OTHER_TEAM_ARN }).template;

    for (const sid of ['ManageMpaTeamAssociation', 'UseMpaApprovalTeam']) {
      const resource = handlerStatement(afterChange, sid).Resource;
      expect(iamResourceMatches(resource, TEAM_ARN)).toBe(true);
      expect(iamResourceMatches(resource, OTHER_TEAM_ARN)).toBe(true);
      // ... and the wildcard stays within the team's account and region.
      expect(iamResourceMatches(resource, CROSS_ACCOUNT_TEAM_ARN)).toBe(false);
      expect(iamResourceMatches(resource, 'arn:aws:mpa:us-east-1:111111111111:identity-source/idc')).toBe(false);
    }
    const sessions = handlerStatement(afterChange, 'ManageMpaApprovalSessions').Resource;
    expect(iamResourceMatches(sessions, 'arn:aws:mpa:us-east-1:111111111111:session/payments-approvers/4f1c')).toBe(true);
  });

  test('gets each team scope once when several associations use teams of the same account and region', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'First', { mpaTeamArn: TEAM_ARN });
    new MpaTeamAssociation(stack, 'Second', { mpaTeamArn: OTHER_TEAM_ARN, action: MpaProtectedOperation.of('SOME_FUTURE_OPERATION') });
    new MpaTeamAssociation(stack, 'Third', { mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN, action: MpaProtectedOperation.of('ANOTHER_FUTURE_OPERATION') });
    const template = Template.fromStack(stack);

    const local = teamScope('111111111111');
    const crossAccount = teamScope('222222222222');
    expect(handlerStatement(template, 'ManageMpaTeamAssociation').Resource).toEqual([local.approvalTeams, crossAccount.approvalTeams]);
    expect(handlerStatement(template, 'UseMpaApprovalTeam').Resource).toEqual([local.approvalTeams, crossAccount.approvalTeams]);
    expect(handlerStatement(template, 'ManageMpaApprovalSessions').Resource).toEqual([local.sessions, crossAccount.sessions]);
  });

  test('allows the same actions on the same resources under aws-cdk-lib\'s recommended flags (minimizePolicies)', () => {
    const withFlags = synthAssociation({}, { recommendedFlags: true }).template;

    expect(grants(handlerPolicyStatements(withFlags))).toEqual(grants(handlerPolicyStatements(defaults.template)));
  });
});

describe('grantHandlerAccessToTeamsOf', () => {
  test('adds the teams and sessions of another account and region, for a team change across accounts', () => {
    const stack = newStack();
    const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN });
    // The team associated before this deployment: Disassociate (and a rollback) need its scope.
    association.grantHandlerAccessToTeamsOf(TEAM_ARN);
    const template = Template.fromStack(stack);

    const previous = teamScope('111111111111');
    const next = teamScope('222222222222');
    expect(handlerPolicyStatements(template).slice(3)).toEqual(TEAM_STATEMENTS(
      [next.approvalTeams, previous.approvalTeams], [next.sessions, previous.sessions]));
  });

  test('adds nothing for a team whose account and region are already covered', () => {
    const stack = newStack();
    const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });
    association.grantHandlerAccessToTeamsOf(OTHER_TEAM_ARN);

    expect(handlerPolicyStatements(Template.fromStack(stack))).toEqual(handlerPolicyStatements(defaults.template));
  });

  test('rejects what is not a team ARN, naming the method', () => {
    const association = new MpaTeamAssociation(newStack(), 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });

    expect(() => association.grantHandlerAccessToTeamsOf('arn:aws:iam::111111111111:role/approvers'))
      .toThrow(/^MpaTeamAssociation at 'TestStack\/RootCertificateApproval': grantHandlerAccessToTeamsOf\(mpaTeamArn\) must be an MPA approval team ARN/);
  });
});

describe('every role of the provider', () => {
  const rolesOf = (template: Template) => Object.values<any>(template.findResources('AWS::IAM::Role'));
  const privateStack = () => {
    const stack = newStack({ recommendedFlags: true });
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, vpc: new ec2.Vpc(stack, 'Vpc') });
    return stack;
  };

  test.each([
    ['the defaults', () => defaults.stack],
    ['a VPC and recommended flags', privateStack],
  ])('has only customer-managed policies, no inline or AWS-managed one, with %s', (_case, build) => {
    const stack: Stack = build();
    const template = Template.fromStack(stack);
    const providerRoles = Object.entries<any>(template.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('MpaTeamAssociationProvider'));

    // The handler, the framework's two and the waiter state machine's.
    expect(providerRoles).toHaveLength(4);
    for (const [, role] of providerRoles) {
      expect(role.Properties.Policies).toBeUndefined();
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter(id => id.startsWith('MpaTeamAssociationProvider'))).toEqual([]);
  });

  test('accepts the permissions boundary set with iam.PermissionsBoundary.of(scope)', () => {
    const stack = newStack();
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN });
    iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'payments-boundary'));
    const roles = rolesOf(Template.fromStack(stack));

    expect(roles).toHaveLength(4);
    for (const role of roles) {
      expect(role.Properties.PermissionsBoundary).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:policy/payments-boundary']] });
    }
  });
});
