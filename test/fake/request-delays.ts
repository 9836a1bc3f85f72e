/**
 * The delays the fake imposes on an answer (`slow`, `hang`, a fault's `delayMs`), in real
 * time or through an injected time source. With a time source, a delay is waited out in
 * steps of at most one second of its time, looking after each step whether the client
 * has gone: a virtual clock's sleep moves simulated time and fires due timers (the
 * client's abort signal, say), so a hung connection ends in a test without real waiting.
 */
import type { Socket } from 'node:net';

/** A clock the fake reads and sleeps on, e.g. a simulator's virtual clock. */
export interface TimeSource {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves once `ms` of this source's time have passed. */
  sleep(ms: number): Promise<void>;
}

/** How a delay ended: it ran out, the client closed the connection, or the fake stopped. */
export type DelayEnd = 'elapsed' | 'client-gone' | 'stopped';

/** The longest step a delay takes on a time source before looking at the connection again. */
export const MAX_STEP_MS = 1000;

export class RequestDelays {
  private stopped = false;
  private readonly wakers = new Set<() => void>();
  private readonly stopSignal: Promise<void>;
  private readonly stopListeners: (() => void)[] = [];

  constructor(private readonly timeSource?: TimeSource) {
    this.stopSignal = new Promise(resolve => this.stopListeners.push(resolve));
  }

  /**
   * Waits `ms`, or less once stop() is called. On a time source it also ends as soon as the
   * client has gone; in real time only when `untilClientLeaves` (a `hang`): a real-time `slow`
   * waits its whole delay and looks at the connection afterwards, as the fake always did, so
   * that the order of recorded requests stays what existing tests expect.
   */
  wait(ms: number, socket: Socket, { untilClientLeaves }: { untilClientLeaves: boolean }): Promise<DelayEnd> {
    if (this.stopped) return Promise.resolve('stopped');
    if (this.timeSource) return this.waitOnTimeSource(this.timeSource, ms, socket);
    return this.waitInRealTime(ms, socket, untilClientLeaves);
  }

  /** Ends every delay at once (the server is stopping); later waits end at once too. */
  stop(): void {
    this.stopped = true;
    for (const listener of this.stopListeners) listener();
    for (const wake of [...this.wakers]) wake();
  }

  private waitInRealTime(ms: number, socket: Socket, untilClientLeaves: boolean): Promise<DelayEnd> {
    return new Promise(resolve => {
      const finish = (end: DelayEnd) => {
        clearTimeout(timer);
        socket.off('close', onClose);
        this.wakers.delete(onStop);
        resolve(end === 'elapsed' && socket.destroyed ? 'client-gone' : end);
      };
      const onClose = () => finish('client-gone');
      const onStop = () => finish('stopped');
      const timer = setTimeout(() => finish('elapsed'), ms);
      if (untilClientLeaves) {
        if (socket.destroyed) return finish('client-gone');
        socket.once('close', onClose);
      }
      this.wakers.add(onStop);
    });
  }

  private async waitOnTimeSource(timeSource: TimeSource, ms: number, socket: Socket): Promise<DelayEnd> {
    let remaining = ms;
    while (remaining > 0) {
      if (socket.destroyed) return 'client-gone';
      const step = Math.min(remaining, MAX_STEP_MS);
      const stopped = await Promise.race([timeSource.sleep(step).then(() => false), this.stopSignal.then(() => true)]);
      if (stopped || this.stopped) return 'stopped';
      remaining -= step;
      // A client that aborted during the step closes its socket asynchronously: let the
      // event loop deliver that close before concluding the client is still there.
      await nextTurn();
      await nextTurn();
    }
    return socket.destroyed ? 'client-gone' : 'elapsed';
  }
}

function nextTurn(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
