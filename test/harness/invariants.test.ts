import type { ConsoleLevel } from './activity';
import { checkInvariants, InvariantViolation, type InvariantName } from './invariants';
import type { InvocationRecord } from './lambda-stand-in';
import type { RecordedResponse } from './response-url-stand-in';
import { SimulatedProvider } from './simulated-provider';
import { FAKE_CREDENTIALS } from './simulation';
import { useSimulation } from './stack-test-environment';
import { ACTION, FOREIGN_TEAM, TEAM_A, createEvent, resourceProperties } from '../fixtures/cloudformation-events';

const env = useSimulation();

/** The violations `invariant` reports after the records the test fed in. */
function violationsOf(invariant: InvariantName, options: { allowLambdaTimeouts?: boolean } = {}): string[] {
  try {
    checkInvariants({ sim: env.sim, operation: 'the fed records', ...options }, [invariant]);
    return [];
  } catch (error) {
    if (!(error instanceof InvariantViolation)) throw error;
    return error.violations.map(v => v.detail);
  }
}

function sent(requestId: string, ended: 'response' | 'timeout' | 'abandoned', properties: Record<string, unknown> = {}): void {
  env.sim.sentRequests.push({
    request: {
      RequestType: 'Update',
      RequestId: requestId,
      ResponseURL: `https://example/${requestId}`,
      ResourceType: 'Custom::X',
      LogicalResourceId: 'Association',
      StackId: 'stack',
      ResourceProperties: properties,
    },
    deliveryId: `delivery-of-${requestId}`,
    ended,
  });
}

function responded(requestId: string, fields: Partial<RecordedResponse> = {}): void {
  env.sim.responses.responses.push({
    url: `https://example/${requestId}`,
    requestId,
    body: { Status: 'SUCCESS', RequestId: requestId },
    text: '{}',
    bytes: 100,
    at: 0,
    delivery: `delivery-of-${requestId}`,
    ...fields,
  });
}

function invocation(fields: Omit<Partial<InvocationRecord>, 'lines'> & { lines?: Array<{ level: ConsoleLevel; message: string; emitted: boolean }> }): void {
  env.sim.lambda.invocations.push({
    id: 'invocation-1',
    functionName: 'Payments-OnEventHandler',
    functionArn: 'arn',
    tag: 'req',
    event: {},
    startedAt: 0,
    timeoutMs: 120_000,
    outcome: 'returned',
    durationMs: 10,
    ...fields,
    lines: (fields.lines ?? []).map(l => ({ ...l, at: 0 })),
  });
}

describe('one response per request, within 4096 bytes', () => {
  test('a request CloudFormation waited for that got no response, or two, is reported with its RequestId', () => {
    sent('silent', 'timeout');
    sent('twice', 'response');
    responded('twice');
    responded('twice');
    sent('once', 'response');
    responded('once');
    expect(violationsOf('one response per request, within 4096 bytes')).toEqual([
      'Update of Association (RequestId silent) got 0 responses (CloudFormation gave up at ServiceTimeout)',
      'Update of Association (RequestId twice) got 2 responses',
    ]);
  });

  test('a request CloudFormation abandoned may get none or one, not two', () => {
    sent('cancelled', 'abandoned');
    expect(violationsOf('one response per request, within 4096 bytes')).toEqual([]);
    responded('cancelled');
    expect(violationsOf('one response per request, within 4096 bytes')).toEqual([]);
    responded('cancelled');
    expect(violationsOf('one response per request, within 4096 bytes')).toEqual(['Update of Association (RequestId cancelled) got 2 responses']);
  });

  test('a response over 4096 bytes', () => {
    sent('big', 'response');
    responded('big', { bytes: 4097 });
    expect(violationsOf('one response per request, within 4096 bytes')).toEqual(['the response to RequestId big is 4097 bytes, over CloudFormation\'s 4096']);
  });
});

describe('never SUCCESS while the association is pending', () => {
  test('SUCCESS while the request\'s team is DELETE_PENDING is reported; another team pending is not this request\'s', () => {
    sent('r1', 'response', { MpaTeamArn: TEAM_A });
    responded('r1', { association: { MpaTeamArn: TEAM_A, AssociationState: 'DELETE_PENDING' } });
    sent('r2', 'response', { MpaTeamArn: TEAM_A });
    responded('r2', { association: { MpaTeamArn: FOREIGN_TEAM, AssociationState: 'UPDATE_PENDING' } });
    expect(violationsOf('never SUCCESS while the association is pending')).toEqual([
      `the Update of Association (RequestId r1) answered SUCCESS while ${TEAM_A} was DELETE_PENDING`,
    ]);
  });
});

