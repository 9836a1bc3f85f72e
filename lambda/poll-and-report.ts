import { describeProgress, readApprovalProgress, type ApprovalProgress } from './approval-progress';
import { AssociationControlPlane, paymentCryptographyClient } from './association-control-plane';
import { clockOf } from './clock';
import { log } from './log';
import type { InvocationContext } from './provider-events';
import { pollOnce, type PollResult } from './reconcile';
import type { AssociationSettings } from './resource-properties';
import type { WaitPlan } from './wait-plan';

/** Time kept back from the invocation's budget so the handler always answers before Lambda stops it. */
const INVOCATION_SAFETY_MARGIN_MS = 15_000;
/** Longest one poll keeps retrying transient errors before leaving it to the next poll. */
const MAX_POLL_RETRY_MS = 30_000;

export interface ReportedPoll extends PollResult {
  readonly progress?: ApprovalProgress;
}

/**
 * One poll, then one structured log line that says where the association
 * stands: state, session, elapsed time, approvals so far and the next poll.
 */
export async function pollAndReport(
  phase: 'onEvent' | 'isComplete',
  requestType: string,
  plan: WaitPlan,
  settings: AssociationSettings,
  context: InvocationContext | undefined,
): Promise<ReportedPoll> {
  const target = {
    plan,
    action: settings.action,
    mpaTeamArn: settings.mpaTeamArn,
    requesterComment: settings.requesterComment,
    // onEvent polls before the request has made any call of its own.
    beforeFirstCall: phase === 'onEvent',
  };
  const clock = clockOf(context);
  const now = clock.now();
  const remaining = context?.getRemainingTimeInMillis() ?? 60_000;
  const retryUntil = now + Math.max(0, Math.min(MAX_POLL_RETRY_MS, remaining - INVOCATION_SAFETY_MARGIN_MS));
  const client = paymentCryptographyClient();
  const result = await pollOnce(target, new AssociationControlPlane(client, retryUntil, clock));

  const status = result.association?.MpaStatus;
  const progress = !result.complete && settings.reportApprovalProgress && status?.Status === 'PENDING'
    ? await readApprovalProgress(client, status.MpaSessionArn)
    : undefined;

  const after = clock.now();
  log({
    event: 'poll',
    phase,
    requestType,
    action: target.action,
    goal: plan.goal,
    complete: result.complete,
    state: result.association?.AssociationState ?? 'NONE',
    team: result.association?.MpaTeamArn,
    session: status?.MpaSessionArn,
    sessionStatus: status?.Status,
    called: result.called,
    waitingFor: result.waitingFor,
    transientError: result.transientError,
    progress: progress ? describeProgress(progress) : undefined,
    elapsedSeconds: round((after - plan.startedAt) / 1000),
    remainingSeconds: round(Math.max(0, plan.deadline - after) / 1000),
    nextPollInSeconds: result.complete ? undefined : settings.pollIntervalMs / 1000,
  });
  return { ...result, progress };
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
