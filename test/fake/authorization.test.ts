/**
 * A scripted IAM: the authorizer sees every routed operation with its action and
 * resource, and a refusal is the service's own AccessDeniedException with IAM's message.
 * Also attribution: the `x-simulation-tag` header is kept on requests and on the
 * sessions they open.
 */
import { AccessDeniedException, type PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { GetParameterCommand, PutParameterCommand, GetParametersByPathCommand, AccessDeniedException as SsmAccessDenied, type SSMClient } from '@aws-sdk/client-ssm';
import { FakeControlPlane, sigV4ShapedHeaders, type AuthorizationRequest } from './fake-control-plane';
import {
  ACTION, callControlPlane, getApprovalTeam, getSession, paymentCryptographyClient, rejection, ssmClient, TEAM_A, TEAM_B,
} from './wire-test-clients';
import {
  AssociateMpaTeamCommand, DisassociateMpaTeamCommand, GetMpaTeamAssociationCommand, sendMpaCommand,
} from '../../lambda/aws/payment-cryptography-mpa-commands';

const HANDLER_ROLE = 'arn:aws:sts::123456789012:assumed-role/MpaTeamAssociationHandlerRole/handler';
const RECORD = '/cdk-mpa-team-association/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE/Stack/abc/Association';

let fake: FakeControlPlane;
let client: PaymentCryptographyClient;
let ssm: SSMClient;
let seen: AuthorizationRequest[];

beforeAll(async () => {
  fake = await FakeControlPlane.start();
  client = paymentCryptographyClient(fake);
  ssm = ssmClient(fake);
});
afterAll(async () => {
  client.destroy();
  ssm.destroy();
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  seen = [];
});

/** Records what it is asked and allows everything except what `deny` matches. */
function authorizer(deny: (request: AuthorizationRequest) => boolean = () => false) {
  return (request: AuthorizationRequest) => {
    seen.push(request);
    return !deny(request);
  };
}

const associate = (team = TEAM_A) => sendMpaCommand(client, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: team }));
const disassociate = () => sendMpaCommand(client, new DisassociateMpaTeamCommand({ Action: ACTION }));
const get = () => sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION }));

describe('what the authorizer is asked', () => {
  test('AssociateMpaTeam names the requested team; Get and Disassociate the currently associated one', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    fake.setWorld({ otherTeamWhileActive: 'approval' });
    fake.setAuthorizer(authorizer());

    await associate(TEAM_B);
    fake.approve();
    await get();
    await disassociate();

    expect(seen).toEqual([
      { service: 'payment-cryptography', action: 'payment-cryptography:AssociateMpaTeam', resource: TEAM_B },
      { service: 'payment-cryptography', action: 'payment-cryptography:GetMpaTeamAssociation', resource: TEAM_B },
      { service: 'payment-cryptography', action: 'payment-cryptography:DisassociateMpaTeam', resource: TEAM_B },
    ]);
  });

  test('with nothing associated, Get and Disassociate have no resource (undocumented)', async () => {
    fake.setAuthorizer(authorizer());

    await rejection(get());
    await rejection(disassociate());

    expect(seen.map(r => r.resource)).toEqual([undefined, undefined]);
    expect(seen.every(r => !('resource' in r))).toBe(true);
  });

  test('MPA operations name the session or the team', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    const sessionArn = fake.sessions[0].sessionArn;
    fake.setAuthorizer(authorizer());

    await getSession(fake, sessionArn);
    await getApprovalTeam(fake, TEAM_A);

    expect(seen).toEqual([
      { service: 'mpa', action: 'mpa:GetSession', resource: sessionArn },
      { service: 'mpa', action: 'mpa:GetApprovalTeam', resource: TEAM_A },
    ]);
  });

  test('SSM operations name the parameter (or path) ARN in the fake\'s region and account', async () => {
    fake.setAuthorizer(authorizer());

    await ssm.send(new PutParameterCommand({ Name: RECORD, Value: 'v', Type: 'String' }));
    await ssm.send(new GetParametersByPathCommand({ Path: '/cdk-mpa-team-association', Recursive: true }));

    expect(seen).toEqual([
      { service: 'ssm', action: 'ssm:PutParameter', resource: `arn:aws:ssm:us-east-1:123456789012:parameter${RECORD}` },
      { service: 'ssm', action: 'ssm:GetParametersByPath', resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/cdk-mpa-team-association' },
    ]);
  });

  test('accountId shapes the parameter ARN', async () => {
    const other = await FakeControlPlane.start({ accountId: '210987654321', authorizer: authorizer() });
    const otherSsm = ssmClient(other);
    try {
      await rejection(otherSsm.send(new GetParameterCommand({ Name: RECORD })));

      expect(seen[0].resource).toBe(`arn:aws:ssm:us-east-1:210987654321:parameter${RECORD}`);
    } finally {
      otherSsm.destroy();
      await other.stop();
    }
  });

  test('requests refused before routing (a bad signature) never reach the authorizer', async () => {
    fake.setAuthorizer(authorizer());

    await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers: sigV4ShapedHeaders('payment-cryptography', 'eu-west-1') });

    expect(seen).toEqual([]);
  });
});

