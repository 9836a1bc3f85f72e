/**
 * Reads as lenient as the generated SDK's, through the real clients and the
 * handler's own readers: every answer shape the API models allow (members
 * omitted, members the model does not know, enum values it does not list)
 * is read without an error, and means what the handler can safely make of it.
 *
 * The clients' HTTP handler is replaced by one that answers with a crafted
 * response: the SDK's signing, serialization and deserialization, and the
 * handler's readers (lambda/aws/*) run as in Lambda. The control plane's
 * answers are in ../payment-cryptography-mpa-commands.test.ts.
 */
import { Readable } from 'node:stream';
import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { SSMClient } from '@aws-sdk/client-ssm';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { CallBudget } from '../../../lambda/aws/call-budget';
import { ControlPlane } from '../../../lambda/aws/control-plane';
import { MpaApi } from '../../../lambda/aws/mpa-api';
import { OwnershipStore } from '../../../lambda/aws/ownership-store';
import { AssociationFailure } from '../../../lambda/aws/service-errors';
import { systemClock } from '../../../lambda/core/clock';
import { recordName, serializeRecord, type ManagerRecord } from '../../../lambda/core/ownership-record';
import { ACTION, TEAM_A } from '../../fixtures/cloudformation-events';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret' };
const SESSION = 'arn:aws:mpa:us-east-1:111122223333:session/payments-root-a/7d5b3f0e-0000-4000-8000-000000000001';
const RESOURCE = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/payments/5e1b7a30-0000-0000-0000-000000000000', logicalId: 'RootCertificateImportApproval' };

