import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MpaTeamAssociation } from '../src';

/** The two teams the demo moves the association between (the fake accepts any well-formed ARN). */
export const DEMO_TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
export const DEMO_TEAM_B = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-b';

/** What the demo needs from one synthesis of the example stack. */
export interface SynthesizedAssociation {
  /** The custom resource's properties as CloudFormation would deliver them: every value a string. */
  readonly resourceProperties: Record<string, string>;
  readonly resourceType: string;
  readonly resourceCount: number;
  /** The custom resource's ServiceTimeout, seconds. */
  readonly serviceTimeoutSeconds: number;
  /** The Provider waiter's query interval and total timeout, read from the state machine definition. */
  readonly queryIntervalSeconds: number;
  readonly totalTimeoutSeconds: number;
}

/** A stand-in for the provider's service token, which is a token until deployed. */
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:Demo-MpaTeamAssociationProviderframeworkonEvent';

/**
 * Synthesizes the stack an application would write, in process, and reads back
 * what CloudFormation would hand the provider: the custom resource's properties
 * and the timeouts of the provider's waiter.
 */
export function synthesizeExampleStack(mpaTeamArn: string): SynthesizedAssociation {
  const app = new App();
  const stack = new Stack(app, 'PaymentsKeys', { env: { account: '123456789012', region: 'us-east-1' } });
  new MpaTeamAssociation(stack, 'RootCertificateImportApproval', {
    mpaTeamArn,
    requesterComment: 'Managed by the payments-keys stack (demo)',
    approvalTimeout: Duration.minutes(2),
    pollInterval: Duration.seconds(1),
  });
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: any }> };

  const customResources = Object.values(template.Resources).filter(r => r.Type.startsWith('Custom::'));
  const stateMachines = Object.values(template.Resources).filter(r => r.Type === 'AWS::StepFunctions::StateMachine');
  if (customResources.length !== 1 || stateMachines.length !== 1) {
    throw new Error(`expected one custom resource and one state machine, found ${customResources.length} and ${stateMachines.length}`);
  }
  const resource = customResources[0];
  const resourceProperties: Record<string, string> = {};
  for (const [key, value] of Object.entries<unknown>(resource.Properties)) {
    resourceProperties[key] = key === 'ServiceToken' ? SERVICE_TOKEN : String(value);
  }

  const retry = waiterRetry(stateMachines[0].Properties.DefinitionString);
  return {
    resourceProperties,
    resourceType: resource.Type,
    resourceCount: Object.keys(template.Resources).length,
    serviceTimeoutSeconds: Number(resourceProperties.ServiceTimeout),
    queryIntervalSeconds: retry.IntervalSeconds,
    totalTimeoutSeconds: retry.IntervalSeconds * retry.MaxAttempts,
  };
}

/** The Provider waiter retries isComplete every IntervalSeconds, MaxAttempts times (BackoffRate 1). */
function waiterRetry(definition: unknown): { IntervalSeconds: number; MaxAttempts: number } {
  const text = typeof definition === 'string'
    ? definition
    : ((definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1])
      .map(part => (typeof part === 'string' ? part : 'ARN'))
      .join('');
  const states = Object.values<any>(JSON.parse(text).States);
  const retry = states.flatMap(state => state.Retry ?? []).find((r: any) => r.MaxAttempts !== undefined);
  if (!retry) {
    throw new Error('the waiter state machine has no Retry with MaxAttempts');
  }
  return retry;
}
