import { Annotations, Arn, ArnFormat, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { DEFAULTS, LIMITS } from './handler-contract';
import { MpaProtectedOperation } from './mpa-protected-operation';
import type { MpaTeamAssociationProps } from './mpa-team-association';
import { ProviderSettings } from './provider-settings';
import { deriveProviderTimeouts, MAX_SERVICE_TIMEOUT_SECONDS } from './provider-timeouts';

/** The props of one MpaTeamAssociation that every engine uses, checked and with defaults applied. */
export interface CommonAssociationSettings {
  readonly action: string;
  readonly mpaTeamArn: string;
  readonly requesterComment?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly reportApprovalProgress: boolean;
}

/** The props of one MpaTeamAssociation on the custom resource, checked and with defaults applied. */
export interface AssociationSettings extends CommonAssociationSettings {
  /** What the stack's shared provider is built with: must agree across the stack's associations. */
  readonly provider: ProviderSettings;
}

/** Fails the synth with a message that names the association. */
export function associationFailure(scope: IConstruct): (message: string) => never {
  return message => {
    throw new Error(`MpaTeamAssociation at '${scope.node.path}': ${message}`);
  };
}

/** The region where MPA approval teams are created (MPA User Guide, "Region availability"). */
export const MPA_TEAM_REGION = 'us-east-1';

/**
 * Checks the props at synth time and applies the defaults. Throws on a value the
 * service or CloudFormation would refuse; warns where a token hides the value or where
 * a value is allowed but unlikely to work. Every message names the prop and the rule.
 */
export function resolveAssociationSettings(scope: IConstruct, props: MpaTeamAssociationProps): AssociationSettings {
  const fail = associationFailure(scope);
  return { ...resolveCommonSettings(scope, props), provider: resolveProviderSettings(props, fail) };
}

/** The checks and defaults of the props every engine uses. */
export function resolveCommonSettings(scope: IConstruct, props: MpaTeamAssociationProps): CommonAssociationSettings {
  const fail = associationFailure(scope);
  const mpaTeamArn = props.mpaTeamArn;
  checkTeamArn('mpaTeamArn', mpaTeamArn, fail);
  warnIfTeamOutsideMpaRegion(scope, mpaTeamArn);

  const action = (props.action ?? MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE).value;

  const requesterComment = props.requesterComment;
  if (requesterComment !== undefined) {
    if (Token.isUnresolved(requesterComment)) {
      Annotations.of(scope).addWarningV2('cdk-mpa-team-association:requesterCommentUnchecked',
        `requesterComment is a token, so its length (at most ${LIMITS.MAX_REQUESTER_COMMENT_LENGTH} characters) ` +
        'cannot be checked at synth time; a longer value fails the deployment.');
    } else if (requesterComment.length > LIMITS.MAX_REQUESTER_COMMENT_LENGTH) {
      // The comment may be sensitive: name its length, never its text.
      fail(`requesterComment must be at most ${LIMITS.MAX_REQUESTER_COMMENT_LENGTH} characters; got ${requesterComment.length}.`);
    }
  }

  const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
  if (removalPolicy === RemovalPolicy.SNAPSHOT) {
    // CloudFormation applies the DeletionPolicy itself; the handler never sees a retained resource's Delete.
    fail('removalPolicy RemovalPolicy.SNAPSHOT is not supported: an MPA team association has no snapshot. ' +
      'Use RemovalPolicy.DESTROY (disassociate the team on delete, with approval), RemovalPolicy.RETAIN (leave it associated) ' +
      'or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (remove it only when the stack\'s creation rolls back).');
  }

  return {
    action,
    mpaTeamArn,
    requesterComment,
    removalPolicy,
    reportApprovalProgress: props.reportApprovalProgress ?? true,
  };
}

function resolveProviderSettings(props: MpaTeamAssociationProps, fail: (message: string) => never): ProviderSettings {
  const approvalTimeoutSeconds = wholeSeconds('approvalTimeout',
    props.approvalTimeout ?? Duration.seconds(DEFAULTS.APPROVAL_TIMEOUT_SECONDS), fail);
  if (approvalTimeoutSeconds < LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS || approvalTimeoutSeconds > LIMITS.MAX_APPROVAL_TIMEOUT_SECONDS) {
    fail(`approvalTimeout must be between ${LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS} and ${LIMITS.MAX_APPROVAL_TIMEOUT_SECONDS} seconds ` +
      `(CloudFormation waits at most one hour for a custom resource); got ${approvalTimeoutSeconds} seconds.`);
  }

  const pollIntervalSeconds = wholeSeconds('pollInterval',
    props.pollInterval ?? Duration.seconds(DEFAULTS.POLL_INTERVAL_SECONDS), fail);
  if (pollIntervalSeconds < LIMITS.MIN_POLL_INTERVAL_SECONDS || pollIntervalSeconds > LIMITS.MAX_POLL_INTERVAL_SECONDS) {
    fail(`pollInterval must be between ${LIMITS.MIN_POLL_INTERVAL_SECONDS} and ${LIMITS.MAX_POLL_INTERVAL_SECONDS} seconds; ` +
      `got ${pollIntervalSeconds} seconds.`);
  }
  if (pollIntervalSeconds > approvalTimeoutSeconds) {
    fail(`pollInterval (${pollIntervalSeconds} seconds) must not be longer than approvalTimeout (${approvalTimeoutSeconds} seconds).`);
  }

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

/** Checks the form of a concrete approval team ARN; a token is checked by the handler at deploy time. */
export function checkTeamArn(prop: string, arn: string, fail: (message: string) => never): void {
  if (Token.isUnresolved(arn)) {
    return;
  }
  if (arn.length < LIMITS.MIN_MPA_TEAM_ARN_LENGTH || arn.length > LIMITS.MAX_MPA_TEAM_ARN_LENGTH) {
    fail(`${prop} must be ${LIMITS.MIN_MPA_TEAM_ARN_LENGTH} to ${LIMITS.MAX_MPA_TEAM_ARN_LENGTH} characters long; got ${arn.length}.`);
  }
  // The team may live in another account (shared through AWS RAM): only the form is checked.
  if (!LIMITS.MPA_TEAM_ARN_PATTERN.test(arn)) {
    fail(`${prop} must be an MPA approval team ARN, arn:<partition>:mpa:<region>:<account>:approval-team/<name> ` +
      `(pattern ${LIMITS.MPA_TEAM_ARN_PATTERN}); got ${JSON.stringify(arn)}.`);
  }
}

/**
 * MPA creates approval teams in us-east-1, and they protect resources in every commercial
 * region. A team ARN of another region in the aws partition is most likely a typo (the
 * stack's region instead of the team's); it is a warning, not an error, because AWS may
 * open MPA in more regions, and other partitions have their own MPA regions.
 */
function warnIfTeamOutsideMpaRegion(scope: IConstruct, arn: string): void {
  if (Token.isUnresolved(arn)) {
    return;
  }
  const { partition, region } = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  if (partition === 'aws' && region !== MPA_TEAM_REGION) {
    Annotations.of(scope).addWarningV2('cdk-mpa-team-association:teamRegion',
      `mpaTeamArn names an approval team in ${region}, but MPA creates approval teams in ${MPA_TEAM_REGION} ` +
      '(they protect resources in every commercial region). Check the ARN: a team that does not exist fails the deployment.');
  }
}

export function wholeSeconds(prop: string, duration: Duration, fail: (message: string) => never): number {
  if (duration.isUnresolved()) {
    fail(`${prop} must be a concrete duration, not a token: it is checked against CloudFormation's limits at synth time (and sizes the custom resource's waiter).`);
  }
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds)) {
    fail(`${prop} must be a whole number of seconds; got ${duration.toHumanString()}.`);
  }
  return seconds;
}