interface Answer {
  readonly status?: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** An HTTP handler that answers every request with `answer`, and keeps the requests it saw. */
function crafted(answer: Answer | ((request: HttpRequest) => Answer)) {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handler: {
      handle: async (request: HttpRequest) => {
        requests.push(request);
        const { status = 200, body, headers = {} } = typeof answer === 'function' ? answer(request) : answer;
        return { response: new HttpResponse({ statusCode: status, headers, body: Readable.from([Buffer.from(body)]) }) };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

const budget = () => new CallBudget(systemClock, Date.now() + 30_000);

function mpaAnswering(answer: Answer) {
  const http = crafted(answer);
  const client = new PaymentCryptographyClient({ region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: http.handler as any });
  return { mpa: new MpaApi(client, budget()), requests: http.requests };
}

function storeAnswering(answer: Answer | ((request: HttpRequest) => Answer)) {
  const http = crafted(answer);
  const client = new SSMClient({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: http.handler as any });
  return { store: new OwnershipStore(client, budget()), requests: http.requests };
}

const json = (value: unknown): Answer => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });

let savedMpaEndpoint: string | undefined;
beforeAll(() => {
  // The real host (from the ARN), not a fake's: nothing is sent anywhere but to the crafted handler.
  savedMpaEndpoint = process.env.AWS_ENDPOINT_URL_MPA;
  delete process.env.AWS_ENDPOINT_URL_MPA;
});
afterAll(() => {
  if (savedMpaEndpoint !== undefined) process.env.AWS_ENDPOINT_URL_MPA = savedMpaEndpoint;
});

describe('MPA GetSession', () => {
  test.each([
    ['an empty object', json({}), { status: undefined, approvals: 0, threshold: undefined, expiresAt: undefined }],
    ['an empty body', { body: '' }, { status: undefined, approvals: 0 }],
    ['a body that is not JSON', { body: '<html>gateway</html>' }, { status: undefined, approvals: 0 }],
    ['JSON null', { body: 'null' }, { status: undefined, approvals: 0 }],
    ['only a status', json({ Status: 'PENDING' }), { status: 'PENDING', approvals: 0, requesterPrincipalArn: undefined }],
    ['a status MPA\'s model has and the handler does not list', json({ Status: 'CREATING' }), { status: 'CREATING' }],
    ['a status no model lists', json({ Status: 'ESCALATED', StatusCode: 'NEW_CODE' }), { status: 'ESCALATED', statusCode: 'NEW_CODE' }],
    ['unknown members everywhere', json({
      Status: 'PENDING',
      Future: { a: 1 },
      ApprovalStrategy: { MofN: { MinApprovalsRequired: 2 }, QuorumOfQuorums: {} },
      ApproverResponses: [{ Response: 'APPROVED', Weight: 3 }, { Response: 'ABSTAINED' }, {}],
    }), { status: 'PENDING', approvals: 1, threshold: 2 }],
    ['an approval strategy without MofN', json({ ApprovalStrategy: { Other: {} } }), { threshold: undefined }],
    ['approver responses without a response', json({ ApproverResponses: [{ ApproverId: 'a' }, null] }), { approvals: 0 }],
    ['epoch-second timestamps instead of ISO-8601', json({ ExpirationTime: 1796220000, InitiationTime: 1796133600 }),
      { expiresAt: new Date(1796220000 * 1000).toISOString() }],
    ['a timestamp that is not one', json({ ExpirationTime: 'soon' }), { expiresAt: undefined }],
  ])('%s: read without an error', async (_, answer, expected) => {
    const { mpa, requests } = mpaAnswering(answer);
    await expect(mpa.getSession(SESSION)).resolves.toMatchObject(expected);
    expect(requests).toHaveLength(1);
  });
});

describe('MPA GetApprovalTeam', () => {
  test.each([
    ['an empty object: status unknown, so AssociateMpaTeam decides', json({}), { status: 'UNKNOWN', approversPending: [] }],
    ['an empty body', { body: '' }, { status: 'UNKNOWN' }],
    ['ACTIVE without approvers', json({ Status: 'ACTIVE' }), { status: 'ACTIVE', approversPending: [] }],
    ['a status the model does not list, passed on to the table', json({ Status: 'UPDATING' }), { status: 'UPDATING' }],
    ['PENDING with approvers missing members', json({
      Status: 'PENDING',
      StatusCode: 'PENDING_ACTIVATION',
      Approvers: [{ PrimaryIdentityStatus: 'PENDING' }, { ApproverId: 'a-2', PrimaryIdentityStatus: 'PENDING' }, null, { PrimaryIdentityStatus: 'INVITED' }],
    }), { status: 'PENDING', statusCode: 'PENDING_ACTIVATION', approversPending: ['unknown', 'a-2'] }],
    ['unknown members', json({ Status: 'ACTIVE', Policies: [{ PolicyArn: 'arn:aws:mpa::aws:policy/x' }], PendingUpdate: { VersionId: '2' }, Future: 1 }),
      { status: 'ACTIVE' }],
  ])('%s', async (_, answer, expected) => {
    const { mpa } = mpaAnswering(answer);
    await expect(mpa.getApprovalTeam(TEAM_A)).resolves.toMatchObject(expected);
  });

  test('a 404 that names its error only in the body\'s __type, with a namespace: the team does not exist', async () => {
    const { mpa } = mpaAnswering({ status: 404, ...json({ __type: 'com.amazonaws.mpa#ResourceNotFoundException', message: 'Team not found' }) });
    await expect(mpa.getApprovalTeam(TEAM_A)).resolves.toEqual({ status: 'NOT_FOUND', message: 'GetApprovalTeam: Team not found' });
  });

  test('an error without a name or a body is an error with its HTTP status, not a crash', async () => {
    const { mpa } = mpaAnswering({ status: 400, body: '' });
    await expect(mpa.getApprovalTeam(TEAM_A)).rejects.toMatchObject({ name: 'Http400', message: 'GetApprovalTeam: HTTP 400' });
  });
});

describe('MPA CancelSession', () => {
  test.each([
    ['an empty body', { body: '' }],
    ['an empty object', json({})],
    ['unknown members', json({ Status: 'CANCELLED', Future: true })],
  ])('%s: done', async (_, answer) => {
    const { mpa, requests } = mpaAnswering(answer);
    await expect(mpa.cancelSession(SESSION)).resolves.toBeUndefined();
    expect(requests[0].method).toBe('PUT');
  });
});

describe('SSM, the ownership records', () => {
  const record: ManagerRecord = { resource: RESOURCE, team: TEAM_A, origin: 'created' };
  const parameter = (value: unknown, extra: object = {}) => ({ Name: recordName(ACTION, RESOURCE), Type: 'String', Value: value, Version: 3, ...extra });
  const ssm = (value: unknown): Answer => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/x-amz-json-1.1' } });

  test.each([
    ['no Parameter at all: no record', ssm({}), undefined],
    ['a Parameter without a Value: no record', ssm({ Parameter: parameter(undefined) }), undefined],
    ['a Value that is not JSON: not one of ours', ssm({ Parameter: parameter('team=a') }), undefined],
    ['a Value of another format: not one of ours', ssm({ Parameter: parameter(JSON.stringify({ format: 'other@1', resource: RESOURCE })) }), undefined],
    ['our record, with unknown members in the answer and in the record',
      ssm({ Parameter: parameter(JSON.stringify({ ...JSON.parse(serializeRecord(record)), future: 1 }), { Labels: ['x'], Tier: 'Intelligent-Tiering' }), Extra: 1 }),
      record],
    ['our record with a field of an unknown value: that field dropped', ssm({ Parameter: parameter(serializeRecord(record).replace('"created"', '"borrowed"')) }),
      { resource: RESOURCE, team: TEAM_A }],
  ])('GetParameter, %s', async (_, answer, expected) => {
    const { store } = storeAnswering(answer);
    await expect(store.read(ACTION, RESOURCE)).resolves.toEqual(expected);
  });

  test('GetParametersByPath: no Parameters, nulls, foreign values and a missing NextToken read as the records there are', async () => {
    const other = { resource: { ...RESOURCE, logicalId: 'Other' }, team: TEAM_A, origin: 'adopted' as const };
    const pages = [
      ssm({ NextToken: 'page-2' }),
      ssm({ Parameters: [null, parameter(undefined), parameter('junk'), parameter(serializeRecord(other))], NextToken: 'page-3', Unknown: {} }),
      ssm({ Parameters: [] }),
    ];
    const { store, requests } = storeAnswering(() => pages.shift()!);
    await expect(store.list(ACTION)).resolves.toEqual([expect.objectContaining(other)]);
    expect(requests).toHaveLength(3);
  });

  test.each([
    ['PutParameter', (store: OwnershipStore) => store.write(ACTION, record)],
    ['DeleteParameter', (store: OwnershipStore) => store.remove(ACTION, RESOURCE)],
  ])('%s answered with an empty object or unknown members: done', async (_, call) => {
    for (const answer of [ssm({}), ssm({ Version: 4, Tier: 'Standard', Future: 1 })]) {
      const { store } = storeAnswering(answer);
      await expect(call(store)).resolves.toBeUndefined();
    }
  });

  test('a member of a type the model forbids fails the read with a reason naming the record, never an unexpected error', async () => {
    const { store } = storeAnswering(ssm({ Parameter: parameter({ nested: 'object' }) }));
    const error = await store.read(ACTION, RESOURCE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssociationFailure);
    expect((error as Error).message).toMatch(new RegExp(`^Could not read the ownership record ${recordName(ACTION, RESOURCE).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} in SSM`));
  });
});

describe('the control plane\'s mutating calls', () => {
  function controlPlaneAnswering(answer: Answer) {
    const http = crafted(answer);
    const client = new PaymentCryptographyClient({ region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: http.handler as any });
    return new ControlPlane(client, budget());
  }
  const cp = (value: unknown): Answer => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/x-amz-json-1.0' } });

  test.each([
    ['an empty answer: accepted, the association to be read', cp({}), undefined],
    ['an association without its members', cp({ MpaTeamAssociation: {} }), undefined],
    ['a session with an unknown status', cp({ MpaTeamAssociation: { MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING', MpaStatus: { MpaSessionArn: SESSION, Status: 'CREATING' } } }),
      { team: TEAM_A, state: 'UPDATE_PENDING', session: expect.objectContaining({ arn: SESSION, status: 'CREATING' }) }],
    ['a state no model lists', cp({ MpaTeamAssociation: { MpaTeamArn: TEAM_A, AssociationState: 'UPDATING', Future: 1 }, Other: [] }),
      { team: TEAM_A, state: 'UPDATING' }],
  ])('AssociateMpaTeam answered with %s', async (_, answer, association) => {
    const answered = await controlPlaneAnswering(answer).call('AssociateMpaTeam', ACTION, TEAM_A);
    expect(answered).toEqual({ answer: 'accepted', association });
  });
});
