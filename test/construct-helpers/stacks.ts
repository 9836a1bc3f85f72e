import * as fs from 'node:fs';
import { App, aws_mpa as mpa, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { MpaTeamAssociation, MpaTeamAssociationProps } from '../../src';
import { testAppProps } from '../harness/test-app-props';

/** The stack's own account and region; MPA teams live in us-east-1. */
export const STACK_ENV = { account: '111111111111', region: 'eu-west-1' };

/** A team of the stack's account (MPA teams are created in us-east-1). */
export const TEAM_ARN = 'arn:aws:mpa:us-east-1:111111111111:approval-team/payments-approvers';
/** A second team of the same account and region as TEAM_ARN. */
export const OTHER_TEAM_ARN = 'arn:aws:mpa:us-east-1:111111111111:approval-team/security-approvers';
/** A team shared from another account (AWS RAM). */
export const CROSS_ACCOUNT_TEAM_ARN = 'arn:aws:mpa:us-east-1:222222222222:approval-team/org-approvers';
/** A well-formed team ARN in a region where MPA creates no teams. */
export const TEAM_ARN_OUTSIDE_MPA_REGION = 'arn:aws:mpa:eu-west-1:111111111111:approval-team/payments-approvers';

/** aws-cdk-lib's recommended feature flags, as `cdk init` writes them into a new app's cdk.json. */
export const RECOMMENDED_FLAGS: Record<string, unknown> = JSON.parse(
  fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));

export interface NewAppOptions {
  /** Build the app with aws-cdk-lib's recommended feature flags, as a new app has them. */
  readonly recommendedFlags?: boolean;
  /** More context for the app (after the flags). */
  readonly context?: Record<string, unknown>;
  /**
   * Run aws-cdk-lib's built-in CloudFormation template validation when the app synthesizes.
   * Off unless a test is about it: it loads a WebAssembly validator that costs seconds of CPU in
   * every test file, and without the `@aws-cdk/core:validateAgainstDefaultRules` flag (a new app
   * has it) it only prints what it finds. `test/compliance/template-validation.test.ts` runs it, as errors,
   * on every kind of stack these tests build.
   * @default false
   */
  readonly templateValidation?: boolean;
}

export interface NewStackOptions extends NewAppOptions {
  /** Construct id of the stack. */
  readonly id?: string;
}

/** A fresh app as tests build them (test-app-props.ts; see `NewAppOptions.templateValidation`). */
export function newApp(options: NewAppOptions = {}): App {
  return new App(testAppProps({
    context: { ...(options.recommendedFlags ? RECOMMENDED_FLAGS : {}), ...options.context },
    builtinCloudFormationValidation: options.templateValidation ?? false,
  }));
}

/** A fresh app and stack with a concrete environment. */
export function newStack(options: NewStackOptions = {}): Stack {
  return new Stack(newApp(options), options.id ?? 'TestStack', { env: STACK_ENV });
}

/** A stack with one association of TEAM_ARN (and `props`), synthesized. */
export function synthAssociation(props: Partial<MpaTeamAssociationProps> = {}, options: NewStackOptions = {}) {
  const stack = newStack(options);
  const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: TEAM_ARN, ...props });
  return { stack, association, template: Template.fromStack(stack) };
}

/** An approval team declared in the same stack, for `attrArn` tokens. */
export function newApprovalTeam(scope: Construct, id = 'Team'): mpa.CfnApprovalTeam {
  return new mpa.CfnApprovalTeam(scope, id, {
    name: 'payments-approvers',
    description: 'Approves root certificate imports',
    approvalStrategy: { mofN: { minApprovalsRequired: 2 } },
    approvers: [
      { primaryIdentityId: 'user-1', primaryIdentitySourceArn: 'arn:aws:mpa:us-east-1:111111111111:identity-source/idc' },
      { primaryIdentityId: 'user-2', primaryIdentitySourceArn: 'arn:aws:mpa:us-east-1:111111111111:identity-source/idc' },
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

/** The one resource of `type` whose logical id starts with `prefix`. */
export function resourceOf(template: Template, type: string, prefix: string): any {
  return template.toJSON().Resources[logicalIdOf(template, type, prefix)];
}

/** The statements of the handler's customer-managed policy, as synthesized. */
export function handlerPolicyStatements(template: Template): any[] {
  return resourceOf(template, 'AWS::IAM::ManagedPolicy', 'MpaTeamAssociationProviderHandlerPolicy').Properties.PolicyDocument.Statement;
}

/** The handler policy's statement with the given Sid. */
export function handlerStatement(template: Template, sid: string): any {
  const statement = handlerPolicyStatements(template).find(s => s.Sid === sid);
  if (statement === undefined) {
    throw new Error(`the handler policy has no statement ${sid}`);
  }
  return statement;
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
 * An ARN as text: `Fn::Join` joined and the partition pseudo parameter written `aws` (the
 * stacks of these tests are in the aws partition); any other token is left as JSON.
 */
export function arnText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const intrinsic = value as Record<string, any>;
  if (intrinsic?.Ref === 'AWS::Partition') {
    return 'aws';
  }
  if (intrinsic?.['Fn::Join'] && intrinsic['Fn::Join'][1].every((part: unknown) => typeof part === 'string' || (part as any).Ref === 'AWS::Partition')) {
    return intrinsic['Fn::Join'][1].map(arnText).join(intrinsic['Fn::Join'][0]);
  }
  return JSON.stringify(value);
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
