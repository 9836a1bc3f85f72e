import type { OnEventRequest } from './provider-events';
import { DEFAULTS, LIMITS } from '../../src/handler-contract';
import type { ChangeRequest } from '../core/change-request';
import { parseResourceProperties, parseTimingSettings, readOldProperties } from '../core/resource-properties';

/**
 * The Provider framework front end's half of the state: how a CloudFormation
 * event becomes a ChangeRequest, and the physical id CloudFormation sees.
 */

const PHYSICAL_ID_PREFIX = 'mpa-team-association';
const PROVISIONAL_SUFFIX = ':create-in-progress';

/**
 * The physical id names the action only: it never changes on update (a change
 * would make CloudFormation replace the resource and then delete the fresh
 * association) and never carries the team ARN.
 */
export function physicalResourceId(action: string): string {
  return `${PHYSICAL_ID_PREFIX}:${action}`;
}

/** A Create answers with this id until it completes, so that the rollback Delete of a failed Create is recognizable. */
export function provisionalPhysicalResourceId(action: string): string {
  return `${physicalResourceId(action)}${PROVISIONAL_SUFFIX}`;
}

export function isProvisionalPhysicalResourceId(id: string | undefined): boolean {
  return id?.startsWith(`${PHYSICAL_ID_PREFIX}:`) === true && id.endsWith(PROVISIONAL_SUFFIX);
}

export interface PlannedEvent {
  readonly physicalResourceId: string;
  /** Undefined when there is nothing to do (a Delete whose properties do not even name an action). */
  readonly request?: ChangeRequest;
}

/**
 * Reads the event. Create and Update properties are checked in full (a violation
 * throws, naming the property, before anything is called); a Delete needs only its
 * action, since the team it holds is in its ownership record.
 */
export function planEvent(event: OnEventRequest, startedAt: number): PlannedEvent {
  const resource = { stackId: event.StackId, logicalId: event.LogicalResourceId };
  const common = { requestId: event.RequestId, resource, startedAt };
  if (event.RequestType === 'Delete') {
    const props = event.ResourceProperties ?? {};
    const action = props.Action === undefined || props.Action === '' ? DEFAULTS.ACTION : props.Action;
    if (typeof action !== 'string' || !LIMITS.ACTION_PATTERN.test(action)) {
      return { physicalResourceId: event.PhysicalResourceId };
    }
    const team = typeof props.MpaTeamArn === 'string' ? props.MpaTeamArn : '';
    const timeout = safeSettings(props);
    return {
      physicalResourceId: event.PhysicalResourceId,
      request: { ...common, type: 'Delete', action, team, ...timeout, deadline: startedAt + timeout.approvalTimeoutMs },
    };
  }
  const settings = parseResourceProperties(event.ResourceProperties);
  const base = {
    ...common,
    action: settings.action,
    team: settings.mpaTeamArn,
    requesterComment: settings.requesterComment,
    reportApprovalProgress: settings.reportApprovalProgress,
    approvalTimeoutMs: settings.approvalTimeoutMs,
    deadline: startedAt + settings.approvalTimeoutMs,
  };
  if (event.RequestType === 'Create') {
    return { physicalResourceId: provisionalPhysicalResourceId(settings.action), request: { ...base, type: 'Create' } };
  }
  const old = readOldProperties(event.OldResourceProperties);
  if (old.action !== settings.action) {
    // Another action is another association: CloudFormation replaces the resource
    // (a new physical id) and deletes the old action's association in cleanup.
    return { physicalResourceId: provisionalPhysicalResourceId(settings.action), request: { ...base, type: 'Create' } };
  }
  return { physicalResourceId: event.PhysicalResourceId, request: { ...base, type: 'Update', previousTeam: old.team } };
}

/** A Delete's timing settings, falling back to the defaults where they do not parse: a Delete must never be blocked by them. */
function safeSettings(props: Record<string, unknown>): { approvalTimeoutMs: number; reportApprovalProgress: boolean } {
  try {
    const { approvalTimeoutMs, reportApprovalProgress } = parseTimingSettings(props);
    return { approvalTimeoutMs, reportApprovalProgress };
  } catch {
    return { approvalTimeoutMs: DEFAULTS.APPROVAL_TIMEOUT_SECONDS * 1000, reportApprovalProgress: true };
  }
}
