import { IConstruct } from 'constructs';
import type { IMpaTeamAssociationType } from './mpa-team-association-type';
import {
  associationFailure, checkPollWithinApproval, CommonAssociationSettings, resolveCommonSettings, resolvePollInterval, wholeSeconds,
} from '../../association/association-settings';
import type { MpaTeamAssociationProps } from '../../association/mpa-team-association-props';
import { LIMITS, REGISTRY_TYPE } from '../../handler-contract';

/** The props of one MpaTeamAssociation on the registry type, checked and with defaults applied. */
export interface TypeAssociationSettings extends CommonAssociationSettings {
  readonly approvalTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

/** Props that configure the custom resource's provider: they have no meaning on the registry type. */
const PROVIDER_PROPS = ['vpc', 'vpcSubnets', 'securityGroups', 'logEncryptionKey', 'logRetention', 'logRemovalPolicy'] as const;

/**
 * What the type's handler needs after its approval deadline: the next callback (at most one poll
 * interval later), that call (at most CloudFormation's 60 s), and a minute for CloudFormation's
 * own scheduling.
 */
export const TYPE_DEADLINE_MARGIN_SECONDS = 120;

/**
 * Checks the props of an association on the registry type, as `resolveAssociationSettings` does
 * for the custom resource: the same rules for the action, team, comment and removal policy; an
 * approvalTimeout up to an MPA session's 24 hours that fits in the type's handler timeout; and
 * none of the provider's props, which would silently do nothing.
 */
export function resolveTypeAssociationSettings(
  scope: IConstruct, props: MpaTeamAssociationProps, type: IMpaTeamAssociationType,
): TypeAssociationSettings {
  const fail = associationFailure(scope);
  for (const prop of PROVIDER_PROPS) {
    if (props[prop] !== undefined) {
      fail(`${prop} configures the custom resource's provider and does not apply to the registry type, whose handlers run in ` +
        'CloudFormation\'s infrastructure (not in this account\'s VPC) and log to the type\'s log group: remove it, or set it on ' +
        'the MpaTeamAssociationType.');
    }
  }
  const common = resolveCommonSettings(scope, props);

  const pollIntervalSeconds = resolvePollInterval(props, fail);

  const handlerTimeoutSeconds = type.handlerTimeout.toSeconds();
  const fitting = handlerTimeoutSeconds - pollIntervalSeconds - TYPE_DEADLINE_MARGIN_SECONDS;
  const approvalTimeoutSeconds = props.approvalTimeout === undefined
    ? Math.min(REGISTRY_TYPE.DEFAULT_APPROVAL_TIMEOUT_SECONDS, fitting)
    : wholeSeconds('approvalTimeout', props.approvalTimeout, fail);
  if (approvalTimeoutSeconds < LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS || approvalTimeoutSeconds > REGISTRY_TYPE.MAX_APPROVAL_TIMEOUT_SECONDS) {
    fail(`approvalTimeout must be between ${LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS} and ${REGISTRY_TYPE.MAX_APPROVAL_TIMEOUT_SECONDS} seconds ` +
      `on the registry type (an MPA approval session lives at most 24 hours); got ${approvalTimeoutSeconds} seconds.`);
  }
  if (approvalTimeoutSeconds > fitting) {
    fail(`approvalTimeout (${approvalTimeoutSeconds} seconds) + pollInterval (${pollIntervalSeconds} seconds) + ` +
      `${TYPE_DEADLINE_MARGIN_SECONDS} seconds must fit in the type's handler timeout (${handlerTimeoutSeconds} seconds, ` +
      'MpaTeamAssociationType handlerTimeout): shorten approvalTimeout or register the type with a longer handlerTimeout.');
  }
  checkPollWithinApproval(pollIntervalSeconds, approvalTimeoutSeconds, fail);
  return { ...common, approvalTimeoutSeconds, pollIntervalSeconds };
}
