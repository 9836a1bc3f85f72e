import { App, aws_mpa as mpa, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';

/** The stack's own account and region; the teams below live elsewhere unless said otherwise. */
export const STACK_ENV = { account: '111111111111', region: 'eu-west-1' };

/** A team in the stack's account and region. */
export const LOCAL_TEAM_ARN = 'arn:aws:mpa:eu-west-1:111111111111:approval-team/payments-approvers';
/** A second team in the same account and region as LOCAL_TEAM_ARN. */
export const OTHER_LOCAL_TEAM_ARN = 'arn:aws:mpa:eu-west-1:111111111111:approval-team/security-approvers';
/** A team shared from another account and region (AWS RAM). */
export const CROSS_ACCOUNT_TEAM_ARN = 'arn:aws:mpa:us-east-1:222222222222:approval-team/org-approvers';

/** A fresh app and stack with a concrete environment. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(new App(), id, { env: STACK_ENV });
}

/** An approval team declared in the same stack, for `attrArn` tokens. */
export function newApprovalTeam(scope: Construct, id = 'Team'): mpa.CfnApprovalTeam {
  return new mpa.CfnApprovalTeam(scope, id, {
    name: 'payments-approvers',
    description: 'Approves root certificate imports',
    approvalStrategy: { mofN: { minApprovalsRequired: 2 } },
    approvers: [
      { primaryIdentityId: 'user-1', primaryIdentitySourceArn: 'arn:aws:mpa:eu-west-1:111111111111:identity-source/idc' },
      { primaryIdentityId: 'user-2', primaryIdentitySourceArn: 'arn:aws:mpa:eu-west-1:111111111111:identity-source/idc' },
    ],
    // A placeholder policy ARN of the documented form (service/policy/version).
    policies: [{ policyArn: 'arn:aws:mpa:::aws:policy/payment-cryptography.amazonaws.com/ExamplePolicy/1' }],
  });
}

/** The logical id of the one resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter(id => id.startsWith(prefix));
  if (ids.length !== 1) {
    throw new Error(`expected one ${type} starting with ${prefix}, found ${JSON.stringify(ids)}`);
  }
  return ids[0];
}

/** The statements of the handler role's policy, as synthesized. */
export function handlerPolicyStatements(template: Template): any[] {
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'MpaTeamAssociationProviderHandlerRole');
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
  if (policies.length !== 1) {
    throw new Error(`expected one policy on the handler role, found ${policies.length}`);
  }
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

/** The handler role's statements that grant more than writing its logs. */
export function handlerServiceStatements(template: Template): any[] {
  return handlerPolicyStatements(template).filter(statement => statement.Sid !== undefined);
}

/** The waiter state machine's definition, parsed (the Lambda ARNs are left as placeholders). */
export function waiterDefinition(template: Template): any {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) {
    throw new Error(`expected one state machine, found ${machines.length}`);
  }
  const [, parts] = (machines[0] as any).Properties.DefinitionString['Fn::Join'];
  return JSON.parse(parts.map((part: unknown) => (typeof part === 'string' ? part : 'ARN')).join(''));
}

/**
 * Whether an IAM policy Resource (with `*` and `?` wildcards) matches an ARN, as IAM
 * evaluates it for a concrete resource.
 */
export function iamResourceMatches(policyResource: string, arn: string): boolean {
  const pattern = policyResource
    .split('')
    .map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(arn);
}
