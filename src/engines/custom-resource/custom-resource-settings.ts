import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { ProviderSettings } from './provider-settings';
import { deriveProviderTimeouts, MAX_SERVICE_TIMEOUT_SECONDS } from './provider-timeouts';
import {
  associationFailure, checkPollWithinApproval, CommonAssociationSettings, resolveCommonSettings, resolvePollInterval, wholeSeconds,
} from '../../association/association-settings';
import type { MpaTeamAssociationProps } from '../../association/mpa-team-association-props';
import { DEFAULTS, LIMITS } from '../../handler-contract';

/** The props of one MpaTeamAssociation on the custom resource, checked and with defaults applied. */
export interface AssociationSettings extends CommonAssociationSettings {
  /** What the stack's shared provider is built with: must agree across the stack's associations. */
  readonly provider: ProviderSettings;
}

/**
 * Checks the props at synth time and applies the defaults. Throws on a value the
 * service or CloudFormation would refuse; warns where a token hides the value or where
 * a value is allowed but unlikely to work. Every message names the prop and the rule.
 */
export function resolveAssociationSettings(scope: IConstruct, props: MpaTeamAssociationProps): AssociationSettings {
  const fail = associationFailure(scope);
  return { ...resolveCommonSettings(scope, props), provider: resolveProviderSettings(props, fail) };
}

function resolveProviderSettings(props: MpaTeamAssociationProps, fail: (message: string) => never): ProviderSettings {
  const approvalTimeoutSeconds = wholeSeconds('approvalTimeout',
    props.approvalTimeout ?? Duration.seconds(DEFAULTS.APPROVAL_TIMEOUT_SECONDS), fail);
  if (approvalTimeoutSeconds < LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS || approvalTimeoutSeconds > LIMITS.MAX_APPROVAL_TIMEOUT_SECONDS) {
    fail(`approvalTimeout must be between ${LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS} and ${LIMITS.MAX_APPROVAL_TIMEOUT_SECONDS} seconds ` +
      `(CloudFormation waits at most one hour for a custom resource); got ${approvalTimeoutSeconds} seconds.`);
  }

  const pollIntervalSeconds = resolvePollInterval(props, fail);
  checkPollWithinApproval(pollIntervalSeconds, approvalTimeoutSeconds, fail);

  const timeouts = deriveProviderTimeouts(approvalTimeoutSeconds, pollIntervalSeconds);
  if (timeouts.serviceTimeoutSeconds > MAX_SERVICE_TIMEOUT_SECONDS) {
    fail(`approvalTimeout (${approvalTimeoutSeconds} seconds) and pollInterval (${pollIntervalSeconds} seconds) ` +
      `need a custom resource ServiceTimeout of ${timeouts.serviceTimeoutSeconds} seconds ` +
      '(the waiter\'s total timeout of approvalTimeout + 2 x pollInterval + 60 s, rounded up to a multiple of pollInterval, ' +
      `is ${timeouts.totalTimeoutSeconds} seconds, plus 60 s), but CloudFormation allows at most ${MAX_SERVICE_TIMEOUT_SECONDS} seconds: ` +
      'shorten approvalTimeout or pollInterval.');
  }

  if (props.vpc === undefined) {
    if (props.vpcSubnets !== undefined) {
      fail('vpcSubnets needs vpc: the subnets are chosen in the VPC given by vpc.');
    }
    if (props.securityGroups !== undefined) {
      fail('securityGroups needs vpc: security groups apply to functions placed in a VPC.');
    }
  }
  if (props.securityGroups !== undefined && props.securityGroups.length === 0) {
    fail('securityGroups must hold at least one security group; leave it unset for the provider\'s own group (outbound HTTPS only).');
  }

  const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
  if (logRemovalPolicy === RemovalPolicy.SNAPSHOT) {
    fail('logRemovalPolicy RemovalPolicy.SNAPSHOT is not supported: a log group has no snapshot. ' +
      'Use RemovalPolicy.RETAIN (keep the logs after the stack is deleted) or RemovalPolicy.DESTROY (delete them with it).');
  }

  return {
    approvalTimeoutSeconds,
    timeouts,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    logEncryptionKey: props.logEncryptionKey,
    logRetention: props.logRetention ?? logs.RetentionDays.TWO_YEARS,
    logRemovalPolicy,
  };
}
