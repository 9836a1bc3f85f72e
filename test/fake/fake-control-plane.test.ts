import * as http from 'node:http';
import { FakeControlPlane, SESSION_LIFETIME_MS, sigV4ShapedHeaders, type FakeControlPlaneOptions } from './fake-control-plane';
import { ACTION, callControlPlane, getSession, TEAM_A, TEAM_B } from './wire-test-clients';

/** A fixed fake clock (with milliseconds) so timestamps can be asserted exactly. */
const T0 = 1_764_000_000_123;

const associate = (fake: FakeControlPlane, team = TEAM_A) => callControlPlane(fake, 'AssociateMpaTeam', { Action: ACTION, MpaTeamArn: team });
const disassociate = (fake: FakeControlPlane) => callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION });
const get = (fake: FakeControlPlane) => callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION });

describe('FakeControlPlane', () => {
  let fake: FakeControlPlane;

  beforeAll(async () => {
    fake = await FakeControlPlane.start({ clock: () => T0 });
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  test('listens on an ephemeral loopback port and exposes SDK endpoint variables', () => {
    expect(fake.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.endpoint).not.toMatch(/:0$/);
    expect(fake.environment()).toEqual({
      AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY: fake.endpoint,
      AWS_ENDPOINT_URL_MPA: fake.endpoint,
      AWS_ENDPOINT_URL_SSM: fake.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fake.endpoint,
      AWS_ENDPOINT_URL_STS: fake.endpoint,
    });
  });

  describe('protocol checks', () => {
    test.each([
      ['an unknown operation', { 'X-Amz-Target': 'PaymentCryptographyControlPlane.CreateKey' }, 400, 'UnknownOperationException'],
      ['another service prefix', { 'X-Amz-Target': 'PaymentCryptographyDataPlane.GetMpaTeamAssociation' }, 400, 'UnknownOperationException'],
      ['no target', { 'X-Amz-Target': undefined }, 400, 'UnknownOperationException'],
      ['a REST content type', { 'Content-Type': 'application/json' }, 400, 'SerializationException'],
      ['no Authorization', { Authorization: undefined }, 403, 'MissingAuthenticationTokenException'],
      ['a non-SigV4 Authorization', { Authorization: 'Bearer token' }, 400, 'IncompleteSignatureException'],
      ['a SigV4 Authorization without Signature',
        { Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/payment-cryptography/aws4_request, SignedHeaders=host' },
        400, 'IncompleteSignatureException'],
      ['no X-Amz-Date', { 'X-Amz-Date': undefined }, 400, 'IncompleteSignatureException'],
      ['the wrong signing service', sigV4ShapedHeaders('payment-cryptography-data', 'us-east-1'), 403, 'InvalidSignatureException'],
      ['another region', sigV4ShapedHeaders('payment-cryptography', 'eu-west-1'), 403, 'InvalidSignatureException'],
    ])('refuses a request with %s', async (_, headers, status, errorName) => {
      const answer = await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers });

      expect(answer.status).toBe(status);
      expect(answer.body.__type).toBe(`com.amazon.coral.service#${errorName}`);
      expect(answer.body.Message).toEqual(expect.any(String));
    });

    test('names the service it expects when the credential scope is wrong', async () => {
      const answer = await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers: sigV4ShapedHeaders('mpa', 'us-east-1') });

      expect(answer.body.Message).toContain("'payment-cryptography'");
    });

    test('refuses a credential scope date that differs from X-Amz-Date', async () => {
      const headers = sigV4ShapedHeaders('payment-cryptography', 'us-east-1', new Date('2025-01-02T03:04:05Z'));
      headers['X-Amz-Date'] = '20250103T030405Z';

      const answer = await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers });

      expect(answer.status).toBe(403);
      expect(answer.body.__type).toMatch(/#InvalidSignatureException$/);
    });

    test.each([
      ['invalid JSON', '{"Action":'],
      ['a JSON array', '[]'],
      ['a string member of the wrong type', JSON.stringify({ Action: 42 })],
    ])('refuses a body that is %s with SerializationException', async (_, rawBody) => {
      const answer = await callControlPlane(fake, 'GetMpaTeamAssociation', undefined, { rawBody });

      expect(answer.status).toBe(400);
      expect(answer.body.__type).toMatch(/#SerializationException$/);
    });

    test('treats an empty body as {} (then Action is missing)', async () => {
      const answer = await callControlPlane(fake, 'GetMpaTeamAssociation', undefined, { rawBody: '' });

      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe('com.amazonaws.paymentcryptography#ValidationException');
    });

    test('answers 404 UnknownOperationException on any other route', async () => {
      const response = await fetch(`${fake.endpoint}/keys`, { headers: sigV4ShapedHeaders('payment-cryptography', 'us-east-1') });

      expect(response.status).toBe(404);
      expect(((await response.json()) as { __type: string }).__type).toMatch(/#UnknownOperationException$/);
    });

    test('the MPA route wants the mpa signing name and an encoded ARN', async () => {
      const arn = 'arn:aws:mpa:us-east-1:111122223333:session/team-a/abc';
      const wrongService = await getSession(fake, arn, { headers: sigV4ShapedHeaders('payment-cryptography', 'us-east-1') });
      const unencoded = await fetch(`${fake.endpoint}/sessions/${arn}`, { headers: sigV4ShapedHeaders('mpa', 'us-east-1') });
      const unsigned = await fetch(`${fake.endpoint}/sessions/${encodeURIComponent(arn)}`);

      expect(wrongService.status).toBe(403);
      expect(wrongService.body.Message).toContain("'mpa'");
      expect(unencoded.status).toBe(404);
      expect(unsigned.status).toBe(403);
    });

    test('records refused requests too', async () => {
      await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers: { Authorization: undefined } });

      expect(fake.requests).toEqual([
        { operation: 'GetMpaTeamAssociation', input: JSON.stringify({ Action: ACTION }), status: 403, errorName: 'MissingAuthenticationTokenException', at: T0 },
      ]);
    });
  });

  describe('input validation', () => {
    test.each([
      ['AssociateMpaTeam', { MpaTeamArn: TEAM_A }, "Value null at 'Action'"],
      ['AssociateMpaTeam', { Action: 'SIGN_DATA', MpaTeamArn: TEAM_A }, "Value 'SIGN_DATA' at 'Action' failed to satisfy constraint: Member must satisfy enum value set"],
      ['AssociateMpaTeam', { Action: ACTION }, "Value null at 'MpaTeamArn'"],
      ['AssociateMpaTeam', { Action: ACTION, MpaTeamArn: 'arn:aws:iam::111122223333:role/x' }, "at 'MpaTeamArn' failed to satisfy constraint: Member must satisfy regular expression"],
      ['AssociateMpaTeam', { Action: ACTION, MpaTeamArn: `${TEAM_A}${'x'.repeat(2048)}` }, "at 'MpaTeamArn' failed to satisfy constraint: Member must have length between 20 and 2048"],
      ['AssociateMpaTeam', { Action: ACTION, MpaTeamArn: TEAM_A, RequesterComment: 'c'.repeat(201) }, "at 'RequesterComment'"],
      ['DisassociateMpaTeam', { RequesterComment: 'why' }, "Value null at 'Action'"],
      ['GetMpaTeamAssociation', { Action: 'SIGN_DATA' }, "at 'Action'"],
    ])('%s %j is a ValidationException naming the field', async (operation, input, expected) => {
      const answer = await callControlPlane(fake, operation, input);

      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe('com.amazonaws.paymentcryptography#ValidationException');
      expect(answer.body.Message).toContain(expected);
      expect(fake.association()).toBeUndefined();
    });

    test('a 200-character comment is accepted and never echoed in a validation message', async () => {
      expect((await callControlPlane(fake, 'AssociateMpaTeam', { Action: ACTION, MpaTeamArn: TEAM_A, RequesterComment: 'c'.repeat(200) })).status).toBe(200);

      const tooLong = await callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION, RequesterComment: 'secret'.repeat(40) });

      expect(tooLong.body.Message).not.toContain('secret');
    });
  });

  describe('operations (default policies)', () => {
    test('Get without an association: 404 whose body has only __type and ResourceId', async () => {
      const answer = await get(fake);

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ __type: 'com.amazonaws.paymentcryptography#ResourceNotFoundException', ResourceId: ACTION });
      expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    });

    test('a first Associate is ACTIVE at once, without MpaStatus, and Get returns it', async () => {
      const associated = await associate(fake);
      const read = await get(fake);

      const expected = { MpaTeamAssociation: { Action: ACTION, MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' } };
      expect(associated).toMatchObject({ status: 200, body: expected });
      expect(read).toMatchObject({ status: 200, body: expected });
      expect(fake.sessions).toEqual([]);
    });

    test('Associate of the same team while ACTIVE returns the association unchanged', async () => {
      fake.setAssociation(ACTION, {
        mpaTeamArn: TEAM_A,
        associationState: 'ACTIVE',
        mpaStatus: { mpaSessionArn: 'arn:aws:mpa:us-east-1:111122223333:session/team-a/old', status: 'APPROVED', initiationDate: 1_700_000_000.5 },
      });

      const answer = await associate(fake, TEAM_A);

      expect(answer.body.MpaTeamAssociation).toEqual({
        Action: ACTION,
        MpaTeamArn: TEAM_A,
        AssociationState: 'ACTIVE',
        MpaStatus: { MpaSessionArn: 'arn:aws:mpa:us-east-1:111122223333:session/team-a/old', Status: 'APPROVED', InitiationDate: 1_700_000_000.5 },
      });
      expect(fake.sessions).toEqual([]);
    });

    test('Associate of another team while ACTIVE is a 409 ConflictException by default', async () => {
      await associate(fake, TEAM_A);

      const answer = await associate(fake, TEAM_B);

      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({ __type: 'com.amazonaws.paymentcryptography#ConflictException', Message: expect.stringContaining(TEAM_A) });
      expect(fake.association()?.MpaTeamArn).toBe(TEAM_A);
    });

    test('Disassociate without an association is a 404', async () => {
      const answer = await disassociate(fake);

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ __type: 'com.amazonaws.paymentcryptography#ResourceNotFoundException', ResourceId: ACTION });
    });

    test('Disassociate goes to DELETE_PENDING with a PENDING session named after the team', async () => {
      await associate(fake);

      const answer = await callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION, RequesterComment: 'stack deleted' });

      const association = answer.body.MpaTeamAssociation;
      expect(answer.status).toBe(200);
      expect(association).toMatchObject({ Action: ACTION, MpaTeamArn: TEAM_A, AssociationState: 'DELETE_PENDING' });
      expect(association.MpaStatus).toEqual({ MpaSessionArn: expect.any(String), Status: 'PENDING', InitiationDate: T0 / 1000 });
      expect(association.MpaStatus.MpaSessionArn).toMatch(/^arn:aws:mpa:us-east-1:111122223333:session\/team-a\/[a-zA-Z0-9_-]+$/);
      expect(association.MpaStatus.InitiationDate % 1).toBeCloseTo(0.123, 6);
      expect(fake.sessions).toEqual([expect.objectContaining({
        kind: 'disassociate', approvalTeamArn: TEAM_A, status: 'PENDING', requesterComment: 'stack deleted',
      })]);
      expect(fake.sessions[0].outcome).toBeUndefined();
    });

    test('InitiationDate travels as a JSON number, not a string', async () => {
      await associate(fake);
      const response = await disassociate(fake);

      expect(JSON.stringify(response.body)).toContain(`"InitiationDate":${T0 / 1000}`);
    });
  });

  describe('approval outcomes', () => {
    async function pendingDisassociation(): Promise<string> {
      await associate(fake);
      return (await disassociate(fake)).body.MpaTeamAssociation.MpaStatus.MpaSessionArn;
    }

    test('Get works while a session is pending and returns the pending state', async () => {
      const sessionArn = await pendingDisassociation();

      const answer = await get(fake);

      expect(answer.body.MpaTeamAssociation).toMatchObject({ AssociationState: 'DELETE_PENDING', MpaStatus: { MpaSessionArn: sessionArn, Status: 'PENDING' } });
    });

    test('approving a disassociation removes the association', async () => {
      await pendingDisassociation();

      fake.approve();

      expect((await get(fake)).status).toBe(404);
      expect(fake.sessions[0]).toMatchObject({ status: 'APPROVED', outcome: 'approved' });
    });

    test('denying a disassociation returns to ACTIVE with MpaStatus FAILED and the message', async () => {
      const sessionArn = await pendingDisassociation();

      fake.deny(ACTION, 'Not during the freeze');

      expect((await get(fake)).body.MpaTeamAssociation).toEqual({
        Action: ACTION,
        MpaTeamArn: TEAM_A,
        AssociationState: 'ACTIVE',
        MpaStatus: { MpaSessionArn: sessionArn, Status: 'FAILED', InitiationDate: T0 / 1000, StatusMessage: 'Not during the freeze' },
      });
    });

    test('an expired disassociation returns to ACTIVE, FAILED, with a message saying so', async () => {
      await pendingDisassociation();

      fake.expire();

      const status = (await get(fake)).body.MpaTeamAssociation.MpaStatus;
      expect(status.Status).toBe('FAILED');
      expect(status.StatusMessage).toMatch(/expired/);
      expect(fake.sessions[0]).toMatchObject({ outcome: 'expired', statusCode: 'EXPIRED' });
    });

    test('a cancelled disassociation returns to ACTIVE with MpaStatus CANCELLED', async () => {
      await pendingDisassociation();

      fake.cancel();

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ AssociationState: 'ACTIVE', MpaStatus: { Status: 'CANCELLED' } });
    });

    test('a session expires by itself 24 hours after it started', async () => {
      await pendingDisassociation();

      fake.advanceTime(SESSION_LIFETIME_MS - 1);
      expect((await get(fake)).body.MpaTeamAssociation.AssociationState).toBe('DELETE_PENDING');
      fake.advanceTime(1);

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ AssociationState: 'ACTIVE', MpaStatus: { Status: 'FAILED' } });
    });

    test('with firstAssociation "approval" the first team waits: approve makes it ACTIVE/APPROVED', async () => {
      fake.setPolicy({ firstAssociation: 'approval' });

      const pending = await associate(fake);
      expect(pending.body.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING', MpaStatus: { Status: 'PENDING' } });
      fake.approve();

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ AssociationState: 'ACTIVE', MpaStatus: { Status: 'APPROVED' } });
    });

    test.each(['deny', 'expire'] as const)('with firstAssociation "approval", %s leaves no association', async resolution => {
      fake.setPolicy({ firstAssociation: 'approval' });
      await associate(fake);

      fake[resolution]();

      expect((await get(fake)).status).toBe(404);
    });

    test('with teamChange "approval" the current team approves the new one', async () => {
      fake.setPolicy({ teamChange: 'approval' });
      await associate(fake, TEAM_A);

      const pending = await associate(fake, TEAM_B);
      expect(pending.body.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'UPDATE_PENDING', MpaStatus: { Status: 'PENDING' } });
      expect(pending.body.MpaTeamAssociation.MpaStatus.MpaSessionArn).toContain(':session/team-a/');
      fake.approve();

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE', MpaStatus: { Status: 'APPROVED' } });
    });

    test('with teamChange "approval" a denial keeps the old team, MpaStatus FAILED', async () => {
      fake.setPolicy({ teamChange: 'approval' });
      await associate(fake, TEAM_A);
      await associate(fake, TEAM_B);

      fake.deny();

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({
        MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: { Status: 'FAILED', StatusMessage: expect.any(String) },
      });
    });

    test.each([
      ['Associate (same team)', () => associate(fake, TEAM_A)],
      ['Associate (other team)', () => associate(fake, TEAM_B)],
      ['Disassociate', () => disassociate(fake)],
    ])('%s while DELETE_PENDING is a 409 ConflictException', async (_, mutate) => {
      await pendingDisassociation();

      const answer = await mutate();

      expect(answer.status).toBe(409);
      expect(answer.body.__type).toBe('com.amazonaws.paymentcryptography#ConflictException');
      expect(fake.sessions).toHaveLength(1);
    });

    test('a mutating call while UPDATE_PENDING is a 409 ConflictException', async () => {
      fake.setPolicy({ firstAssociation: 'approval' });
      await associate(fake);

      expect((await disassociate(fake)).status).toBe(409);
      expect((await associate(fake)).status).toBe(409);
    });

    test('resolving when nothing is pending is a scripting error', () => {
      expect(() => fake.approve()).toThrow(/no approval session is pending/);
    });
  });

  describe('scripted resolution', () => {
    test('resolveAfterPolls: the n-th poll of the current session is the first to see the outcome', async () => {
      await associate(fake);
      await disassociate(fake);
      fake.resolveAfterPolls(3, 'approve');

      const states = [];
      for (let poll = 0; poll < 4; poll++) states.push((await get(fake)).body.MpaTeamAssociation?.AssociationState ?? 404);

      expect(states).toEqual(['DELETE_PENDING', 'DELETE_PENDING', 404, 404]);
    });

    test('resolveAfterPolls armed before the session binds to the next session', async () => {
      fake.resolveAfterPolls(1, 'deny');
      await associate(fake);
      expect((await get(fake)).body.MpaTeamAssociation.AssociationState).toBe('ACTIVE');

      await disassociate(fake);

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ AssociationState: 'ACTIVE', MpaStatus: { Status: 'FAILED' } });
    });

    test('resolveAfterPolls does not count refused or faulted polls', async () => {
      await associate(fake);
      await disassociate(fake);
      fake.resolveAfterPolls(1, 'approve');
      fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'throttling', times: 1 });

      expect((await get(fake)).status).toBe(429);
      expect((await callControlPlane(fake, 'GetMpaTeamAssociation', {}))).toMatchObject({ status: 400 });
      expect((await get(fake)).status).toBe(404);
    });

    test('resolveAfterMs resolves on the fake clock', async () => {
      await associate(fake);
      await disassociate(fake);
      fake.resolveAfterMs(60_000, 'expire');

      fake.advanceTime(59_999);
      expect(fake.association()?.AssociationState).toBe('DELETE_PENDING');
      fake.advanceTime(1);

      expect(fake.association()?.MpaStatus).toMatchObject({ Status: 'FAILED', StatusMessage: expect.stringMatching(/expired/) });
    });

    test('resolveAfterMs for the next session counts from its start', async () => {
      fake.resolveAfterMs(1_000, 'approve');
      fake.advanceTime(5_000);
      await associate(fake);
      await disassociate(fake);

      fake.advanceTime(999);
      expect(fake.association()?.AssociationState).toBe('DELETE_PENDING');
      fake.advanceTime(1);
      expect(fake.association()).toBeUndefined();
    });

    test('recordApproval counts approvers; reaching the threshold approves', async () => {
      await associate(fake);
      await disassociate(fake);

      fake.recordApproval();
      expect(fake.association()?.AssociationState).toBe('DELETE_PENDING');
      expect(fake.sessions[0].approvers.map(v => v.response)).toEqual(['APPROVED', 'NO_RESPONSE', 'NO_RESPONSE']);
      fake.recordApproval();

      expect(fake.association()).toBeUndefined();
      expect(fake.sessions[0].outcome).toBe('approved');
    });

    test('setAssociation mid-wait supersedes the pending session without applying it', async () => {
      await associate(fake);
      await disassociate(fake);

      fake.setAssociation(ACTION, { mpaTeamArn: TEAM_B, associationState: 'ACTIVE' });

      expect((await get(fake)).body.MpaTeamAssociation).toEqual({ Action: ACTION, MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });
      expect(fake.sessions[0]).toMatchObject({ status: 'CANCELLED', outcome: 'cancelled', statusMessage: expect.stringMatching(/out-of-band/) });
    });

    test('removeAssociation mid-wait makes Get a 404', async () => {
      await associate(fake);
      await disassociate(fake);

      fake.removeAssociation(ACTION);

      expect((await get(fake)).status).toBe(404);
      expect(() => fake.approve()).toThrow();
    });

    test('a seeded pending state has a session that can be resolved', async () => {
      fake.setAssociation(ACTION, { mpaTeamArn: TEAM_B, associationState: 'UPDATE_PENDING', previousTeamArn: TEAM_A });

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'UPDATE_PENDING', MpaStatus: { Status: 'PENDING' } });
      fake.deny();

      expect((await get(fake)).body.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: { Status: 'FAILED' } });
    });
  });

  describe('MPA GetSession', () => {
    test('answers with the session, its threshold and the approvals so far', async () => {
      await associate(fake);
      const sessionArn = (await callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION, RequesterComment: 'bye' })).body.MpaTeamAssociation.MpaStatus.MpaSessionArn;
      fake.recordApproval();

      const answer = await getSession(fake, sessionArn);

      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.body).toEqual({
        SessionArn: sessionArn,
        ApprovalTeamArn: TEAM_A,
        ApprovalTeamName: 'team-a',
        ApprovalStrategy: { MofN: { MinApprovalsRequired: 2 } },
        NumberOfApprovers: 3,
        InitiationTime: new Date(T0).toISOString(),
        ExpirationTime: new Date(T0 + SESSION_LIFETIME_MS).toISOString(),
        Status: 'PENDING',
        ActionName: 'DisassociateMpaTeam',
        RequesterServicePrincipal: 'payment-cryptography.amazonaws.com',
        RequesterPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/MpaTeamAssociationHandlerRole/handler',
        RequesterAccountId: '123456789012',
        RequesterRegion: 'us-east-1',
        RequesterComment: 'bye',
        ActionCompletionStrategy: 'AUTO_COMPLETION_UPON_APPROVAL',
        ApproverResponses: [
          { ApproverId: 'approver-1', Response: 'APPROVED', ResponseTime: new Date(T0).toISOString() },
          { ApproverId: 'approver-2', Response: 'NO_RESPONSE' },
          { ApproverId: 'approver-3', Response: 'NO_RESPONSE' },
        ],
      });
    });

    test('a finished session reports its completion, status code and message', async () => {
      await associate(fake);
      const sessionArn = (await disassociate(fake)).body.MpaTeamAssociation.MpaStatus.MpaSessionArn;
      fake.deny(ACTION, 'no');

      const answer = await getSession(fake, sessionArn);

      expect(answer.body).toMatchObject({ Status: 'FAILED', StatusCode: 'REJECTED', StatusMessage: 'no', CompletionTime: new Date(T0).toISOString() });
      expect(answer.body.ApproverResponses[0].Response).toBe('REJECTED');
    });

    test('approve() fills approvals up to the threshold', async () => {
      await associate(fake);
      const sessionArn = (await disassociate(fake)).body.MpaTeamAssociation.MpaStatus.MpaSessionArn;
      fake.approve();

      const responses = (await getSession(fake, sessionArn)).body.ApproverResponses.map((r: any) => r.Response);

      expect(responses).toEqual(['APPROVED', 'APPROVED', 'NO_RESPONSE']);
    });

    test('an unknown session is a 404 named in X-Amzn-ErrorType; a malformed ARN a 400', async () => {
      const unknown = await getSession(fake, 'arn:aws:mpa:us-east-1:111122223333:session/team-a/nope');
      const malformed = await getSession(fake, 'not-an-arn');

      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
      expect(unknown.body).toEqual({ Message: expect.any(String) });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('x-amzn-errortype')).toBe('ValidationException');
    });
  });

  describe('fault injection', () => {
    test.each([
      ['throttling', 429, 'ThrottlingException'],
      ['internal', 500, 'InternalServerException'],
      ['unavailable', 503, 'ServiceUnavailableException'],
      ['accessDenied', 403, 'AccessDeniedException'],
      ['validation', 400, 'ValidationException'],
      ['quota', 402, 'ServiceQuotaExceededException'],
      ['conflict', 409, 'ConflictException'],
    ] as const)('%s answers %i %s and applies nothing', async (kind, status, errorName) => {
      fake.injectFault({ operation: 'AssociateMpaTeam', kind });

      const answer = await associate(fake);

      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ __type: `com.amazonaws.paymentcryptography#${errorName}`, Message: expect.any(String) });
      expect(fake.association()).toBeUndefined();
      expect(fake.requests.at(-1)).toMatchObject({ operation: 'AssociateMpaTeam', status, errorName, fault: kind });
    });

    test('a fault applies only to its operation, `times` times; "*" matches every operation', async () => {
      fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'throttling', times: 2 });

      expect((await associate(fake)).status).toBe(200);
      expect([(await get(fake)).status, (await get(fake)).status, (await get(fake)).status]).toEqual([429, 429, 200]);

      fake.injectFault({ operation: '*', kind: 'internal' });
      expect([(await get(fake)).status, (await disassociate(fake)).status]).toEqual([500, 500]);
      fake.clearFaults();
      expect((await get(fake)).status).toBe(200);
    });

    test.each([
      ['bare', 'ThrottlingException', undefined],
      ['header', undefined, 'ThrottlingException'],
      ['header-with-suffix', undefined, 'ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.paymentcryptography/'],
    ] as const)('errorNameStyle %s', async (errorNameStyle, bodyType, header) => {
      fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'throttling', errorNameStyle });

      const answer = await get(fake);

      expect(answer.body.__type).toBe(bodyType);
      expect(answer.body.Message).toBe('Rate exceeded');
      expect(answer.headers.get('x-amzn-errortype') ?? undefined).toBe(header);
    });

    test('slow answers normally after delayMs', async () => {
      await associate(fake);
      fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'slow', delayMs: 150 });

      const started = Date.now();
      const answer = await get(fake);

      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(answer.status).toBe(200);
    });

    test('slow does not apply a request whose client gave up', async () => {
      fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'slow', delayMs: 300 });

      await expect(callControlPlane(fake, 'AssociateMpaTeam', { Action: ACTION, MpaTeamArn: TEAM_A }, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
      await new Promise(resolve => setTimeout(resolve, 400));

      expect(fake.association()).toBeUndefined();
      expect(fake.requests).toEqual([expect.objectContaining({ operation: 'AssociateMpaTeam', status: 0, fault: 'slow' })]);
    });

    test('drop closes the connection unanswered and applies nothing', async () => {
      fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'drop', times: 1 });

      await expect(associate(fake)).rejects.toThrow();

      expect(fake.association()).toBeUndefined();
      expect(fake.requests.at(-1)).toMatchObject({ status: 0, fault: 'drop' });
    });

    test('hangup-after-commit applies the mutation, then closes the connection unanswered', async () => {
      await associate(fake);
      fake.injectFault({ operation: 'DisassociateMpaTeam', kind: 'hangup-after-commit', times: 1 });

      await expect(disassociate(fake)).rejects.toThrow();

      expect(fake.association()?.AssociationState).toBe('DELETE_PENDING');
      expect((await disassociate(fake)).status).toBe(409);
    });

    test('faults reach the MPA route too, named in the header by default', async () => {
      fake.injectFault({ operation: 'GetSession', kind: 'throttling' });

      const answer = await getSession(fake, 'arn:aws:mpa:us-east-1:111122223333:session/team-a/x');

      expect(answer.status).toBe(429);
      expect(answer.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    });

    test('a seeded storm replays the same faults for the same seed', async () => {
      const storm = async (seed: number) => {
        fake.reset();
        fake.randomFaults({ seed, rate: 0.4, kinds: ['throttling', 'internal', 'unavailable'] });
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await get(fake)).status);
        return statuses;
      };

      const first = await storm(7);
      const again = await storm(7);
      const other = await storm(8);

      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
      expect(new Set(first)).toEqual(new Set([404, 429, 500, 503]));
      const faulted = first.filter(status => status !== 404).length;
      expect(faulted).toBeGreaterThan(5);
      expect(faulted).toBeLessThan(30);
    });

    test('a storm hits only the operations it names', async () => {
      fake.randomFaults({ seed: 1, rate: 1, kinds: ['throttling'], operations: ['DisassociateMpaTeam'] });

      expect((await associate(fake)).status).toBe(200);
      expect((await get(fake)).status).toBe(200);
      expect((await disassociate(fake)).status).toBe(429);
    });
  });

  describe('observability', () => {
    test('requests, callCount, mutatingCalls and sessions tell what happened', async () => {
      await associate(fake);
      await get(fake);
      await disassociate(fake);
      fake.approve();
      await get(fake);

      expect(fake.requests.map(r => [r.operation, r.status, r.errorName])).toEqual([
        ['AssociateMpaTeam', 200, undefined],
        ['GetMpaTeamAssociation', 200, undefined],
        ['DisassociateMpaTeam', 200, undefined],
        ['GetMpaTeamAssociation', 404, 'ResourceNotFoundException'],
      ]);
      expect(fake.requests[0]).toEqual({ operation: 'AssociateMpaTeam', input: { Action: ACTION, MpaTeamArn: TEAM_A }, status: 200, at: T0, accessKeyId: 'AKIDEXAMPLE' });
      expect(fake.callCount('GetMpaTeamAssociation')).toBe(2);
      expect(fake.mutatingCalls().map(r => r.operation)).toEqual(['AssociateMpaTeam', 'DisassociateMpaTeam']);
      expect(fake.sessions.map(s => [s.kind, s.outcome])).toEqual([['disassociate', 'approved']]);
    });
  });
});

