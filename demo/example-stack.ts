import { MpaTeamAssociation } from '../src';
import { RESOURCE_TYPE } from '../src/handler-contract';
import { newSimulatedStack, synthesize, type StackTemplate } from '../test/harness/synthesized-stack';

/** The example stack, as an application would write it. */
export const STACK_NAME = 'PaymentsKeys';
export const CONSTRUCT_ID = 'RootCertificateImportApproval';
export const ACTION = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';

const TEAM_ARN_PREFIX = 'arn:aws:mpa:us-east-1:111122223333:approval-team/';
/** The approval teams the demo moves the protection between. */
export const TEAMS = {
  a: `${TEAM_ARN_PREFIX}payments-root-a`,
  b: `${TEAM_ARN_PREFIX}payments-root-b`,
  c: `${TEAM_ARN_PREFIX}payments-root-c`,
} as const;

/** One synthesis of the example stack, and what the demo reads from it. */
export interface ExampleTemplate {
  readonly template: StackTemplate;
  readonly teamArn: string;
  /** The association's logical id in the template. */
  readonly logicalId: string;
  /** The handler's poll interval and approval timeout, as the template hands them to it. */
  readonly pollIntervalSeconds: number;
  readonly approvalTimeoutSeconds: number;
  /** Resource types of the template besides the association, with their counts. */
  readonly supportingResources: ReadonlyMap<string, number>;
}

/**
 * Synthesizes the example stack with `teamArn`: one MpaTeamAssociation with
 * the construct's defaults (poll interval, approval timeout, removal policy),
 * through aws-cdk-lib as `cdk synth` would.
 */
export function synthesizeExampleStack(teamArn: string): ExampleTemplate {
  const stack = newSimulatedStack(STACK_NAME);
  new MpaTeamAssociation(stack, CONSTRUCT_ID, {
    mpaTeamArn: teamArn,
    requesterComment: 'payments-keys pipeline',
  });
  const template = synthesize(stack);
  const resources = Object.entries(template.template.Resources);
  const associations = resources.filter(([, resource]) => resource.Type === RESOURCE_TYPE);
  if (associations.length !== 1) throw new Error(`expected one ${RESOURCE_TYPE} in the example stack, found ${associations.length}`);
  const [logicalId, association] = associations[0];
  const supportingResources = new Map<string, number>();
  for (const [, resource] of resources) {
    if (resource.Type !== RESOURCE_TYPE) supportingResources.set(resource.Type, (supportingResources.get(resource.Type) ?? 0) + 1);
  }
  return {
    template,
    teamArn,
    logicalId,
    pollIntervalSeconds: Number(association.Properties?.PollIntervalSeconds),
    approvalTimeoutSeconds: Number(association.Properties?.ApprovalTimeoutSeconds),
    supportingResources,
  };
}

/** The team's name, the last part of its ARN. */
export function teamName(teamArn: string | undefined): string {
  return teamArn?.split('/').pop() ?? 'none';
}
