/**
 * MPA's REST API as the fake serves it, in MPA's own region: GetSession (with the
 * requester), CancelSession, GetApprovalTeam and the team states AssociateMpaTeam
 * depends on. MPA has no client on the registry, so these go out as signed-shape raw HTTP.
 */
import { ValidationException, type PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { FakeControlPlane, sigV4ShapedHeaders } from './fake-control-plane';
import {
  ACTION, callControlPlane, cancelSession, getApprovalTeam, getSession, paymentCryptographyClient, rejection, TEAM_A, TEAM_B,
} from './wire-test-clients';
import { AssociateMpaTeamCommand, sendMpaCommand } from '../../lambda/aws/payment-cryptography-mpa-commands';

const HANDLER_ROLE = 'arn:aws:sts::123456789012:assumed-role/MpaTeamAssociationHandlerRole/handler';

describe('MPA in its own region', () => {
  let fake: FakeControlPlane;
  beforeAll(async () => { fake = await FakeControlPlane.start({ region: 'eu-west-1' }); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());

  test('MPA defaults to us-east-1 while the control plane serves its own region', () => {
    expect([fake.region, fake.mpaRegion]).toEqual(['eu-west-1', 'us-east-1']);
  });

  test.each([
    ['GetSession', () => getSession(fake, 'arn:aws:mpa:us-east-1:111122223333:session/team-a/x', { region: 'eu-west-1' })],
    ['CancelSession', () => cancelSession(fake, 'arn:aws:mpa:us-east-1:111122223333:session/team-a/x', { region: 'eu-west-1' })],
    ['GetApprovalTeam', () => getApprovalTeam(fake, TEAM_A, { region: 'eu-west-1' })],
  ])('%s signed for the Lambda\'s region is refused with a message naming MPA\'s region', async (operation, call) => {
    const answer = await call();

    expect(answer.status).toBe(403);
    expect(answer.body.__type).toBe('com.amazon.coral.service#InvalidSignatureException');
    expect(answer.body.Message).toContain("'us-east-1'");
    expect(answer.body.Message).toContain("'eu-west-1'");
    expect(fake.requests.at(-1)).toMatchObject({ operation, status: 403, errorName: 'InvalidSignatureException' });
  });

  test('the control plane still wants its own region, not MPA\'s', async () => {
    const answer = await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers: sigV4ShapedHeaders('payment-cryptography', 'us-east-1') });

    expect(answer.status).toBe(403);
    expect(answer.body.Message).toContain("'eu-west-1'");
  });

  test('an MPA request signed for another service is refused', async () => {
    const answer = await getApprovalTeam(fake, TEAM_A, { headers: sigV4ShapedHeaders('payment-cryptography', 'us-east-1') });

    expect(answer.status).toBe(403);
    expect(answer.body.Message).toContain("'mpa'");
  });

  test('GetSession names the control plane\'s region as RequesterRegion', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const sessionArn = (await callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION }, { headers: sigV4ShapedHeaders('payment-cryptography', 'eu-west-1') }))
      .body.MpaTeamAssociation!.MpaStatus.MpaSessionArn;

    expect((await getSession(fake, sessionArn)).body.RequesterRegion).toBe('eu-west-1');
  });
});

describe('option mpaRegion', () => {
  test('moves MPA to another region', async () => {
    const fake = await FakeControlPlane.start({ mpaRegion: 'us-west-2' });
    try {
      expect((await getApprovalTeam(fake, TEAM_A, { region: 'us-west-2' })).status).toBe(200);
      expect((await getApprovalTeam(fake, TEAM_A, { region: 'us-east-1' })).status).toBe(403);
    } finally {
      await fake.stop();
    }
  });
});

