import { isAllowed, statementsOf, wildcardMatch, type PolicyDocument } from './iam-policy';

const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
const SESSION = 'arn:aws:mpa:us-east-1:111122223333:session/payments-root-a/1234';

const handlerPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['payment-cryptography:AssociateMpaTeam', 'payment-cryptography:GetMpaTeamAssociation'], Resource: 'arn:aws:mpa:us-east-1:111122223333:approval-team/*' },
    { Effect: 'Allow', Action: 'mpa:Get*', Resource: 'arn:aws:mpa:us-east-1:111122223333:session/*' },
    { Effect: 'Allow', Action: 'ssm:GetParamete?', Resource: '*' },
  ],
};

describe('isAllowed', () => {
  test('an Allow whose Action and Resource match grants the call', () => {
    expect(isAllowed([handlerPolicy], 'payment-cryptography:AssociateMpaTeam', TEAM_A)).toBe(true);
  });

  test('nothing that matches: denied', () => {
    expect(isAllowed([handlerPolicy], 'payment-cryptography:DisassociateMpaTeam', TEAM_A)).toBe(false);
    expect(isAllowed([handlerPolicy], 'payment-cryptography:AssociateMpaTeam', 'arn:aws:mpa:us-east-1:444455556666:approval-team/other')).toBe(false);
    expect(isAllowed([], 'payment-cryptography:AssociateMpaTeam', TEAM_A)).toBe(false);
  });

  test('* and ? wildcards in Action and Resource; action names compare without case', () => {
    expect(isAllowed([handlerPolicy], 'mpa:GetSession', SESSION)).toBe(true);
    expect(isAllowed([handlerPolicy], 'MPA:getsession', SESSION)).toBe(true);
    expect(isAllowed([handlerPolicy], 'ssm:GetParameter', 'arn:aws:ssm:us-east-1:123456789012:parameter/x')).toBe(true);
    expect(isAllowed([handlerPolicy], 'ssm:GetParameters', 'arn:aws:ssm:us-east-1:123456789012:parameter/x')).toBe(false);
  });

  test('an explicit Deny wins over any Allow', () => {
    const deny: PolicyDocument = { Statement: { Effect: 'Deny', Action: 'payment-cryptography:*', Resource: TEAM_A } };
    expect(isAllowed([handlerPolicy, deny], 'payment-cryptography:AssociateMpaTeam', TEAM_A)).toBe(false);
  });

  test('NotAction and NotResource', () => {
    const allBut: PolicyDocument = { Statement: { Effect: 'Allow', NotAction: 'payment-cryptography:Disassociate*', NotResource: SESSION } };
    expect(isAllowed([allBut], 'payment-cryptography:AssociateMpaTeam', TEAM_A)).toBe(true);
    expect(isAllowed([allBut], 'payment-cryptography:DisassociateMpaTeam', TEAM_A)).toBe(false);
    expect(isAllowed([allBut], 'mpa:GetSession', SESSION)).toBe(false);
  });

  test('an action without resource-level permissions needs Resource "*"', () => {
    const scoped: PolicyDocument = { Statement: { Effect: 'Allow', Action: 'mpa:ListTeams', Resource: 'arn:aws:mpa:*' } };
    expect(isAllowed([scoped], 'mpa:ListTeams', undefined)).toBe(false);
    expect(isAllowed([{ Statement: { Effect: 'Allow', Action: 'mpa:ListTeams', Resource: '*' } }], 'mpa:ListTeams', undefined)).toBe(true);
  });
});

test('a statement with a Condition is refused when read, naming it: the simulator does not evaluate conditions', () => {
  expect(() => statementsOf({ Statement: [{ Sid: 'Scoped', Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: {} } }] }, 'HandlerPolicy'))
    .toThrow('HandlerPolicy: statement Scoped has a Condition, which the simulator does not evaluate');
});

test('wildcardMatch escapes everything but * and ?', () => {
  expect(wildcardMatch('arn:aws:s3:::bucket/a.b', 'arn:aws:s3:::bucket/aXb', false)).toBe(false);
  expect(wildcardMatch('a?c*', 'abcdef', false)).toBe(true);
});
