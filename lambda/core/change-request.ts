/**
 * What one stack operation asks of one resource, independent of how the request
 * arrived. The Provider framework's events are turned into this by
 * provider-request.ts; a CloudFormation registry type could build it as well.
 */
export type ChangeType = 'Create' | 'Update' | 'Delete';

/** A resource of a stack: stays the same across updates, changes with a new logical id or stack. */
export interface ResourceIdentity {
  /** The stack's ARN, `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`. */
  readonly stackId: string;
  readonly logicalId: string;
}

export interface ChangeRequest {
  /**
   * The change's id, the same for every poll of it: the custom resource uses
   * CloudFormation's RequestId; a front end without one creates an id once per
   * operation and carries it between calls. Which change is newer is told by
   * `startedAt`, not by this id.
   */
  readonly requestId: string;
  readonly type: ChangeType;
  readonly resource: ResourceIdentity;
  readonly action: string;
  /** The team the (new) properties name; for a Delete, the team of the deleted resource's properties. */
  readonly team: string;
  /** Update: the team of the old properties, when they are readable. */
  readonly previousTeam?: string;
  readonly requesterComment?: string;
  /** Whether to read approval progress from MPA for the log. */
  readonly reportApprovalProgress: boolean;
  /** When the change started and when its wait for approvers ends, epoch milliseconds. */
  readonly startedAt: number;
  readonly deadline: number;
  readonly approvalTimeoutMs: number;
}

export function sameResource(a: ResourceIdentity, b: ResourceIdentity): boolean {
  return a.stackId === b.stackId && a.logicalId === b.logicalId;
}

/** `payments-keys/RootCaApproval` for log lines and reasons. */
export function describeResource(resource: ResourceIdentity): string {
  const stackName = /:stack\/([^/]+)\//.exec(resource.stackId)?.[1] ?? resource.stackId;
  return `${stackName}/${resource.logicalId}`;
}
