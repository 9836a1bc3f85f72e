import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DEFAULTS, LIMITS, RemovalBehaviour } from './handler-contract';
import { MpaProtectedOperation } from './mpa-protected-operation';
import type { MpaTeamAssociationProps } from './mpa-team-association';
import { deriveProviderTimeouts, MAX_SERVICE_TIMEOUT_SECONDS, ProviderTimeouts } from './provider-timeouts';

/** The props of one MpaTeamAssociation, checked and with defaults applied. */
export interface AssociationSettings {
  readonly action: string;
  readonly mpaTeamArn: string;
  readonly requesterComment?: string;
  readonly approvalTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  readonly removalPolicy: RemovalPolicy;
  readonly removalBehaviour: RemovalBehaviour;
  readonly reportApprovalProgress: boolean;
  readonly timeouts: ProviderTimeouts;
}

/**
 * Checks the props at synth time and applies the defaults. Throws on a value the
 * service or CloudFormation would refuse; warns where a token hides the value.
 * Every message names the prop and the rule.
 */
export function resolveAssociationSettings(scope: IConstruct, props: MpaTeamAssociationProps): AssociationSettings {
  const fail = (message: string): never => {
    throw new Error(`MpaTeamAssociation at '${scope.node.path}': ${message}`);
  };

  const mpaTeamArn = props.mpaTeamArn;
  checkTeamArn(mpaTeamArn, fail);

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

  const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
  const removalBehaviour = toRemovalBehaviour(removalPolicy, fail);

  return {
    action,
    mpaTeamArn,
    requesterComment,
    approvalTimeoutSeconds,
    pollIntervalSeconds,
    removalPolicy,
    removalBehaviour,
    reportApprovalProgress: props.reportApprovalProgress ?? true,
    timeouts,
  };
}

function checkTeamArn(arn: string, fail: (message: string) => never): void {
  // A token (CfnApprovalTeam.attrArn, a CfnParameter, an import) is checked by the handler at deploy time.
  if (Token.isUnresolved(arn)) {
    return;
  }
  if (arn.length < LIMITS.MIN_MPA_TEAM_ARN_LENGTH || arn.length > LIMITS.MAX_MPA_TEAM_ARN_LENGTH) {
    fail(`mpaTeamArn must be ${LIMITS.MIN_MPA_TEAM_ARN_LENGTH} to ${LIMITS.MAX_MPA_TEAM_ARN_LENGTH} characters long; got ${arn.length}.`);
  }
  // The team may live in another account or region (shared through AWS RAM): only the form is checked.
  if (!LIMITS.MPA_TEAM_ARN_PATTERN.test(arn)) {
    fail('mpaTeamArn must be an MPA approval team ARN, arn:<partition>:mpa:<region>:<account>:approval-team/<name> ' +
      `(pattern ${LIMITS.MPA_TEAM_ARN_PATTERN}); got ${JSON.stringify(arn)}.`);
  }
}

function wholeSeconds(prop: string, duration: Duration, fail: (message: string) => never): number {
  if (duration.isUnresolved()) {
    fail(`${prop} must be a concrete duration, not a token: it sizes the provider's waiter at synth time.`);
  }
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds)) {
    fail(`${prop} must be a whole number of seconds; got ${duration.toHumanString()}.`);
  }
  return seconds;
}

function toRemovalBehaviour(policy: RemovalPolicy, fail: (message: string) => never): RemovalBehaviour {
  switch (policy) {
    case RemovalPolicy.DESTROY:
      return 'destroy';
    case RemovalPolicy.RETAIN:
    case RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE:
      return 'retain';
    default:
      return fail(`removalPolicy ${policy} is not supported: an MPA team association has no snapshot. ` +
        'Use RemovalPolicy.DESTROY (disassociate the team on delete, with approval) or RemovalPolicy.RETAIN (leave it associated).');
  }
}
