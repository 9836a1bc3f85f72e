/**
 * Stack operations that run at the same time, as a pipeline deploys independent
 * stacks (the stacks of a CDK Pipelines stage, `cdk deploy --all --concurrency N`):
 * each starts at its own offset on the simulation's clock, their requests
 * interleave as the clock and the handlers' polls have them, and the invariants
 * are checked once, over all of them, when the last has ended.
 */
import { checkInvariants } from './invariants';
import type { Simulation } from './simulation';
import type { OperationResult } from './stack-simulator';

export interface ConcurrentOperation {
  /** How long after the first one this operation starts, in simulated milliseconds. @default 0 */
  readonly startsAfterMs?: number;
  readonly run: () => Promise<OperationResult>;
}

/** Runs `operations` together; resolves with their results in the order given. */
export async function concurrently(sim: Simulation, label: string, operations: readonly ConcurrentOperation[]): Promise<OperationResult[]> {
  const mark = sim.mark();
  const start = sim.clock.now();
  sim.concurrentOperations++;
  let results: OperationResult[];
  try {
    results = await Promise.all(operations.map(async operation => {
      if ((operation.startsAfterMs ?? 0) > 0) await sim.clock.sleepUntil(start + operation.startsAfterMs!).promise;
      return operation.run();
    }));
  } finally {
    sim.concurrentOperations--;
  }
  checkInvariants({ sim, operation: label, since: mark });
  return results;
}
