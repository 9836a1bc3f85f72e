import type { HandlerErrorCode, RegistryHandlerRequest, ResourceModel } from './registry-events';
import { DEFAULTS, LIMITS, PROPERTY, REGISTRY_TYPE } from '../../src/handler-contract';
import type { ChangeRequest, ChangeType, ResourceIdentity } from '../core/change-request';
import { recordName } from '../core/ownership-record';
import { InvalidPropertyError, parseResourceProperties, parseTimingSettings, readOldProperties, type ApprovalTimeoutBounds } from '../core/resource-properties';

/**
 * The registry type front end's half of the state: how CloudFormation's handler
 * request becomes a ChangeRequest, what travels between calls in callbackContext,
 * and the resource model CloudFormation sees.
 */

/** A registry type waits up to a session's life: a day, by default and at most. */
export const REGISTRY_BOUNDS: ApprovalTimeoutBounds = {
  defaultSeconds: REGISTRY_TYPE.DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  maxSeconds: REGISTRY_TYPE.MAX_APPROVAL_TIMEOUT_SECONDS,
};

/** What one operation carries from call to call: created on its first call, never again (whether bearerToken is stable is not documented). */
export interface CarriedOperation {
  readonly changeId: string;
  readonly startedAt: number;
  /** When its wait for approvers ends: fixed on the first call, whatever later calls' properties say. */
  readonly deadline?: number;
}

const CONTEXT_KEY = 'mpaChange';

export function callbackContextOf(carried: CarriedOperation): Record<string, unknown> {
  const { changeId, startedAt, deadline } = carried;
  return { [CONTEXT_KEY]: { changeId, startedAt, ...(deadline !== undefined ? { deadline } : {}) } };
}

/** The operation carried in a callbackContext; undefined on a first call (absent, null or `{}`) or a context this handler did not write. */
export function carriedOperation(context: Record<string, unknown> | null | undefined): CarriedOperation | undefined {
  const carried = (context as any)?.[CONTEXT_KEY];
  if (typeof carried?.changeId !== 'string' || carried.changeId === '' || typeof carried.startedAt !== 'number') return undefined;
  return { changeId: carried.changeId, startedAt: carried.startedAt, ...(typeof carried.deadline === 'number' ? { deadline: carried.deadline } : {}) };
}

export type PlannedCall =
  | { readonly kind: 'change'; readonly request: ChangeRequest; readonly carried: CarriedOperation; readonly model: ResourceModel; readonly pollIntervalSeconds: number }
  | { readonly kind: 'refuse'; readonly errorCode: HandlerErrorCode; readonly message: string };

const CHANGE_TYPES: Record<string, ChangeType> = { CREATE: 'Create', UPDATE: 'Update', DELETE: 'Delete' };

/** The resource this call is about: its stack and logical id (a registry type is served only from a stack). */
export function resourceOf(event: RegistryHandlerRequest): ResourceIdentity | string {
  if (!event.stackId) {
    return 'This resource type serves CloudFormation stacks only: the request has no stackId (a call through the Cloud Control API, '
      + 'or the CloudFormation CLI\'s contract tests), so the resource\'s ownership record cannot be named. Declare it in a stack.';
  }
  if (!event.requestData?.logicalResourceId) return 'The request has no logicalResourceId, which names the resource\'s ownership record.';
  return { stackId: event.stackId, logicalId: event.requestData.logicalResourceId };
}

/**
 * Reads a create, update or delete call. Create and Update properties are checked
 * in full (a violation refuses the call with InvalidRequest, naming the property);
 * a Delete needs only its action, since the team it holds is in its record.
 */
export function planRegistryCall(event: RegistryHandlerRequest, now: number, newChangeId: () => string): PlannedCall {
  const type = CHANGE_TYPES[event.action];
  if (!type) return { kind: 'refuse', errorCode: 'InvalidRequest', message: `Unknown action ${JSON.stringify(event.action)}.` };
  const resource = resourceOf(event);
  if (typeof resource === 'string') return { kind: 'refuse', errorCode: 'InvalidRequest', message: resource };
  const carried = carriedOperation(event.callbackContext) ?? { changeId: newChangeId(), startedAt: now };
  const props = event.requestData.resourceProperties ?? {};
  /** The change, its deadline fixed on the operation's first call. */
  const change = (fields: Omit<ChangeRequest, 'requestId' | 'resource' | 'startedAt' | 'deadline'>, pollIntervalMs: number): PlannedCall => {
    const deadline = carried.deadline ?? carried.startedAt + fields.approvalTimeoutMs;
    const request: ChangeRequest = { requestId: carried.changeId, resource, startedAt: carried.startedAt, ...fields, deadline };
    return { kind: 'change', request, carried: { ...carried, deadline }, model: modelOf(props, fields.action, resource), pollIntervalSeconds: pollIntervalMs / 1000 };
  };
  try {
    if (type === 'Delete') {
      const timing = safeTiming(props);
      return change({
        type,
        action: readOldProperties(props).action ?? DEFAULTS.ACTION,
        team: typeof props.MpaTeamArn === 'string' ? props.MpaTeamArn : '',
        approvalTimeoutMs: timing.approvalTimeoutMs,
        reportApprovalProgress: timing.reportApprovalProgress,
      }, timing.pollIntervalMs);
    }
    const settings = parseResourceProperties(props, REGISTRY_BOUNDS);
    let previousTeam: string | undefined;
    if (type === 'Update') {
      const old = readOldProperties(event.requestData.previousResourceProperties);
      if (old.action !== undefined && old.action !== settings.action) {
        return { kind: 'refuse', errorCode: 'NotUpdatable', message: `${PROPERTY.ACTION} is create-only: another action is another resource.` };
      }
      previousTeam = old.team;
    }
    return change({
      type,
      action: settings.action,
      team: settings.mpaTeamArn,
      ...(previousTeam ? { previousTeam } : {}),
      requesterComment: settings.requesterComment,
      reportApprovalProgress: settings.reportApprovalProgress,
      approvalTimeoutMs: settings.approvalTimeoutMs,
    }, settings.pollIntervalMs);
  } catch (error) {
    if (error instanceof InvalidPropertyError) return { kind: 'refuse', errorCode: 'InvalidRequest', message: error.message };
    throw error;
  }
}

/**
 * The model CloudFormation sees: the properties as given (RequesterComment is
 * write-only, so never returned), and the primary identifier, the ownership
 * record's name: deterministic, so that every call, a READ and a LIST agree on it.
 */
export function modelOf(props: ResourceModel, action: string, resource: ResourceIdentity, readOnly: ResourceModel = {}): ResourceModel {
  const { [PROPERTY.REQUESTER_COMMENT]: _comment, ...rest } = props;
  return { ...rest, [REGISTRY_TYPE.ID]: recordName(action, resource), ...readOnly };
}

/** A Delete's timing, falling back to the defaults where it does not parse: a Delete is never blocked by it. */
function safeTiming(props: ResourceModel): { approvalTimeoutMs: number; pollIntervalMs: number; reportApprovalProgress: boolean } {
  try {
    return parseTimingSettings(props, REGISTRY_BOUNDS);
  } catch {
    return {
      approvalTimeoutMs: REGISTRY_BOUNDS.defaultSeconds * 1000,
      pollIntervalMs: Math.max(DEFAULTS.POLL_INTERVAL_SECONDS, LIMITS.MIN_POLL_INTERVAL_SECONDS) * 1000,
      reportApprovalProgress: true,
    };
  }
}
