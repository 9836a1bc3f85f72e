import { CHANGE_FIELD, type InvocationContext, type OnEventRequest, type OnEventResponse } from './provider-events';
import { planEvent } from './provider-request';
import { reportable } from '../aws/service-errors';
import { pollChange } from '../core/change-executor';
import type { PollServices } from '../core/change-executor';
import type { ChangeRequest } from '../core/change-request';
import { clockOf } from '../core/clock';
import { log } from '../core/log';
import { pollServices } from '../core/poll-services';

/**
 * Reads the request, records the change and makes the first move. A thrown
 * error fails the request at once with its message as the reason; otherwise
 * isComplete polls until the change completes.
 */
export async function onEvent(event: OnEventRequest, context?: InvocationContext): Promise<OnEventResponse> {
  const clock = clockOf(context);
  try {
    const { physicalResourceId, request } = planEvent(event, clock.now());
    log({ event: 'request', requestType: event.RequestType, requestId: event.RequestId, action: request?.action, physicalResourceId });
    if (!request) {
      return { PhysicalResourceId: physicalResourceId, [CHANGE_FIELD]: null };
    }
    const services = pollServices(context, clock);
    const outcome = await pollChange(request, services, 'onEvent').catch(async (error: unknown) => {
      if (request.type === 'Create') await forgetFailedCreate(request, services);
      throw error;
    });
    return {
      PhysicalResourceId: physicalResourceId,
      [CHANGE_FIELD]: outcome.kind === 'complete' ? { request, completed: { team: outcome.team, session: outcome.session } } : { request },
    };
  } catch (error) {
    throw reportable(error);
  }
}

/**
 * When a Create fails in onEvent, the Provider framework answers the stack's
 * rollback Delete by itself: this handler never sees it. A Create that failed
 * before any call took effect leaves no claim behind (nor the claim lock).
 */
async function forgetFailedCreate(request: ChangeRequest, services: PollServices): Promise<void> {
  try {
    await services.claims.release(request);
    const mine = await services.store.read(request.action, request.resource);
    const accepted = mine?.change?.requestId === request.requestId && mine.change.calls.some(c => c.answer !== 'conflict');
    if (mine && !accepted && mine.team === undefined) await services.store.remove(request.action, request.resource);
  } catch (error) {
    log({ event: 'record-not-removed', error: (error as Error)?.name });
  }
}
