/**
 * SSM Parameter Store as the fake serves it, through the real @aws-sdk/client-ssm
 * (3.882.0): what the handler's ownership records need, with SSM's own error names.
 */
import {
  DeleteParameterCommand, GetParameterCommand, GetParametersByPathCommand, HierarchyLevelLimitExceededException, InternalServerError,
  InvalidNextToken, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient, ThrottlingException, ValidationException,
  type Parameter,
} from '@aws-sdk/client-ssm';
import { FakeControlPlane, sigV4ShapedHeaders } from './fake-control-plane';
import { rejection, ssmClient } from './wire-test-clients';

const T0 = 1_764_000_000_500;
const ROOT = '/cdk-mpa-team-association/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
const RECORD = `${ROOT}/Stack/abc123/Association`;

let fake: FakeControlPlane;
let ssm: SSMClient;

beforeAll(async () => {
  fake = await FakeControlPlane.start({ clock: () => T0 });
  ssm = ssmClient(fake);
});
afterAll(async () => {
  ssm.destroy();
  await fake.stop();
});
beforeEach(() => fake.reset());

const put = (Name: string, Value: string, extra: Partial<ConstructorParameters<typeof PutParameterCommand>[0]> = {}) =>
  ssm.send(new PutParameterCommand({ Name, Value, Type: 'String', ...extra }));
const read = (Name: string) => ssm.send(new GetParameterCommand({ Name }));

describe('PutParameter and GetParameter', () => {
  test('a new String parameter is version 1 in the standard tier, and reads back with its ARN', async () => {
    const created = await put(RECORD, '{"team":"a"}');
    const { Parameter: parameter } = await read(RECORD);

    expect(created).toMatchObject({ Version: 1, Tier: 'Standard' });
    expect(parameter).toEqual({
      Name: RECORD,
      Type: 'String',
      Value: '{"team":"a"}',
      Version: 1,
      LastModifiedDate: new Date(T0),
      ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${RECORD}`,
      DataType: 'text',
    } satisfies Parameter);
  });

  test('without Overwrite an existing parameter is ParameterAlreadyExists and keeps its value', async () => {
    await put(RECORD, 'first');

    const error = await rejection(put(RECORD, 'second'));

    expect(error).toBeInstanceOf(ParameterAlreadyExists);
    expect(error.message).toMatch(/overwrite/);
    expect(fake.parameters()).toEqual([{ name: RECORD, value: 'first', version: 1 }]);
  });

  test('with Overwrite the version goes up, and the type may be left out', async () => {
    await put(RECORD, 'first');

    const second = await ssm.send(new PutParameterCommand({ Name: RECORD, Value: 'second', Overwrite: true }));

    expect(second.Version).toBe(2);
    expect((await read(RECORD)).Parameter).toMatchObject({ Value: 'second', Version: 2, Type: 'String' });
  });

  test('a standard-tier value may have 4096 characters, not 4097', async () => {
    await put(RECORD, 'x'.repeat(4096));

    const error = await rejection(put(`${RECORD}-long`, 'x'.repeat(4097)));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('4096');
  });

  test('the advanced tier takes a longer value', async () => {
    expect((await put(RECORD, 'x'.repeat(5000), { Tier: 'Advanced' })).Tier).toBe('Advanced');
  });

  test.each([
    ['no Type on a new parameter', { Name: RECORD, Value: 'v' }, /type is required/],
    ['an unknown Type', { Name: RECORD, Value: 'v', Type: 'Number' }, /enum value set/],
    ['an unknown Tier', { Name: RECORD, Value: 'v', Type: 'String', Tier: 'Premium' }, /enum value set/],
    ['an empty Value', { Name: RECORD, Value: '', Type: 'String' }, /'value'/],
  ])('%s is a ValidationException', async (_, input, message) => {
    const error = await rejection(ssm.send(new PutParameterCommand(input as any)));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(message);
    expect(fake.parameters()).toEqual([]);
  });

  test('a missing parameter is ParameterNotFound, a bare name without message on the wire', async () => {
    const error = await rejection(read(RECORD));
    const raw = await fetch(`${fake.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonSSM.GetParameter', ...sigV4ShapedHeaders('ssm', 'us-east-1') },
      body: JSON.stringify({ Name: RECORD }),
    });

    expect(error).toBeInstanceOf(ParameterNotFound);
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ __type: 'ParameterNotFound' });
  });
});

