import { clockOf } from './clock';
import { log } from './log';
import { pollAndReport } from './poll-and-report';
import type { InvocationContext, OnEventRequest, OnEventResponse } from './provider-events';
import { parseResourceProperties, type AssociationSettings } from './resource-properties';
import {
  WAIT_PLAN_FIELD,
  isProvisionalPhysicalResourceId,
  provisionalPhysicalResourceId,
  type WaitPlan,
} from './wait-plan';

/**
 * Validates the request, plans it, and makes the first move. Throwing here
 * fails the request at once (the reason is the error's message); otherwise
 * isComplete takes over and polls until the association is where the plan wants it.
 */
export async function onEvent(event: OnEventRequest, context?: InvocationContext): Promise<OnEventResponse> {
  const startedAt = clockOf(context).now();
  const { physicalResourceId, plan, settings } = planRequest(event, startedAt);
  log({ event: 'plan', requestType: event.RequestType, action: settings?.action, goal: plan.goal, physicalResourceId });

  if (plan.goal === 'none' || !settings) {
    return { PhysicalResourceId: physicalResourceId, [WAIT_PLAN_FIELD]: plan };
  }
  const poll = await pollAndReport('onEvent', event.RequestType, plan, settings, context);

  // Remember the association of the desired team that awaits approval, whether
  // this request asked for it or found it pending (a rerun, a redelivered event):
  // if it disappears later, that is a denial, not a reason to ask again.
  const association = poll.association;
  const status = association?.MpaStatus;
  const awaitingAssociation = !poll.complete && association?.AssociationState === 'UPDATE_PENDING'
    && association.MpaTeamArn === settings.mpaTeamArn && status?.Status === 'PENDING';
  return {
    PhysicalResourceId: physicalResourceId,
    [WAIT_PLAN_FIELD]: awaitingAssociation ? { ...plan, pendingAssociationSessionArn: status.MpaSessionArn } : plan,
  };
}

interface PlannedRequest {
  readonly physicalResourceId: string;
  readonly plan: WaitPlan;
  readonly settings?: AssociationSettings;
}

function planRequest(event: OnEventRequest, startedAt: number): PlannedRequest {
  const nothingToDo = (physicalResourceId: string, settings?: AssociationSettings): PlannedRequest =>
    ({ physicalResourceId, settings, plan: { goal: 'none', startedAt, deadline: startedAt } });

  switch (event.RequestType) {
    case 'Create': {
      const settings = parseResourceProperties(event.ResourceProperties);
      return {
        physicalResourceId: provisionalPhysicalResourceId(settings.action),
        settings,
        plan: { goal: 'associate', startedAt, deadline: startedAt + settings.approvalTimeoutMs },
      };
    }
    case 'Update': {
      const settings = parseResourceProperties(event.ResourceProperties);
      const old = parseOldProperties(event.OldResourceProperties);
      // A new action is a new resource: CloudFormation deletes the old one (and
      // its association) once this one succeeds.
      const replacing = old?.action !== settings.action;
      return {
        physicalResourceId: replacing ? provisionalPhysicalResourceId(settings.action) : event.PhysicalResourceId,
        settings,
        plan: {
          goal: 'associate',
          ownedTeamArn: replacing ? undefined : old?.mpaTeamArn,
          startedAt,
          deadline: startedAt + settings.approvalTimeoutMs,
        },
      };
    }
    case 'Delete': {
      // The rollback of a Create that failed while waiting: it associated nothing
      // that this resource may remove.
      if (isProvisionalPhysicalResourceId(event.PhysicalResourceId)) {
        return nothingToDo(event.PhysicalResourceId);
      }
      let settings: AssociationSettings;
      try {
        settings = parseResourceProperties(event.ResourceProperties);
      } catch (error) {
        // Failing would block the stack's deletion for good; removing without
        // knowing which team this resource owns could remove someone else's.
        log({ event: 'delete-skipped', reason: (error as Error).message });
        return nothingToDo(event.PhysicalResourceId);
      }
      if (settings.retainOnDelete) {
        return nothingToDo(event.PhysicalResourceId, settings);
      }
      return {
        physicalResourceId: event.PhysicalResourceId,
        settings,
        plan: { goal: 'disassociate', ownedTeamArn: settings.mpaTeamArn, startedAt, deadline: startedAt + settings.approvalTimeoutMs },
      };
    }
  }
}

/** The previous properties only tell which team this resource held; if they are unreadable, it held none. */
function parseOldProperties(raw: unknown): AssociationSettings | undefined {
  try {
    return parseResourceProperties(raw as object | undefined);
  } catch {
    return undefined;
  }
}
