/**
 * One deadline per invocation bounds every call: CallBudget on the simulation's
 * VirtualClock, with services played by attempts that answer, fail or hang on
 * that clock. Nothing here waits in real time.
 */
import { BudgetExhaustedError, CallBudget } from '../../../lambda/aws/call-budget';
import { isTransient } from '../../../lambda/aws/service-errors';
import { VirtualClock } from '../../harness/virtual-clock';

const START = Date.UTC(2030, 0, 1);
const SECOND = 1_000;

/** An error as the SDK throws a service's answer. */
function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode } });
}

/** What one attempt saw: when it started, and when (if ever) its signal aborted. */
interface Attempt {
  readonly startedAt: number;
  abortedAt?: number;
}

/**
 * A service on the clock: each attempt answers after `answerAfterMs` (or
 * never, with Infinity) unless its signal aborts first, and records itself.
 */
function service(clock: VirtualClock, answer: (attempt: number) => { afterMs: number; error?: Error; value?: string }) {
  const attempts: Attempt[] = [];
  const call = (signal: AbortSignal): Promise<string> => {
    const attempt: Attempt = { startedAt: clock.now() };
    attempts.push(attempt);
    const { afterMs, error, value } = answer(attempts.length);
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      signal.addEventListener('abort', () => {
        if (settled) return;
        settled = true;
        attempt.abortedAt = clock.now();
        reject(signal.reason);
      }, { once: true });
      if (Number.isFinite(afterMs)) {
        void clock.sleep(afterMs).then(() => {
          if (settled) return;
          settled = true;
          if (error) reject(error); else resolve(value ?? 'answered');
        });
      } else {
        // A connection that never answers: only the signal ends it. Time passes meanwhile.
        void clock.sleep(24 * 3_600 * SECOND);
      }
    });
  };
  return { attempts, call };
}

async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

let clock: VirtualClock;
/** The lines CallBudget logs (one JSON object each), kept here instead of printed among jest's results. */
let logged: string[];
beforeEach(() => {
  clock = new VirtualClock({ startAt: START });
  logged = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logged.push(line); });
});
afterEach(() => {
  clock.dispose();
  jest.restoreAllMocks();
});

describe('each attempt gets a signal at the earlier of the deadline and its own timeout', () => {
  test('far from the deadline, a hung attempt is aborted after the attempt timeout (10 s by default)', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { random: () => 0.5 });
    const hung = service(clock, attempt => ({ afterMs: attempt === 1 ? Infinity : 100 }));
    await expect(budget.run('GetParameter', hung.call)).resolves.toBe('answered');
    expect(hung.attempts[0]).toEqual({ startedAt: START, abortedAt: START + 10 * SECOND });
  });

  test('close to the deadline, the attempt is aborted at the deadline, and the run gives up there with BudgetExhaustedError', async () => {
    const budget = new CallBudget(clock, START + 3 * SECOND);
    const hung = service(clock, () => ({ afterMs: Infinity }));
    const error = await rejectionOf(budget.run('GetSession', hung.call));
    expect(error).toBeInstanceOf(BudgetExhaustedError);
    expect(error.message).toBe('GetSession could not complete before the invocation\'s deadline (last error: TimeoutError)');
    expect(hung.attempts).toEqual([{ startedAt: START, abortedAt: START + 3 * SECOND }]);
    expect(clock.now()).toBe(START + 3 * SECOND);
  });

  test('the attempt timeout is an option', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { attemptTimeoutMs: 2 * SECOND });
    const signal = budget.attemptSignal();
    await clock.sleep(2 * SECOND - 1);
    expect(signal.aborted).toBe(false);
    await clock.sleep(1);
    expect(signal.aborted).toBe(true);
  });

  test('a budget whose deadline has passed calls nothing and says so', async () => {
    const budget = new CallBudget(clock, START);
    const never = service(clock, () => ({ afterMs: 0 }));
    await expect(budget.run('GetMpaTeamAssociation', never.call)).rejects.toThrow(BudgetExhaustedError);
    expect(never.attempts).toEqual([]);
    expect(budget.remainingMs).toBe(0);
  });

  test('a share of the budget ends at the earlier of its own length and the budget\'s deadline', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { random: () => 0.5 });
    const hung = service(clock, () => ({ afterMs: Infinity }));
    await expect(budget.limitedTo(15 * SECOND).run('GetApprovalTeam', hung.call)).rejects.toThrow(BudgetExhaustedError);
    expect(clock.now()).toBe(START + 15 * SECOND);
    expect(budget.remainingMs).toBe(45 * SECOND);
    expect(budget.limitedTo(60 * SECOND).deadline).toBe(START + 60 * SECOND);
  });

  test('running out of time is transient: the change waits for the next poll rather than failing', () => {
    expect(isTransient(new BudgetExhaustedError('GetParameter'))).toBe(true);
  });
});

