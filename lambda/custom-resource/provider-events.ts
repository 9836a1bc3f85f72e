import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { AssociationResponseData } from '../../src/handler-contract';
import type { ChangeRequest } from '../core/change-request';

/**
 * The events and answers of aws-cdk-lib's custom_resources.Provider user
 * functions. The framework hands the user functions the CloudFormation event
 * (with the presigned ResponseURL) and answers CloudFormation itself.
 */
export type OnEventRequest = CloudFormationCustomResourceEvent;

/** The field of onEvent's answer that carries the change to every isComplete call (the framework merges it in unchanged). */
export const CHANGE_FIELD = 'MpaChange';

export interface CarriedChange {
  readonly request: ChangeRequest;
  /** Set when onEvent's own poll already completed the change. */
  readonly completed?: { readonly team?: string; readonly session?: string };
}

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

export type { InvocationContext } from '../core/clock';