describe('never a disassociation of a team this library does not manage', () => {
  test('an approved disassociation of a team the test declared foreign is reported', () => {
    env.sim.declareForeignTeam(FOREIGN_TEAM);
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'DELETE_PENDING' });
    expect(violationsOf('never a disassociation of a team this library does not manage')).toEqual([]);
    env.sim.fake.approve();
    expect(violationsOf('never a disassociation of a team this library does not manage')).toEqual([
      expect.stringMatching(new RegExp(`session .* disassociated the foreign team ${FOREIGN_TEAM}`)),
    ]);
  });
});

describe('at most one approval session per change', () => {
  test('two sessions of the same kind opened by one request are reported; one of each kind is not', () => {
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    env.sim.fake.deny();
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'UPDATE_PENDING' });
    const [disassociate, associate] = env.sim.fake.sessions;
    env.sim.sessionTags.set(disassociate.sessionArn, 'request-1');
    env.sim.sessionTags.set(associate.sessionArn, 'request-1');
    expect(violationsOf('at most one approval session per change')).toEqual([]);
    env.sim.fake.approve();
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    env.sim.sessionTags.set(env.sim.fake.sessions[2].sessionArn, 'request-1');
    expect(violationsOf('at most one approval session per change')).toEqual([
      expect.stringMatching(/^request request-1 opened 2 disassociate sessions: .*\(denied\), .*\(pending\)$/),
    ]);
  });
});

describe('no invocation past its Lambda timeout', () => {
  test('an invocation Lambda stopped is reported, unless the operation is about that', () => {
    invocation({ outcome: 'timed-out', durationMs: 120_000 });
    expect(violationsOf('no invocation past its Lambda timeout')).toEqual([
      'invocation invocation-1 of Payments-OnEventHandler (tag req) ran into its 120 s timeout',
    ]);
    expect(violationsOf('no invocation past its Lambda timeout', { allowLambdaTimeouts: true })).toEqual([]);
  });
});

describe('no secret, presigned URL or RequesterComment in a log line', () => {
  test.each([
    ['the secret access key', () => `key ${FAKE_CREDENTIALS.AWS_SECRET_ACCESS_KEY}`],
    ['the session token', () => `token=${FAKE_CREDENTIALS.AWS_SESSION_TOKEN}`],
    ['a presigned ResponseURL', () => `answering ${env.sim.responses.presign({ StackId: 's', LogicalResourceId: 'l', RequestId: 'r' })}`],
    ['a RequesterComment', () => { env.sim.requesterComments.add('CHG-77 rotate the root'); return 'comment: CHG-77 rotate the root'; }],
  ])('a line holding %s is reported; the same line below the log level is not', (what, line) => {
    const message = line();
    invocation({ lines: [{ level: 'DEBUG', message, emitted: false }] });
    expect(violationsOf('no secret, presigned URL or RequesterComment in a log line')).toEqual([]);
    invocation({ lines: [{ level: 'INFO', message, emitted: true }] });
    expect(violationsOf('no secret, presigned URL or RequesterComment in a log line')).toEqual([
      `a INFO line of Payments-OnEventHandler (invocation invocation-1) holds ${what}`,
    ]);
  });
});

test('a violation names the invariant and where it was checked, and lists every broken one', () => {
  sent('silent', 'timeout');
  invocation({ outcome: 'timed-out' });
  expect(() => checkInvariants({ sim: env.sim, operation: 'update of stack Payments' })).toThrow(
    'Invariant violated after update of stack Payments:\n'
    + '- one response per request, within 4096 bytes: Update of Association (RequestId silent) got 0 responses (CloudFormation gave up at ServiceTimeout)\n'
    + '- no invocation past its Lambda timeout: invocation invocation-1 of Payments-OnEventHandler (tag req) ran into its 120 s timeout',
  );
});

test('a clean delivery through the provider breaks none', async () => {
  const provider = await SimulatedProvider.deploy(env.sim);
  await provider.deliver(createEvent(resourceProperties({ RequesterComment: 'CHG-5 first association' })));
  expect(() => checkInvariants({ sim: env.sim, operation: 'a create' })).not.toThrow();
  expect(env.sim.requesterComments.has('CHG-5 first association')).toBe(true);
});
