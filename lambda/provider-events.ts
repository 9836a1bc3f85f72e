import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { WaitPlan, WAIT_PLAN_FIELD } from './wait-plan';
import type { AssociationResponseData } from '../src/handler-contract';

/**
 * The events and answers of aws-cdk-lib's custom_resources.Provider user
 * functions. The framework hands the user functions the CloudFormation event
 * with its ResponseURL blanked, and answers CloudFormation itself.
 */
export type OnEventRequest = CloudFormationCustomResourceEvent;

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly [WAIT_PLAN_FIELD]: WaitPlan;
}

/** onEvent's request, its answer merged in. */
export type IsCompleteRequest = OnEventRequest & OnEventResponse;

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  /** Set only when a Create completes, replacing the provisional id. */
  readonly PhysicalResourceId?: string;
  readonly Data?: AssociationResponseData;
}

export type { InvocationContext } from './clock';
