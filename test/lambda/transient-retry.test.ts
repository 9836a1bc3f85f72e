import { retryTransient } from '../../lambda/transient-retry';

class Transient extends Error {}

describe('retryTransient', () => {
  const isTransient = (e: unknown) => e instanceof Transient;

  test('retries transient errors with growing, jittered delays until the call succeeds', async () => {
    let clock = 0;
    const delays: number[] = [];
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 4) throw new Transient('busy');
      return 'ok';
    }, isTransient, {
      giveUpAt: 60_000,
      now: () => clock,
      random: () => 0.5,
      sleep: async (ms) => { delays.push(ms); clock += ms; },
    });
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  test('caps the backoff', async () => {
    let clock = 0;
    const delays: number[] = [];
    let calls = 0;
    await retryTransient(async () => {
      if (++calls < 10) throw new Transient('busy');
      return calls;
    }, isTransient, {
      giveUpAt: 1e9, maxDelayMs: 1000, now: () => clock, random: () => 0.999, sleep: async (ms) => { delays.push(ms); clock += ms; },
    });
    expect(Math.max(...delays)).toBe(999);
  });

  test('rethrows a permanent error at once', async () => {
    let calls = 0;
    await expect(retryTransient(async () => { calls++; throw new Error('AccessDenied'); }, isTransient, { giveUpAt: 1e9 }))
      .rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });

  test('gives up with the last transient error once the budget is spent', async () => {
    let clock = 0;
    await expect(retryTransient(async () => { throw new Transient('still busy'); }, isTransient, {
      giveUpAt: 1000, now: () => clock, random: () => 1, sleep: async (ms) => { clock += ms; },
    })).rejects.toThrow('still busy');
    expect(clock).toBeLessThan(1000);
  });
});
