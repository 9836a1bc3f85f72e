import { createHash, randomUUID } from 'node:crypto';
import type { ProgressEvent, RegistryHandlerRequest, ResourceModel } from './registry-events';
import { callbackContextOf, modelOf, planRegistryCall, resourceOf } from './registry-request';
import { DEFAULTS, REGISTRY_TYPE } from '../../src/handler-contract';
import { CallBudget } from '../aws/call-budget';
import { ProviderLog, logStreamName } from '../aws/provider-log';
import { AssociationFailure, reportable } from '../aws/service-errors';
import { abandonFailedCreate, pollChange, type PollServices } from '../core/change-executor';
import { clockOf, type Clock, type InvocationContext } from '../core/clock';
import { log, withLogSink } from '../core/log';
import { buildPollServices } from '../core/poll-services';
import { readOldProperties } from '../core/resource-properties';

/** Kept back from a call's time: CloudFormation gives a create/update/delete call 60 s and a read or list 30 s. */
const CALL_MARGIN_MS = 15_000;
/** What is left of a call for delivering its log lines (inside the margin). */
const LOG_DELIVERY_MS = 5_000;

/**
 * The registry resource type's handler: the same change core as the custom
 * resource, driven by CloudFormation's handler protocol (2.0.0) instead of the
 * Provider framework. Each call polls once and answers a ProgressEvent:
 * IN_PROGRESS with the operation carried in callbackContext while approvers
 * decide (up to the type's timeoutInMinutes), SUCCESS or FAILED. Every AWS call
 * uses the call's callerCredentials, never the Lambda's environment; log lines go
 * to the type's log group with the providerCredentials. Neither credentials nor
 * the bearer token ever reach a log line.
 */
export async function handler(event: RegistryHandlerRequest, context?: InvocationContext): Promise<ProgressEvent> {
  const clock = clockOf(context);
  const delivery = providerLog(event, clock);
  const answer = delivery ? await withLogSink(delivery.sink, () => serve(event, context, clock)) : await serve(event, context, clock);
  if (delivery) await delivery.deliver(new CallBudget(clock, clock.now() + LOG_DELIVERY_MS));
  return answer;
}

async function serve(event: RegistryHandlerRequest, context: InvocationContext | undefined, clock: Clock): Promise<ProgressEvent> {
  log({ event: 'registry-request', action: event.action, stackId: event.stackId, logicalResourceId: event.requestData?.logicalResourceId, callback: !!event.callbackContext });
  const credentials = event.requestData?.callerCredentials;
  if (!credentials?.accessKeyId) {
    return failed('InvalidCredentials', 'The request carries no callerCredentials: register the type with an execution role (ExecutionRoleArn).');
  }
  const read = event.action === 'READ' || event.action === 'LIST';
  const callMs = read ? REGISTRY_TYPE.READ_BUDGET_MS : REGISTRY_TYPE.CALL_BUDGET_MS;
  const remaining = context?.getRemainingTimeInMillis() ?? callMs;
  const services = buildPollServices({ clock, budgetMs: Math.min(callMs, remaining) - CALL_MARGIN_MS, credentials, learnRole: true });
  try {
    if (event.action === 'READ') return await readResource(event, services);
    if (event.action === 'LIST') return await listResources(event, services);
    return await change(event, services, clock);
  } catch (error) {
    const reported = reportable(error) as Error;
    return failed(error instanceof AssociationFailure ? 'GeneralServiceException' : 'InternalFailure', reported.message);
  }
}

