import { CHANGE_FIELD, type InvocationContext, type IsCompleteRequest, type IsCompleteResponse, type ResponseData } from './provider-events';
import { isProvisionalPhysicalResourceId, physicalResourceId } from './provider-request';
import { AssociationFailure, reportable } from '../aws/service-errors';
import { pollChange } from '../core/change-executor';
import { clockOf } from '../core/clock';
import { pollServices } from '../core/poll-services';

/**
 * Called by the Provider's waiter right after onEvent and then every poll
 * interval. Answers complete, not yet, or throws: the framework sends a thrown
 * error's message to CloudFormation as the FAILED reason at once.
 */
export async function isComplete(event: IsCompleteRequest, context?: InvocationContext): Promise<IsCompleteResponse> {
  try {
    if (!(CHANGE_FIELD in event)) {
      throw new AssociationFailure(`The request carries no ${CHANGE_FIELD} from onEvent: the handler's two functions are from different versions. Redeploy and retry.`);
    }
    const carried = event[CHANGE_FIELD];
    if (!carried) return { IsComplete: true };
    const { request } = carried;
    const outcome = carried.completed
      ? { kind: 'complete' as const, ...carried.completed }
      : await pollChange(request, pollServices(context, clockOf(context)), 'isComplete');
    if (outcome.kind !== 'complete') return { IsComplete: false };
    if (request.type === 'Delete') return { IsComplete: true };
    const data: ResponseData = { MpaTeamArn: outcome.team ?? '', MpaSessionArn: outcome.session ?? '' };
    return {
      IsComplete: true,
      ...(isProvisionalPhysicalResourceId(event.PhysicalResourceId) ? { PhysicalResourceId: physicalResourceId(request.action) } : {}),
      Data: data,
    };
  } catch (error) {
    throw reportable(error);
  }
}
