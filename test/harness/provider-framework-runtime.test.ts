import * as path from 'node:path';
import type { LambdaContext } from './function-code';
import { IsolatedModules } from './isolated-module';
import { CREATE_FAILED_MARKER, PROVIDER_FRAMEWORK_FILES, PROVIDER_FRAMEWORK_RUNTIME_DIR, runtimeFileHashes } from './provider-framework-runtime';
import { SimulatedProvider } from './simulated-provider';
import { useSimulation } from './stack-test-environment';

const env = useSimulation();

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Test/1';
let requests = 0;
function request(requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}) {
  return {
    RequestType: requestType,
    RequestId: `framework-test-${++requests}`,
    StackId: STACK_ID,
    LogicalResourceId: 'Resource',
    ResourceType: 'Custom::Test',
    ResponseURL: '...',
    ResourceProperties: { Marker: 'x' },
    ...extra,
  };
}

const completeAtOnce = { onEvent: async () => ({ PhysicalResourceId: 'physical-1' }), isComplete: async () => ({ IsComplete: true }) };

describe('the provider framework runs as aws-cdk-lib ships it', () => {
  test('the code each framework function runs is the runtime in node_modules, file for file', async () => {
    const provider = await SimulatedProvider.deploy(env.sim, { handlers: completeAtOnce });
    await provider.deliver(request('Create'));
    const onDisk = runtimeFileHashes();
    for (const name of [provider.names.frameworkOnEvent, provider.names.frameworkIsComplete]) {
      const loaded = env.sim.lambda.loadedFilesOf(name);
      expect(loaded.map(f => path.basename(f.filename)).sort()).toEqual([...PROVIDER_FRAMEWORK_FILES].sort());
      for (const file of loaded) {
        expect(path.dirname(file.filename)).toBe(PROVIDER_FRAMEWORK_RUNTIME_DIR);
        expect(file.sha256).toBe(onDisk[path.basename(file.filename)]);
      }
    }
    expect(PROVIDER_FRAMEWORK_RUNTIME_DIR).toMatch(/node_modules\/aws-cdk-lib\/custom-resources\/lib\/provider-framework\/runtime$/);
  });

  test('the CREATE_FAILED marker the harness names is the runtime\'s own', () => {
    const modules = new IsolatedModules({ process, console, timers: { setTimeout, clearTimeout } });
    const cfnResponse = modules.load(path.join(PROVIDER_FRAMEWORK_RUNTIME_DIR, 'cfn-response.js')) as Record<string, unknown>;
    expect(cfnResponse.CREATE_FAILED_PHYSICAL_ID_MARKER).toBe(CREATE_FAILED_MARKER);
  });

  test('a user function\'s error is FAILED at once, with the framework\'s Logs line and the error\'s stack after the message', async () => {
    const provider = await SimulatedProvider.deploy(env.sim, {
      handlers: { onEvent: async () => { throw new Error('the team does not exist'); }, isComplete: completeAtOnce.isComplete },
    });
    const { body, response, polls } = await provider.deliver(request('Create'));
    expect(body.Reason).toMatch(new RegExp(`^the team does not exist\\n\\nLogs: /aws/lambda/${provider.names.userOnEvent}\\n\\n    at `));
    expect(response).toEqual({ Status: 'FAILED', Reason: 'the team does not exist', PhysicalResourceId: CREATE_FAILED_MARKER, Data: undefined });
    expect(polls).toBe(0);
  });

  test('the Delete that a Create with the CREATE_FAILED marker gets is answered by the framework alone', async () => {
    const provider = await SimulatedProvider.deploy(env.sim, { handlers: completeAtOnce });
    const { response, invocations } = await provider.deliver(request('Delete', { PhysicalResourceId: CREATE_FAILED_MARKER }));
    expect(response.Status).toBe('SUCCESS');
    expect(invocations.map(i => i.functionName)).toEqual([provider.names.frameworkOnEvent]);
  });

  test('"Data" with IsComplete false is refused by the framework', async () => {
    const provider = await SimulatedProvider.deploy(env.sim, {
      handlers: { onEvent: completeAtOnce.onEvent, isComplete: async () => ({ IsComplete: false, Data: { Early: 'yes' } }) },
    });
    const { response } = await provider.deliver(request('Create'));
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Error: "Data" is not allowed if "IsComplete" is "False"' });
  });

  test('onEvent\'s answer is merged into every isComplete request, and isComplete\'s Data into the response', async () => {
    const seen: any[] = [];
    const provider = await SimulatedProvider.deploy(env.sim, {
      handlers: {
        onEvent: async () => ({ PhysicalResourceId: 'physical-7', Plan: 'from onEvent' }),
        isComplete: async event => {
          seen.push(event);
          return seen.length < 3 ? { IsComplete: false } : { IsComplete: true, Data: { Attribute: 'value' } };
        },
      },
    });
    const { response, polls } = await provider.deliver(request('Create'));
    expect(response).toEqual({ Status: 'SUCCESS', PhysicalResourceId: 'physical-7', Data: { Attribute: 'value' } });
    expect(polls).toBe(3);
    expect(seen.every(event => event.Plan === 'from onEvent' && event.PhysicalResourceId === 'physical-7')).toBe(true);
  });

  test('IsComplete false until the waiter\'s last attempt: "Operation timed out", one poll per interval', async () => {
    const provider = await SimulatedProvider.deploy(env.sim, {
      pollIntervalSeconds: 5,
      handlers: { onEvent: completeAtOnce.onEvent, isComplete: async () => ({ IsComplete: false }) },
    });
    const start = env.sim.clock.now();
    const { response, polls, invocations } = await provider.deliver(request('Create'), { maxPolls: 4 });
    expect(response).toEqual({ Status: 'FAILED', Reason: 'Operation timed out', PhysicalResourceId: 'physical-1', Data: undefined });
    expect(polls).toBe(4);
    const pollTimes = invocations.filter(i => i.functionName === provider.names.userIsComplete).map(i => i.startedAt - start);
    expect(pollTimes).toEqual([0, 5_000, 10_000, 15_000]);
  });

  test('the framework\'s own lines are written, at INFO, below the FATAL level its functions log at: none reaches the log', async () => {
    const provider = await SimulatedProvider.deploy(env.sim, { handlers: completeAtOnce });
    await provider.deliver(request('Create'));
    const frameworkLines = env.sim.lambda.invocations.filter(i => i.functionName.includes('framework')).flatMap(i => i.lines);
    expect(frameworkLines.length).toBeGreaterThan(0);
    expect(frameworkLines.every(l => l.message.startsWith('[provider-framework]') && !l.emitted)).toBe(true);
  });

  test('two providers run at once, each framework instance invoking its own user functions (its own process.env)', async () => {
    const answering = (name: string) => ({
      onEvent: async (_event: unknown, context: LambdaContext) => {
        await context.clock!.sleep(3_000);
        return { PhysicalResourceId: name };
      },
      isComplete: async (_event: unknown, context: LambdaContext) => {
        await context.clock!.sleep(1_000);
        return { IsComplete: true, Data: { Provider: name } };
      },
    });
    const first = await SimulatedProvider.deploy(env.sim, { handlers: answering('first') });
    const second = await SimulatedProvider.deploy(env.sim, { handlers: answering('second') });
    const [a, b] = await Promise.all([first.deliver(request('Create')), second.deliver(request('Create'))]);
    expect(a.response).toMatchObject({ PhysicalResourceId: 'first', Data: { Provider: 'first' } });
    expect(b.response).toMatchObject({ PhysicalResourceId: 'second', Data: { Provider: 'second' } });
    expect(a.invocations.map(i => i.functionName)).toContain(first.names.userOnEvent);
    expect(b.invocations.map(i => i.functionName)).not.toContain(first.names.userOnEvent);
  });
});