describe('parameter names (SSM naming rules)', () => {
  const levels = (n: number) => Array.from({ length: n }, (_, i) => `/l${i + 1}`).join('');

  test.each([
    ['a path without its leading slash', 'cdk-mpa-team-association/x'],
    ['a space inside', '/cdk mpa/x'],
    ['a character outside a-zA-Z0-9_.-/', '/cdk$mpa/x'],
    ['an empty level', '/cdk//x'],
    ['the reserved prefix aws', '/aws/x'],
    ['the reserved prefix ssm (any case)', '/SSM/x'],
  ])('%s is a ValidationException', async (_, name) => {
    expect(await rejection(put(name, 'v'))).toBeInstanceOf(ValidationException);
  });

  test('15 levels are allowed, 16 are HierarchyLevelLimitExceededException', async () => {
    await put(levels(15), 'v');

    const error = await rejection(put(levels(16), 'v'));

    expect(error).toBeInstanceOf(HierarchyLevelLimitExceededException);
    expect(error.message).toContain('15 levels');
  });

  test('a name without any slash is a valid flat name', async () => {
    expect((await put('flat-name_1.0', 'v')).Version).toBe(1);
  });

  test('reading under a reserved prefix is allowed (public parameters live there)', async () => {
    expect(await rejection(read('/aws/service/global-infrastructure/version'))).toBeInstanceOf(ParameterNotFound);
  });
});

describe('DeleteParameter', () => {
  test('removes the parameter; a missing one is ParameterNotFound', async () => {
    await put(RECORD, 'v');

    await ssm.send(new DeleteParameterCommand({ Name: RECORD }));
    const again = await rejection(ssm.send(new DeleteParameterCommand({ Name: RECORD })));

    expect(fake.parameters()).toEqual([]);
    expect(again).toBeInstanceOf(ParameterNotFound);
  });
});

describe('GetParametersByPath', () => {
  const byPath = (Path: string, extra: { Recursive?: boolean; MaxResults?: number; NextToken?: string } = {}) =>
    ssm.send(new GetParametersByPathCommand({ Path, ...extra }));
  const names = (parameters: Parameter[] | undefined) => (parameters ?? []).map(p => p.Name);

  beforeEach(async () => {
    for (const name of [`${ROOT}/a`, `${ROOT}/b`, `${ROOT}/Stack/x/One`, `${ROOT}/Stack/x/Two`, '/elsewhere/c']) await put(name, name);
  });

  test('lists only the direct children of the path unless Recursive', async () => {
    expect(names((await byPath(ROOT)).Parameters)).toEqual([`${ROOT}/a`, `${ROOT}/b`]);
    expect(names((await byPath(ROOT, { Recursive: true })).Parameters)).toEqual([
      `${ROOT}/Stack/x/One`, `${ROOT}/Stack/x/Two`, `${ROOT}/a`, `${ROOT}/b`,
    ]);
  });

  test('pages with NextToken, MaxResults at a time, in name order', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await byPath(ROOT, { Recursive: true, MaxResults: 3, NextToken: token });
      expect(page.Parameters!.length).toBeLessThanOrEqual(3);
      seen.push(...names(page.Parameters) as string[]);
      token = page.NextToken;
      pages++;
    } while (token);

    expect(pages).toBe(2);
    expect(seen).toEqual([`${ROOT}/Stack/x/One`, `${ROOT}/Stack/x/Two`, `${ROOT}/a`, `${ROOT}/b`]);
  });

  test('MaxResults above 10 is a ValidationException', async () => {
    const error = await rejection(byPath(ROOT, { MaxResults: 11 }));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain("'maxResults'");
  });

  test('a token that is not one the fake handed out is InvalidNextToken', async () => {
    expect(await rejection(byPath(ROOT, { NextToken: 'bogus' }))).toBeInstanceOf(InvalidNextToken);
  });

  test('a path without its leading slash is a ValidationException', async () => {
    expect(await rejection(byPath('cdk-mpa-team-association'))).toBeInstanceOf(ValidationException);
  });

  test('a path with nothing under it answers an empty list', async () => {
    expect((await byPath('/nothing/here')).Parameters).toEqual([]);
  });
});

