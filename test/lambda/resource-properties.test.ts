import { InvalidPropertyError, parseResourceProperties } from '../../lambda/resource-properties';

const TEAM = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root';
const valid = {
  Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
  MpaTeamArn: TEAM,
  ApprovalTimeoutSeconds: '1800',
  PollIntervalSeconds: '10',
  RemovalPolicy: 'destroy',
  ReportApprovalProgress: 'true',
};

function failureOf(props: object): InvalidPropertyError {
  try {
    parseResourceProperties(props);
  } catch (error) {
    return error as InvalidPropertyError;
  }
  throw new Error('expected the properties to be rejected');
}

describe('parseResourceProperties', () => {
  test('reads the strings CloudFormation delivers', () => {
    expect(parseResourceProperties({ ...valid, RequesterComment: 'rotate root CA', RemovalPolicy: 'retain' })).toEqual({
      action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      mpaTeamArn: TEAM,
      requesterComment: 'rotate root CA',
      approvalTimeoutMs: 1_800_000,
      pollIntervalMs: 10_000,
      retainOnDelete: true,
      reportApprovalProgress: true,
    });
  });

  test('defaults what an older template leaves out', () => {
    expect(parseResourceProperties({ MpaTeamArn: TEAM })).toMatchObject({
      action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', approvalTimeoutMs: 1_800_000, pollIntervalMs: 10_000, retainOnDelete: false, reportApprovalProgress: true,
    });
  });

  test('passes operations AWS may add later through', () => {
    expect(parseResourceProperties({ ...valid, Action: 'SOME_FUTURE_OPERATION' }).action).toBe('SOME_FUTURE_OPERATION');
  });

  test.each([
    [{ ...valid, MpaTeamArn: undefined }, 'MpaTeamArn', 'is required'],
    [{ ...valid, MpaTeamArn: 'arn:aws:iam::111122223333:role/not-a-team' }, 'MpaTeamArn', 'approval team ARN'],
    [{ ...valid, Action: 'import-root' }, 'Action', 'upper snake case'],
    [{ ...valid, RequesterComment: 'x'.repeat(201) }, 'RequesterComment', 'at most 200 characters, got 201'],
    [{ ...valid, ApprovalTimeoutSeconds: 'thirty minutes' }, 'ApprovalTimeoutSeconds', 'whole number of seconds'],
    [{ ...valid, ApprovalTimeoutSeconds: '10' }, 'ApprovalTimeoutSeconds', 'between 60 and 3300'],
    [{ ...valid, PollIntervalSeconds: '1.5' }, 'PollIntervalSeconds', 'whole number of seconds'],
    [{ ...valid, PollIntervalSeconds: '0' }, 'PollIntervalSeconds', 'between 1 and 300'],
    [{ ...valid, ApprovalTimeoutSeconds: '120', PollIntervalSeconds: '180' }, 'PollIntervalSeconds', 'must not exceed ApprovalTimeoutSeconds'],
    [{ ...valid, RemovalPolicy: 'snapshot' }, 'RemovalPolicy', "'retain' or 'destroy'"],
    [{ ...valid, ReportApprovalProgress: 'yes' }, 'ReportApprovalProgress', "'true' or 'false'"],
  ])('rejects %j naming %s', (props, property, rule) => {
    const error = failureOf(props);
    expect(error).toBeInstanceOf(InvalidPropertyError);
    expect(error.property).toBe(property);
    expect(error.message).toContain(`Invalid resource property ${property}`);
    expect(error.message).toContain(rule);
  });

  test('never echoes a requester comment, which is sensitive', () => {
    const secretish = 'ticket 4711 '.repeat(20);
    expect(failureOf({ ...valid, RequesterComment: secretish }).message).not.toContain('ticket 4711');
  });
});
