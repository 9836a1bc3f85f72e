import { actionPath, parseRecord, recordName, serializeRecord, withCall } from '../../../lambda/core/ownership-record';
import { ACTION, RESOURCE, S1, S2, T0, TEAM_A, TEAM_B, call, change, inherited, record } from '../../fixtures/change-views';

const FORMAT = 'cdk-mpa-team-association/ownership-record@1';
/** The text of a stored record whose change has these members replaced. */
const stored = (changes: object) => JSON.stringify({
  format: FORMAT,
  resource: RESOURCE,
  team: TEAM_A,
  origin: 'created',
  change: { requestId: 'r', type: 'Update', startedAt: T0, calls: [], ...changes },
});

describe('where a record lives', () => {
  test('one parameter per action and resource: stack name, stack id and logical id', () => {
    expect(recordName(ACTION, RESOURCE))
      .toBe('/cdk-mpa-team-association/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE/payments/5e1b7a30-1111-2222-3333-444455556666/RootCaApproval');
  });

  test('every record of an action is under the action\'s path', () => {
    expect(actionPath(ACTION)).toBe('/cdk-mpa-team-association/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE');
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
    ['an adopted team', record({ origin: 'adopted' })],
    ['a Create that succeeded', record({ change: change('Create', { outcome: 'succeeded', calls: [call('AssociateMpaTeam', TEAM_A, 'accepted', S1)] }) })],
    ['a Delete whose call was refused, then lost', record({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'conflict', undefined, T0 + 10), call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 20)] }) })],
    ['a session inherited to be cancelled', record({ change: change('Update', { previousTeam: TEAM_B, inherited: [inherited(S2, 'cancel', 'AssociateMpaTeam', TEAM_B)] }) })],
  ])('%s is read back as written', (_, written) => {
    expect(parseRecord(serializeRecord(written))).toEqual(written);
  });

  test.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ format: 'something-else', resource: RESOURCE })],
    ['no resource', JSON.stringify({ format: 'cdk-mpa-team-association/ownership-record@1' })],
    ['a resource without a stack id', JSON.stringify({ format: FORMAT, resource: { logicalId: 'RootCaApproval' } })],
    ['a resource without a logical id', JSON.stringify({ format: FORMAT, resource: { stackId: RESOURCE.stackId } })],
    ['JSON null', 'null'],
    ['nothing', undefined],
  ])('%s reads as no record', (_, text) => {
    expect(parseRecord(text)).toBeUndefined();
  });

  test('a change\'s deadline and the hand-over it received are read back; malformed ones are dropped', () => {
    const handOver = { from: { stackId: RESOURCE.stackId, logicalId: 'Old' }, origin: 'created' as const };
    const written = record({ change: change('Create', { deadline: T0 + 60_000, handOver }) });
    expect(parseRecord(serializeRecord(written))).toEqual(written);
    for (const bad of [{ from: { stackId: 1, logicalId: 'Old' }, origin: 'created' }, { from: handOver.from, origin: 'stolen' }, 'yes']) {
      expect(parseRecord(stored({ deadline: 'soon', handOver: bad }))?.change).toEqual({
        requestId: 'r', type: 'Update', startedAt: T0, team: undefined, previousTeam: undefined, outcome: undefined, rollbackOf: undefined, calls: [],
      });
    }
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

  test.each([
    ['an unknown type', { type: 'Import' }],
    ['no request id', { requestId: undefined }],
    ['a start that is not a number', { startedAt: '2026-12-01' }],
  ])('a change with %s reads as no change; the rest of the record stays', (_, changes) => {
    expect(parseRecord(stored(changes))).toEqual({ resource: RESOURCE, team: TEAM_A, origin: 'created', change: undefined });
  });

  test('a change that is null reads as no change', () => {
    expect(parseRecord(JSON.stringify({ format: FORMAT, resource: RESOURCE, change: null }))?.change).toBeUndefined();
  });

  test('an empty string reads as not set', () => {
    expect(parseRecord(JSON.stringify({ format: FORMAT, resource: RESOURCE, team: '' }))?.team).toBeUndefined();
  });

  const validCall = { operation: 'AssociateMpaTeam', team: TEAM_A, at: T0, answer: 'accepted' };
  test.each([
    ['null', null],
    ['an unknown operation', { ...validCall, operation: 'DeleteMpaTeam' }],
    ['a team that is not a string', { ...validCall, team: 7 }],
    ['a time that is not a number', { ...validCall, at: '10:00' }],
    ['an unknown answer', { ...validCall, answer: 'maybe' }],
  ])('a call with %s is dropped; the calls around it stay', (_, bad) => {
    const calls = parseRecord(stored({ calls: [validCall, bad, { ...validCall, at: T0 + 1 }] }))?.change?.calls;
    expect(calls).toEqual([{ ...validCall, session: undefined }, { ...validCall, at: T0 + 1, session: undefined }]);
  });

  const validInherited = { session: S1, operation: 'DisassociateMpaTeam', team: TEAM_A, disposition: 'resume' };
  test.each([
    ['null', null],
    ['a session that is not a string', { ...validInherited, session: 5 }],
    ['an unknown operation', { ...validInherited, operation: 'DeleteMpaTeam' }],
    ['a team that is not a string', { ...validInherited, team: ['x'] }],
    ['an unknown disposition', { ...validInherited, disposition: 'ignore' }],
  ])('an inherited session with %s is dropped; a change left with none has no inherited member', (_, bad) => {
    expect(parseRecord(stored({ inherited: [validInherited, bad] }))?.change?.inherited).toEqual([validInherited]);
    expect(parseRecord(stored({ inherited: [bad] }))?.change).not.toHaveProperty('inherited');
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

  test.each([
    ['operation', call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 10)],
    ['team', call('AssociateMpaTeam', TEAM_B, 'lost', undefined, T0 + 10)],
    ['time', call('AssociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 11)],
    ['sender', { ...call('AssociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 10), sender: 'copy-2' }],
  ])('a call of another %s is another call: both are kept', (_, other) => {
    const first = call('AssociateMpaTeam', TEAM_A, 'conflict', undefined, T0 + 10);
    expect(withCall(withCall(change('Update'), first), other).calls).toEqual([first, other]);
  });

  test('two copies of one request sending the same call in the same millisecond keep each other\'s answer', () => {
    const copy1 = { ...call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 10), sender: 'copy-1' };
    const copy2 = { ...copy1, sender: 'copy-2' };
    const both = withCall(withCall(change('Update'), copy1), copy2);
    const accepted = withCall(both, { ...copy1, answer: 'accepted', session: S1 });
    const refused = withCall(accepted, { ...copy2, answer: 'conflict' });
    expect(refused.calls).toEqual([{ ...copy1, answer: 'accepted', session: S1 }, { ...copy2, answer: 'conflict' }]);
  });

  test('a call sent again on every poll keeps only its latest three unanswered sendings, so the record stays inside 4 KB', () => {
    const accepted = call('AssociateMpaTeam', TEAM_B, 'accepted', S2, T0);
    let storm = withCall(change('Update'), accepted);
    for (let poll = 1; poll <= 200; poll++) storm = withCall(storm, { ...call('AssociateMpaTeam', TEAM_A, 'lost', undefined, T0 + poll * 1000), sender: `s${poll}` });
    expect(storm.calls.map(c => c.at)).toEqual([T0, T0 + 198_000, T0 + 199_000, T0 + 200_000]);
    expect(storm.calls[0]).toEqual(accepted);
    expect(serializeRecord(record({ change: storm })).length).toBeLessThan(4096);
  });
});
