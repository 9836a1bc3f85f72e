import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { sharedActivity } from './activity';
import { timeoutReason, type Cancellable, type SimulationClock } from './simulation-clock';

interface Timer {
  readonly at: number;
  readonly seq: number;
  /** An active timer asks for time to pass (a sleep); a passive one only notices it (a deadline). */
  readonly active: boolean;
  /** Who sleeps: an invocation, the fake, or nobody in particular. */
  readonly owner: object | undefined;
  readonly fire: () => void;
}

export interface VirtualClockOptions {
  /** Epoch milliseconds at the start. @default the real time, to the second */
  readonly startAt?: number;
  /** Who is asking to sleep right now (the current invocation); a frozen owner's timers never fire. */
  readonly ownerOf?: () => object | undefined;
}

/**
 * Simulated time in epoch milliseconds. Time moves only by sleeping: when
 * every actor of the simulation waits on the clock (the busy probe says
 * nobody is doing real work: running handler code, waiting for an HTTP
 * answer the fake is not holding back on this clock), the clock jumps to the
 * earliest timer and fires it, then the next, in order. Deadlines and timeouts
 * (`when`, `abortAt`) fire as time passes them but never make it pass, so a
 * stale deadline cannot move time by itself. Nothing here waits in real time.
 */
export class VirtualClock implements SimulationClock {
  readonly virtual = true;
  private current: number;
  private readonly timers: Timer[] = [];
  private readonly frozen = new WeakSet<object>();
  private readonly ownerOf: () => object | undefined;
  private seq = 0;
  private driving = false;
  private disposed = false;

  constructor(options: VirtualClockOptions = {}) {
    this.current = options.startAt ?? Math.floor(Date.now() / 1000) * 1000;
    this.ownerOf = options.ownerOf ?? (() => undefined);
  }

  /** Whether some actor does real work right now (set with setBusyProbe). */
  private busy: () => boolean = () => false;

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return this.sleepUntil(this.current + Math.max(0, ms)).promise;
  }

  sleepUntil(at: number): Cancellable {
    return this.schedule(at, true, this.ownerOf());
  }

  /** A sleep on behalf of `owner` (the fake's delays), whatever the current invocation. */
  sleepOwnedBy(owner: object, ms: number): Promise<void> {
    return this.sleepUntilOwnedBy(owner, this.current + Math.max(0, ms)).promise;
  }

  sleepUntilOwnedBy(owner: object, at: number): Cancellable {
    return this.schedule(at, true, owner);
  }

  when(at: number): Cancellable {
    return this.schedule(at, false, undefined);
  }

  abortAt(at: number): AbortSignal {
    const controller = new AbortController();
    if (at <= this.current) {
      controller.abort(timeoutReason());
    } else {
      void this.schedule(at, false, undefined).promise.then(() => controller.abort(timeoutReason()));
    }
    return controller.signal;
  }

  advanceTo(at: number): Promise<void> {
    return this.schedule(at, true, undefined).promise;
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + Math.max(0, ms));
  }

  /** Who says whether some actor is doing real work (then time stands still). */
  setBusyProbe(probe: () => boolean): void {
    this.busy = probe;
  }

  /** Whether `owner` waits in a sleep right now. */
  isSleeping(owner: object): boolean {
    return this.timers.some(t => t.active && t.owner === owner);
  }

  /** How many sleeps of `owner` are pending. */
  sleepsOf(owner: object): number {
    return this.timers.filter(t => t.active && t.owner === owner).length;
  }

  /** `owner` stopped (a Lambda sandbox that timed out): its sleeps never end and no longer make time pass. */
  freeze(owner: object): void {
    this.frozen.add(owner);
    this.remove(t => t.owner === owner);
  }

  /** Sleeps still pending: something still wants time to pass. */
  get pendingSleeps(): number {
    return this.timers.filter(t => t.active).length;
  }

  /** Drops every timer and stops moving time; pending promises never resolve. */
  dispose(): void {
    this.disposed = true;
    this.timers.length = 0;
  }

  private schedule(at: number, active: boolean, owner: object | undefined): Cancellable {
    let fire!: () => void;
    const promise = new Promise<void>(resolve => { fire = resolve; });
    if (owner && this.frozen.has(owner)) {
      return { promise, cancel: () => undefined };
    }
    if (at <= this.current && !active) {
      fire();
      return { promise, cancel: () => undefined };
    }
    const timer: Timer = { at: Math.max(at, this.current), seq: this.seq++, active, owner, fire };
    this.insert(timer);
    // The loop belongs to no invocation (and so uses real timers, whatever an invocation's are).
    if (active) sharedActivity().storage.exit(() => void this.drive());
    return { promise, cancel: () => this.remove(t => t === timer) };
  }

  private insert(timer: Timer): void {
    let index = this.timers.length;
    while (index > 0 && (this.timers[index - 1].at > timer.at
      || (this.timers[index - 1].at === timer.at && this.timers[index - 1].seq > timer.seq))) {
      index--;
    }
    this.timers.splice(index, 0, timer);
  }

  private remove(predicate: (timer: Timer) => boolean): void {
    for (let i = this.timers.length - 1; i >= 0; i--) {
      if (predicate(this.timers[i])) this.timers.splice(i, 1);
    }
  }

  /**
   * One loop per clock: while some sleep is pending, wait until the actors are
   * quiet for two turns of the event loop in a row, then fire the earliest
   * timer (with every timer due at the same instant).
   */
  private async drive(): Promise<void> {
    if (this.driving) return;
    this.driving = true;
    try {
      let quietTurns = 0;
      let busyTurns = 0;
      while (!this.disposed && this.timers.some(t => t.active)) {
        await nextTurn(busyTurns);
        if (this.busy()) {
          busyTurns++;
          quietTurns = 0;
          continue;
        }
        busyTurns = 0;
        if (++quietTurns < 2) continue;
        quietTurns = 0;
        this.fireEarliest();
      }
    } finally {
      this.driving = false;
    }
  }

  private fireEarliest(): void {
    const first = this.timers[0];
    if (!first) return;
    this.current = Math.max(this.current, first.at);
    while (this.timers.length > 0 && this.timers[0].at <= this.current) {
      this.timers.shift()!.fire();
    }
  }
}

/** A turn of the event loop; while actors do real work (an HTTP call), back off to 1 ms so they get the CPU. Node's own timers, never virtual ones. */
function nextTurn(busyTurns: number): Promise<void> {
  return busyTurns > 20
    ? new Promise(resolve => realSetTimeout(resolve, 1))
    : new Promise(resolve => realSetImmediate(resolve));
}
