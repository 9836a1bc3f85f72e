import { Readable } from 'node:stream';
import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { CallBudget } from '../../../lambda/aws/call-budget';
import { MpaApi, mpaEndpoint, restJsonErrorCode, summarizeSession, summarizeTeam } from '../../../lambda/aws/mpa-api';
import { systemClock } from '../../../lambda/core/clock';

const US_EAST_1_SESSION = 'arn:aws:mpa:us-east-1:111122223333:session/team-a/s-1';

describe('where MPA answers: region and partition from the ARN, not from the Lambda', () => {
  test('a us-east-1 session, whatever region the handler runs in, goes to us-east-1 on the dual-stack host', () => {
    const endpoint = mpaEndpoint(US_EAST_1_SESSION, false);
    expect(endpoint.region).toBe('us-east-1');
    expect(endpoint.url.href).toBe('https://mpa.us-east-1.api.aws/');
  });

  test('FIPS on: the mpa-fips host', () => {
    expect(mpaEndpoint(US_EAST_1_SESSION, true).url.host).toBe('mpa-fips.us-east-1.api.aws');
  });

  test('another partition takes that partition\'s dual-stack suffix', () => {
    const endpoint = mpaEndpoint('arn:aws-cn:mpa:cn-north-1:111122223333:session/team-a/s-1', false);
    expect(endpoint).toMatchObject({ region: 'cn-north-1' });
    expect(endpoint.url.host).toBe('mpa.cn-north-1.api.amazonwebservices.com.cn');
    expect(mpaEndpoint('arn:aws-us-gov:mpa:us-gov-west-1:111122223333:approval-team/t', false).url.host).toBe('mpa.us-gov-west-1.api.aws');
  });

  test('AWS_ENDPOINT_URL_MPA replaces the host, never the signing region', () => {
    const endpoint = mpaEndpoint(US_EAST_1_SESSION, false, 'http://127.0.0.1:4566');
    expect(endpoint).toMatchObject({ region: 'us-east-1' });
    expect(endpoint.url.href).toBe('http://127.0.0.1:4566/');
  });

  test('an ARN whose partition does not own its region is refused, as is one without a region', () => {
    expect(() => mpaEndpoint('arn:aws-cn:mpa:us-east-1:111122223333:session/t/s', false)).toThrow(/partition aws-cn/);
    expect(() => mpaEndpoint('not-an-arn', false)).toThrow(/Cannot tell the MPA region/);
  });
});

describe('MPA error names, read as the SDK\'s loadRestJsonErrorCode reads them', () => {
  test.each([
    ['the X-Amzn-ErrorType header, any case, first', { 'X-AMZN-ERRORTYPE': 'ConflictException:http://internal' }, { code: 'Other', __type: 'Other' }, 'ConflictException'],
    ['then the body\'s code, in any case', {}, { Code: 'ResourceNotFoundException', __type: 'Other' }, 'ResourceNotFoundException'],
    ['then __type, without its namespace', {}, { __type: 'com.amazonaws.mpa#ThrottlingException' }, 'ThrottlingException'],
    ['cut at a comma', { 'x-amzn-errortype': 'ValidationException,Other' }, {}, 'ValidationException'],
    ['a number as a string', {}, { code: 404 }, '404'],
    ['nothing to read', {}, { message: 'no name' }, undefined],
  ])('%s', (_, headers, body, expected) => {
    expect(restJsonErrorCode(headers as Record<string, string>, body)).toBe(expected);
  });
});

