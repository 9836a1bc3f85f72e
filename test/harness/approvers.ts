import type { Simulation } from './simulation';
import type { SessionRecord } from '../fake/fake-control-plane';

/**
 * Approvers who answer every pending approval session of `action` between two
 * polls of any waiter, with `answer`. Returns the function that sends them home.
 */
export function approversWho(sim: Simulation, answer: 'approve' | 'deny', action = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'): () => void {
  return sim.stepFunctions.onRetry(() => {
    if (sim.fake.association(action)?.MpaStatus?.Status !== 'PENDING') return;
    if (answer === 'approve') sim.fake.approve(action);
    else sim.fake.deny(action);
  });
}

/**
 * Approvers who look at each pending session of `action` between two polls and
 * answer as `decide` says ('wait' leaves it pending). Returns the function that
 * sends them home.
 */
export function approversDeciding(
  sim: Simulation,
  decide: (session: SessionRecord) => 'approve' | 'deny' | 'wait',
  action = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
): () => void {
  return sim.stepFunctions.onRetry(() => {
    const session = sim.fake.sessions.find(s => s.action === action && s.outcome === undefined);
    if (!session) return;
    const answer = decide(session);
    if (answer === 'approve') sim.fake.approve(action);
    if (answer === 'deny') sim.fake.deny(action);
  });
}
