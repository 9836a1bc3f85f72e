/**
 * A seeded pseudo-random generator, so that a fault storm replays exactly from its seed.
 *
 * Park–Miller "minimal standard" (multiplier 48271, modulus 2^31 - 1): every step is
 * exact in a double, and it needs no bitwise operators (the project lints them out),
 * unlike mulberry32. Statistical quality is ample for picking faults.
 */
const MODULUS = 2_147_483_647;
const MULTIPLIER = 48_271;
/** Small seeds give tiny first outputs; a few warm-up steps mix them. */
const WARM_UP_STEPS = 3;

export type RandomSource = () => number;

/** Returns a function yielding numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): RandomSource {
  let state = Math.abs(Math.trunc(seed)) % MODULUS;
  if (state === 0) state = MODULUS - 1;
  const step = (): number => {
    state = (state * MULTIPLIER) % MODULUS;
    return (state - 1) / (MODULUS - 1);
  };
  for (let i = 0; i < WARM_UP_STEPS; i++) step();
  return step;
}
