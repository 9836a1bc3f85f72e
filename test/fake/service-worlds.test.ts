/**
 * Every value of every world dimension, on the wire: through the real 3.882.0 client with
 * the hand-added MPA commands where they can read the answer, raw HTTP where the exact
 * body is the point (or the commands cannot parse it, e.g. an empty `{}`).
 */
import { ConflictException, ResourceNotFoundException, type PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { DEFAULT_WORLD, FakeControlPlane, WORLDS, worldName, type ServiceWorld } from './fake-control-plane';
import {
  ACTION, callControlPlane, getSession, paymentCryptographyClient, rejection, TEAM_A, TEAM_B,
} from './wire-test-clients';
import {
  AssociateMpaTeamCommand, DisassociateMpaTeamCommand, GetMpaTeamAssociationCommand, sendMpaCommand,
} from '../../lambda/aws/payment-cryptography-mpa-commands';

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

const associate = (team = TEAM_A) => sendMpaCommand(client, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: team }));
const disassociate = () => sendMpaCommand(client, new DisassociateMpaTeamCommand({ Action: ACTION }));
const get = () => sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION }));
const rawGet = () => callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION });
const rawDisassociate = () => callControlPlane(fake, 'DisassociateMpaTeam', { Action: ACTION });
const activeTeamA = () => fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });

describe('choosing a world', () => {
  test('the start option moves only the dimensions it names; reset() returns to it', async () => {
    const other = await FakeControlPlane.start({ world: { getWhenNone: 'empty-success' } });
    try {
      expect(other.world).toEqual({ ...DEFAULT_WORLD, getWhenNone: 'empty-success' });
      other.setWorld({ vocabulary: 'extended' });
      expect(other.world).toEqual({ ...DEFAULT_WORLD, getWhenNone: 'empty-success', vocabulary: 'extended' });
      other.reset();
      expect(other.world).toEqual({ ...DEFAULT_WORLD, getWhenNone: 'empty-success' });
    } finally {
      await other.stop();
    }
  });

  test('the first version\'s teamChange option and setPolicy() map onto otherTeamWhileActive', async () => {
    const other = await FakeControlPlane.start({ teamChange: 'approval', firstAssociation: 'approval' });
    try {
      expect(other.world).toMatchObject({ otherTeamWhileActive: 'approval', firstAssociation: 'approval' });
      other.setPolicy({ teamChange: 'conflict' });
      expect(other.world.otherTeamWhileActive).toBe('conflict');
    } finally {
      await other.stop();
    }
  });

  test('an explicit world overrides the first version\'s options', async () => {
    const other = await FakeControlPlane.start({ teamChange: 'approval', world: { otherTeamWhileActive: 'immediate' } });
    try {
      expect(other.world.otherTeamWhileActive).toBe('immediate');
    } finally {
      await other.stop();
    }
  });

  test.each(WORLDS.map(world => [worldName(world), world] as const))('in world %s a team can be associated and removed again', async (_, world: ServiceWorld) => {
    fake.setWorld(world);

    const associated = await associate();
    if (associated.MpaTeamAssociation!.AssociationState !== 'ACTIVE') fake.approve();
    await disassociate();
    fake.approve();
    const after = await rawGet();

    expect(fake.sessions.every(session => session.outcome === 'approved')).toBe(true);
    expect(after.body?.MpaTeamAssociation).toBeUndefined();
    expect([200, 404]).toContain(after.status);
  });
});

