import { actionPath, parseRecord, recordName, serializeRecord, withCall } from '../../lambda/ownership-record';
import { ACTION, RESOURCE, S1, T0, TEAM_A, call, change, record } from '../fixtures/change-views';

describe('where a record lives', () => {
  test('one parameter per action and resource: stack name, stack id and logical id', () => {
    expect(recordName(ACTION, RESOURCE))
      .toBe('/cdk-mpa-team-association/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE/payments/5e1b7a30-1111-2222-3333-444455556666/RootCaApproval');
  });

  test('every record of an action is under the action\'s path', () => {
    expect(recordName(ACTION, RESOURCE).startsWith(`${actionPath(ACTION)}/`)).toBe(true);
  });

  test('characters SSM does not allow in a name are replaced', () => {
    expect(recordName(ACTION, { stackId: 'not:an arn', logicalId: 'Id' })).toBe('/cdk-mpa-team-association/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE/not-an-arn/Id');
  });
});

describe('reading a record back', () => {
  test('what is written is read back', () => {
    const written = record({ change: change('Update', { team: TEAM_A, outcome: 'failed', rollbackOf: 'r0', calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], inherited: [{ session: S1, operation: 'DisassociateMpaTeam', team: TEAM_A, disposition: 'resume' }] }) });
    expect(parseRecord(serializeRecord(written))).toEqual(written);
  });

  test.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ format: 'something-else', resource: RESOURCE })],
    ['no resource', JSON.stringify({ format: 'cdk-mpa-team-association/ownership-record@1' })],
    ['nothing', undefined],
  ])('%s reads as no record', (_, text) => {
    expect(parseRecord(text)).toBeUndefined();
  });

  test('fields of the wrong type are dropped, never fatal', () => {
    const text = JSON.stringify({
      format: 'cdk-mpa-team-association/ownership-record@1',
      resource: RESOURCE,
      team: 7,
      origin: 'stolen',
      change: { requestId: 'r', type: 'Update', startedAt: T0, calls: [{ operation: 'Nope' }, { operation: 'AssociateMpaTeam', team: TEAM_A, at: T0, answer: 'accepted', session: 5 }], outcome: 'maybe' },
    });
    expect(parseRecord(text)).toEqual({
      resource: RESOURCE,
      team: undefined,
      origin: undefined,
      change: {
        requestId: 'r',
        type: 'Update',
        startedAt: T0,
        team: undefined,
        previousTeam: undefined,
        outcome: undefined,
        rollbackOf: undefined,
        calls: [{ operation: 'AssociateMpaTeam', team: TEAM_A, at: T0, answer: 'accepted', session: undefined }],
      },
    });
  });

  test('a change with an unknown type reads as no change', () => {
    const text = JSON.stringify({ format: 'cdk-mpa-team-association/ownership-record@1', resource: RESOURCE, change: { requestId: 'r', type: 'Import', startedAt: T0 } });
    expect(parseRecord(text)?.change).toBeUndefined();
  });
});

describe('recording a call', () => {
  test('a call is added in time order; the same call (operation, team, time) is replaced, not doubled', () => {
    const first = call('AssociateMpaTeam', TEAM_A, 'conflict', undefined, T0 + 10);
    const second = call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 20);
    const updated = withCall(withCall(change('Update'), second), first);
    expect(updated.calls).toEqual([first, second]);
    expect(withCall(updated, { ...second, answer: 'accepted', session: S1 }).calls).toEqual([first, { ...second, answer: 'accepted', session: S1 }]);
  });
});