describe('transient errors are retried with capped exponential backoff and full jitter', () => {
  test('the waits before each retry are random up to 200 ms, 400 ms, 800 ms, ... capped at 5 s', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { random: () => 0.999 });
    const throttled = service(clock, attempt => (attempt <= 8 ? { afterMs: 0, error: serviceError('ThrottlingException', 429) } : { afterMs: 0 }));
    await expect(budget.run('GetMpaTeamAssociation', throttled.call)).resolves.toBe('answered');
    const waits = throttled.attempts.slice(1).map((a, i) => a.startedAt - throttled.attempts[i].startedAt);
    expect(waits).toEqual([199, 399, 799, 1598, 3196, 4995, 4995, 4995]);
  });

  test('each retry is logged with the operation, the attempt, the wait and the error\'s name', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { random: () => 1, baseDelayMs: 100, maxDelayMs: 300 });
    const failing = service(clock, attempt => (attempt <= 2 ? { afterMs: 0, error: serviceError('InternalServerException', 500) } : { afterMs: 0 }));
    await budget.run('GetSession', failing.call);
    expect(logged.map(line => JSON.parse(line))).toEqual([1, 2].map(attempt => ({
      level: 'info', event: 'retry', operation: 'GetSession', attempt, delayMs: 100 * attempt, error: 'InternalServerException',
    })));
  });

  test('with no jitter drawn, the ceilings are the options\' base and cap', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { random: () => 1, baseDelayMs: 100, maxDelayMs: 300 });
    const failing = service(clock, attempt => (attempt <= 4 ? { afterMs: 0, error: serviceError('InternalServerException', 500) } : { afterMs: 0 }));
    await budget.run('GetSession', failing.call);
    const waits = failing.attempts.slice(1).map((a, i) => a.startedAt - failing.attempts[i].startedAt);
    expect(waits).toEqual([100, 200, 300, 300]);
  });

  test.each([
    ['ThrottlingException', 429], ['InternalServerException', 500], ['ServiceUnavailableException', 503], ['InternalServerError', 500],
  ])('%s is retried', async (name, status) => {
    const budget = new CallBudget(clock, START + 60 * SECOND, { random: () => 0.5 });
    const once = service(clock, attempt => (attempt === 1 ? { afterMs: 0, error: serviceError(name, status) } : { afterMs: 0 }));
    await expect(budget.run('GetParameter', once.call)).resolves.toBe('answered');
    expect(once.attempts).toHaveLength(2);
  });

  test('a throttling storm ends before the deadline with the service\'s last error, never sleeping past it', async () => {
    const deadline = START + 20 * SECOND;
    const budget = new CallBudget(clock, deadline, { random: () => 0.999 });
    const storm = service(clock, () => ({ afterMs: 50, error: serviceError('ThrottlingException', 429) }));
    const error = await rejectionOf(budget.run('PutParameter', storm.call));
    expect(error.name).toBe('ThrottlingException');
    expect(clock.now()).toBeLessThan(deadline);
    expect(storm.attempts.every(a => a.startedAt < deadline)).toBe(true);
    // 50 ms answers and waits of 199, 399, 799, 1598, 3196, 4995, 4995 ms; the next wait would end after the deadline.
    expect(storm.attempts).toHaveLength(8);
    expect(storm.attempts.every(a => a.abortedAt === undefined)).toBe(true);
  });

  test('a slow service (answers in 15 s) is cut at each attempt\'s 10 s and retried until the deadline', async () => {
    const deadline = START + 25 * SECOND;
    const budget = new CallBudget(clock, deadline, { random: () => 0.5 });
    const slow = service(clock, () => ({ afterMs: 15 * SECOND }));
    await expect(budget.run('GetApprovalTeam', slow.call)).rejects.toThrow(BudgetExhaustedError);
    expect(slow.attempts.map(a => (a.abortedAt ?? 0) - a.startedAt)).toEqual([10 * SECOND, 10 * SECOND, deadline - slow.attempts[2].startedAt]);
    expect(clock.now()).toBe(deadline);
  });
});

describe('errors that waiting cannot fix end the run at once', () => {
  test.each([
    ['AccessDeniedException', 403], ['ValidationException', 400], ['ResourceNotFoundException', 404], ['ConflictException', 409],
    ['ServiceQuotaExceededException', 402], ['ParameterNotFound', 400],
  ])('%s: one attempt, no time spent', async (name, status) => {
    const budget = new CallBudget(clock, START + 60 * SECOND);
    const denied = service(clock, () => ({ afterMs: 0, error: serviceError(name, status) }));
    const error = await rejectionOf(budget.run('GetMpaTeamAssociation', denied.call));
    expect(error.name).toBe(name);
    expect(denied.attempts).toHaveLength(1);
    expect(clock.now()).toBe(START);
  });

  test('an error the handler itself throws (a bug) is not retried either', async () => {
    const budget = new CallBudget(clock, START + 60 * SECOND);
    let attempts = 0;
    await expect(budget.run('GetSession', async () => { attempts++; throw new TypeError('x is undefined'); })).rejects.toThrow(TypeError);
    expect(attempts).toBe(1);
  });
});