describe('a refusal', () => {
  test('is the control plane\'s AccessDeniedException naming the principal, action and resource; nothing changes', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    fake.setAuthorizer(authorizer(r => r.action === 'payment-cryptography:DisassociateMpaTeam'));

    const error = await rejection(disassociate());

    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(`User: ${HANDLER_ROLE} is not authorized to perform: payment-cryptography:DisassociateMpaTeam `
      + `on resource: ${TEAM_A} because no identity-based policy allows the payment-cryptography:DisassociateMpaTeam action`);
    expect(fake.association()?.AssociationState).toBe('ACTIVE');
    expect(fake.sessions).toEqual([]);
    expect(fake.requests).toEqual([expect.objectContaining({ operation: 'DisassociateMpaTeam', status: 403, errorName: 'AccessDeniedException' })]);
  });

  test('without a resource, the message leaves "on resource" out', async () => {
    fake.setAuthorizer(authorizer(() => true));

    const error = await rejection(get());

    expect(error.message).toBe(`User: ${HANDLER_ROLE} is not authorized to perform: payment-cryptography:GetMpaTeamAssociation `
      + 'because no identity-based policy allows the payment-cryptography:GetMpaTeamAssociation action');
  });

  test('on MPA is a 403 named in X-Amzn-ErrorType', async () => {
    fake.setAuthorizer(authorizer(r => r.service === 'mpa'));

    const answer = await getApprovalTeam(fake, TEAM_A);

    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(answer.body.Message).toContain(`mpa:GetApprovalTeam on resource: ${TEAM_A}`);
  });

  test('on SSM is SSM\'s AccessDeniedException', async () => {
    fake.setAuthorizer(authorizer(r => r.action === 'ssm:PutParameter'));

    const error = await rejection(ssm.send(new PutParameterCommand({ Name: RECORD, Value: 'v', Type: 'String' })));

    expect(error).toBeInstanceOf(SsmAccessDenied);
    expect(error.message).toContain(`ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter${RECORD}`);
    expect(fake.parameters()).toEqual([]);
  });

  test('setAuthorizer(undefined) allows everything again; reset() restores the start option', async () => {
    const denyAll = () => false;
    const other = await FakeControlPlane.start({ authorizer: denyAll });
    try {
      const read = () => callControlPlane(other, 'GetMpaTeamAssociation', { Action: ACTION });
      expect((await read()).status).toBe(403);
      other.setAuthorizer(undefined);
      expect((await read()).status).toBe(404);
      other.reset();
      expect((await read()).status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});

describe('attribution by x-simulation-tag', () => {
  test('the tag is kept on every recorded request, refused ones included; untagged requests have none', async () => {
    await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers: { 'x-simulation-tag': 'create-1' } });
    await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { headers: { ...sigV4ShapedHeaders('payment-cryptography', 'eu-west-1'), 'x-simulation-tag': 'create-2' } });
    await getApprovalTeam(fake, TEAM_A, { headers: { 'x-simulation-tag': 'create-3' } });
    await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION });

    expect(fake.requests.map(r => r.tag)).toEqual(['create-1', 'create-2', 'create-3', undefined]);
    expect('tag' in fake.requests[3]).toBe(false);
  });

  test('a session remembers the tag of the call that opened it, sent by an SDK middleware', async () => {
    const tagged = paymentCryptographyClient(fake);
    tagged.middlewareStack.add(next => async args => {
      (args.request as { headers: Record<string, string> }).headers['x-simulation-tag'] = 'delete-7';
      return next(args);
    }, { step: 'build', name: 'simulationTag' });
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    try {
      await sendMpaCommand(tagged, new DisassociateMpaTeamCommand({ Action: ACTION }));
      fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });

      expect(fake.sessions.map(s => s.openedByTag)).toEqual(['delete-7', undefined]);
      expect(fake.requests[0].tag).toBe('delete-7');
    } finally {
      tagged.destroy();
    }
  });
});
