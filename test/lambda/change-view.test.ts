import {
  changeSessions,
  claimEffects,
  CLOCK_SKEW_ALLOWANCE_MS,
  hasEnded,
  heldTeam,
  isSettled,
  openSession,
  recordAfterObservation,
  sessionsToInherit,
  supersededBy,
} from '../../lambda/change-view';
import { ACTION, RESOURCE, S1, S2, T0, TEAM_A, TEAM_B, active, call, change, inherited, pending, record, request, view } from '../fixtures/change-views';

describe('reading the association', () => {
  test.each(['APPROVED', 'FAILED', 'CANCELLED'])('a session %s has ended', status => expect(hasEnded(status)).toBe(true));
  test.each(['PENDING', 'CREATING', 'SOMETHING_NEW', undefined])('a session %s has not ended', status => expect(hasEnded(status)).toBe(false));

  test('only ACTIVE (or nothing) is settled; pending and unknown states are not', () => {
    expect(isSettled(undefined)).toBe(true);
    expect(isSettled(active(TEAM_A))).toBe(true);
    expect(isSettled(pending(TEAM_A, 'UPDATE_PENDING'))).toBe(false);
    expect(isSettled({ team: TEAM_A, state: 'UNKNOWN' })).toBe(false);
  });

  test('an open session is a pending state with a session that has not ended', () => {
    expect(openSession(pending(TEAM_A, 'DELETE_PENDING', S1))).toBe(S1);
    expect(openSession(pending(TEAM_A, 'DELETE_PENDING', S1, 'FAILED'))).toBeUndefined();
    expect(openSession(active(TEAM_A, { arn: S1, status: 'PENDING' }))).toBeUndefined();
    expect(openSession({ team: TEAM_A, state: 'UPDATE_PENDING' })).toBeUndefined();
  });
});

describe('whose change it is', () => {
  test('a newer request that has begun supersedes this one; an older one does not', () => {
    const newer = view({ request: request('Update'), mine: record({ change: change('Update', { requestId: 'newer', startedAt: T0 + 1 }) }) });
    const older = view({ request: request('Update'), mine: record({ change: change('Update', { requestId: 'older', startedAt: T0 - 1 }) }) });
    expect(supersededBy(newer)).toBe('newer');
    expect(supersededBy(older)).toBeUndefined();
  });

  test('the held team is the record\'s; without a record, an Update holds its old properties\' team', () => {
    expect(heldTeam(view({ request: request('Update', { previousTeam: TEAM_B }), mine: record({ team: TEAM_A }) }))).toBe(TEAM_A);
    expect(heldTeam(view({ request: request('Update', { previousTeam: TEAM_B }) }))).toBe(TEAM_B);
    expect(heldTeam(view({ request: request('Delete') }))).toBeUndefined();
  });
});

