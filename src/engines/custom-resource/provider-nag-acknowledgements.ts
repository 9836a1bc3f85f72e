import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { nagResourceFinding, suppressNagRules } from '../../compliance/nag-suppressions';

/** The provider's resources that carry acknowledged cdk-nag findings. */
export interface ProviderNagTargets {
  readonly provider: IConstruct;
  readonly handlers: lambda.IFunction[];
  readonly frameworkOnEvent: lambda.IFunction[];
  readonly frameworkCompleteAndTimeout: lambda.IFunction[];
  /** The customer-managed policies of the framework's two roles. */
  readonly frameworkRolePolicies: iam.ManagedPolicy[];
  readonly waiter: IConstruct;
  /** The customer-managed policy of the waiter state machine's role. */
  readonly waiterRolePolicy: iam.ManagedPolicy;
}

/**
 * The cdk-nag findings (AwsSolutions, PCI DSS 3.2.1, NIST 800-53 R5) that cannot apply to the
 * provider's resources, acknowledged per resource and per rule with the reason an assessor
 * reads. The README's Regulated accounts section lists the same; test/compliance/ fails on an acknowledgement that
 * matches no finding. The handler's own policy acknowledges its wildcards in handler-permissions.ts,
 * the VPC policy in network-access.ts.
 */
export function acknowledgeProviderNagFindings(targets: ProviderNagTargets): void {
  for (const handler of targets.handlers) {
    suppressNagRules(handler, [{
      id: 'AwsSolutions-L1',
      reason: 'The handler bundle is built for and tested on Node.js 22, so the runtime is pinned; ' +
        'moving to a newer runtime is a deliberate release of this library.',
    }, {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'The Provider framework invokes this function synchronously (RequestResponse) and reports every error it ' +
        'returns to CloudFormation as FAILED; a dead-letter queue only receives events of asynchronous invocations.',
    }]);
  }
  for (const fn of targets.frameworkOnEvent) {
    suppressNagRules(fn, [{
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'CloudFormation invokes this function asynchronously with an event that carries a presigned ResponseURL, ' +
        'which can answer CloudFormation on the stack\'s behalf: a dead-letter queue would keep that credential at rest. ' +
        'The function reports every error to CloudFormation as FAILED, and an event it cannot process at all ends at ' +
        'the custom resource\'s ServiceTimeout (set by this library), so no failure goes unreported.',
    }]);
  }
  for (const fn of targets.frameworkCompleteAndTimeout) {
    suppressNagRules(fn, [{
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'The waiter state machine invokes this function synchronously; its Retry and Catch handle every error, ' +
        'and the onTimeout function reports FAILED to CloudFormation. A dead-letter queue only receives events of ' +
        'asynchronous invocations.',
    }]);
  }

  const invokeAnyVersion = (fn: lambda.IFunction) => nagResourceFinding(targets.provider, `${fn.functionArn}:*`);
  // The framework's functions invoke the handler (grantInvoke adds `<arn>:*` for versions and aliases).
  for (const policy of targets.frameworkRolePolicies) {
    suppressNagRules(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Granted by the custom-resource Provider framework: lambda:InvokeFunction on the handler ' +
        'functions and any of their versions or aliases (`<function arn>:*`).',
      appliesTo: targets.handlers.map(invokeAnyVersion),
    }]);
  }

  suppressNagRules(targets.waiterRolePolicy, [{
    id: 'AwsSolutions-IAM5',
    reason: 'Granted by the custom-resource Provider framework: the waiter invokes the framework\'s isComplete ' +
      'and onTimeout functions, including their versions and aliases (`<function arn>:*`).',
    appliesTo: targets.frameworkCompleteAndTimeout.map(invokeAnyVersion),
  }, {
    id: 'AwsSolutions-IAM5',
    reason: 'Step Functions log delivery (logs:CreateLogDelivery, logs:PutResourcePolicy and others) does not ' +
      'support resource-level permissions, so the framework grants it on `*`.',
    appliesTo: ['Resource::*'],
  }]);
  suppressNagRules(targets.waiter, [{
    id: 'AwsSolutions-SF2',
    reason: 'The waiter is a two-state timer that calls one function every poll interval; each execution is logged at ' +
      'level ALL to the provider\'s log group and the handler logs every poll. X-Ray would add a grant on `*` ' +
      '(X-Ray supports no resource-level permissions) and no trace the logs do not already hold.',
  }]);
}
