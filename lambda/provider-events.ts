import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { CarriedChange, CHANGE_FIELD } from './provider-request';
import type { AssociationResponseData } from '../src/handler-contract';

/**
 * The events and answers of aws-cdk-lib's custom_resources.Provider user
 * functions. The framework hands the user functions the CloudFormation event
 * (with the presigned ResponseURL) and answers CloudFormation itself.
 */
export type OnEventRequest = CloudFormationCustomResourceEvent;

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  /** null: nothing to do (a Delete whose properties name no action). */
  readonly [CHANGE_FIELD]: CarriedChange | null;
}

/** onEvent's request, its answer merged in. */
export type IsCompleteRequest = OnEventRequest & OnEventResponse;

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  /** Set only when a Create completes, replacing the provisional id. */
  readonly PhysicalResourceId?: string;
  readonly Data?: ResponseData;
}

export type ResponseData = AssociationResponseData;

export type { InvocationContext } from './clock';
