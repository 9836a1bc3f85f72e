import { newScope, runInScope } from './activity';
import { exchange } from './custom-resource-exchange';
import { useSimulation } from './stack-test-environment';

const env = useSimulation();

const REQUEST = { StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Payments/abc', LogicalResourceId: 'Association', RequestId: 'req-1' };

function put(url: string, body: object): Promise<void> {
  const parsed = new URL(url);
  return env.sim.responses.httpRequest({ hostname: parsed.hostname, path: `${parsed.pathname}${parsed.search}`, method: 'PUT', headers: {} }, JSON.stringify(body));
}

describe('the presigned ResponseURL', () => {
  test('is shaped like CloudFormation\'s: S3, the stack, resource and request in the key, a signature; the same request gets the same URL', () => {
    const url = env.sim.responses.presign(REQUEST);
    expect(url).toMatch(/^https:\/\/cloudformation-custom-resource-response-useast1\.s3\.amazonaws\.com\//);
    expect(decodeURIComponent(new URL(url).pathname.slice(1))).toBe(`${REQUEST.StackId}|Association|req-1`);
    expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}$/);
    expect(env.sim.responses.presign(REQUEST)).toBe(url);
    expect(env.sim.responses.presign({ ...REQUEST, RequestId: 'req-2' })).not.toBe(url);
  });

  test('keeps every PUT with its body, size and the tag of the invocation that sent it', async () => {
    const url = env.sim.responses.presign(REQUEST);
    const body = { Status: 'SUCCESS', RequestId: 'req-1', PhysicalResourceId: 'p', StackId: REQUEST.StackId, LogicalResourceId: 'Association' };
    await runInScope(newScope({ kind: 'invocation', tag: 'req-1' }), () => put(url, body));
    expect(env.sim.responses.responses).toEqual([expect.objectContaining({ url, requestId: 'req-1', body, bytes: JSON.stringify(body).length, tag: 'req-1' })]);
  });

  test('refuses anything but a PUT', async () => {
    await expect(env.sim.responses.httpRequest({ hostname: 'h', path: '/', method: 'POST', headers: {} }, '{}')).rejects.toThrow(/405/);
  });

  test('a response to a request CloudFormation no longer waits for is kept, and marked as not waited for', async () => {
    const url = env.sim.responses.presign({ ...REQUEST, RequestId: 'req-late' });
    const request = { ...REQUEST, RequestId: 'req-late', RequestType: 'Update' as const, ResponseURL: url, ResourceType: 'Custom::X', ResourceProperties: {} };
    const result = await exchange({ sim: env.sim, request, send: () => undefined, timeoutSeconds: 60, abandon: Promise.resolve() });
    expect(result.outcome.kind).toBe('abandoned');
    await put(url, { Status: 'SUCCESS', RequestId: 'req-late' });
    expect(env.sim.responses.responses.find(r => r.requestId === 'req-late')!.waitedFor).toBeUndefined();
  });

  test('CloudFormation waits for the response until the ServiceTimeout, in simulated time', async () => {
    const url = env.sim.responses.presign({ ...REQUEST, RequestId: 'req-silent' });
    const start = env.sim.clock.now();
    const request = { ...REQUEST, RequestId: 'req-silent', RequestType: 'Create' as const, ResponseURL: url, ResourceType: 'Custom::X', ResourceProperties: {} };
    const result = await exchange({ sim: env.sim, request, send: () => undefined, timeoutSeconds: 3_600 });
    expect(result.outcome.kind).toBe('timeout');
    expect(env.sim.clock.now() - start).toBe(3_600_000);
  });
});
