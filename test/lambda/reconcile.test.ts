import type { MpaTeamAssociation } from '../../lambda/payment-cryptography-mpa-commands';
import { decide, type ReconcileTarget } from '../../lambda/reconcile';
import type { WaitPlan } from '../../lambda/wait-plan';

const ACTION = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/team-a';
const TEAM_B = 'arn:aws:mpa:us-east-1:111122223333:approval-team/team-b';
const FOREIGN = 'arn:aws:mpa:us-east-1:444455556666:approval-team/someone-else';
const STARTED_AT = Date.parse('2026-11-24T10:00:00Z');
const SESSION = 'arn:aws:mpa:us-east-1:111122223333:session/team-a/s-1';

function target(goal: WaitPlan['goal'], team: string, extra: Partial<WaitPlan> = {}): ReconcileTarget {
  return { action: ACTION, mpaTeamArn: team, plan: { goal, startedAt: STARTED_AT, deadline: STARTED_AT + 1_800_000, ...extra } };
}

function association(team: string, state: string, status?: { Status: string; at?: number; message?: string }): MpaTeamAssociation {
  return {
    Action: ACTION,
    MpaTeamArn: team,
    AssociationState: state,
    MpaStatus: status && {
      MpaSessionArn: SESSION,
      Status: status.Status,
      InitiationDate: new Date(status.at ?? STARTED_AT + 1000),
      StatusMessage: status.message,
    },
  };
}

describe('decide: create (goal associate, owns nothing)', () => {
  test('no association: associate the team', () => {
    expect(decide(target('associate', TEAM_A), undefined)).toEqual({ kind: 'call', operation: 'AssociateMpaTeam' });
  });

  test('already ACTIVE with the same team: adopt it without a call', () => {
    expect(decide(target('associate', TEAM_A), association(TEAM_A, 'ACTIVE'))).toEqual({ kind: 'done' });
  });

  test('UPDATE_PENDING with this team (approval needed, or a rerun): wait', () => {
    expect(decide(target('associate', TEAM_A), association(TEAM_A, 'UPDATE_PENDING', { Status: 'PENDING' })).kind).toBe('wait');
  });

  test.each(['ACTIVE', 'UPDATE_PENDING', 'DELETE_PENDING'])('another team %s: fail naming that team, change nothing', (state) => {
    const decision = decide(target('associate', TEAM_A), association(FOREIGN, state));
    expect(decision.kind).toBe('fail');
    expect(decision).toMatchObject({ reason: expect.stringContaining(FOREIGN) });
    expect(decision).toMatchObject({ reason: expect.stringContaining('Nothing was changed') });
  });

  test('the association this request asked for is gone while pending: fail as denied, do not ask again', () => {
    const decision = decide(target('associate', TEAM_A, { pendingAssociationSessionArn: SESSION }), undefined);
    expect(decision.kind).toBe('fail');
    expect(decision).toMatchObject({ reason: expect.stringContaining(SESSION) });
  });
});

