/**
 * What onEvent decided and isComplete acts on. onEvent returns it beside the
 * PhysicalResourceId; the Provider framework hands it unchanged to every
 * isComplete call of the same request, so it is the only state that survives
 * between polls (the association itself is read afresh each time).
 */
export interface WaitPlan {
  /** `associate`: end with the desired team ACTIVE; `disassociate`: end with this resource's team gone; `none`: nothing to do. */
  readonly goal: 'associate' | 'disassociate' | 'none';
  /** Team this resource held before the request, and so may remove (Update: the old team; Delete: its team). */
  readonly ownedTeamArn?: string;
  /** When onEvent started, epoch milliseconds: sessions that ended before it are not this request's. */
  readonly startedAt: number;
  /** When the wait for approvers gives up, epoch milliseconds. */
  readonly deadline: number;
  /** Session of an association that onEvent requested and that was still pending. */
  readonly pendingAssociationSessionArn?: string;
}

/** The field of the onEvent response that carries the plan. */
export const WAIT_PLAN_FIELD = 'MpaWaitPlan';

const PHYSICAL_ID_PREFIX = 'mpa-team-association';
const PROVISIONAL_SUFFIX = ':create-in-progress';

/**
 * The physical id names the action only: it never changes on update (a change
 * would make CloudFormation replace the resource and then delete the fresh
 * association) and never carries the team ARN.
 */
export function physicalResourceId(action: string): string {
  return `${PHYSICAL_ID_PREFIX}:${action}`;
}

/**
 * A Create answers with this id until isComplete succeeds and returns the real
 * one. If the Create fails while waiting, CloudFormation's rollback Delete
 * arrives with this id, and the handler knows the failed Create owns nothing.
 */
export function provisionalPhysicalResourceId(action: string): string {
  return `${physicalResourceId(action)}${PROVISIONAL_SUFFIX}`;
}

export function isProvisionalPhysicalResourceId(id: string | undefined): boolean {
  return id?.startsWith(`${PHYSICAL_ID_PREFIX}:`) === true && id.endsWith(PROVISIONAL_SUFFIX);
}
