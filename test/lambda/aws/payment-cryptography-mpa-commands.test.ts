/**
 * The hand-added MPA commands, on the wire: the riskiest code in the project,
 * so it is exercised through the real 3.882.0 client against the fake, which
 * rejects anything the service would (target, content type, SigV4 shape).
 */
import { Readable } from 'node:stream';
import {
  AccessDeniedException, ConflictException, PaymentCryptographyClient, PaymentCryptographyServiceException,
  ResourceNotFoundException, ThrottlingException,
} from '@aws-sdk/client-payment-cryptography';
import { HttpResponse } from '@smithy/protocol-http';
import { observe } from '../../../lambda/aws/control-plane';
import {
  AssociateMpaTeamCommand, DisassociateMpaTeamCommand, GetMpaTeamAssociationCommand, sendMpaCommand,
} from '../../../lambda/aws/payment-cryptography-mpa-commands';
import type { FakeControlPlane } from '../../fake/fake-control-plane';
import { ACTION, TEAM_A } from '../../fixtures/cloudformation-events';
import { startFakeForHandler } from '../../fixtures/handler-environment';

let fake: FakeControlPlane;
let client: PaymentCryptographyClient;

beforeAll(async () => {
  fake = await startFakeForHandler();
  client = new PaymentCryptographyClient({ maxAttempts: 1 });
});
afterAll(async () => { client.destroy(); await fake.stop(); });
beforeEach(() => fake.reset());

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('serialization', () => {
  test('AssociateMpaTeam sends Action, MpaTeamArn and RequesterComment to the endpoint from AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY', async () => {
    const output = await sendMpaCommand(client, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: TEAM_A, RequesterComment: 'why' }));
    expect(fake.requests).toEqual([expect.objectContaining({
      operation: 'AssociateMpaTeam', status: 200, input: { Action: ACTION, MpaTeamArn: TEAM_A, RequesterComment: 'why' },
    })]);
    expect(output.MpaTeamAssociation).toEqual({ Action: ACTION, MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: undefined });
    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  test('an omitted RequesterComment is not sent at all', async () => {
    await sendMpaCommand(client, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: TEAM_A }));
    expect(fake.requests[0].input).toEqual({ Action: ACTION, MpaTeamArn: TEAM_A });
  });

  test('DisassociateMpaTeam sends no team ARN and reads DELETE_PENDING with its session; InitiationDate epoch seconds become a Date', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const before = Date.now();
    const output = await sendMpaCommand(client, new DisassociateMpaTeamCommand({ Action: ACTION }));
    expect(fake.requests[0]).toMatchObject({ operation: 'DisassociateMpaTeam', input: { Action: ACTION } });
    const status = output.MpaTeamAssociation!.MpaStatus!;
    expect(output.MpaTeamAssociation!.AssociationState).toBe('DELETE_PENDING');
    expect(status.Status).toBe('PENDING');
    expect(status.MpaSessionArn).toBe(fake.sessions[0].sessionArn);
    expect(status.InitiationDate).toBeInstanceOf(Date);
    expect(Math.abs(status.InitiationDate!.getTime() - before)).toBeLessThan(5_000);
  });

  test('GetMpaTeamAssociation reads a denied session back with its StatusMessage', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    await sendMpaCommand(client, new DisassociateMpaTeamCommand({ Action: ACTION }));
    fake.deny(ACTION, 'Rejected: change ticket missing');
    const output = await sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION }));
    expect(output.MpaTeamAssociation).toMatchObject({
      AssociationState: 'ACTIVE',
      MpaStatus: { Status: 'FAILED', StatusMessage: 'Rejected: change ticket missing' },
    });
  });
});

describe('errors are the client\'s own exception classes', () => {
  test('ResourceNotFoundException carrying only ResourceId', async () => {
    const error = await rejection(sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.ResourceId).toBe(ACTION);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  test('ConflictException while a session is pending', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    const error = await rejection(sendMpaCommand(client, new DisassociateMpaTeamCommand({ Action: ACTION })));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toBeTruthy();
  });

  test.each(['namespaced', 'bare', 'header', 'header-with-suffix'] as const)('the name is read from the %s form', async (style) => {
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'accessDenied', times: 1, errorNameStyle: style });
    const error = await rejection(sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION })));
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.name).toBe('AccessDeniedException');
  });

  test('ThrottlingException is marked for the SDK\'s retry strategy', async () => {
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'throttling', times: 1 });
    const error = await rejection(sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION })));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.$metadata.httpStatusCode).toBe(429);
  });

  test('the SDK\'s own retries apply to the hand-added commands', async () => {
    const retrying = new PaymentCryptographyClient({ maxAttempts: 3 });
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'unavailable', times: 2 });
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    const output = await sendMpaCommand(retrying, new GetMpaTeamAssociationCommand({ Action: ACTION }));
    retrying.destroy();
    expect(output.MpaTeamAssociation!.AssociationState).toBe('ACTIVE');
    expect(fake.callCount('GetMpaTeamAssociation')).toBe(3);
  });

  test('an unmodelled error (a request signed for the wrong region) is a PaymentCryptographyServiceException with its name', async () => {
    const wrongRegion = new PaymentCryptographyClient({ region: 'eu-west-1', maxAttempts: 1 });
    const error = await rejection(sendMpaCommand(wrongRegion, new GetMpaTeamAssociationCommand({ Action: ACTION })));
    wrongRegion.destroy();
    expect(error).toBeInstanceOf(PaymentCryptographyServiceException);
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});

