import { moduleCode, type LambdaContext } from './function-code';
import { useSimulation } from './stack-test-environment';

const env = useSimulation();

let functions = 0;
function deploy(handler: (event: unknown, context: LambdaContext) => unknown, timeoutSeconds = 60): string {
  const functionName = `timers-${++functions}`;
  env.sim.lambda.createFunction({ functionName, code: moduleCode(handler, 'timers'), timeoutSeconds });
  return functionName;
}

describe('setTimeout inside an invocation (the AWS SDK\'s backoff and timeouts)', () => {
  test('runs on the simulation clock: a 20 s backoff takes 20 simulated seconds and no real time', async () => {
    const name = deploy(async () => {
      await new Promise(resolve => setTimeout(resolve, 20_000));
    });
    const start = env.sim.clock.now();
    const realStart = Date.now();
    await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    expect(env.sim.lambda.invocations.find(i => i.functionName === name)!.durationMs).toBe(20_000);
    expect(env.sim.clock.now() - start).toBe(20_000);
    expect(Date.now() - realStart).toBeLessThan(2_000);
  });

  test('a cleared timer never fires', async () => {
    const name = deploy(async () => {
      let fired = false;
      const guard = setTimeout(() => { fired = true; }, 1_000);
      clearTimeout(guard);
      await new Promise(resolve => setTimeout(resolve, 5_000));
      return fired;
    });
    const result = await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    expect(JSON.parse(Buffer.from(result.Payload!).toString())).toBe(false);
  });

  test('a timer of an invocation Lambda stopped never fires', async () => {
    let fired = false;
    const name = deploy(async () => {
      setTimeout(() => { fired = true; }, 10_000);
      await new Promise(resolve => setTimeout(resolve, 10_000));
    }, 3);
    await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    await env.sim.clock.advanceBy(60_000);
    expect(fired).toBe(false);
  });

  test('outside any invocation, setTimeout is real time', async () => {
    const start = env.sim.clock.now();
    const realStart = Date.now();
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(env.sim.clock.now()).toBe(start);
    expect(Date.now() - realStart).toBeGreaterThanOrEqual(25);
  });
});