test('setParameterListLag: a list shows a write once it is older than the lag (until then the version before, or nothing); GetParameter reads it at once', async () => {
  let now = T0;
  const lagging = await FakeControlPlane.start({ clock: () => now });
  const client = ssmClient(lagging);
  const listed = async () => ((await client.send(new GetParametersByPathCommand({ Path: ROOT, Recursive: true }))).Parameters ?? [])
    .map(p => `${p.Name}=${p.Value}`);
  try {
    lagging.setParameterListLag(5_000);
    await client.send(new PutParameterCommand({ Name: RECORD, Value: 'one', Type: 'String' }));
    expect(await listed()).toEqual([]);
    expect((await client.send(new GetParameterCommand({ Name: RECORD }))).Parameter?.Value).toBe('one');
    now += 5_000;
    expect(await listed()).toEqual([`${RECORD}=one`]);
    await client.send(new PutParameterCommand({ Name: RECORD, Value: 'two', Overwrite: true }));
    expect(await listed()).toEqual([`${RECORD}=one`]);
    now += 5_000;
    expect(await listed()).toEqual([`${RECORD}=two`]);
    lagging.reset();
    await client.send(new PutParameterCommand({ Name: RECORD, Value: 'three', Type: 'String' }));
    expect(await listed()).toEqual([`${RECORD}=three`]);
  } finally {
    client.destroy();
    await lagging.stop();
  }
});

describe('GetParametersByPath with parametersByPathPaging "best-effort"', () => {
  test('the first page is empty with a NextToken, later pages hold at most half of MaxResults, and all arrive', async () => {
    const other = await FakeControlPlane.start({ parametersByPathPaging: 'best-effort' });
    const otherSsm = ssmClient(other);
    try {
      for (const leaf of ['a', 'b', 'c', 'd', 'e']) other.putParameter(`${ROOT}/${leaf}`, leaf);
      const sizes: number[] = [];
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await otherSsm.send(new GetParametersByPathCommand({ Path: ROOT, MaxResults: 4, NextToken: token }));
        sizes.push(page.Parameters!.length);
        seen.push(...page.Parameters!.map(p => p.Value!));
        token = page.NextToken;
      } while (token);

      expect(sizes).toEqual([0, 2, 2, 1]);
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    } finally {
      otherSsm.destroy();
      await other.stop();
    }
  });
});

describe('scripting, faults and the wire', () => {
  test('putParameter, deleteParameter and parameters() change and show the store out of band', async () => {
    fake.putParameter(RECORD, 'seeded');
    fake.putParameter(RECORD, 'changed');
    fake.putParameter(`${ROOT}/other`, 'x');
    fake.deleteParameter(`${ROOT}/other`);

    expect((await read(RECORD)).Parameter).toMatchObject({ Value: 'changed', Version: 2 });
    expect(fake.parameters()).toEqual([{ name: RECORD, value: 'changed', version: 2 }]);
    expect(() => fake.putParameter('no/leading/slash', 'x')).toThrow(/invalid parameter name/);
  });

  test('faults reach SSM operations by name, with SSM\'s error names', async () => {
    fake.injectFault({ operation: 'GetParameter', kind: 'throttling', times: 1 });
    fake.injectFault({ operation: 'PutParameter', kind: 'internal', times: 1 });

    expect(await rejection(read(RECORD))).toBeInstanceOf(ThrottlingException);
    expect(await rejection(put(RECORD, 'v'))).toBeInstanceOf(InternalServerError);
    expect(fake.requests.map(r => [r.operation, r.status, r.errorName, r.fault])).toEqual([
      ['GetParameter', 400, 'ThrottlingException', 'throttling'],
      ['PutParameter', 500, 'InternalServerError', 'internal'],
    ]);
  });

  test('a client signing for another region is refused', async () => {
    const elsewhere = ssmClient(fake, 'eu-west-1');
    try {
      const error = await rejection(elsewhere.send(new GetParameterCommand({ Name: RECORD })));

      expect(error.name).toBe('InvalidSignatureException');
      expect(error.message).toContain("'us-east-1'");
    } finally {
      elsewhere.destroy();
    }
  });

  test('the SDK finds the fake through AWS_ENDPOINT_URL_SSM from environment()', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, fake.environment(), {
      AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_SESSION_TOKEN: '',
    });
    const fromEnvironment = new SSMClient({ maxAttempts: 1 });
    try {
      await fromEnvironment.send(new PutParameterCommand({ Name: RECORD, Value: 'v', Type: 'String' }));

      expect(fake.parameters()).toEqual([{ name: RECORD, value: 'v', version: 1 }]);
    } finally {
      fromEnvironment.destroy();
      process.env = saved;
    }
  });
});