describe('decide: update (goal associate, owns the old team)', () => {
  const changeTeam = target('associate', TEAM_B, { ownedTeamArn: TEAM_A });

  test('old team ACTIVE: disassociate it first', () => {
    expect(decide(changeTeam, association(TEAM_A, 'ACTIVE'))).toEqual({ kind: 'call', operation: 'DisassociateMpaTeam' });
  });

  test('old team DELETE_PENDING: wait for the approvers', () => {
    expect(decide(changeTeam, association(TEAM_A, 'DELETE_PENDING', { Status: 'PENDING' })).kind).toBe('wait');
  });

  test('old team gone: associate the new team', () => {
    expect(decide(changeTeam, undefined)).toEqual({ kind: 'call', operation: 'AssociateMpaTeam' });
  });

  test('new team ACTIVE: done', () => {
    expect(decide(changeTeam, association(TEAM_B, 'ACTIVE'))).toEqual({ kind: 'done' });
  });

  test('old team back to ACTIVE with a session of this request that FAILED: fail with the session, status and message', () => {
    const decision = decide(changeTeam, association(TEAM_A, 'ACTIVE', { Status: 'FAILED', message: 'Rejected by 2 approvers' }));
    expect(decision.kind).toBe('fail');
    expect(decision).toMatchObject({ reason: expect.stringContaining(SESSION) });
    expect(decision).toMatchObject({ reason: expect.stringContaining('FAILED: Rejected by 2 approvers') });
    expect(decision).toMatchObject({ reason: expect.stringContaining(`${TEAM_A} is still associated`) });
  });

  test('old team ACTIVE with a CANCELLED session of this request: fail', () => {
    expect(decide(changeTeam, association(TEAM_A, 'ACTIVE', { Status: 'CANCELLED' })).kind).toBe('fail');
  });

  test('old team ACTIVE with a session that failed before this request began: ask again (a rerun)', () => {
    const old = association(TEAM_A, 'ACTIVE', { Status: 'FAILED', at: STARTED_AT - 3_600_000 });
    expect(decide(changeTeam, old)).toEqual({ kind: 'call', operation: 'DisassociateMpaTeam' });
  });

  test('onEvent\'s first look: a session that already ended is a previous request\'s, so ask again', () => {
    const justDenied = association(TEAM_A, 'ACTIVE', { Status: 'FAILED', at: STARTED_AT - 1000 });
    expect(decide({ ...changeTeam, beforeFirstCall: true }, justDenied)).toEqual({ kind: 'call', operation: 'DisassociateMpaTeam' });
  });

  test('a StatusMessage ending in a full stop is not doubled in the reason', () => {
    const decision = decide(changeTeam, association(TEAM_A, 'ACTIVE', { Status: 'FAILED', message: 'The approval team rejected the request.' }));
    expect(decision).toMatchObject({ reason: expect.stringContaining('rejected the request. Nothing was changed') });
  });

  test('only the comment changed (same team ACTIVE): no mutating call', () => {
    expect(decide(target('associate', TEAM_A, { ownedTeamArn: TEAM_A }), association(TEAM_A, 'ACTIVE'))).toEqual({ kind: 'done' });
  });

  test('a team this resource never held: fail, change nothing', () => {
    expect(decide(changeTeam, association(FOREIGN, 'ACTIVE')).kind).toBe('fail');
  });

  test('rollback to the old team while the new one is pending: wait for that session to settle', () => {
    const rollback = target('associate', TEAM_A, { ownedTeamArn: TEAM_B });
    expect(decide(rollback, association(TEAM_B, 'UPDATE_PENDING', { Status: 'PENDING' })).kind).toBe('wait');
  });
});

describe('decide: delete (goal disassociate)', () => {
  const remove = target('disassociate', TEAM_A, { ownedTeamArn: TEAM_A });

  test('this resource\'s team ACTIVE: disassociate', () => {
    expect(decide(remove, association(TEAM_A, 'ACTIVE'))).toEqual({ kind: 'call', operation: 'DisassociateMpaTeam' });
  });

  test('DELETE_PENDING: wait', () => {
    expect(decide(remove, association(TEAM_A, 'DELETE_PENDING', { Status: 'PENDING' })).kind).toBe('wait');
  });

  test('gone: done', () => {
    expect(decide(remove, undefined)).toEqual({ kind: 'done' });
  });

  test.each(['ACTIVE', 'DELETE_PENDING', 'UPDATE_PENDING'])('another team %s (changed out of band): done without touching it', (state) => {
    expect(decide(remove, association(FOREIGN, state))).toEqual({ kind: 'done' });
  });

  test('denied in this request: fail, the team stays', () => {
    expect(decide(remove, association(TEAM_A, 'ACTIVE', { Status: 'FAILED' })).kind).toBe('fail');
  });

  test('nothing to do (retain, rollback of a failed create): done', () => {
    expect(decide(target('none', TEAM_A), association(TEAM_A, 'ACTIVE'))).toEqual({ kind: 'done' });
  });
});