describe('MPA API', () => {
  let fake: FakeControlPlane;
  let client: PaymentCryptographyClient;
  beforeAll(async () => {
    fake = await FakeControlPlane.start();
    client = paymentCryptographyClient(fake);
  });
  afterAll(async () => {
    client.destroy();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  const disassociate = async () => (await callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION })).body.MpaTeamAssociation;
  const pendingDisassociation = async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    return (await disassociate()).MpaStatus.MpaSessionArn as string;
  };

  describe('GetSession requester', () => {
    test('a session opened by a control-plane call names the handler\'s role, its account and the operation', async () => {
      const sessionArn = await pendingDisassociation();

      const session = (await getSession(fake, sessionArn)).body;

      expect(session).toMatchObject({
        RequesterPrincipalArn: HANDLER_ROLE,
        RequesterAccountId: '123456789012',
        ActionName: 'DisassociateMpaTeam',
        RequesterServicePrincipal: 'payment-cryptography.amazonaws.com',
      });
    });

    test('an Associate session names AssociateMpaTeam', async () => {
      fake.setWorld({ firstAssociation: 'approval' });
      const sessionArn = (await callControlPlane(fake, 'AssociateMpaTeam', { Action: ACTION, MpaTeamArn: TEAM_A })).body.MpaTeamAssociation!.MpaStatus.MpaSessionArn;

      expect((await getSession(fake, sessionArn)).body.ActionName).toBe('AssociateMpaTeam');
    });

    test('a session seeded out of band names someone else, or the requester the seed gives', async () => {
      fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
      const seeded = fake.sessions[0].sessionArn;
      fake.setAssociation(ACTION, {
        mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING', requesterPrincipalArn: 'arn:aws:iam::444455556666:user/alice',
      });
      const named = fake.sessions[1].sessionArn;

      const first = (await getSession(fake, seeded)).body;
      const second = (await getSession(fake, named)).body;

      expect(first.RequesterPrincipalArn).not.toBe(HANDLER_ROLE);
      expect(first.RequesterPrincipalArn).toMatch(/^arn:aws:sts::123456789012:assumed-role\//);
      expect(second).toMatchObject({ RequesterPrincipalArn: 'arn:aws:iam::444455556666:user/alice', RequesterAccountId: '444455556666' });
    });

    test('options name both requesters', async () => {
      const other = await FakeControlPlane.start({
        requesterPrincipalArn: 'arn:aws:sts::210987654321:assumed-role/Custom/handler',
        outOfBandRequesterPrincipalArn: 'arn:aws:iam::210987654321:user/bob',
      });
      try {
        other.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
        other.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
        await callControlPlane(other, 'DisassociateMpaTeam', { Action: ACTION });

        expect(other.sessions.map(s => s.requesterPrincipalArn)).toEqual([
          'arn:aws:iam::210987654321:user/bob', 'arn:aws:sts::210987654321:assumed-role/Custom/handler',
        ]);
      } finally {
        await other.stop();
      }
    });
  });

  describe('CancelSession', () => {
    test('cancels a pending session: 200 with an empty body, the association back to ACTIVE with MpaStatus CANCELLED', async () => {
      const sessionArn = await pendingDisassociation();

      const answer = await cancelSession(fake, sessionArn);

      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
      expect(fake.sessions[0]).toMatchObject({ status: 'CANCELLED', outcome: 'cancelled', statusMessage: expect.stringMatching(/cancelled/) });
      expect(fake.association()).toMatchObject({
        AssociationState: 'ACTIVE', MpaStatus: { MpaSessionArn: sessionArn, Status: 'CANCELLED', StatusMessage: expect.any(String) },
      });
      expect((await getSession(fake, sessionArn)).body).toMatchObject({ Status: 'CANCELLED', CompletionTime: expect.any(String) });
    });

    test('in world endedSessionLeaves "nothing" a cancellation leaves the association exactly as before', async () => {
      fake.setWorld({ endedSessionLeaves: 'nothing' });
      fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
      const before = fake.association();
      const sessionArn = (await disassociate()).MpaStatus.MpaSessionArn;

      await cancelSession(fake, sessionArn);

      expect(fake.association()).toEqual(before);
    });

    test('a cancelled first association leaves nothing associated', async () => {
      fake.setWorld({ firstAssociation: 'approval' });
      const sessionArn = (await callControlPlane(fake, 'AssociateMpaTeam', { Action: ACTION, MpaTeamArn: TEAM_A })).body.MpaTeamAssociation!.MpaStatus.MpaSessionArn;

      await cancelSession(fake, sessionArn);

      expect(fake.association()).toBeUndefined();
    });

    test.each([
      ['already cancelled', () => fake.cancel()],
      ['approved', () => fake.approve()],
      ['denied', () => fake.deny()],
    ])('a session %s answers 409 ConflictException, named in X-Amzn-ErrorType', async (_, end) => {
      const sessionArn = await pendingDisassociation();
      end();
      const before = fake.association();

      const answer = await cancelSession(fake, sessionArn);

      expect(answer.status).toBe(409);
      expect(answer.headers.get('x-amzn-errortype')).toBe('ConflictException');
      expect(answer.body).toEqual({ Message: expect.stringContaining(sessionArn) });
      expect(fake.association()).toEqual(before);
    });

    test('MPA behaviours its model leaves open: a CancelSession that answers 200 without effect; a pending session reported with another status', async () => {
      const sessionArn = await pendingDisassociation();
      fake.setMpaBehaviour({ cancelEffect: 'none', pendingStatusReportedAs: 'AWAITING_QUORUM' });

      expect((await cancelSession(fake, sessionArn)).status).toBe(200);
      expect(fake.sessions[0].outcome).toBeUndefined();
      expect((await getSession(fake, sessionArn)).body).toMatchObject({ Status: 'AWAITING_QUORUM' });
      fake.approve();
      expect((await getSession(fake, sessionArn)).body).toMatchObject({ Status: 'APPROVED' });
      fake.reset();
      expect((await cancelSession(fake, await pendingDisassociation())).status).toBe(200);
      expect(fake.sessions[0].outcome).toBe('cancelled');
    });

    test('with repeatCancel "success" cancelling a cancelled session again is a 200 no-op; an approved one still conflicts', async () => {
      const other = await FakeControlPlane.start({ repeatCancel: 'success' });
      try {
        other.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
        const cancelled = other.sessions[0].sessionArn;
        await cancelSession(other, cancelled);
        other.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
        other.approve();
        const approved = other.sessions[1].sessionArn;

        expect((await cancelSession(other, cancelled)).status).toBe(200);
        expect((await cancelSession(other, approved)).status).toBe(409);
      } finally {
        await other.stop();
      }
    });

    test('an unknown session is a 404, a malformed ARN a 400', async () => {
      const unknown = await cancelSession(fake, 'arn:aws:mpa:us-east-1:111122223333:session/team-a/nope');
      const malformed = await cancelSession(fake, 'arn:aws:mpa:us-east-1:111122223333:approval-team/team-a');

      expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
      expect([malformed.status, malformed.headers.get('x-amzn-errortype')]).toEqual([400, 'ValidationException']);
      expect(malformed.body.Message).toContain("'SessionArn'");
    });

    test('is recorded like every request, and faults by its operation name reach it', async () => {
      const sessionArn = await pendingDisassociation();
      fake.injectFault({ operation: 'CancelSession', kind: 'throttling', times: 1 });

      const throttled = await cancelSession(fake, sessionArn);
      const cancelled = await cancelSession(fake, sessionArn);

      expect([throttled.status, cancelled.status]).toEqual([429, 200]);
      expect(fake.requests.filter(r => r.operation === 'CancelSession')).toEqual([
        expect.objectContaining({ input: { SessionArn: sessionArn }, status: 429, errorName: 'ThrottlingException', fault: 'throttling' }),
        expect.objectContaining({ input: { SessionArn: sessionArn }, status: 200 }),
      ]);
    });
  });

  describe('GetApprovalTeam', () => {
    test('a team nobody scripted is ACTIVE with three ACCEPTED approvers, members as in the MPA model', async () => {
      const answer = await getApprovalTeam(fake, TEAM_A);

      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.body).toEqual({
        CreationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        ApprovalStrategy: { MofN: { MinApprovalsRequired: 2 } },
        NumberOfApprovers: 3,
        Approvers: [1, 2, 3].map(i => ({
          ApproverId: `approver-${i}`,
          PrimaryIdentityId: `identity-${i}`,
          PrimaryIdentitySourceArn: expect.stringMatching(/^arn:aws:mpa:us-east-1:111122223333:identity-source\//),
          PrimaryIdentityStatus: 'ACCEPTED',
          ResponseTime: expect.any(String),
        })),
        Arn: TEAM_A,
        Description: expect.any(String),
        Name: 'team-a',
        Status: 'ACTIVE',
        VersionId: '1',
        LastUpdateTime: expect.any(String),
      });
    });

    test('setTeam scripts the status, code, message and each approver\'s invitation state', async () => {
      fake.setTeam(TEAM_A, {
        status: 'PENDING',
        statusCode: 'PENDING_ACTIVATION',
        statusMessage: 'Waiting for approvers to accept their invitations.',
        approvers: [
          { primaryIdentityId: 'alice', status: 'ACCEPTED' },
          { primaryIdentityId: 'bob', status: 'PENDING' },
          { primaryIdentityId: 'carol', status: 'REJECTED' },
          { primaryIdentityId: 'dave', status: 'INVALID' },
        ],
      });

      const team = (await getApprovalTeam(fake, TEAM_A)).body;

      expect(team).toMatchObject({ Status: 'PENDING', StatusCode: 'PENDING_ACTIVATION', StatusMessage: expect.stringMatching(/invitations/), NumberOfApprovers: 4 });
      expect(team.Approvers.map((a: any) => [a.PrimaryIdentityId, a.PrimaryIdentityStatus])).toEqual([
        ['alice', 'ACCEPTED'], ['bob', 'PENDING'], ['carol', 'REJECTED'], ['dave', 'INVALID'],
      ]);
      expect(team.Approvers[1].ResponseTime).toBeUndefined();
    });

    test('activateTeam makes it ACTIVE with every approver ACCEPTED', async () => {
      fake.setTeam(TEAM_A, { status: 'PENDING', statusCode: 'PENDING_ACTIVATION', approvers: [{ primaryIdentityId: 'bob', status: 'PENDING' }] });

      fake.activateTeam(TEAM_A);

      expect((await getApprovalTeam(fake, TEAM_A)).body).toMatchObject({
        Status: 'ACTIVE', Approvers: [{ PrimaryIdentityId: 'bob', PrimaryIdentityStatus: 'ACCEPTED' }],
      });
      expect((await getApprovalTeam(fake, TEAM_A)).body.StatusCode).toBeUndefined();
    });

    test('a deleted team is a 404 ResourceNotFoundException with a Message', async () => {
      fake.deleteTeam(TEAM_A);

      const answer = await getApprovalTeam(fake, TEAM_A);

      expect(answer.status).toBe(404);
      expect(answer.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
      expect(answer.body).toEqual({ Message: expect.stringContaining(TEAM_A) });
      expect(fake.team(TEAM_A)).toBeUndefined();
    });

    test('a malformed team ARN is a 400 ValidationException naming Arn', async () => {
      const answer = await getApprovalTeam(fake, 'arn:aws:mpa:us-east-1:111122223333:session/team-a/x');

      expect(answer.status).toBe(400);
      expect(answer.body.Message).toContain("'Arn'");
    });

    test('timestamps follow sessionTimestampFormat', async () => {
      const other = await FakeControlPlane.start({ sessionTimestampFormat: 'epoch-seconds' });
      try {
        expect(typeof (await getApprovalTeam(other, TEAM_A)).body.CreationTime).toBe('number');
      } finally {
        await other.stop();
      }
    });
  });

  describe('AssociateMpaTeam and the team\'s state (inferred: ValidationException)', () => {
    const associate = (team: string) => sendMpaCommand(client, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: team }));

    test.each([
      ['PENDING', { status: 'PENDING', statusCode: 'PENDING_ACTIVATION' }],
      ['INACTIVE', { status: 'INACTIVE' }],
      ['DELETING', { status: 'DELETING' }],
    ] as const)('a %s team is refused with a ValidationException naming the team and its status', async (status, script) => {
      fake.setTeam(TEAM_B, script);

      const error = await rejection(associate(TEAM_B));

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain(TEAM_B);
      expect(error.message).toContain(status);
      expect(fake.association()).toBeUndefined();
    });

    test('a deleted team is refused with a ValidationException', async () => {
      fake.deleteTeam(TEAM_B);

      expect(await rejection(associate(TEAM_B))).toBeInstanceOf(ValidationException);
    });

    test('once activated, the team can be associated', async () => {
      fake.setTeam(TEAM_B, { status: 'PENDING' });
      fake.activateTeam(TEAM_B);

      expect((await associate(TEAM_B)).MpaTeamAssociation!.MpaTeamArn).toBe(TEAM_B);
    });
  });
});
