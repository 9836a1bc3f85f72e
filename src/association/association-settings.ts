import { Annotations, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MpaProtectedOperation } from './mpa-protected-operation';
import type { MpaTeamAssociationProps } from './mpa-team-association-props';
import { checkTeamArn, warnIfTeamOutsideMpaRegion } from './team-arn';
import { DEFAULTS, LIMITS } from '../handler-contract';

/** The props of one MpaTeamAssociation that every engine uses, checked and with defaults applied. */
export interface CommonAssociationSettings {
  readonly action: string;
  readonly mpaTeamArn: string;
  readonly requesterComment?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly reportApprovalProgress: boolean;
}

/** Fails the synth with a message that names the association. */
export function associationFailure(scope: IConstruct): (message: string) => never {
  return message => {
    throw new Error(`MpaTeamAssociation at '${scope.node.path}': ${message}`);
  };
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

/** pollInterval in whole seconds, within its bounds (the same on every engine). */
export function resolvePollInterval(props: MpaTeamAssociationProps, fail: (message: string) => never): number {
  const pollIntervalSeconds = wholeSeconds('pollInterval', props.pollInterval ?? Duration.seconds(DEFAULTS.POLL_INTERVAL_SECONDS), fail);
  if (pollIntervalSeconds < LIMITS.MIN_POLL_INTERVAL_SECONDS || pollIntervalSeconds > LIMITS.MAX_POLL_INTERVAL_SECONDS) {
    fail(`pollInterval must be between ${LIMITS.MIN_POLL_INTERVAL_SECONDS} and ${LIMITS.MAX_POLL_INTERVAL_SECONDS} seconds; ` +
      `got ${pollIntervalSeconds} seconds.`);
  }
  return pollIntervalSeconds;
}

/** A poll never waits longer than the whole approval. */
export function checkPollWithinApproval(pollIntervalSeconds: number, approvalTimeoutSeconds: number, fail: (message: string) => never): void {
  if (pollIntervalSeconds > approvalTimeoutSeconds) {
    fail(`pollInterval (${pollIntervalSeconds} seconds) must not be longer than approvalTimeout (${approvalTimeoutSeconds} seconds).`);
  }
}
