import {
  associatedByClaimant,
  awaitsHandOver,
  changeSessions,
  claimEffects,
  claimsOn,
  isClaim,
  ownRemovalApplied,
  releasing,
  CLOCK_SKEW_ALLOWANCE_MS,
  hasCalled,
  hasEnded,
  heldTeam,
  isActiveWith,
  isOwnSession,
  isSettled,
  openSession,
  othersHolding,
  recordAfterObservation,
  sessionsToInherit,
  supersededBy,
} from '../../../lambda/core/change-view';
import type { ManagerRecord } from '../../../lambda/core/ownership-record';
import {
  ACTION, RENAMED, RESOURCE, S1, S2, T0, TEAM_A, TEAM_B, TEAM_X, active, call, change, inherited, pending, record, request, view,
} from '../../fixtures/change-views';

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

  test('an ACTIVE association that names no team is active with no team, not even with "none"', () => {
    expect(isActiveWith({ state: 'ACTIVE' }, undefined)).toBe(false);
    expect(isActiveWith(active(TEAM_A), TEAM_A)).toBe(true);
  });
});

describe('whose change it is', () => {
  test('a newer request that has begun supersedes this one; an older one does not', () => {
    const newer = view({ request: request('Update'), mine: record({ change: change('Update', { requestId: 'newer', startedAt: T0 + 1 }) }) });
    const older = view({ request: request('Update'), mine: record({ change: change('Update', { requestId: 'older', startedAt: T0 - 1 }) }) });
    expect(supersededBy(newer)).toBe('newer');
    expect(supersededBy(older)).toBeUndefined();
  });

  test('another copy of this same request is never newer, whatever its start time (CloudFormation delivers at least once)', () => {
    const copy = view({ request: request('Update'), mine: record({ change: change('Update', { startedAt: T0 + 1 }) }) });
    expect(supersededBy(copy)).toBeUndefined();
  });

  test('a request begun at the same millisecond is not newer', () => {
    expect(supersededBy(view({ request: request('Update'), mine: record({ change: change('Update', { requestId: 'same-time', startedAt: T0 }) }) }))).toBeUndefined();
  });

  test('the held team is the record\'s; without a record, an Update holds its old properties\' team', () => {
    expect(heldTeam(view({ request: request('Update', { previousTeam: TEAM_B }), mine: record({ team: TEAM_A }) }))).toBe(TEAM_A);
    expect(heldTeam(view({ request: request('Update', { previousTeam: TEAM_B }) }))).toBe(TEAM_B);
    expect(heldTeam(view({ request: request('Delete') }))).toBeUndefined();
    expect(heldTeam(view({ request: request('Create', { previousTeam: TEAM_B }) }))).toBeUndefined();
  });

  test('records that hold no team never count as holding "no team"', () => {
    const teamless = record({ resource: RENAMED, team: undefined, origin: undefined });
    expect(othersHolding(view({ others: [teamless] }), undefined)).toEqual([]);
    expect(othersHolding(view({ others: [teamless, record({ resource: RENAMED })] }), TEAM_A)).toHaveLength(1);
  });
});

