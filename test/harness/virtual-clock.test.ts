import { VirtualClock } from './virtual-clock';

const START = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

/** A few turns of the event loop: enough for the clock to move if anything asked it to. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise(resolve => setImmediate(resolve));
}

describe('VirtualClock', () => {
  test('starts where it is told and reads epoch milliseconds', () => {
    expect(new VirtualClock({ startAt: START }).now()).toBe(START);
  });

  test('a sleep of an hour moves time an hour forward without waiting in real time', async () => {
    const clock = new VirtualClock({ startAt: START });
    const realStart = Date.now();
    await clock.sleep(HOUR);
    expect(clock.now()).toBe(START + HOUR);
    expect(Date.now() - realStart).toBeLessThan(1_000);
  });

  test('concurrent sleeps end in the order of their times, each at its own time', async () => {
    const clock = new VirtualClock({ startAt: START });
    const ended: Array<[string, number]> = [];
    await Promise.all([
      clock.sleep(3_000).then(() => ended.push(['3 s', clock.now() - START])),
      clock.sleep(1_000).then(() => ended.push(['1 s', clock.now() - START])),
      clock.sleep(2_000).then(() => ended.push(['2 s', clock.now() - START])),
    ]);
    expect(ended).toEqual([['1 s', 1_000], ['2 s', 2_000], ['3 s', 3_000]]);
  });

  test('a deadline fires as a sleep passes it, but never moves time by itself', async () => {
    const clock = new VirtualClock({ startAt: START });
    const signal = clock.abortAt(START + 5_000);
    let deadlinePassed = false;
    void clock.when(START + 5_000).promise.then(() => { deadlinePassed = true; });
    await turns();
    expect(clock.now()).toBe(START);
    expect(signal.aborted).toBe(false);
    expect(deadlinePassed).toBe(false);

    await clock.sleep(10_000);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    expect(deadlinePassed).toBe(true);
  });

  test('an abort signal for a time already past is aborted at once', () => {
    const clock = new VirtualClock({ startAt: START });
    expect(clock.abortAt(START).aborted).toBe(true);
  });

  test('advanceTo and advanceBy let time pass, firing what falls due on the way in order', async () => {
    const clock = new VirtualClock({ startAt: START });
    const fired: number[] = [];
    void clock.when(START + 2_000).promise.then(() => fired.push(clock.now() - START));
    void clock.when(START + 1_000).promise.then(() => fired.push(clock.now() - START));
    await clock.advanceTo(START + 1_500);
    expect(fired).toEqual([1_000]);
    await clock.advanceBy(1_000);
    expect(fired).toEqual([1_000, 2_000]);
    expect(clock.now()).toBe(START + 2_500);
  });

  test('a cancelled sleep neither ends nor moves time', async () => {
    const clock = new VirtualClock({ startAt: START });
    let ended = false;
    const sleep = clock.sleepUntil(START + HOUR);
    void sleep.promise.then(() => { ended = true; });
    sleep.cancel();
    await turns();
    expect(ended).toBe(false);
    expect(clock.now()).toBe(START);
  });

  test('while the busy probe says an actor does real work, time stands still', async () => {
    const clock = new VirtualClock({ startAt: START });
    let busy = true;
    clock.setBusyProbe(() => busy);
    let ended = false;
    const sleeping = clock.sleep(1_000).then(() => { ended = true; });
    await turns(50);
    expect(ended).toBe(false);
    expect(clock.now()).toBe(START);
    busy = false;
    await sleeping;
    expect(clock.now()).toBe(START + 1_000);
  });

  test('a frozen sleeper (a stopped sandbox) never wakes and no longer makes time pass', async () => {
    const sleeper = {};
    let owner: object | undefined = sleeper;
    const clock = new VirtualClock({ startAt: START, ownerOf: () => owner });
    let woke = false;
    void clock.sleep(HOUR).then(() => { woke = true; });
    owner = undefined;
    clock.freeze(sleeper);
    expect(clock.isSleeping(sleeper)).toBe(false);
    await turns();
    expect(woke).toBe(false);
    expect(clock.now()).toBe(START);
    await clock.sleep(2 * HOUR);
    expect(woke).toBe(false);
  });

  test('knows who sleeps: sleeps on behalf of an owner are counted for it', () => {
    const clock = new VirtualClock({ startAt: START });
    const fake = {};
    void clock.sleepOwnedBy(fake, 1_000);
    void clock.sleepOwnedBy(fake, 2_000);
    expect(clock.sleepsOf(fake)).toBe(2);
    expect(clock.isSleeping(fake)).toBe(true);
    expect(clock.pendingSleeps).toBe(2);
    clock.dispose();
  });
});