describe('reading MPA answers leniently', () => {
  test('GetSession: approvals counted, threshold, ISO or epoch expiry, requester', () => {
    expect(summarizeSession({
      Status: 'PENDING',
      ApprovalStrategy: { MofN: { MinApprovalsRequired: 2 } },
      ApproverResponses: [{ Response: 'APPROVED' }, { Response: 'NO_RESPONSE' }, { Response: 'REJECTED' }],
      ExpirationTime: '2026-12-02T10:00:00Z',
      RequesterPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/Handler/s',
      Unknown: { member: true },
    })).toEqual({
      status: 'PENDING',
      statusCode: undefined,
      message: undefined,
      requesterPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/Handler/s',
      approvals: 1,
      threshold: 2,
      expiresAt: '2026-12-02T10:00:00.000Z',
    });
    expect(summarizeSession({ ExpirationTime: 1796220000 }).expiresAt).toBe(new Date(1796220000 * 1000).toISOString());
  });

  test.each([undefined, null, {}, { Status: 7, ApproverResponses: 'x', ApprovalStrategy: [] }])('GetSession %p never throws', body => {
    expect(summarizeSession(body)).toMatchObject({ approvals: 0, threshold: undefined });
  });

  test('GetApprovalTeam: status and the approvers who have not accepted', () => {
    expect(summarizeTeam({
      Status: 'PENDING',
      StatusCode: 'PENDING_ACTIVATION',
      Approvers: [{ PrimaryIdentityId: 'alice', PrimaryIdentityStatus: 'ACCEPTED' }, { PrimaryIdentityId: 'bob', PrimaryIdentityStatus: 'PENDING' }, { ApproverId: 'a-3', PrimaryIdentityStatus: 'PENDING' }],
    })).toEqual({ status: 'PENDING', statusCode: 'PENDING_ACTIVATION', message: undefined, approversPending: ['bob', 'a-3'] });
  });

  test('GetApprovalTeam without a status reads as UNKNOWN', () => {
    expect(summarizeTeam({}).status).toBe('UNKNOWN');
  });
});

describe('the real client\'s configuration decides FIPS; the ARN decides region and host', () => {
  const SESSION = 'arn:aws:mpa:us-east-1:111122223333:session/team-a/s-1';
  const GOV_SESSION = 'arn:aws-us-gov:mpa:us-gov-west-1:111122223333:session/team-a/s-1';
  const saved = { fips: process.env.AWS_USE_FIPS_ENDPOINT, endpoint: process.env.AWS_ENDPOINT_URL_MPA };
  afterEach(() => {
    for (const [name, value] of [['AWS_USE_FIPS_ENDPOINT', saved.fips], ['AWS_ENDPOINT_URL_MPA', saved.endpoint]] as const) {
      if (value === undefined) delete process.env[name]; else process.env[name] = value;
    }
  });

  /** GetSession through MpaApi with a client of the Lambda's region (eu-west-1), built with the environment as it is; the request as sent. */
  async function sentFor(sessionArn: string): Promise<HttpRequest> {
    const sent: HttpRequest[] = [];
    const client = new PaymentCryptographyClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret' },
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: HttpRequest) => {
          sent.push(request);
          return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{"Status":"PENDING"}')]) }) };
        },
      } as any,
    });
    await new MpaApi(client, new CallBudget(systemClock, Date.now() + 10_000)).getSession(sessionArn);
    client.destroy();
    return sent[0];
  }

  const signingScope = (request: HttpRequest) => /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(request.headers.authorization)?.slice(1);

  test('AWS_USE_FIPS_ENDPOINT unset: mpa.us-east-1.api.aws, signed for us-east-1 mpa, from a Lambda in eu-west-1', async () => {
    delete process.env.AWS_USE_FIPS_ENDPOINT;
    delete process.env.AWS_ENDPOINT_URL_MPA;
    const request = await sentFor(SESSION);
    expect(`${request.protocol}//${request.hostname}${request.path}`).toBe(`https://mpa.us-east-1.api.aws/sessions/${encodeURIComponent(SESSION)}`);
    expect(signingScope(request)).toEqual(['us-east-1', 'mpa']);
  });

  test('AWS_USE_FIPS_ENDPOINT=true: mpa-fips.us-east-1.api.aws, still signed for us-east-1', async () => {
    process.env.AWS_USE_FIPS_ENDPOINT = 'true';
    delete process.env.AWS_ENDPOINT_URL_MPA;
    const request = await sentFor(SESSION);
    expect(request.hostname).toBe('mpa-fips.us-east-1.api.aws');
    expect(signingScope(request)).toEqual(['us-east-1', 'mpa']);
  });

  test('AWS_USE_FIPS_ENDPOINT=true and a GovCloud session: mpa-fips.us-gov-west-1.api.aws, signed for us-gov-west-1', async () => {
    process.env.AWS_USE_FIPS_ENDPOINT = 'true';
    delete process.env.AWS_ENDPOINT_URL_MPA;
    const request = await sentFor(GOV_SESSION);
    expect(request.hostname).toBe('mpa-fips.us-gov-west-1.api.aws');
    expect(signingScope(request)).toEqual(['us-gov-west-1', 'mpa']);
  });
});
