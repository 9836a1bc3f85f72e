import { InvalidPropertyError, parseResourceProperties, readOldProperties } from '../../../lambda/core/resource-properties';

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
    expect(parseResourceProperties({ ...valid, RequesterComment: 'rotate root CA', ReportApprovalProgress: 'false' })).toEqual({
      action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      mpaTeamArn: TEAM,
      requesterComment: 'rotate root CA',
      approvalTimeoutMs: 1_800_000,
      pollIntervalMs: 10_000,
      reportApprovalProgress: false,
    });
  });

  test('defaults what an older template leaves out', () => {
    expect(parseResourceProperties({ MpaTeamArn: TEAM })).toMatchObject({
      action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', approvalTimeoutMs: 1_800_000, pollIntervalMs: 10_000, reportApprovalProgress: true,
    });
  });

  test('an empty string means "not set": the default applies', () => {
    expect(parseResourceProperties({ MpaTeamArn: TEAM, Action: '', RequesterComment: '', ApprovalTimeoutSeconds: '', PollIntervalSeconds: '', ReportApprovalProgress: '' }))
      .toEqual({ action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', mpaTeamArn: TEAM, requesterComment: undefined, approvalTimeoutMs: 1_800_000, pollIntervalMs: 10_000, reportApprovalProgress: true });
  });

  test('numbers and booleans are accepted as CloudFormation may pass them from a hand-written template', () => {
    expect(parseResourceProperties({ MpaTeamArn: TEAM, ApprovalTimeoutSeconds: 600, PollIntervalSeconds: ' 5 ', ReportApprovalProgress: false }))
      .toMatchObject({ approvalTimeoutMs: 600_000, pollIntervalMs: 5_000, reportApprovalProgress: false });
  });

  test('RemovalPolicy is CloudFormation\'s business (DeletionPolicy), not the handler\'s: any value is ignored', () => {
    expect(parseResourceProperties({ ...valid, RemovalPolicy: 'retain' })).toEqual(parseResourceProperties({ ...valid, RemovalPolicy: 'snapshot' }));
  });

  test.each([
    ['ApprovalTimeoutSeconds', '60', 60_000],
    ['ApprovalTimeoutSeconds', '3300', 3_300_000],
    ['PollIntervalSeconds', '1', 1_000],
    ['PollIntervalSeconds', '60', 60_000],
  ])('accepts %s at its bound %s', (property, value, ms) => {
    const settings = parseResourceProperties({ ...valid, ApprovalTimeoutSeconds: '3300', [property]: value });
    expect(property === 'ApprovalTimeoutSeconds' ? settings.approvalTimeoutMs : settings.pollIntervalMs).toBe(ms);
  });

  test('accepts a poll interval equal to the approval timeout, and a 200-character comment', () => {
    expect(parseResourceProperties({ ...valid, ApprovalTimeoutSeconds: '300', PollIntervalSeconds: '300' }).pollIntervalMs).toBe(300_000);
    expect(parseResourceProperties({ ...valid, RequesterComment: 'x'.repeat(200) }).requesterComment).toHaveLength(200);
  });

  test('the failure\'s stack is its message alone (the framework appends stack lines to the reason)', () => {
    const error = failureOf({ ...valid, MpaTeamArn: 'nope' });
    expect(error.stack).toBe(`InvalidPropertyError: ${error.message}`);
  });

  test('passes operations AWS may add later through', () => {
    expect(parseResourceProperties({ ...valid, Action: 'SOME_FUTURE_OPERATION' }).action).toBe('SOME_FUTURE_OPERATION');
  });

  test.each([
    [{ ...valid, MpaTeamArn: undefined }, 'MpaTeamArn', 'is required'],
    [{ ...valid, MpaTeamArn: 'arn:aws:iam::111122223333:role/not-a-team' }, 'MpaTeamArn', 'approval team ARN'],
    [{ ...valid, Action: 'import-root' }, 'Action', "upper snake case such as IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE, got 'import-root'"],
    [{ ...valid, Action: ['IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'] }, 'Action', 'upper snake case such as IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE, got ["IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE"]'],
    [{ ...valid, RequesterComment: 'x'.repeat(201) }, 'RequesterComment', 'at most 200 characters, got 201'],
    [{ ...valid, ApprovalTimeoutSeconds: 'thirty minutes' }, 'ApprovalTimeoutSeconds', 'whole number of seconds'],
    [{ ...valid, ApprovalTimeoutSeconds: '10' }, 'ApprovalTimeoutSeconds', 'between 60 and 3300'],
    [{ ...valid, ApprovalTimeoutSeconds: '59' }, 'ApprovalTimeoutSeconds', 'between 60 and 3300 seconds, got 59'],
    [{ ...valid, ApprovalTimeoutSeconds: '3301' }, 'ApprovalTimeoutSeconds', 'between 60 and 3300 seconds, got 3301'],
    [{ ...valid, PollIntervalSeconds: '301', ApprovalTimeoutSeconds: '3300' }, 'PollIntervalSeconds', 'between 1 and 300 seconds, got 301'],
    [{ ...valid, ApprovalTimeoutSeconds: '-5' }, 'ApprovalTimeoutSeconds', 'whole number of seconds'],
    [{ ...valid, MpaTeamArn: '' }, 'MpaTeamArn', 'is required'],
    [{ ...valid, MpaTeamArn: null }, 'MpaTeamArn', 'is required'],
    [{ ...valid, MpaTeamArn: 42 }, 'MpaTeamArn', 'approval team ARN (arn:<partition>:mpa:<region>:<account>:approval-team/<name>, 20..2048 characters), got 42'],
    [{ ...valid, RequesterComment: 42 }, 'RequesterComment', 'must be a string'],
    [{ ...valid, Action: 7 }, 'Action', 'upper snake case'],
    [{ ...valid, PollIntervalSeconds: '1.5' }, 'PollIntervalSeconds', "whole number of seconds, got '1.5'"],
    [{ ...valid, ApprovalTimeoutSeconds: true }, 'ApprovalTimeoutSeconds', 'whole number of seconds, got true'],
    [{ ...valid, PollIntervalSeconds: ['5'] }, 'PollIntervalSeconds', 'whole number of seconds, got ["5"]'],
    [{ ...valid, PollIntervalSeconds: '0' }, 'PollIntervalSeconds', 'between 1 and 300'],
    [{ ...valid, ApprovalTimeoutSeconds: '120', PollIntervalSeconds: '180' }, 'PollIntervalSeconds', 'must not exceed ApprovalTimeoutSeconds (120), got 180'],
    [{ ...valid, ReportApprovalProgress: 'yes' }, 'ReportApprovalProgress', "'true' or 'false'"],
  ])('rejects %j naming %s', (props, property, rule) => {
    const error = failureOf(props);
    expect(error).toBeInstanceOf(InvalidPropertyError);
    expect(error.property).toBe(property);
    expect(error.message).toContain(`Invalid resource property ${property}`);
    expect(error.message).toContain(rule);
  });

  test('a rejected value longer than 80 characters is cut in the message; one of 80 is shown whole', () => {
    expect(failureOf({ ...valid, MpaTeamArn: 'x'.repeat(79) }).message).toContain(`got '${'x'.repeat(76)}...`);
    expect(failureOf({ ...valid, MpaTeamArn: 'x'.repeat(78) }).message).toContain(`got '${'x'.repeat(78)}'.`);
  });

  test('a team ARN may be as long as the service allows (2048 characters), not longer', () => {
    const longest = TEAM.replace('payments-root', 'p'.repeat(2048 - TEAM.length + 'payments-root'.length));
    expect(longest).toHaveLength(2048);
    expect(parseResourceProperties({ ...valid, MpaTeamArn: longest }).mpaTeamArn).toBe(longest);
    const error = failureOf({ ...valid, MpaTeamArn: `${longest}p` });
    expect(error.property).toBe('MpaTeamArn');
    expect(error.message).toContain('20..2048 characters');
  });

  test('ReportApprovalProgress: \'true\' or true turns progress reporting on, \'false\' or false off', () => {
    expect(parseResourceProperties({ ...valid, ReportApprovalProgress: 'true' }).reportApprovalProgress).toBe(true);
    expect(parseResourceProperties({ ...valid, ReportApprovalProgress: true }).reportApprovalProgress).toBe(true);
    expect(parseResourceProperties({ ...valid, ReportApprovalProgress: 'false' }).reportApprovalProgress).toBe(false);
    expect(parseResourceProperties({ ...valid, ReportApprovalProgress: false }).reportApprovalProgress).toBe(false);
  });

  test('never echoes a requester comment, which is sensitive', () => {
    const secretish = 'ticket 4711 '.repeat(20);
    expect(failureOf({ ...valid, RequesterComment: secretish }).message).not.toContain('ticket 4711');
  });
});

describe('readOldProperties: only what ownership needs, field by field', () => {
  test('reads the action and the team', () => {
    expect(readOldProperties({ Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', MpaTeamArn: TEAM })).toEqual({ action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', team: TEAM });
  });

  test('a field that a newer rule rejects does not hide the team', () => {
    expect(readOldProperties({ MpaTeamArn: TEAM, ApprovalTimeoutSeconds: '99999', RequesterComment: 'x'.repeat(500) })).toEqual({ action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', team: TEAM });
  });

  test('an empty action means "not set": the default action', () => {
    expect(readOldProperties({ Action: '', MpaTeamArn: TEAM })).toEqual({ action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', team: TEAM });
  });

  test('a list is unreadable, even one whose only item is a valid action or team', () => {
    expect(readOldProperties({ Action: ['IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'], MpaTeamArn: [TEAM] })).toEqual({ action: undefined, team: undefined });
  });

  test('unreadable fields read as undefined', () => {
    expect(readOldProperties({ Action: 'lower', MpaTeamArn: 'arn:aws:iam::1:role/x' })).toEqual({ action: undefined, team: undefined });
    expect(readOldProperties(undefined)).toEqual({ action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE', team: undefined });
  });
});
