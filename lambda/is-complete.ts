import { describeProgress } from './approval-progress';
import { clockOf } from './clock';
import { pollAndReport, type ReportedPoll } from './poll-and-report';
import type { InvocationContext, IsCompleteRequest, IsCompleteResponse } from './provider-events';
import { parseResourceProperties } from './resource-properties';
import { AssociationFailure, truncate } from './service-errors';
import { WAIT_PLAN_FIELD, isProvisionalPhysicalResourceId, physicalResourceId } from './wait-plan';
import type { AssociationResponseData } from '../src/handler-contract';

/**
 * Called by the Provider's waiter right after onEvent and then every poll
 * interval. Answers complete, not yet, or throws: the framework sends a thrown
 * error's message to CloudFormation as the FAILED reason at once.
 */
export async function isComplete(event: IsCompleteRequest, context?: InvocationContext): Promise<IsCompleteResponse> {
  const plan = event[WAIT_PLAN_FIELD];
  if (!plan) {
    throw new AssociationFailure(`The request carries no ${WAIT_PLAN_FIELD} from onEvent; the handler functions are from different versions. Redeploy and retry.`);
  }
  if (plan.goal === 'none') {
    return { IsComplete: true };
  }
  const settings = parseResourceProperties(event.ResourceProperties);
  const poll = await pollAndReport('isComplete', event.RequestType, plan, settings, context);

  if (poll.complete) {
    if (plan.goal === 'disassociate') {
      return { IsComplete: true };
    }
    return {
      IsComplete: true,
      PhysicalResourceId: isProvisionalPhysicalResourceId(event.PhysicalResourceId) ? physicalResourceId(settings.action) : undefined,
      Data: responseData(poll),
    };
  }
  if (clockOf(context).now() >= plan.deadline) {
    throw new AssociationFailure(timeoutReason(settings.approvalTimeoutMs, settings.action, poll));
  }
  return { IsComplete: false };
}

function responseData(poll: ReportedPoll): AssociationResponseData {
  const association = poll.association!;
  return {
    AssociationState: association.AssociationState,
    MpaTeamArn: association.MpaTeamArn,
    MpaSessionArn: association.MpaStatus?.MpaSessionArn ?? '',
  };
}

function timeoutReason(approvalTimeoutMs: number, action: string, poll: ReportedPoll): string {
  const seconds = Math.round(approvalTimeoutMs / 1000);
  const association = poll.association;
  const status = association?.MpaStatus;
  const where = association
    ? `${action} is ${association.AssociationState} with ${association.MpaTeamArn}`
    : `${action} has no association`;
  const session = status
    ? ` Session ${status.MpaSessionArn} is ${status.Status}${poll.progress ? ` (${describeProgress(poll.progress)})` : ''}`
      + `${status.StatusMessage ? `: ${truncate(status.StatusMessage, 200)}` : ''}.`
    : '';
  const lastError = poll.transientError ? ` The last call met ${poll.transientError}.` : '';
  return `Timed out after ${seconds} s (approvalTimeout) waiting for ${poll.waitingFor ?? 'the association'}: ${where}.${session}${lastError} `
    + 'The session stays open and nothing was rolled back by this handler: once approvers have answered, rerun the deployment; '
    + 'the rerun resumes the wait instead of asking again.';
}
