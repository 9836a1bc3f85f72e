import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { newScope, runInScope } from './activity';
import { isolatedCode, moduleCode, type LambdaContext, type LambdaHandler } from './function-code';
import { HANDLER_ASSET_DIR } from './handler-code';
import { SIMULATION_TAG_HEADER } from './request-tagging';
import { useSimulation } from './stack-test-environment';
import { GetMpaTeamAssociationCommand, sendMpaCommand } from '../../lambda/aws/payment-cryptography-mpa-commands';

const env = useSimulation();

let functions = 0;
function deploy(handler: LambdaHandler, settings: { timeoutSeconds?: number; environment?: Record<string, string>; logging?: any } = {}): string {
  const functionName = `test-function-${++functions}`;
  env.sim.lambda.createFunction({ functionName, code: moduleCode(handler, 'test handler'), ...settings });
  return functionName;
}

function payloadOf(result: { Payload?: Uint8Array }): any {
  return JSON.parse(Buffer.from(result.Payload!).toString('utf8'));
}

/** A loopback server that answers every request with `{}` and keeps the headers it got. */
async function recordingServer(): Promise<{ url: string; headers: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers,
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('an invocation', () => {
  test('gets a context whose remaining time runs on the simulation clock, and the clock itself', async () => {
    const name = deploy(async (_event, context: LambdaContext) => {
      const before = context.getRemainingTimeInMillis();
      await context.clock!.sleep(4_000);
      return { before, after: context.getRemainingTimeInMillis(), sameClock: context.clock === env.sim.clock };
    }, { timeoutSeconds: 10 });
    const result = await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    expect(payloadOf(result)).toEqual({ before: 10_000, after: 6_000, sameClock: true });
  });

  test('that runs into its timeout ends as Lambda ends it: Sandbox.Timedout, its later lines lost', async () => {
    const name = deploy(async (_event, context: LambdaContext) => {
      console.log('before the long wait');
      await context.clock!.sleep(5_000);
      console.log('after the long wait');
    }, { timeoutSeconds: 2 });
    const result = await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    expect(result.FunctionError).toBe('Unhandled');
    expect(payloadOf(result)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 2\.00 seconds$/),
    });
    await env.sim.clock.advanceBy(10_000);
    const record = env.sim.lambda.invocations.find(i => i.functionName === name)!;
    expect(record).toMatchObject({ outcome: 'timed-out', durationMs: 2_000, timeoutMs: 2_000 });
    expect(record.lines.map(l => l.message)).toEqual(['before the long wait']);
  });

  test('that throws answers with the payload the Node.js runtime sends, and logs it', async () => {
    const name = deploy(async () => {
      throw new RangeError('the team is not ready');
    });
    const result = await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    const payload = payloadOf(result);
    expect(result.FunctionError).toBe('Unhandled');
    expect(payload).toMatchObject({ errorType: 'RangeError', errorMessage: 'the team is not ready' });
    expect(payload.trace[0]).toBe('RangeError: the team is not ready');
    expect(payload.trace.length).toBeGreaterThan(1);
    const record = env.sim.lambda.invocations.find(i => i.functionName === name)!;
    expect(record.outcome).toBe('threw');
    expect(record.lines).toEqual([expect.objectContaining({ level: 'ERROR', message: expect.stringMatching(/^Invoke Error \t\{"errorType":"RangeError"/) })]);
  });

  test('is recorded with its duration, tag and the lines it wrote, each at its level', async () => {
    const name = deploy(async (_event, context: LambdaContext) => {
      console.log('info line');
      await context.clock!.sleep(1_500);
      console.warn('warning line');
      return 'done';
    });
    await env.sim.lambda.invoke({ FunctionName: name, Payload: JSON.stringify({ RequestId: 'cfn-request-1' }) });
    const record = env.sim.lambda.invocations.find(i => i.functionName === name)!;
    expect(record).toMatchObject({ outcome: 'returned', durationMs: 1_500, tag: 'cfn-request-1', payload: 'done' });
    expect(record.lines.map(l => [l.level, l.message, l.emitted])).toEqual([['INFO', 'info line', true], ['WARN', 'warning line', true]]);
  });

  test('with JSON logs at FATAL (the framework functions) writes nothing that reaches the log', async () => {
    const name = deploy(async () => {
      console.log('routine');
      console.error('an error');
    }, { logging: { format: 'JSON', applicationLogLevel: 'FATAL' } });
    await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
    const record = env.sim.lambda.invocations.find(i => i.functionName === name)!;
    expect(record.lines.map(l => [l.message, l.emitted])).toEqual([['routine', false], ['an error', false]]);
  });

  test('reads its own function\'s environment through process.env, and none of the host\'s AWS variables', async () => {
    process.env.AWS_PROFILE = 'host-profile';
    try {
      const read = async () => ({
        role: process.env.ROLE, region: process.env.AWS_REGION, profile: process.env.AWS_PROFILE, endpoint: process.env.AWS_ENDPOINT_URL_MPA,
      });
      const first = deploy(read, { environment: { ROLE: 'first' } });
      const second = deploy(read, { environment: { ROLE: 'second' } });
      const [a, b] = await Promise.all([first, second].map(name => env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' })));
      expect(payloadOf(a)).toEqual({ role: 'first', region: env.sim.region, endpoint: env.sim.fake.endpoint });
      expect(payloadOf(b)).toMatchObject({ role: 'second' });
      expect(process.env.AWS_PROFILE).toBe('host-profile');
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });

  test('invoked asynchronously and failing is retried twice, after about one and two minutes', async () => {
    const name = deploy(async () => {
      throw new Error('always');
    });
    const start = env.sim.clock.now();
    env.sim.lambda.invokeAsync({ FunctionName: name, Payload: '{}' });
    await env.sim.lambda.idle();
    expect(env.sim.lambda.invocations.filter(i => i.functionName === name).map(i => i.startedAt - start)).toEqual([0, 60_000, 180_000]);
  });
});

describe('the x-simulation-tag header', () => {
  test('is added to every request the installed AWS SDK v3 client (node-http-handler) makes inside an invocation, and to none outside', async () => {
    const server = await recordingServer();
    try {
      const client = new PaymentCryptographyClient({
        region: 'us-east-1',
        endpoint: server.url,
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'secret' },
      });
      expect(client.config.requestHandler.constructor.name).toBe('NodeHttpHandler');
      // The server's `{}` is not a valid answer: only the request's headers matter here.
      const call = () => sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE' })).catch(() => undefined);
      const name = deploy(async () => { await call(); });
      await env.sim.lambda.invoke({ FunctionName: name, Payload: JSON.stringify({ RequestId: 'request-for-the-tag' }) });
      await call();
      expect(server.headers.map(h => h[SIMULATION_TAG_HEADER])).toEqual(['request-for-the-tag', undefined]);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  test('reaches the service from the bundled handler too, loaded in its own module instance per function', async () => {
    const server = await recordingServer();
    try {
      const functionName = `bundled-${++functions}`;
      env.sim.lambda.createFunction({
        functionName,
        code: isolatedCode(path.join(HANDLER_ASSET_DIR, 'index.js'), 'onEvent'),
        timeoutSeconds: 120,
        environment: { AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY: server.url, AWS_ENDPOINT_URL_SSM: server.url, AWS_ENDPOINT_URL_MPA: server.url },
      });
      const event = {
        RequestType: 'Delete',
        RequestId: 'bundled-request',
        StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Payments/11111111-2222-3333-4444-555555555555',
        LogicalResourceId: 'RootCertificateImportApproval',
        PhysicalResourceId: 'mpa-team-association:IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
        ResourceProperties: { Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', MpaTeamArn: 'arn:aws:mpa:us-east-1:111122223333:approval-team/a', ApprovalTimeoutSeconds: '60', PollIntervalSeconds: '1', ReportApprovalProgress: 'false' },
      };
      await env.sim.lambda.invoke({ FunctionName: functionName, Payload: JSON.stringify(event) });
      expect(server.headers.length).toBeGreaterThan(0);
      expect(server.headers.every(h => h[SIMULATION_TAG_HEADER] === 'bundled-request')).toBe(true);
      expect(env.sim.lambda.loadedFilesOf(functionName).map(f => f.filename)).toEqual([path.join(HANDLER_ASSET_DIR, 'index.js')]);
    } finally {
      await server.close();
    }
  });

  test('a stopped sandbox makes no further calls: its requests fail before they leave', async () => {
    const scope = newScope({ kind: 'invocation' });
    scope.killed = true;
    const error = await new Promise<Error>(resolve => {
      runInScope(scope, () => {
        const request = http.request('http://127.0.0.1:9/never');
        request.on('error', resolve);
        request.end();
      });
    });
    expect(error.message).toMatch(/stopped at its timeout/);
  });
});

test('an error\'s trace has at most the ten frames Node keeps in Lambda, however deep the call', async () => {
  const deep = (n: number): never => (n === 0 ? (() => { throw new Error('deep'); })() : deep(n - 1));
  const name = deploy(async () => deep(30));
  const result = await env.sim.lambda.invoke({ FunctionName: name, Payload: '{}' });
  const trace = payloadOf(result).trace as string[];
  expect(trace[0]).toBe('Error: deep');
  expect(trace.slice(1)).toHaveLength(10);
  expect(trace.slice(1).every(line => line.startsWith('    at '))).toBe(true);
});