describe('firstAssociation', () => {
  test('immediate: the first team is ACTIVE at once, without MpaStatus or session', async () => {
    fake.setWorld({ firstAssociation: 'immediate' });

    const output = await associate();

    expect(output.MpaTeamAssociation).toEqual({ Action: ACTION, MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: undefined });
    expect(fake.sessions).toEqual([]);
  });

  test('approval: the first team is UPDATE_PENDING until the new team approves', async () => {
    fake.setWorld({ firstAssociation: 'approval' });

    const pending = await associate();
    fake.approve();
    const after = await get();

    expect(pending.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING', MpaStatus: { Status: 'PENDING' } });
    expect(fake.sessions).toEqual([expect.objectContaining({ kind: 'associate', approvalTeamArn: TEAM_A })]);
    expect(after.MpaTeamAssociation).toMatchObject({ AssociationState: 'ACTIVE', MpaStatus: { Status: 'APPROVED' } });
  });
});

describe('otherTeamWhileActive', () => {
  beforeEach(activeTeamA);

  test('conflict: another team is refused with ConflictException, the current one stays', async () => {
    fake.setWorld({ otherTeamWhileActive: 'conflict' });

    const error = await rejection(associate(TEAM_B));

    expect(error).toBeInstanceOf(ConflictException);
    expect(fake.association()?.MpaTeamArn).toBe(TEAM_A);
  });

  test('approval: the new team is UPDATE_PENDING until the current team approves', async () => {
    fake.setWorld({ otherTeamWhileActive: 'approval' });

    const pending = await associate(TEAM_B);

    expect(pending.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'UPDATE_PENDING', MpaStatus: { Status: 'PENDING' } });
    expect(fake.sessions).toEqual([expect.objectContaining({ kind: 'change-team', approvalTeamArn: TEAM_A, requestedTeamArn: TEAM_B })]);
  });

  test('immediate: the new team is ACTIVE at once, without a session', async () => {
    fake.setWorld({ otherTeamWhileActive: 'immediate' });

    const output = await associate(TEAM_B);

    expect(output.MpaTeamAssociation).toEqual({ Action: ACTION, MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE', MpaStatus: undefined });
    expect(fake.sessions).toEqual([]);
  });
});

describe('sameTeamWhileActive', () => {
  beforeEach(activeTeamA);

  test('unchanged: the active association is the answer, no session', async () => {
    fake.setWorld({ sameTeamWhileActive: 'unchanged' });

    const output = await associate(TEAM_A);

    expect(output.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(fake.sessions).toEqual([]);
  });

  test('conflict: associating the active team again is a ConflictException', async () => {
    fake.setWorld({ sameTeamWhileActive: 'conflict' });

    const error = await rejection(associate(TEAM_A));

    expect(error).toBeInstanceOf(ConflictException);
    expect(fake.association()).toEqual({ Action: ACTION, MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });

  test('approval: a new session, UPDATE_PENDING of the same team, that the team approves', async () => {
    fake.setWorld({ sameTeamWhileActive: 'approval' });

    const pending = await associate(TEAM_A);
    fake.approve();

    expect(pending.MpaTeamAssociation).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'UPDATE_PENDING', MpaStatus: { Status: 'PENDING' } });
    expect(fake.sessions).toEqual([expect.objectContaining({ kind: 'reassociate', approvalTeamArn: TEAM_A, requestedTeamArn: TEAM_A })]);
    expect(fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: { Status: 'APPROVED' } });
  });

  test('approval: a denial leaves the same team ACTIVE', async () => {
    fake.setWorld({ sameTeamWhileActive: 'approval' });
    await associate(TEAM_A);

    fake.deny();

    expect(fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: { Status: 'FAILED' } });
  });
});

describe('callWhilePending', () => {
  const pendingFirstAssociation = async () => {
    fake.setWorld({ firstAssociation: 'approval' });
    return (await associate(TEAM_A)).MpaTeamAssociation;
  };
  const pendingDisassociation = async () => {
    activeTeamA();
    return (await disassociate()).MpaTeamAssociation;
  };

  test('conflict: Associate of the same team while it is UPDATE_PENDING is a ConflictException', async () => {
    await pendingFirstAssociation();

    expect(await rejection(associate(TEAM_A))).toBeInstanceOf(ConflictException);
  });

  test('idempotent: Associate of the same team while UPDATE_PENDING returns the pending association and its session', async () => {
    fake.setWorld({ callWhilePending: 'idempotent' });
    const pending = await pendingFirstAssociation();

    const again = await associate(TEAM_A);

    expect(again.MpaTeamAssociation).toEqual(pending);
    expect(fake.sessions).toHaveLength(1);
  });

  test('idempotent: Disassociate while DELETE_PENDING returns the pending association and its session', async () => {
    fake.setWorld({ callWhilePending: 'idempotent' });
    const pending = await pendingDisassociation();

    const again = await disassociate();

    expect(again.MpaTeamAssociation).toEqual(pending);
    expect(fake.sessions).toHaveLength(1);
  });

  test.each([
    ['Associate of another team while UPDATE_PENDING', pendingFirstAssociation, () => associate(TEAM_B)],
    ['Disassociate while UPDATE_PENDING', pendingFirstAssociation, disassociate],
    ['Associate while DELETE_PENDING', pendingDisassociation, () => associate(TEAM_A)],
  ])('idempotent: %s still conflicts', async (_, arrange, call) => {
    fake.setWorld({ callWhilePending: 'idempotent' });
    await arrange();

    expect(await rejection(call())).toBeInstanceOf(ConflictException);
    expect(fake.sessions).toHaveLength(1);
  });
});

describe('getWhenNone', () => {
  test('not-found: Get and Disassociate answer 404 with ResourceId and no Message', async () => {
    fake.setWorld({ getWhenNone: 'not-found' });

    const read = await rawGet();
    const removed = await rawDisassociate();

    for (const answer of [read, removed]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ __type: 'com.amazonaws.paymentcryptography#ResourceNotFoundException', ResourceId: ACTION });
    }
  });

  test('not-found-without-resource-id: Get and Disassociate answer 404 with a Message only', async () => {
    fake.setWorld({ getWhenNone: 'not-found-without-resource-id' });

    const read = await rawGet();
    const removed = await rawDisassociate();

    for (const answer of [read, removed]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ __type: 'com.amazonaws.paymentcryptography#ResourceNotFoundException', Message: expect.stringContaining(ACTION) });
    }
  });

  test('not-found-without-resource-id: the SDK raises ResourceNotFoundException with that message', async () => {
    fake.setWorld({ getWhenNone: 'not-found-without-resource-id' });

    const error = await rejection(get());

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toContain(ACTION);
    expect(error.ResourceId).toBeUndefined();
  });

  test('empty-success: Get answers 200 with an empty object', async () => {
    fake.setWorld({ getWhenNone: 'empty-success' });

    const answer = await rawGet();

    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{}');
  });

  test('empty-success: Disassociate, having nothing to return, answers 404 with a Message only', async () => {
    fake.setWorld({ getWhenNone: 'empty-success' });

    const answer = await rawDisassociate();

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ __type: 'com.amazonaws.paymentcryptography#ResourceNotFoundException', Message: expect.any(String) });
  });
});

