import { currentScope, type ActivityScope } from './activity';
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

function insideInvocation(scope: ActivityScope | undefined): boolean {
  for (let s = scope; s; s = s.parent) {
    if (s.kind === 'invocation') return true;
  }
  return false;
}

/**
 * `setTimeout` and `clearTimeout` that run on the virtual clock for code
 * running inside an invocation (the AWS SDK's backoff between attempts, its
 * request and connection timeouts, the handler's own guards), and on real
 * time everywhere else. Such a timer is a sleep of its invocation: when the
 * invocation waits only on it, simulated time moves to it.
 */
export function virtualTimers(clock: VirtualClock, real: TimerFunctions): TimerFunctions {
  const set = (callback: TimerCallback, ms?: number, ...args: unknown[]) => {
    if (!insideInvocation(currentScope())) return real.setTimeout(callback, ms, ...args);
    const timer = clock.sleepUntil(clock.now() + Math.max(0, Number(ms) || 0));
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
