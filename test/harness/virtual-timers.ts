import { currentScope, type ActivityScope } from './activity';
import { FAKE_SLEEPER } from './fake-adapter';
import type { VirtualClock } from './virtual-clock';

type TimerCallback = (...args: unknown[]) => void;

/** What a timer set inside an invocation returns: enough of Node's Timeout for the code that holds one. */
class VirtualTimeout {
  cleared = false;
  constructor(private readonly cancel: () => void) {}
  clear(): void {
    this.cleared = true;
    this.cancel();
  }
  ref(): this { return this; }
  unref(): this { return this; }
  hasRef(): boolean { return true; }
  refresh(): this { return this; }
  close(): this {
    this.clear();
    return this;
  }
}

export interface TimerFunctions {
  readonly setTimeout: typeof setTimeout;
  readonly clearTimeout: typeof clearTimeout;
}

/** Whose timer it is: an invocation's (its own sleep), the fake's (it holds an answer back), or nobody's (real time). */
function sleeperOf(scope: ActivityScope | undefined): 'invocation' | 'fake' | undefined {
  for (let s = scope; s; s = s.parent) {
    if (s.kind === 'invocation' || s.kind === 'fake') return s.kind;
  }
  return undefined;
}

/**
 * `setTimeout` and `clearTimeout` that run on the virtual clock for code
 * running inside an invocation (the AWS SDK's backoff between attempts, its
 * request and connection timeouts, the handler's own guards) and for the fake
 * while it serves a request (its `slow` answers: a fake without a time source
 * delays with setTimeout), and on real time everywhere else. Such a timer is a
 * sleep of its invocation, or of the fake: when they wait only on timers,
 * simulated time moves to the earliest.
 */
export function virtualTimers(clock: VirtualClock, real: TimerFunctions): TimerFunctions {
  const set = (callback: TimerCallback, ms?: number, ...args: unknown[]) => {
    const sleeper = sleeperOf(currentScope());
    if (!sleeper) return real.setTimeout(callback, ms, ...args);
    const at = clock.now() + Math.max(0, Number(ms) || 0);
    const timer = sleeper === 'fake' ? clock.sleepUntilOwnedBy(FAKE_SLEEPER, at) : clock.sleepUntil(at);
    const handle = new VirtualTimeout(() => timer.cancel());
    void timer.promise.then(() => {
      if (!handle.cleared) callback(...args);
    });
    return handle;
  };
  const clear = (handle: unknown) => {
    if (handle instanceof VirtualTimeout) handle.clear();
    else real.clearTimeout(handle as NodeJS.Timeout);
  };
  return { setTimeout: set as unknown as typeof setTimeout, clearTimeout: clear as typeof clearTimeout };
}

/** Installs virtual timers on a global object (jest's, for the handler sources); returns the function that restores it. */
export function installVirtualTimers(target: typeof globalThis, clock: VirtualClock): () => void {
  const real = { setTimeout: target.setTimeout, clearTimeout: target.clearTimeout };
  const timers = virtualTimers(clock, real);
  target.setTimeout = timers.setTimeout;
  target.clearTimeout = timers.clearTimeout;
  return () => {
    target.setTimeout = real.setTimeout;
    target.clearTimeout = real.clearTimeout;
  };
}