describe('the sessions of a change', () => {
  const withCalls = (...calls: ReturnType<typeof call>[]) => record({ change: change('Update', { calls }) });

  test('a disassociation is approved once its team is gone, not approved while the team stays ACTIVE', () => {
    const mine = withCalls(call('DisassociateMpaTeam', TEAM_A, 'accepted', S1));
    expect(changeSessions(view({ request: request('Update'), mine }))[0].outcome).toBe('approved');
    expect(changeSessions(view({ request: request('Update'), mine, association: active(TEAM_A) }))[0].outcome).toBe('not-approved');
    expect(changeSessions(view({ request: request('Update'), mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) }))[0].outcome).toBe('pending');
  });

  test('an association is approved once its team is ACTIVE, not approved when anything else shows', () => {
    const mine = withCalls(call('AssociateMpaTeam', TEAM_B, 'accepted', S1));
    expect(changeSessions(view({ request: request('Update'), mine, association: active(TEAM_B) }))[0].outcome).toBe('approved');
    expect(changeSessions(view({ request: request('Update'), mine, association: active(TEAM_A) }))[0].outcome).toBe('not-approved');
    expect(changeSessions(view({ request: request('Update'), mine }))[0].outcome).toBe('not-approved');
  });

  test('calls refused or lost open no session; resumed sessions count as the change\'s own', () => {
    const mine = record({
      change: change('Delete', {
        calls: [call('DisassociateMpaTeam', TEAM_A, 'conflict'), call('DisassociateMpaTeam', TEAM_A, 'lost')],
        inherited: [inherited(S2, 'resume'), inherited(S1, 'cancel')],
      }),
    });
    expect(changeSessions(view({ request: request('Delete'), mine })).map(s => s.session)).toEqual([S2]);
  });

  test('sessions of the previous change still pending are inherited; ended ones are not', () => {
    const previous = record({ change: change('Update', { requestId: 'previous', calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(sessionsToInherit(view({ request: request('Update'), mine: previous, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual([inherited(S1, 'cancel')]);
    expect(sessionsToInherit(view({ request: request('Update'), mine: previous, association: active(TEAM_A) }))).toEqual([]);
  });
});

describe('what an observation teaches the record', () => {
  const begun = (calls: ReturnType<typeof call>[], overrides = {}) => record({ change: change('Update', { calls }), ...overrides });

  test('a lost call whose session shows pending, opened at or after it, becomes accepted with that session', () => {
    const mine = begun([call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 1000 + CLOCK_SKEW_ALLOWANCE_MS)]);
    const learned = recordAfterObservation(view({ request: request('Update', { team: TEAM_B }), mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) }));
    expect(learned?.change?.calls[0]).toMatchObject({ answer: 'accepted', session: S1 });
  });

  test('a session opened well before the lost call is not the call\'s', () => {
    const mine = begun([call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 1001 + CLOCK_SKEW_ALLOWANCE_MS)]);
    const learned = recordAfterObservation(view({ request: request('Update', { team: TEAM_B }), mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) }));
    expect(learned?.change?.calls[0].answer).toBe('lost');
  });

  test('a lost AssociateMpaTeam whose team is ACTIVE took effect', () => {
    const mine = begun([call('AssociateMpaTeam', TEAM_B, 'lost')]);
    const learned = recordAfterObservation(view({ request: request('Update', { team: TEAM_B }), mine, association: active(TEAM_B) }));
    expect(learned?.change?.calls[0].answer).toBe('accepted');
    expect(learned).toMatchObject({ team: TEAM_B, origin: 'created' });
  });

  test('a pending association of the requested team that this change did not open is watched as its own', () => {
    const mine = begun([]);
    const learned = recordAfterObservation(view({ request: request('Create', { team: TEAM_B }), mine, association: pending(TEAM_B, 'UPDATE_PENDING', S2) }));
    expect(learned?.change?.inherited).toEqual([inherited(S2, 'resume', 'AssociateMpaTeam', TEAM_B)]);
  });

  test('nothing new: the record object is returned unchanged (no write)', () => {
    const mine = begun([call('AssociateMpaTeam', TEAM_B, 'accepted', S1)]);
    const v = view({ request: request('Update', { team: TEAM_B }), mine, association: pending(TEAM_B, 'UPDATE_PENDING', S1) });
    expect(recordAfterObservation(v)).toBe(mine);
  });

  test('a change that has not begun teaches nothing', () => {
    const mine = record({ change: change('Update', { requestId: 'previous' }) });
    expect(recordAfterObservation(view({ request: request('Update'), mine, association: active(TEAM_B) }))).toBe(mine);
  });
});

describe('what a resource holds', () => {
  test('an accepted association whose team is ACTIVE is held, created by this library', () => {
    expect(claimEffects(record({ team: undefined, origin: undefined }), [call('AssociateMpaTeam', TEAM_B, 'accepted', S1)], active(TEAM_B)))
      .toMatchObject({ team: TEAM_B, origin: 'created' });
  });

  test('an accepted disassociation whose team is gone is no longer held', () => {
    const claimed = claimEffects(record(), [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], undefined);
    expect(claimed.team).toBeUndefined();
    expect(claimed.origin).toBeUndefined();
    expect(claimed.resource).toEqual(RESOURCE);
  });

  test('a pending disassociation, a refused or a lost call change nothing', () => {
    const mine = record();
    expect(claimEffects(mine, [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], pending(TEAM_A, 'DELETE_PENDING', S1))).toBe(mine);
    expect(claimEffects(mine, [call('AssociateMpaTeam', TEAM_B, 'conflict')], active(TEAM_B))).toBe(mine);
    expect(claimEffects(mine, [call('AssociateMpaTeam', TEAM_B, 'lost')], active(TEAM_B))).toBe(mine);
    expect(ACTION).toBe('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE');
  });
});