describe('claims and hand-overs', () => {
  const OTHER = { stackId: RESOURCE.stackId, logicalId: 'Moved' };
  const of = (overrides: Partial<ManagerRecord>) => record({ resource: OTHER, ...overrides });

  test('a claim on a team: a record that holds it, or a change that asks for it; never a Delete\'s, never a failed change\'s', () => {
    expect(isClaim(of({}), TEAM_A)).toBe(true);
    expect(isClaim(of({ team: undefined, change: change('Create', { team: TEAM_A }) }), TEAM_A)).toBe(true);
    expect(isClaim(of({ team: TEAM_B, change: change('Update', { team: TEAM_A, previousTeam: TEAM_B }) }), TEAM_A)).toBe(true);
    expect(isClaim(of({ team: undefined, change: change('Create', { team: TEAM_B }) }), TEAM_A)).toBe(false);
    expect(isClaim(of({ change: change('Delete', { team: TEAM_A }) }), TEAM_A)).toBe(false);
    expect(isClaim(of({ team: undefined, change: change('Create', { team: TEAM_A, outcome: 'failed' }) }), TEAM_A)).toBe(false);
    expect(isClaim(of({}), undefined)).toBe(false);
    // The resource's own record is never a claim against itself.
    expect(claimsOn(view({ others: [record({})] }), TEAM_A)).toEqual([]);
    expect(claimsOn(view({ others: [of({})] }), TEAM_A)).toHaveLength(1);
  });

  test('a Delete releases its team until it answers or its deadline (or, unrecorded, an hour after it began) passes', () => {
    const deleting = (overrides: object) => of({ change: change('Delete', { team: TEAM_A, ...overrides }) });
    expect(releasing(view({ others: [deleting({ deadline: T0 + 5000 })] }), TEAM_A)).toHaveLength(1);
    expect(releasing(view({ now: T0 + 5000, others: [deleting({ deadline: T0 + 5000 })] }), TEAM_A)).toHaveLength(1);
    expect(releasing(view({ now: T0 + 5001, others: [deleting({ deadline: T0 + 5000 })] }), TEAM_A)).toEqual([]);
    expect(releasing(view({ now: T0 + 3_600_000, others: [deleting({})] }), TEAM_A)).toHaveLength(1);
    expect(releasing(view({ now: T0 + 3_600_001, others: [deleting({})] }), TEAM_A)).toEqual([]);
    expect(releasing(view({ others: [deleting({ outcome: 'failed' })] }), TEAM_A)).toEqual([]);
    expect(releasing(view({ others: [deleting({ outcome: 'succeeded' })] }), TEAM_A)).toEqual([]);
    expect(releasing(view({ others: [of({ change: change('Update') })] }), TEAM_A)).toEqual([]);
    // Only a Create or Update waits for it.
    expect(awaitsHandOver(view({ request: request('Delete'), others: [deleting({})] }))).toEqual([]);
    expect(awaitsHandOver(view({ request: request('Update', { previousTeam: TEAM_A }), others: [deleting({})] }))).toHaveLength(1);
  });

  test('a Delete\'s own removal took effect: its session approved, or a call taken without one, and the team gone', () => {
    const deleting = (calls: ReturnType<typeof call>[]) => record({ team: undefined, change: change('Delete', { calls }) });
    expect(ownRemovalApplied(view({ request: request('Delete'), mine: deleting([call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)]) })))
      .toEqual({ team: TEAM_A, session: S1 });
    expect(ownRemovalApplied(view({ request: request('Delete'), mine: deleting([call('DisassociateMpaTeam', TEAM_A, 'accepted')]) })))
      .toEqual({ team: TEAM_A });
    expect(ownRemovalApplied(view({ request: request('Delete'), mine: deleting([call('DisassociateMpaTeam', TEAM_A, 'accepted')]), association: active(TEAM_A) })))
      .toBeUndefined();
    expect(ownRemovalApplied(view({ request: request('Delete'), mine: deleting([call('DisassociateMpaTeam', TEAM_A, 'conflict')]) }))).toBeUndefined();
    expect(ownRemovalApplied(view({ request: request('Delete'), mine: deleting([call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)]), association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toBeUndefined();
  });

  test('another claimant associated the team: its AssociateMpaTeam, sent or answered, not refused; a Delete\'s or another team\'s does not count', () => {
    const creating = (answer: 'accepted' | 'lost' | 'conflict', team = TEAM_A, type: 'Create' | 'Delete' = 'Create') =>
      of({ team: undefined, change: change(type, { team, calls: [call('AssociateMpaTeam', team, answer)] }) });
    expect(associatedByClaimant(view({ others: [creating('accepted')] }), TEAM_A)).toBe(true);
    expect(associatedByClaimant(view({ others: [creating('lost')] }), TEAM_A)).toBe(true);
    expect(associatedByClaimant(view({ others: [creating('conflict')] }), TEAM_A)).toBe(false);
    expect(associatedByClaimant(view({ others: [creating('accepted', TEAM_B)] }), TEAM_A)).toBe(false);
    expect(associatedByClaimant(view({ others: [creating('accepted', TEAM_A, 'Delete')] }), TEAM_A)).toBe(false);
    expect(associatedByClaimant(view({ others: [of({ change: change('Create', { team: TEAM_A }) })] }), TEAM_A)).toBe(false);
  });

  test('a Create learns who hands its team over, and the origin that passes with it, once', () => {
    const releasingOld = of({ origin: 'created', change: change('Delete', { requestId: 'old', team: TEAM_A }) });
    const mine = record({ team: undefined, origin: undefined, change: change('Create') });
    const learned = recordAfterObservation(view({ mine, others: [releasingOld], association: active(TEAM_A) }));
    expect(learned?.change?.handOver).toEqual({ from: OTHER, origin: 'created' });
    expect(recordAfterObservation(view({ mine: learned, others: [of({ origin: 'adopted', change: change('Delete', { requestId: 'old', team: TEAM_A }) })] })))
      .toBe(learned);
    expect(recordAfterObservation(view({ request: request('Delete'), mine: record({ change: change('Delete') }), others: [releasingOld] }))?.change)
      .not.toHaveProperty('handOver');
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

  test('a call accepted without a session (it took effect at once) adds no session', () => {
    expect(changeSessions(view({ request: request('Update'), mine: withCalls(call('AssociateMpaTeam', TEAM_B, 'accepted')) }))).toEqual([]);
  });

  test('a session both called and resumed counts once', () => {
    const mine = record({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], inherited: [inherited(S1, 'resume')] }) });
    expect(changeSessions(view({ request: request('Delete'), mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual([{ session: S1, operation: 'DisassociateMpaTeam', team: TEAM_A, outcome: 'pending' }]);
  });

  test('a change that has not begun has no sessions', () => {
    const mine = record({ change: change('Update', { requestId: 'previous', calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(changeSessions(view({ request: request('Update'), mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) }))).toEqual([]);
  });

  test('a session shown APPROVED while the association is still pending (not applied yet) is approved, not denied', () => {
    const associating = withCalls(call('AssociateMpaTeam', TEAM_B, 'accepted', S1));
    expect(changeSessions(view({ request: request('Update'), mine: associating, association: pending(TEAM_B, 'UPDATE_PENDING', S1, 'APPROVED') }))[0].outcome).toBe('approved');
    const removing = withCalls(call('DisassociateMpaTeam', TEAM_A, 'accepted', S1));
    expect(changeSessions(view({ request: request('Update'), mine: removing, association: pending(TEAM_A, 'DELETE_PENDING', S1, 'APPROVED') }))[0].outcome).toBe('approved');
  });

  test('a disassociation is approved once another team has replaced its team', () => {
    const mine = withCalls(call('DisassociateMpaTeam', TEAM_A, 'accepted', S1));
    expect(changeSessions(view({ request: request('Update'), mine, association: active(TEAM_B) }))[0].outcome).toBe('approved');
  });

  test('a session is the change\'s own only when the change opened or resumed it', () => {
    const v = view({ request: request('Update'), mine: withCalls(call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)) });
    expect(isOwnSession(v, S1)).toBe(true);
    expect(isOwnSession(v, S2)).toBe(false);
    expect(isOwnSession(v, undefined)).toBe(false);
  });

  test('hasCalled matches the operation, the team and the answer, in this change only', () => {
    const v = view({ request: request('Update'), mine: withCalls(call('AssociateMpaTeam', TEAM_B, 'conflict')) });
    expect(hasCalled(v, 'AssociateMpaTeam', TEAM_B, 'conflict')).toBe(true);
    expect(hasCalled(v, 'AssociateMpaTeam', TEAM_B)).toBe(false);
    expect(hasCalled(v, 'DisassociateMpaTeam', TEAM_B, 'conflict')).toBe(false);
    expect(hasCalled(v, 'AssociateMpaTeam', TEAM_A, 'conflict')).toBe(false);
    const notBegun = view({ request: request('Update'), mine: record({ change: change('Update', { requestId: 'previous', calls: [call('AssociateMpaTeam', TEAM_B)] }) }) });
    expect(hasCalled(notBegun, 'AssociateMpaTeam', TEAM_B)).toBe(false);
  });

  test('sessions of the previous change still pending are inherited; ended ones are not', () => {
    const previous = record({ change: change('Update', { requestId: 'previous', calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(sessionsToInherit(view({ request: request('Update'), mine: previous, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual([inherited(S1, 'cancel')]);
    expect(sessionsToInherit(view({ request: request('Update'), mine: previous, association: active(TEAM_A) }))).toEqual([]);
  });

  test('a first change, or a change that has begun, inherits nothing', () => {
    expect(sessionsToInherit(view({ request: request('Create'), association: pending(TEAM_A, 'UPDATE_PENDING', S1) }))).toEqual([]);
    const begun = record({ change: change('Update', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(sessionsToInherit(view({ request: request('Update'), mine: begun, association: pending(TEAM_A, 'DELETE_PENDING', S1) }))).toEqual([]);
  });

  test('with nothing open, nothing is inherited, not even from calls that opened no session', () => {
    const previous = record({ change: change('Update', { requestId: 'previous', calls: [call('AssociateMpaTeam', TEAM_B, 'lost'), call('AssociateMpaTeam', TEAM_B, 'accepted')] }) });
    expect(sessionsToInherit(view({ request: request('Update'), mine: previous, association: active(TEAM_A) }))).toEqual([]);
  });

  test('a second rerun of a Delete resumes the session the first Delete opened', () => {
    const rerun = record({ change: change('Delete', { requestId: 'first-rerun', inherited: [inherited(S1, 'resume')] }) });
    expect(sessionsToInherit(view({ request: request('Delete'), mine: rerun, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual([inherited(S1, 'resume')]);
  });

  test('only a Delete resumes a Delete\'s session; any other request cancels what its predecessor opened', () => {
    const previousDelete = record({ change: change('Delete', { requestId: 'delete', calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(sessionsToInherit(view({ request: request('Update'), mine: previousDelete, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual([inherited(S1, 'cancel')]);
    const failedCreate = record({ change: change('Create', { requestId: 'create', outcome: 'failed', calls: [call('AssociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(sessionsToInherit(view({ request: request('Delete'), mine: failedCreate, association: pending(TEAM_A, 'UPDATE_PENDING', S1) })))
      .toEqual([inherited(S1, 'cancel', 'AssociateMpaTeam')]);
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

  test('a session pending on another team is not the lost call\'s', () => {
    const mine = begun([call('DisassociateMpaTeam', TEAM_A, 'lost')]);
    const learned = recordAfterObservation(view({ request: request('Update', { team: TEAM_B }), mine, association: pending(TEAM_X, 'UPDATE_PENDING', S2) }));
    expect(learned?.change?.calls[0]).toEqual(call('DisassociateMpaTeam', TEAM_A, 'lost'));
  });

  test('a lost DisassociateMpaTeam whose team is gone took effect: the resource no longer holds it', () => {
    const mine = begun([call('DisassociateMpaTeam', TEAM_A, 'lost')]);
    const learned = recordAfterObservation(view({ request: request('Update', { team: TEAM_B }), mine }));
    expect(learned?.change?.calls[0].answer).toBe('accepted');
    expect(learned?.team).toBeUndefined();
  });

  test('what is learned about one call is kept beside the calls that did not change', () => {
    const refused = call('AssociateMpaTeam', TEAM_B, 'conflict', undefined, T0 + 1000);
    const mine = begun([refused, call('DisassociateMpaTeam', TEAM_A, 'lost', undefined, T0 + 2000)]);
    const learned = recordAfterObservation(view({ request: request('Update', { team: TEAM_B }), mine }));
    expect(learned?.change?.calls).toEqual([refused, call('DisassociateMpaTeam', TEAM_A, 'accepted', undefined, T0 + 2000)]);
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

  test.each([
    ['a session the change already resumed', request('Create', { team: TEAM_B }), pending(TEAM_B, 'UPDATE_PENDING', S2), [inherited(S2, 'resume', 'AssociateMpaTeam', TEAM_B)]],
    ['an UPDATE_PENDING association that names no session', request('Create', { team: TEAM_B }), { team: TEAM_B, state: 'UPDATE_PENDING' }, []],
    ['a pending association of another team', request('Create', { team: TEAM_B }), pending(TEAM_X, 'UPDATE_PENDING', S2), []],
    ['a pending removal of the requested team', request('Create', { team: TEAM_B }), pending(TEAM_B, 'DELETE_PENDING', S2), []],
    ['a Delete meeting an association being made', request('Delete', { team: TEAM_B }), pending(TEAM_B, 'UPDATE_PENDING', S2), []],
  ])('not watched as the change\'s own: %s', (_, req, association, resumed) => {
    const mine = record({ team: undefined, origin: undefined, change: change(req.type, { inherited: resumed }) });
    expect(recordAfterObservation(view({ request: req, mine, association }))).toBe(mine);
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

  test('a denied removal or association leaves what the resource holds as it was: an adopted team stays adopted', () => {
    const adopted = record({ origin: 'adopted' });
    expect(claimEffects(adopted, [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], active(TEAM_A, { arn: S1, status: 'FAILED' }))).toBe(adopted);
    expect(claimEffects(adopted, [call('AssociateMpaTeam', TEAM_B, 'accepted', S1)], active(TEAM_A, { arn: S1, status: 'FAILED' }))).toBe(adopted);
  });

  test('a team the resource already holds as created is the same record (no write)', () => {
    const mine = record();
    expect(claimEffects(mine, [call('AssociateMpaTeam', TEAM_A, 'accepted', S1)], active(TEAM_A))).toBe(mine);
  });

  test('associating a team it had adopted (after a removal outside the stack) makes it created', () => {
    expect(claimEffects(record({ origin: 'adopted' }), [call('AssociateMpaTeam', TEAM_A, 'accepted')], active(TEAM_A)))
      .toEqual(record({ origin: 'created' }));
  });

  test('only an approved removal of the team the resource holds releases it', () => {
    const holdsB = record({ team: TEAM_B });
    expect(claimEffects(holdsB, [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], undefined)).toBe(holdsB);
    const holdsA = record();
    expect(claimEffects(holdsA, [call('AssociateMpaTeam', TEAM_B, 'accepted', S1)], undefined)).toBe(holdsA);
  });

  test('a pending disassociation, a refused or a lost call change nothing', () => {
    const mine = record();
    expect(claimEffects(mine, [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)], pending(TEAM_A, 'DELETE_PENDING', S1))).toBe(mine);
    expect(claimEffects(mine, [call('AssociateMpaTeam', TEAM_B, 'conflict')], active(TEAM_B))).toBe(mine);
    expect(claimEffects(mine, [call('AssociateMpaTeam', TEAM_B, 'lost')], active(TEAM_B))).toBe(mine);
    expect(ACTION).toBe('IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE');
  });
});
