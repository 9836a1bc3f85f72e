import { Simulation, type SimulationOptions } from './simulation';

/**
 * One simulation per test file for stack-level tests: started before the
 * first case, reset before each (records, fake, permission sources), every
 * started waiter run to its end after each, stopped after the last.
 */
export function useSimulation(options: SimulationOptions = {}): { readonly sim: Simulation } {
  let sim: Simulation | undefined;
  beforeAll(async () => { sim = await Simulation.start(options); });
  beforeEach(() => sim!.reset());
  afterEach(async () => { await sim!.settle(); });
  afterAll(async () => { await sim?.stop(); });
  return { get sim() { return sim!; } };
}
