import { sameRole } from '../../../lambda/core/change-executor';

describe('telling the sessions this handler requested', () => {
  const role = 'arn:aws:iam::123456789012:role/payments-MpaHandlerRole-ABC';

  test.each([
    ['the role itself', role, true],
    ['a role with a path', 'arn:aws:iam::123456789012:role/some/path/payments-MpaHandlerRole-ABC', true],
    ['its assumed-role session', 'arn:aws:sts::123456789012:assumed-role/payments-MpaHandlerRole-ABC/1700000000000', true],
    ['another role', 'arn:aws:sts::123456789012:assumed-role/Operator/alice', false],
    ['the same name in another account', 'arn:aws:sts::999999999999:assumed-role/payments-MpaHandlerRole-ABC/x', false],
    ['a user', 'arn:aws:iam::123456789012:user/payments-MpaHandlerRole-ABC', false],
  ])('%s: %s', (_, requester, expected) => {
    expect(sameRole(requester, role)).toBe(expected);
  });
});
