import { moduleCode, type LambdaHandler } from './function-code';
import { useSimulation } from './stack-test-environment';
import { retryDelayMs } from './step-functions-stand-in';

const env = useSimulation();

let names = 0;
function deploy(handler: LambdaHandler): string {
  const functionName = `sfn-task-${++names}`;
  env.sim.lambda.createFunction({ functionName, code: moduleCode(handler, 'task'), timeoutSeconds: 60 });
  return env.sim.lambda.arnOf(functionName);
}

function machine(definition: object): string {
  return env.sim.stepFunctions.putStateMachine(`machine-${++names}`, JSON.stringify(definition));
}

describe('an execution', () => {
  test('retries a failing Task as its Retry says (IntervalSeconds x BackoffRate^n), then hands the Catch state { Error, Cause }', async () => {
    const attempts: number[] = [];
    const failing = deploy(async () => {
      attempts.push(env.sim.clock.now());
      throw new Error(JSON.stringify({ RequestId: 'r-1', Note: 'not yet' }));
    });
    let caught: any;
    const timeout = deploy(async event => { caught = event; return 'timed out'; });
    const arn = machine({
      StartAt: 'work',
      States: {
        work: { Type: 'Task', Resource: failing, End: true, Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'timeout' }] },
        timeout: { Type: 'Task', Resource: timeout, End: true },
      },
    });
    await env.sim.stepFunctions.startExecution({ stateMachineArn: arn, input: '{}' });
    await env.sim.stepFunctions.idle();
    expect(attempts.map(at => at - attempts[0])).toEqual([0, 10_000, 30_000, 70_000]);
    expect(caught.Error).toBe('Error');
    // As the framework's onTimeout reads it: the Cause is the error payload, whose errorMessage is the isComplete request.
    expect(JSON.parse(JSON.parse(caught.Cause).errorMessage)).toEqual({ RequestId: 'r-1', Note: 'not yet' });
    const execution = env.sim.stepFunctions.executions.find(e => e.stateMachineArn === arn)!;
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: 'timed out' });
    expect(execution.attempts.map(a => a.state)).toEqual(['work', 'work', 'work', 'work', 'timeout']);
  });

  test('that no one waits for any more runs on to its end', async () => {
    let polls = 0;
    const slow = deploy(async () => {
      if (++polls < 5) throw new Error('not yet');
      return 'done';
    });
    const arn = machine({ StartAt: 'poll', States: { poll: { Type: 'Task', Resource: slow, End: true, Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 30, MaxAttempts: 10, BackoffRate: 1 }] } } });
    const started = await env.sim.stepFunctions.startExecution({ stateMachineArn: arn, input: '{}' });
    expect(started.executionArn).toMatch(/:execution:/);
    await env.sim.stepFunctions.idle();
    expect(polls).toBe(5);
    expect(env.sim.stepFunctions.executions.find(e => e.stateMachineArn === arn)!.status).toBe('SUCCEEDED');
  });

  test('fails when no Catch takes the last error', async () => {
    const failing = deploy(async () => { throw new TypeError('bad'); });
    const arn = machine({ StartAt: 'work', States: { work: { Type: 'Task', Resource: failing, End: true } } });
    await env.sim.stepFunctions.startExecution({ stateMachineArn: arn, input: '{}' });
    await env.sim.stepFunctions.idle();
    expect(env.sim.stepFunctions.executions.find(e => e.stateMachineArn === arn)!).toMatchObject({ status: 'FAILED', error: { Error: 'TypeError' } });
  });
});

describe('retry timing', () => {
  test('MaxDelaySeconds caps the backoff', () => {
    expect(retryDelayMs({ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, BackoffRate: 3, MaxDelaySeconds: 60 }, 3)).toBe(60_000);
    expect(retryDelayMs({ ErrorEquals: ['States.ALL'] }, 2)).toBe(4_000);
  });
});

test('a state machine with states the waiter never uses is refused, naming the state', () => {
  expect(() => machine({ StartAt: 'wait', States: { wait: { Type: 'Wait', Seconds: 1, End: true } } }))
    .toThrow(/State wait \(Wait\) is not supported/);
});