test('the SDK logger never sees the RequesterComment', async () => {
  const lines: string[] = [];
  const logger = { debug: () => undefined, info: (o: unknown) => lines.push(JSON.stringify(o)), warn: () => undefined, error: () => undefined };
  const logged = new PaymentCryptographyClient({ logger, maxAttempts: 1 });
  await sendMpaCommand(logged, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: TEAM_A, RequesterComment: 'CHG-secret-4711' }));
  logged.destroy();
  expect(lines.join('\n')).toContain('AssociateMpaTeamCommand');
  expect(lines.join('\n')).not.toContain('CHG-secret-4711');
});

describe('reads are as lenient as the generated SDK\'s: no answer shape crashes a request', () => {
  /** A client whose HTTP handler answers with `body`: the SDK boundary, for shapes the fake never sends. */
  function answering(body: string): PaymentCryptographyClient {
    return new PaymentCryptographyClient({
      maxAttempts: 1,
      requestHandler: {
        handle: async () => ({
          response: new HttpResponse({ statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(body)]) }),
        }),
      } as any,
    });
  }

  test.each([
    ['an empty answer', '{}', undefined, undefined],
    ['an empty body', '', undefined, undefined],
    ['an empty association', '{"MpaTeamAssociation":{}}', {}, undefined],
    ['a team without a state', `{"MpaTeamAssociation":{"MpaTeamArn":"${TEAM_A}"}}`, { MpaTeamArn: TEAM_A }, { team: TEAM_A, state: 'UNKNOWN' }],
    ['a state without a team', '{"MpaTeamAssociation":{"AssociationState":"DELETE_PENDING"}}', { AssociationState: 'DELETE_PENDING' }, { team: undefined, state: 'DELETE_PENDING' }],
    ['an empty MpaStatus', `{"MpaTeamAssociation":{"MpaTeamArn":"${TEAM_A}","AssociationState":"ACTIVE","MpaStatus":{}}}`,
      { MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE', MpaStatus: {} }, { team: TEAM_A, state: 'ACTIVE' }],
    ['a session without a status', `{"MpaTeamAssociation":{"MpaTeamArn":"${TEAM_A}","AssociationState":"DELETE_PENDING","MpaStatus":{"MpaSessionArn":"s"}}}`,
      { MpaTeamArn: TEAM_A, AssociationState: 'DELETE_PENDING', MpaStatus: { MpaSessionArn: 's' } },
      { team: TEAM_A, state: 'DELETE_PENDING', session: { arn: 's', status: 'UNKNOWN', initiatedAt: undefined, message: undefined } }],
    ['members of the wrong type', '{"MpaTeamAssociation":{"MpaTeamArn":7,"AssociationState":["ACTIVE"],"MpaStatus":"pending"}}', {}, undefined],
    ['an association that is not an object', '{"MpaTeamAssociation":"ACTIVE"}', undefined, undefined],
    ['unknown members and values', `{"Extra":1,"MpaTeamAssociation":{"MpaTeamArn":"${TEAM_A}","AssociationState":"UPDATING","Future":{"a":1},"MpaStatus":{"MpaSessionArn":"s","Status":"CREATING","InitiationDate":"2026-12-01T10:00:00Z","Other":true}}}`,
      { MpaTeamArn: TEAM_A, AssociationState: 'UPDATING', MpaStatus: { MpaSessionArn: 's', Status: 'CREATING', InitiationDate: new Date('2026-12-01T10:00:00Z') } },
      { team: TEAM_A, state: 'UPDATING', session: { arn: 's', status: 'CREATING', initiatedAt: Date.parse('2026-12-01T10:00:00Z'), message: undefined } }],
  ])('%s', async (_, body, association, observed) => {
    const crafted = answering(body);
    const output = await sendMpaCommand(crafted, new GetMpaTeamAssociationCommand({ Action: ACTION }));
    crafted.destroy();
    expect(output.MpaTeamAssociation).toEqual(association);
    expect(observe(output)).toEqual(observed);
  });

  test('a fractional epoch InitiationDate keeps its milliseconds', async () => {
    const crafted = answering(`{"MpaTeamAssociation":{"MpaTeamArn":"${TEAM_A}","AssociationState":"ACTIVE","MpaStatus":{"MpaSessionArn":"s","Status":"APPROVED","InitiationDate":1796119200.25}}}`);
    const output = await sendMpaCommand(crafted, new GetMpaTeamAssociationCommand({ Action: ACTION }));
    crafted.destroy();
    expect(output.MpaTeamAssociation?.MpaStatus?.InitiationDate?.getTime()).toBe(1796119200250);
  });

  test('the fake\'s empty success for "nothing associated" reads as no association', async () => {
    fake.setWorld({ getWhenNone: 'empty-success' });
    const output = await sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION }));
    expect(output.MpaTeamAssociation).toBeUndefined();
    expect(observe(output)).toBeUndefined();
  });
});