async function change(event: RegistryHandlerRequest, services: PollServices, clock: Clock): Promise<ProgressEvent> {
  const planned = planRegistryCall(event, clock.now(), () => changeIdOf(event));
  if (planned.kind === 'refuse') return failed(planned.errorCode, planned.message);
  const { request, carried, model } = planned;
  if (request.type === 'Update' && !event.callbackContext && !(await services.store.read(request.action, request.resource))) {
    return failed('NotFound', `${model[REGISTRY_TYPE.ID]} does not exist: this resource manages no association to update.`);
  }
  try {
    const outcome = await pollChange(request, services, `registry:${event.action}`);
    if (outcome.kind === 'wait') {
      return {
        status: 'IN_PROGRESS',
        callbackContext: callbackContextOf(carried),
        callbackDelaySeconds: planned.pollIntervalSeconds,
        resourceModel: model,
        message: `Waiting for ${outcome.why}`.slice(0, 1000),
      };
    }
    if (request.type === 'Delete') return { status: 'SUCCESS' };
    return {
      status: 'SUCCESS',
      resourceModel: { ...model, [REGISTRY_TYPE.ASSOCIATED_TEAM_ARN]: outcome.team ?? '', [REGISTRY_TYPE.MPA_SESSION_ARN]: outcome.session ?? '' },
    };
  } catch (error) {
    if (!(error instanceof AssociationFailure)) throw error;
    // CloudFormation may send no Delete after a failed create: what the create asked must not take effect later.
    if (request.type === 'Create') await abandonFailedCreate(request, services);
    return { ...failed(error.name === 'InvalidPropertyError' ? 'InvalidRequest' : 'NotStabilized', error.message), resourceModel: model };
  }
}

/** READ: the association as it is now, for the resource whose record holds it; NotFound once it holds nothing. */
async function readResource(event: RegistryHandlerRequest, services: PollServices): Promise<ProgressEvent> {
  const resource = resourceOf(event);
  if (typeof resource === 'string') return failed('InvalidRequest', resource);
  const props = event.requestData.resourceProperties ?? {};
  const action = readOldProperties(props).action ?? DEFAULTS.ACTION;
  const mine = await services.store.read(action, resource);
  const association = await services.controlPlane.get(action);
  if (!mine?.team || !association?.team) {
    return failed('NotFound', `${modelOf(props, action, resource)[REGISTRY_TYPE.ID]} manages no association now.`);
  }
  return {
    status: 'SUCCESS',
    resourceModel: modelOf({ ...props, Action: action, MpaTeamArn: association.team }, action, resource, {
      [REGISTRY_TYPE.ASSOCIATED_TEAM_ARN]: association.state === 'ACTIVE' ? association.team : '',
    }),
  };
}

/** LIST: every resource of this library that holds the action's team (its ownership records). */
async function listResources(event: RegistryHandlerRequest, services: PollServices): Promise<ProgressEvent> {
  const action = readOldProperties(event.requestData?.resourceProperties ?? {}).action ?? DEFAULTS.ACTION;
  const records = (await services.store.list(action)).filter(r => r.team !== undefined);
  const resourceModels: ResourceModel[] = records.map(r => modelOf({ Action: action, MpaTeamArn: r.team }, action, r.resource));
  return { status: 'SUCCESS', resourceModels };
}

/**
 * The change id of an operation's first call: derived from its bearerToken (the
 * operation's idempotency token), so that two deliveries of that call make one
 * change; later calls carry it in callbackContext. The token itself is never kept.
 */
function changeIdOf(event: RegistryHandlerRequest): string {
  return event.bearerToken ? `op-${createHash('sha256').update(event.bearerToken).digest('hex').slice(0, 32)}` : randomUUID();
}

function failed(errorCode: ProgressEvent['errorCode'], message: string): ProgressEvent {
  return { status: 'FAILED', errorCode, message: message.slice(0, 1000) };
}

/** The type's log group, written with the provider's credentials, when the type was registered with a logging config. */
function providerLog(event: RegistryHandlerRequest, clock: Clock): ProviderLog | undefined {
  const { providerCredentials, providerLogGroupName, logicalResourceId } = event.requestData ?? {};
  if (!providerCredentials?.accessKeyId || !providerLogGroupName) return undefined;
  const stream = event.stackId ? logStreamName(event.stackId, logicalResourceId ?? 'resource') : `${event.awsAccountId}-${event.region}`;
  return new ProviderLog(clock, providerLogGroupName, stream, providerCredentials);
}