describe('FakeControlPlane options', () => {
  const started: FakeControlPlane[] = [];
  const start = async (options: FakeControlPlaneOptions) => {
    const fake = await FakeControlPlane.start({ clock: () => T0, ...options });
    started.push(fake);
    return fake;
  };
  afterAll(async () => {
    await Promise.all(started.map(fake => fake.stop()));
  });

  test.each([
    ['bare', { __type: 'ResourceNotFoundException', ResourceId: ACTION }, null],
    ['header', { ResourceId: ACTION }, 'ResourceNotFoundException'],
  ] as const)('errorNameStyle %s applies to the service\'s own errors', async (errorNameStyle, body, header) => {
    const fake = await start({ errorNameStyle });

    const answer = await get(fake);

    expect(answer.body).toEqual(body);
    expect(answer.headers.get('x-amzn-errortype')).toBe(header);
  });

  test('session ARNs name the approving team\'s region; policies and threshold come from options', async () => {
    const fake = await start({ region: 'eu-west-1', firstAssociation: 'approval', approvalThreshold: 3, numberOfApprovers: 5 });

    const pending = await associate(fake, 'arn:aws:mpa:eu-west-1:444455556666:approval-team/ops');
    const sessionArn = pending.body.MpaTeamAssociation.MpaStatus.MpaSessionArn;
    const session = await getSession(fake, sessionArn);

    expect(pending.status).toBe(200);
    expect(sessionArn).toMatch(/^arn:aws:mpa:eu-west-1:444455556666:session\/ops\//);
    expect(session.body).toMatchObject({ ApprovalStrategy: { MofN: { MinApprovalsRequired: 3 } }, NumberOfApprovers: 5 });
  });

  test('sessionTimestampFormat "epoch-seconds" sends GetSession times as numbers', async () => {
    const fake = await start({ sessionTimestampFormat: 'epoch-seconds' });
    await associate(fake);
    const sessionArn = (await disassociate(fake)).body.MpaTeamAssociation.MpaStatus.MpaSessionArn;

    const session = await getSession(fake, sessionArn);

    expect(session.body.InitiationTime).toBe(T0 / 1000);
    expect(session.body.ExpirationTime).toBe((T0 + SESSION_LIFETIME_MS) / 1000);
  });

  test('stop() closes idle keep-alive connections and pending slow answers', async () => {
    const fake = await FakeControlPlane.start();
    const agent = new http.Agent({ keepAlive: true });
    const post = () => new Promise<number>((resolve, reject) => {
      const req = http.request(`${fake.endpoint}/`, {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'PaymentCryptographyControlPlane.GetMpaTeamAssociation',
          ...sigV4ShapedHeaders('payment-cryptography', 'us-east-1'),
        },
      }, res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ Action: ACTION }));
    });
    expect(await post()).toBe(404);
    fake.injectFault({ operation: '*', kind: 'slow', delayMs: 60_000 });
    const hanging = post().then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);

    await new Promise(resolve => setTimeout(resolve, 50));
    const stopStarted = Date.now();
    await fake.stop();

    expect(Date.now() - stopStarted).toBeLessThan(1000);
    expect(await hanging).toBe('ECONNRESET');
    agent.destroy();
  });
});
