import { clockProbeName, judge, LOCK_LEASE_MS, lockName, parseHolder, serializeHolder, takeoverName, type LockHolder } from '../../../lambda/core/claim-lock';
import { actionPath } from '../../../lambda/core/ownership-record';
import { ACTION, OTHER_STACK, RESOURCE, TEAM_A, TEAM_B } from '../../fixtures/change-views';

/** The claim lock's rules, without AWS: where it lives, how it is read, what a claimant makes of it. */
const me: LockHolder = { resource: RESOURCE, requestId: 'mine', team: TEAM_A, token: 'a1b2c3d4' };
const other = (team: string): LockHolder => ({ resource: { stackId: OTHER_STACK, logicalId: 'RootCaApproval' }, requestId: 'theirs', team, token: 'e5f6a7b8' });

describe('where it lives', () => {
  test('one lock per action, one segment below the action\'s path, where no record lives (records have four)', () => {
    expect(lockName(ACTION)).toBe(`${actionPath(ACTION)}/claim`);
    expect(takeoverName(ACTION, 'e5f6a7b8')).toBe(`${actionPath(ACTION)}/claim-after-e5f6a7b8`);
    expect(clockProbeName(ACTION, 'a1b2c3d4')).toBe(`${actionPath(ACTION)}/claim-clock-a1b2c3d4`);
  });

  test('characters SSM does not allow in a name are replaced', () => {
    expect(takeoverName(ACTION, 'v7:x/y')).toBe(`${actionPath(ACTION)}/claim-after-v7-x-y`);
    expect(clockProbeName(ACTION, 'a b')).toBe(`${actionPath(ACTION)}/claim-clock-a-b`);
  });
});

describe('reading a holder', () => {
  test('what is written is read back; the stored text names its format, so another version\'s lock reads as unnamed', () => {
    expect(parseHolder(serializeHolder(me))).toEqual(me);
    expect(JSON.parse(serializeHolder(me))).toEqual({ format: 'cdk-mpa-team-association/claim-lock@1', ...me });
    expect(parseHolder(JSON.stringify({ ...me, format: 'cdk-mpa-team-association/claim-lock@2' }))).toBeUndefined();
  });

  const unreadable: [string, string | undefined][] = [
    ['not JSON', '{'],
    ['nothing', undefined],
    ['JSON null', 'null'],
    ['a number', '7'],
    ['a resource that is null', JSON.stringify({ format: 'cdk-mpa-team-association/claim-lock@1', ...me, resource: null })],
    ['another format', JSON.stringify({ ...me, format: 'cdk-mpa-team-association/ownership-record@1' })],
    ...(['requestId', 'team', 'token'] as const).flatMap((field): [string, string][] => [
      [`no ${field}`, JSON.stringify({ format: 'cdk-mpa-team-association/claim-lock@1', ...me, [field]: undefined })],
      [`an empty ${field}`, JSON.stringify({ format: 'cdk-mpa-team-association/claim-lock@1', ...me, [field]: '' })],
    ]),
    ['a resource without a stack id', JSON.stringify({ format: 'cdk-mpa-team-association/claim-lock@1', ...me, resource: { logicalId: 'X' } })],
    ['a resource without a logical id', JSON.stringify({ format: 'cdk-mpa-team-association/claim-lock@1', ...me, resource: { stackId: 'X' } })],
  ];
  test.each(unreadable)('%s reads as a holder nobody can name', (_, text) => {
    expect(parseHolder(text)).toBeUndefined();
  });
});

describe('what a claimant makes of a lock', () => {
  const lease = LOCK_LEASE_MS;

  test('its own resource\'s lock is taken again, however old (an earlier poll stopped inside its section)', () => {
    expect(judge({ ...me, requestId: 'earlier', token: 'ffffffff', team: TEAM_B }, me, 0)).toBe('mine');
    expect(judge(me, me, lease * 3)).toBe('mine');
  });

  test('another resource, alive: same team waits, another team loses', () => {
    expect(judge(other(TEAM_A), me, lease - 1)).toBe('same-team');
    expect(judge(other(TEAM_B), me, 0)).toBe('other-team');
    expect(judge(undefined, me, lease - 1)).toBe('unreadable');
  });

  test('from the lease on (on SSM\'s clock), whoever holds it is stale', () => {
    expect(judge(other(TEAM_B), me, lease)).toBe('stale');
    expect(judge(other(TEAM_A), me, lease)).toBe('stale');
    expect(judge(undefined, me, lease)).toBe('stale');
    expect(lease).toBe(600_000);
  });
});
