import type { Simulation } from './simulation';

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