describe('endedSessionLeaves', () => {
  test('status: a denied disassociation leaves ACTIVE with MpaStatus FAILED and a StatusMessage', async () => {
    fake.setWorld({ endedSessionLeaves: 'status' });
    activeTeamA();
    await disassociate();

    fake.deny(ACTION, 'not now');

    expect((await get()).MpaTeamAssociation).toMatchObject({ AssociationState: 'ACTIVE', MpaStatus: { Status: 'FAILED', StatusMessage: 'not now' } });
  });

  test.each(['deny', 'expire', 'cancel'] as const)('nothing: a disassociation that ends by %s leaves the association exactly as before', async resolution => {
    fake.setWorld({ endedSessionLeaves: 'nothing' });
    activeTeamA();
    const before = fake.association();
    await disassociate();

    fake[resolution]();

    expect(fake.association()).toEqual(before);
    expect((await get()).MpaTeamAssociation!.MpaStatus).toBeUndefined();
  });

  test('nothing: a denied team change restores the old team with the MpaStatus it had before the call', async () => {
    fake.setWorld({ endedSessionLeaves: 'nothing', otherTeamWhileActive: 'approval' });
    fake.setAssociation(ACTION, {
      mpaTeamArn: TEAM_A,
      associationState: 'ACTIVE',
      mpaStatus: { mpaSessionArn: 'arn:aws:mpa:us-east-1:111122223333:session/team-a/earlier', status: 'APPROVED', initiationDate: 1_700_000_000 },
    });
    const before = fake.association();
    await associate(TEAM_B);

    fake.deny();

    expect(fake.association()).toEqual(before);
  });

  test('nothing: a denied first association leaves no association', async () => {
    fake.setWorld({ endedSessionLeaves: 'nothing', firstAssociation: 'approval' });
    await associate(TEAM_A);

    fake.deny();

    expect(fake.association()).toBeUndefined();
  });

  test('nothing: a seeded pending change that expires restores the team active before it', () => {
    fake.setWorld({ endedSessionLeaves: 'nothing' });
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_B, associationState: 'UPDATE_PENDING', previousTeamArn: TEAM_A });

    fake.expire();

    expect(fake.association()).toEqual({ Action: ACTION, MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });
});

