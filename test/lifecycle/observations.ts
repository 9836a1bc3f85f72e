import { associationLogicalId, paymentsTemplate, type PaymentsVersion } from '../fixtures/payments-stack';
import { approversWho } from '../harness/approvers';
import type { Simulation } from '../harness/simulation';
import { SimulatedStack, type OperationResult, type StackOptions } from '../harness/stack-simulator';
import type { StackTemplate } from '../harness/synthesized-stack';

/** A point in the fake's history. */
export interface HistoryMark {
  readonly requests: number;
  readonly sessions: number;
}

export function markHistory(sim: Simulation): HistoryMark {
  return { requests: sim.fake.requests.length, sessions: sim.fake.sessions.length };
}

/** The mutating calls (operation names) and the sessions opened since `mark`. */
export function historySince(sim: Simulation, mark: HistoryMark) {
  return {
    mutatingCalls: sim.fake.requests.slice(mark.requests)
      .filter(r => r.operation === 'AssociateMpaTeam' || r.operation === 'DisassociateMpaTeam')
      .map(r => `${r.operation}:${r.status}`),
    sessions: sim.fake.sessions.slice(mark.sessions),
  };
}

/** The first event of the association's custom resource with `status`, from an operation's events. */
export function associationEvent(result: OperationResult, template: StackTemplate, status: string) {
  const logicalId = associationLogicalId(template);
  return result.events.find(e => e.logicalId === logicalId && e.status === status);
}

/** The reason CloudFormation shows, without the framework's `Logs:` line and the request id. */
export function reasonOf(event: { reason?: string } | undefined): string {
  return (event?.reason ?? '').replace(/^Received response status \[FAILED\] from custom resource\. Message returned: /, '')
    .split('\n')[0];
}

/**
 * The `Payments` stack created with `version` (team A by default), approvers
 * approving whatever the creation asks, sent home afterwards.
 */
export async function createdPayments(sim: Simulation, version: PaymentsVersion = {}, options: StackOptions = {}): Promise<SimulatedStack> {
  const dismiss = approversWho(sim, 'approve');
  const stack = new SimulatedStack(sim, 'Payments', options);
  const created = await stack.create(paymentsTemplate(version));
  dismiss();
  if (created.status !== 'CREATE_COMPLETE') {
    // Say why: a creation that fails here fails the test before its own assertions.
    throw new Error(`Payments was not created: ${created.status} (${created.events.filter(e => e.reason).map(e => reasonOf(e)).join(' | ')})`);
  }
  return stack;
}