describe('vocabulary', () => {
  const modelledKeys = (answer: any) => ({
    top: Object.keys(answer.body).sort(),
    association: Object.keys(answer.body.MpaTeamAssociation).sort(),
    status: Object.keys(answer.body.MpaTeamAssociation!.MpaStatus ?? {}).sort(),
  });

  test('model: outputs carry only the members the model defines', async () => {
    activeTeamA();
    await rawDisassociate();

    expect(modelledKeys(await rawGet())).toEqual({
      top: ['MpaTeamAssociation'],
      association: ['Action', 'AssociationState', 'MpaStatus', 'MpaTeamArn'],
      status: ['InitiationDate', 'MpaSessionArn', 'Status'],
    });
  });

  test('model: the first Get after a call that opened a session already reads PENDING', async () => {
    activeTeamA();
    await disassociate();

    expect((await get()).MpaTeamAssociation!.MpaStatus?.Status).toBe('PENDING');
  });

  test.each([
    ['AssociateMpaTeam', () => callControlPlane(fake, 'AssociateMpaTeam', { Action: ACTION, MpaTeamArn: TEAM_A })],
    ['DisassociateMpaTeam', rawDisassociate],
    ['GetMpaTeamAssociation', rawGet],
  ])('extended: %s adds unknown members at the top level, in MpaTeamAssociation and in MpaStatus', async (_, call) => {
    fake.setWorld({ vocabulary: 'extended', firstAssociation: 'approval' });
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE', mpaStatus: { status: 'APPROVED' } });

    const keys = modelledKeys(await call());

    expect(keys.top).toEqual(expect.arrayContaining(['MpaTeamAssociation', 'ResponseSchemaVersion', 'Warnings']));
    expect(keys.association).toEqual(expect.arrayContaining(['Action', 'LastUpdatedDate', 'AssociationId']));
    expect(keys.status).toEqual(expect.arrayContaining(['MpaSessionArn', 'StatusCode', 'ApprovalProgress']));
  });

  test('extended: an empty Get success still carries unknown top-level members', async () => {
    fake.setWorld({ vocabulary: 'extended', getWhenNone: 'empty-success' });

    const answer = await rawGet();

    expect(answer.body.MpaTeamAssociation).toBeUndefined();
    expect(Object.keys(answer.body)).toEqual(expect.arrayContaining(['ResponseSchemaVersion']));
  });

  test('extended: the first Get after the call that opened a session reads CREATING, later reads PENDING', async () => {
    fake.setWorld({ vocabulary: 'extended' });
    activeTeamA();

    const opened = await disassociate();
    const first = await get();
    const second = await get();

    expect(opened.MpaTeamAssociation!.MpaStatus?.Status).toBe('PENDING');
    expect(first.MpaTeamAssociation!.MpaStatus?.Status).toBe('CREATING');
    expect(second.MpaTeamAssociation!.MpaStatus?.Status).toBe('PENDING');
    expect(fake.association()?.MpaStatus?.Status).toBe('PENDING');
  });

  test('extended: a session seeded out of band is never reported as CREATING', async () => {
    fake.setWorld({ vocabulary: 'extended' });
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });

    expect((await get()).MpaTeamAssociation!.MpaStatus?.Status).toBe('PENDING');
  });

  test('extended: MPA outputs carry unknown top-level members too', async () => {
    fake.setWorld({ vocabulary: 'extended' });
    activeTeamA();
    const sessionArn = (await disassociate()).MpaTeamAssociation!.MpaStatus!.MpaSessionArn!;

    const session = await getSession(fake, sessionArn);

    expect(session.body).toMatchObject({ SessionArn: sessionArn, ResponseSchemaVersion: expect.any(String) });
  });
});
