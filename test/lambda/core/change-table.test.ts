import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHANGE_TABLE, decide } from '../../../lambda/core/change-table';
import type { ChangeView } from '../../../lambda/core/change-view';
import {
  ACTION, ACTIVE_TEAM, OTHER_STACK, RENAMED, RESOURCE, S1, S2, T0, TEAM_A, TEAM_B, TEAM_X,
  active, call, change, inherited, pending, record, request, view,
} from '../../fixtures/change-views';

/**
 * The state table, row by row: each case names the row it expects, so the
 * table's every row is pinned (see the last test).
 */
const rowsSeen = new Set<string>();

function step(v: ChangeView) {
  const decided = decide(v);
  rowsSeen.add(decided.row.replace(/\/timeout$/, ''));
  return decided;
}

const deleteRequest = request('Delete');
const updateAtoB = request('Update', { team: TEAM_B, previousTeam: TEAM_A });
const updateKeepA = request('Update', { team: TEAM_A, previousTeam: TEAM_A });

describe('every request', () => {
  test('superseded: a newer request for this resource has begun: stop, naming it', () => {
    const s = step(view({ request: updateAtoB, mine: record({ change: change('Update', { requestId: 'rollback', startedAt: T0 + 500 }) }) }));
    expect(s).toMatchObject({ row: 'superseded', kind: 'stop' });
    expect(s.kind === 'stop' && s.reason).toContain('rollback');
  });

  test('an older change in the record is not a newer request: begin', () => {
    const s = step(view({ request: updateAtoB, mine: record({ change: change('Update', { requestId: 'older', startedAt: T0 - 500 }) }) }));
    expect(s).toMatchObject({ row: 'begin', kind: 'begin', inherit: [] });
  });

  test('begin: a pending session of the previous change is cancelled by the next change', () => {
    const previous = change('Update', {
      requestId: 'forward',
      startedAt: T0 - 1000,
      team: TEAM_B,
      previousTeam: TEAM_A,
      calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1, T0 - 900)],
    });
    const s = step(view({
      request: request('Update', { team: TEAM_A, previousTeam: TEAM_B }),
      mine: record({ change: previous }),
      association: pending(TEAM_A, 'DELETE_PENDING', S1),
    }));
    expect(s).toEqual({ row: 'begin', kind: 'begin', inherit: [inherited(S1, 'cancel')], rollbackOf: 'forward' });
  });

  test('begin: a Delete rerun resumes the session the timed-out Delete opened', () => {
    const previous = change('Delete', { requestId: 'first-delete', startedAt: T0 - 1000, calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1, T0 - 900)] });
    const s = step(view({ request: deleteRequest, mine: record({ change: previous }), association: pending(TEAM_A, 'DELETE_PENDING', S1) }));
    expect(s).toMatchObject({ row: 'begin', inherit: [inherited(S1, 'resume')] });
    expect(s).not.toHaveProperty('rollbackOf');
  });

  test('begin: a session of the previous change that has ended is not inherited', () => {
    const previous = change('Delete', { requestId: 'first-delete', startedAt: T0 - 1000, calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1, T0 - 900)] });
    const s = step(view({ request: deleteRequest, mine: record({ change: previous }), association: active(TEAM_A, { arn: S1, status: 'FAILED' }) }));
    expect(s).toMatchObject({ row: 'begin', inherit: [] });
  });

  test('begin: the Delete after a failed Create is marked as its rollback', () => {
    const previous = change('Create', { requestId: 'create', startedAt: T0 - 1000, outcome: 'failed' });
    expect(step(view({ request: deleteRequest, mine: record({ team: undefined, change: previous }) }))).toMatchObject({ row: 'begin', rollbackOf: 'create' });
  });

  test.each([
    ['the Delete of a resource whose Create succeeded', deleteRequest, change('Create', { requestId: 'create', outcome: 'succeeded' })],
    ['a Create after a failed Create (deployed again with rollback disabled)', request('Create'), change('Create', { requestId: 'create', outcome: 'failed' })],
    ['a team change swapped back after the first one succeeded', request('Update', { team: TEAM_A, previousTeam: TEAM_B }),
      change('Update', { requestId: 'forward', team: TEAM_B, previousTeam: TEAM_A, outcome: 'succeeded' })],
    ['a team change that moves on to a third team after a failed one', request('Update', { team: TEAM_X, previousTeam: TEAM_B }),
      change('Update', { requestId: 'forward', team: TEAM_B, previousTeam: TEAM_A, outcome: 'failed' })],
    ['a team change back to the old team from another than the failed one\'s', request('Update', { team: TEAM_A, previousTeam: TEAM_X }),
      change('Update', { requestId: 'forward', team: TEAM_B, previousTeam: TEAM_A, outcome: 'failed' })],
  ])('begin: %s is a change of its own, not a rollback', (_, req, previous) => {
    const s = step(view({ request: req, mine: record({ change: { ...previous, startedAt: T0 - 1000 } }) }));
    expect(s).toEqual({ row: 'begin', kind: 'begin', inherit: [] });
  });

  test('cancel-inherited: a still-pending inherited session is cancelled', () => {
    const mine = record({ change: change('Update', { inherited: [inherited(S1, 'cancel')] }) });
    expect(step(view({ request: updateKeepA, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual({ row: 'cancel-inherited', kind: 'cancel', session: S1 });
  });

  test('cannot-cancel: a session that could not be cancelled is waited on, and its timeout says how to cancel it', () => {
    const mine = record({ change: change('Update', { inherited: [inherited(S1, 'cancel')] }) });
    const parts = { request: updateKeepA, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1), uncancellable: [[S1, 'MPA answered TimeoutError']] as [string, string][] };
    expect(step(view(parts))).toMatchObject({ row: 'cannot-cancel', kind: 'wait', session: S1, why: `session ${S1} to end (it could not be cancelled)` });
    const late = step(view({ ...parts, now: T0 + 1_800_000, sessions: [[S1, 'unavailable']] }));
    expect(late).toMatchObject({ row: 'cannot-cancel/timeout', kind: 'fail' });
    expect(late.kind === 'fail' && late.reason).toContain(`aws mpa cancel-session --session-arn ${S1} --region us-east-1`);
    expect(late.kind === 'fail' && late.reason).toContain('continue-update-rollback');
  });
});

describe('Delete', () => {
  const begun = (overrides = {}) => record({ change: change('Delete'), ...overrides });

  test('delete-nothing-associated: done, the record is removed', () => {
    expect(step(view({ request: deleteRequest, mine: begun() })))
      .toEqual({ row: 'delete-nothing-associated', kind: 'complete', record: 'remove', note: 'nothing is associated (any more)' });
  });

  test('delete-holds-nothing: a resource holding no team leaves the association alone', () => {
    expect(step(view({ request: deleteRequest, mine: begun({ team: undefined, origin: undefined }), association: active(TEAM_A) })))
      .toEqual({ row: 'delete-holds-nothing', kind: 'complete', record: 'remove', note: 'this resource holds no team: nothing to remove' });
  });

  test('delete-not-ours: another team is associated (changed outside the stack): left in place, naming it', () => {
    expect(step(view({ request: deleteRequest, mine: begun(), association: active(TEAM_X) }))).toEqual({
      row: 'delete-not-ours',
      kind: 'complete',
      record: 'remove',
      note: `${ACTION} is associated with ${TEAM_X}, not with this resource's team: left in place`,
    });
  });

  test('delete-other-manager: another resource holds the team (a rename or a move): hand over without a call, naming every such resource', () => {
    const others = [record({ resource: RENAMED }), record({ resource: { stackId: OTHER_STACK, logicalId: 'RootCaApproval' } })];
    expect(step(view({ request: deleteRequest, mine: begun(), others, association: active(TEAM_A) }))).toEqual({
      row: 'delete-other-manager',
      kind: 'complete',
      record: 'remove',
      note: `another resource manages ${ACTION}: payments/RootCaApprovalRenamed, payments-v2/RootCaApproval`,
    });
  });

  test('delete-other-manager: a resource in another stack counts too', () => {
    const other = record({ resource: { stackId: OTHER_STACK, logicalId: 'RootCaApproval' } });
    expect(step(view({ request: deleteRequest, mine: begun(), others: [other], association: active(TEAM_A) })).row).toBe('delete-other-manager');
  });

  test('a record of another resource that holds no team does not keep the action (a Create that never completed)', () => {
    const phantom = record({ resource: RENAMED, team: undefined, origin: undefined });
    expect(step(view({ request: deleteRequest, mine: begun(), others: [phantom], association: active(TEAM_A) })))
      .toEqual({ row: 'delete-disassociate', kind: 'call', operation: 'DisassociateMpaTeam', team: TEAM_A });
  });

  test('delete-not-created: an association this library adopted is left in place', () => {
    expect(step(view({ request: deleteRequest, mine: begun({ origin: 'adopted' }), association: active(TEAM_A) }))).toEqual({
      row: 'delete-not-created',
      kind: 'complete',
      record: 'remove',
      note: `${ACTION} was associated with ${TEAM_A} before this library managed it: left in place`,
    });
    expect(step(view({ request: deleteRequest, mine: begun({ origin: undefined }), association: active(TEAM_A) })).row).toBe('delete-not-created');
  });

  test('delete-disassociate: this resource created the ACTIVE team: DisassociateMpaTeam', () => {
    expect(step(view({ request: deleteRequest, mine: begun(), association: active(TEAM_A) })))
      .toEqual({ row: 'delete-disassociate', kind: 'call', operation: 'DisassociateMpaTeam', team: TEAM_A });
  });

  test('delete-wait: its disassociation pending: wait on the session', () => {
    const mine = begun({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(step(view({ request: deleteRequest, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual({ row: 'delete-wait', kind: 'wait', session: S1, why: `approval of the removal of ${TEAM_A}` });
  });

  test('delete-wait: a removal this Delete did not ask for is pending on its team: wait, saying the session is not this change\'s', () => {
    const s = step(view({ request: deleteRequest, mine: begun(), association: pending(TEAM_A, 'DELETE_PENDING', S2) }));
    expect(s).toMatchObject({ row: 'delete-wait', kind: 'wait', session: S2 });
    expect(s.kind === 'wait' && s.why).toContain(`${ACTION} has an approval session this change did not open (${S2}), DELETE_PENDING with team ${TEAM_A}`);
  });

  test('delete-wait: a pending state that names no session is waited on as this Delete\'s removal', () => {
    expect(step(view({ request: deleteRequest, mine: begun(), association: { team: TEAM_A, state: 'DELETE_PENDING' } })))
      .toEqual({ row: 'delete-wait', kind: 'wait', session: undefined, why: `approval of the removal of ${TEAM_A}` });
  });

  test('delete-wait: a resumed session (a rerun) is waited on, not asked again', () => {
    const mine = begun({ change: change('Delete', { inherited: [inherited(S1, 'resume')] }) });
    expect(step(view({ request: deleteRequest, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toMatchObject({ row: 'delete-wait', kind: 'wait', session: S1 });
  });

  test('delete-not-approved: denied: read the session once for its reason, then FAILED naming it and what stays', () => {
    const mine = begun({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    const denied = { request: deleteRequest, mine, association: active(TEAM_A, { arn: S1, status: 'FAILED', message: 'Rejected by approvers.' }) };
    expect(step(view(denied))).toEqual({ row: 'delete-not-approved', kind: 'read-session', session: S1 });
    const s = step(view({ ...denied, sessions: [[S1, { status: 'FAILED', statusCode: 'REJECTED', message: 'Rejected by approvers.' }]] }));
    expect(s).toMatchObject({ row: 'delete-not-approved', kind: 'fail' });
    const reason = s.kind === 'fail' ? s.reason : '';
    expect(reason).toContain(S1);
    expect(reason).toContain('ended FAILED (REJECTED: Rejected by approvers)');
    expect(reason).toContain(`${TEAM_A} still protects ${ACTION}`);
    expect(reason).toContain('delete the stack again');
  });

  test('delete-not-approved: a session that ends leaving nothing behind (the association back as it was) is a denial', () => {
    const mine = begun({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    const s = step(view({ request: deleteRequest, mine, association: active(TEAM_A), sessions: [[S1, 'unavailable']] }));
    expect(s).toMatchObject({ row: 'delete-not-approved', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain('ended without approval (the service left no status behind)');
  });

  test('a Delete that times out reads the session once, then fails naming it and its approvals, saying the rerun resumes it', () => {
    const mine = begun({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    const late = { request: deleteRequest, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1), now: T0 + 1_800_000 };
    expect(step(view(late))).toEqual({ row: 'delete-wait/timeout', kind: 'read-session', session: S1 });
    const s = step(view({ ...late, sessions: [[S1, { status: 'PENDING', approvals: 1, threshold: 2, expiresAt: '2026-12-02T10:00:00.000Z' }]] }));
    expect(s).toMatchObject({ row: 'delete-wait/timeout', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(`: session ${S1} has 1 of 2 approvals, expires 2026-12-02T10:00:00.000Z.`);
    expect(s.kind === 'fail' && s.reason).toContain('delete the stack again to keep waiting on it; the approvers are not asked again');
  });

  test('the deadline is the first moment past it: one millisecond before, still waiting', () => {
    const mine = begun({ change: change('Delete', { calls: [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)] }) });
    expect(step(view({ request: deleteRequest, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1), now: T0 + 1_799_999 })).kind).toBe('wait');
  });
});

describe('hand-over between resources (a move deployed in parallel)', () => {
  const NEW_STACK = { stackId: OTHER_STACK, logicalId: 'RootCaApproval' };
  /** The new resource's claim: its Create has begun, asks for team A, holds nothing yet. */
  const claim = record({ resource: NEW_STACK, team: undefined, origin: undefined, change: change('Create', { requestId: 'new-create', team: TEAM_A }) });
  /** This resource's Delete, which asked to remove team A (session S1). */
  const deleting = (calls = [call('DisassociateMpaTeam', TEAM_A, 'accepted', S1)]) =>
    record({ change: change('Delete', { team: TEAM_A, calls }) });
  /** The old resource's Delete as the new resource sees it: releasing team A until its deadline. */
  const releasingDelete = (overrides = {}) => record({ resource: NEW_STACK, change: change('Delete', { requestId: 'old-delete', team: TEAM_A, deadline: T0 + 1_800_000, ...overrides }) });

  test('delete-removed-under-claim: the removal was approved while another resource claims the team: FAILED, saying what differs and what restores it', () => {
    const s = step(view({ request: deleteRequest, mine: deleting(), others: [claim] }));
    expect(s).toMatchObject({ row: 'delete-removed-under-claim', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toBe(`Approval session ${S1} removed team ${TEAM_A} from ${ACTION} before this Delete could hand the action `
      + 'over to payments-v2/RootCaApproval, which claims that team. '
      + `${ACTION} has no approval team now. While payments-v2/RootCaApproval is still deploying it associates ${TEAM_A} again at once; `
      + 'if it has completed, deploy a change to it (a new requesterComment, say): its Update associates the team again.');
  });

  test('delete-removed-under-claim: a removal taken without a session counts too; a failed or releasing resource is no claim', () => {
    const mine = deleting([call('DisassociateMpaTeam', TEAM_A, 'accepted')]);
    const s = step(view({ request: deleteRequest, mine, others: [claim] }));
    expect(s.kind === 'fail' && s.reason).toMatch(new RegExp(`^DisassociateMpaTeam removed team ${TEAM_A}`));
    const failed = { ...claim, change: { ...claim.change!, outcome: 'failed' as const } };
    expect(step(view({ request: deleteRequest, mine: deleting(), others: [failed, releasingDelete()] })).row).toBe('delete-nothing-associated');
  });

  test('delete-hand-over-cancel: its removal pending and a claim appears: cancel its own session (a resumed one too)', () => {
    expect(step(view({ request: deleteRequest, mine: deleting(), others: [claim], association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual({ row: 'delete-hand-over-cancel', kind: 'cancel', session: S1 });
    const rerun = record({ change: change('Delete', { inherited: [inherited(S1, 'resume')] }) });
    expect(step(view({ request: deleteRequest, mine: rerun, others: [claim], association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual({ row: 'delete-hand-over-cancel', kind: 'cancel', session: S1 });
  });

  test('a session this Delete did not open is never cancelled for a hand-over: it settles first', () => {
    expect(step(view({ request: deleteRequest, mine: deleting([]), others: [claim], association: pending(TEAM_A, 'DELETE_PENDING', S2) })))
      .toEqual({ row: 'delete-hand-over-settle', kind: 'wait', session: S2, why: `the association of ${TEAM_A} to return to ACTIVE before handing it over` });
  });

  test('delete-hand-over-cannot-cancel: FAILED, saying the protection is at stake and how to cancel', () => {
    const s = step(view({
      request: deleteRequest,
      mine: deleting(),
      others: [claim],
      association: pending(TEAM_A, 'DELETE_PENDING', S1),
      uncancellable: [[S1, 'MPA answered ServiceUnavailableException: down']],
    }));
    expect(s).toMatchObject({ row: 'delete-hand-over-cannot-cancel', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toBe(`payments-v2/RootCaApproval claims team ${TEAM_A}, but this Delete's removal of it from ${ACTION} (session ${S1}) `
      + 'is still pending and could not be cancelled (MPA answered ServiceUnavailableException: down). '
      + `If the approvers approve it, ${ACTION} loses its protection. Cancel it now (aws mpa cancel-session --session-arn ${S1} --region us-east-1); `
      + 'if this stack is DELETE_FAILED, delete it again afterwards.');
  });

  test('delete-other-manager after a cancelled removal: reads the session once; cancelled: hand over; approved (and associated again): FAILED', () => {
    const parts = { request: deleteRequest, mine: deleting(), others: [claim], association: active(TEAM_A, { arn: S1, status: 'CANCELLED' }) };
    expect(step(view(parts))).toEqual({ row: 'delete-other-manager', kind: 'read-session', session: S1 });
    expect(step(view({ ...parts, sessions: [[S1, { status: 'CANCELLED' }]] })))
      .toEqual({ row: 'delete-other-manager', kind: 'complete', record: 'remove', note: `another resource manages ${ACTION}: payments-v2/RootCaApproval` });
    expect(step(view({ ...parts, sessions: [[S1, 'unavailable']] }))).toMatchObject({ row: 'delete-other-manager', kind: 'complete' });
    const approved = step(view({ ...parts, sessions: [[S1, { status: 'APPROVED' }]] }));
    expect(approved).toMatchObject({ row: 'delete-other-manager', kind: 'fail' });
    expect(approved.kind === 'fail' && approved.reason).toContain(`payments-v2/RootCaApproval associated it again, and team ${TEAM_A} protects ${ACTION} now; nothing more to run.`);
  });

  test('await-hand-over: a Create that finds the team ACTIVE or DELETE_PENDING while another resource\'s Delete releases it waits for the hand-over', () => {
    const begun = record({ team: undefined, origin: undefined, change: change('Create') });
    const why = `the hand-over of team ${TEAM_A} from payments-v2/RootCaApproval, whose Delete stops removing it once it sees this resource's claim`;
    expect(step(view({ request: request('Create'), mine: begun, others: [releasingDelete()], association: active(TEAM_A) })))
      .toEqual({ row: 'await-hand-over', kind: 'wait', why, session: undefined });
    expect(step(view({ request: request('Create'), mine: begun, others: [releasingDelete()], association: pending(TEAM_A, 'DELETE_PENDING', S2) })))
      .toEqual({ row: 'await-hand-over', kind: 'wait', why, session: S2 });
    // Nothing associated (the removal was applied): associate at once.
    expect(step(view({ request: request('Create'), mine: begun, others: [releasingDelete()], team: ACTIVE_TEAM })).row).toBe('create-associate');
  });

  test('await-hand-over is bounded: past its end, or for a Delete that failed or whose deadline passed, the Create goes on as without it, and says so', () => {
    const begun = record({ team: undefined, origin: undefined, change: change('Create') });
    const ends = T0 + 660_000;
    const late = step(view({ request: request('Create'), now: ends, mine: begun, others: [releasingDelete()], association: active(TEAM_A) }));
    expect(late).toMatchObject({ row: 'associated', kind: 'complete', note: `payments-v2/RootCaApproval did not hand team ${TEAM_A} over within 660 s; going on as without it` });
    expect(step(view({ request: request('Create'), now: ends - 1, mine: begun, others: [releasingDelete()], association: active(TEAM_A) })).row).toBe('await-hand-over');
    const fallback = step(view({ request: request('Create'), now: ends, mine: begun, others: [releasingDelete()], association: pending(TEAM_A, 'DELETE_PENDING', S2) }));
    expect(fallback).toMatchObject({ row: 'create-wait-disassociation', kind: 'wait', session: S2 });
    expect(fallback.kind === 'wait' && fallback.why).toContain('(payments-v2/RootCaApproval did not hand team');
    // A short approvalTimeout halves the wait; a failed Delete, or one past its deadline, is not waited for at all.
    const short = request('Create', { approvalTimeoutMs: 120_000, deadline: T0 + 120_000 });
    expect(step(view({ request: short, now: T0 + 60_000, mine: begun, others: [releasingDelete()], association: active(TEAM_A) })).row).toBe('associated');
    for (const gone of [releasingDelete({ outcome: 'failed' }), releasingDelete({ deadline: T0 + 1000 }), releasingDelete({ deadline: undefined, startedAt: T0 - 3_600_001 })]) {
      expect(step(view({ request: request('Create'), mine: begun, others: [gone], association: active(TEAM_A) }))).toMatchObject({ row: 'associated' });
      expect(step(view({ request: request('Create'), mine: begun, others: [gone], association: active(TEAM_A) }))).not.toHaveProperty('note');
    }
  });

  test('two claims for one team: the one that did not call takes the first creator\'s origin from its recorded call', () => {
    const begun = record({ team: undefined, origin: undefined, change: change('Create') });
    const first = record({ resource: NEW_STACK, team: undefined, origin: undefined, change: change('Create', { requestId: 'first', team: TEAM_A, calls: [call('AssociateMpaTeam', TEAM_A, 'accepted')] }) });
    const s = step(view({ request: request('Create'), mine: begun, others: [first], association: active(TEAM_A) }));
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_A, origin: 'created' });
    const t = step(view({ request: request('Create'), mine: begun, others: [{ ...first, change: { ...first.change!, calls: [] } }], association: active(TEAM_A) }));
    expect(t.kind === 'complete' && t.record).toMatchObject({ origin: 'adopted' });
  });

  test('the origin passes with the hand-over: a team the old resource created is created for the new one', () => {
    const handedOver = record({ team: undefined, origin: undefined, change: change('Create', { handOver: { from: NEW_STACK, origin: 'created' } }) });
    const s = step(view({ request: request('Create'), mine: handedOver, association: active(TEAM_A) }));
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_A, origin: 'created' });
    const adopted = record({ team: undefined, origin: undefined, change: change('Create', { handOver: { from: NEW_STACK, origin: 'adopted' } }) });
    const t = step(view({ request: request('Create'), mine: adopted, association: active(TEAM_A) }));
    expect(t.kind === 'complete' && t.record).toMatchObject({ origin: 'adopted' });
  });
});

describe('Create', () => {
  const create = request('Create');
  const begun = (calls = [] as ReturnType<typeof call>[]) => record({ team: undefined, origin: undefined, change: change('Create', { calls }) });

  test('create-associate: nothing associated: read the team first, then AssociateMpaTeam', () => {
    expect(step(view({ request: create, mine: begun() }))).toEqual({ row: 'create-associate', kind: 'read-team' });
    expect(step(view({ request: create, mine: begun(), team: ACTIVE_TEAM })))
      .toEqual({ row: 'create-associate', kind: 'call', operation: 'AssociateMpaTeam', team: TEAM_A });
  });

  test('create-associate: a team whose approvers have not all accepted is waited for, naming them', () => {
    const s = step(view({ request: create, mine: begun(), team: { status: 'PENDING', approversPending: ['alice@example.com', 'bob@example.com'] } }));
    expect(s).toMatchObject({ row: 'create-associate', kind: 'wait' });
    expect(s.kind === 'wait' && s.why).toContain('2 approvers have not accepted (alice@example.com, bob@example.com)');
  });

  test.each(['INACTIVE', 'DELETING', 'NOT_FOUND'])('create-associate: a team that is %s fails the Create, nothing changed', status => {
    const s = step(view({ request: create, mine: begun(), team: { status, statusCode: 'FAILED_ACTIVATION' } }));
    expect(s).toMatchObject({ row: 'create-associate', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(TEAM_A);
    expect(s.kind === 'fail' && s.reason).toContain('Nothing changed');
  });

  test('create-associate: a team whose status MPA could not tell is associated anyway (the service has the last word)', () => {
    expect(step(view({ request: create, mine: begun(), team: { status: 'UNKNOWN' } }))).toMatchObject({ kind: 'call', operation: 'AssociateMpaTeam' });
  });

  test('associated: the team is ACTIVE: done; found so, it is adopted', () => {
    const s = step(view({ request: create, mine: begun(), association: active(TEAM_A) }));
    expect(s).toMatchObject({ row: 'associated', kind: 'complete', team: TEAM_A, session: undefined });
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_A, origin: 'adopted', change: { outcome: 'succeeded' } });
  });

  test('associated: after this change associated it, it is created, and the attribute names the session', () => {
    const s = step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), association: active(TEAM_A, { arn: S1, status: 'APPROVED' }) }));
    expect(s).toMatchObject({ row: 'associated', session: S1 });
    expect(s.kind === 'complete' && s.record).toMatchObject({ origin: 'created' });
  });

  test('associated: found ACTIVE while another resource holds it (a rename), its origin carries over', () => {
    const old = record({ resource: RENAMED, origin: 'created' });
    const s = step(view({ request: create, mine: begun(), others: [old], association: active(TEAM_A) }));
    expect(s.kind === 'complete' && s.record).toMatchObject({ origin: 'created' });
  });

  test('own-session-pending: its association needs approval: wait on the session, naming the team and the state', () => {
    expect(step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), association: pending(TEAM_A, 'UPDATE_PENDING', S1) })))
      .toEqual({ row: 'own-session-pending', kind: 'wait', session: S1, why: `approval of the association of ${TEAM_A} (UPDATE_PENDING)` });
  });

  test('own-session-pending: a session status outside the model (CREATING) means not ended yet', () => {
    expect(step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), association: pending(TEAM_A, 'UPDATE_PENDING', S1, 'CREATING') })).row)
      .toBe('own-session-pending');
  });

  test('not-approved: the association it asked for is gone: FAILED within one poll, never asked again', () => {
    const s = step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), sessions: [[S1, { status: 'FAILED', statusCode: 'REJECTED' }]] }));
    expect(s).toMatchObject({ row: 'not-approved', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(`${ACTION} has no approval team now`);
    expect(s.kind === 'fail' && s.reason).toContain('CloudFormation rolls the stack back');
  });

  test('accepted-without-effect: an accepted call that opened no session and shows no effect fails rather than asking again', () => {
    const s = step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted')]) }));
    expect(s).toMatchObject({ row: 'accepted-without-effect', kind: 'fail' });
  });

  test('a call whose answer was lost and shows no effect may be made again', () => {
    expect(step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'lost')]), team: ACTIVE_TEAM })))
      .toMatchObject({ row: 'create-associate', kind: 'call' });
  });

  test('create-wait-disassociation: a removal this change did not ask for is pending: wait for it', () => {
    expect(step(view({ request: create, mine: begun(), association: pending(TEAM_X, 'DELETE_PENDING', S2) }))).toMatchObject({ row: 'create-wait-disassociation', kind: 'wait', session: S2 });
  });

  test.each([
    ['another team ACTIVE', active(TEAM_X)],
    ['another team being associated', pending(TEAM_X, 'UPDATE_PENDING', S2)],
  ])('create-foreign: %s: FAILED naming it, nothing changed', (_, association) => {
    const s = step(view({ request: create, mine: begun(), association }));
    expect(s).toMatchObject({ row: 'create-foreign', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(TEAM_X);
    expect(s.kind === 'fail' && s.reason).toContain(`set mpaTeamArn to ${TEAM_X} to adopt it`);
  });

  test('create-foreign: a team held by another resource of this library is named with its resource', () => {
    const s = step(view({ request: create, mine: begun(), others: [record({ resource: { stackId: OTHER_STACK, logicalId: 'Old' }, team: TEAM_X })], association: active(TEAM_X) }));
    expect(s.kind === 'fail' && s.reason).toContain('managed by payments-v2/Old');
  });

  test('a Create that times out waiting says the rollback cancels the session', () => {
    const s = step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), association: pending(TEAM_A, 'UPDATE_PENDING', S1), now: T0 + 1_800_000, sessions: [[S1, 'unavailable']] }));
    expect(s).toMatchObject({ row: 'own-session-pending/timeout', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain('the rollback cancels the session so that nothing takes effect later');
  });

  test('a timed-out session that MPA could not read is named without progress', () => {
    const s = step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), association: pending(TEAM_A, 'UPDATE_PENDING', S1), now: T0 + 1_800_000, sessions: [[S1, 'unavailable']] }));
    expect(s.kind === 'fail' && s.reason).toContain(`waiting for approval of the association of ${TEAM_A} (UPDATE_PENDING): session ${S1} is still pending.`);
  });

  test('past the deadline, a change that can complete completes: time fails only waits', () => {
    expect(step(view({ request: create, mine: begun([call('AssociateMpaTeam', TEAM_A, 'accepted', S1)]), association: active(TEAM_A, { arn: S1, status: 'APPROVED' }), now: T0 + 1_800_000 })))
      .toMatchObject({ row: 'associated', kind: 'complete', team: TEAM_A });
  });
});

describe('Update that keeps the team', () => {
  const begun = (overrides = {}) => record({ change: change('Update'), ...overrides });

  test('associated: the team is ACTIVE (only the comment or a timeout changed): done, no call', () => {
    expect(step(view({ request: updateKeepA, mine: begun(), association: active(TEAM_A) }))).toMatchObject({ row: 'associated', kind: 'complete', team: TEAM_A });
  });

  test.each(['created', 'adopted'] as const)('associated: a team the resource holds as %s keeps that origin', origin => {
    const s = step(view({ request: updateKeepA, mine: begun({ origin }), association: active(TEAM_A) }));
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_A, origin, change: { outcome: 'succeeded' } });
  });

  test('associated: a team it created keeps "created" while another resource (a rename in progress) holds it as adopted', () => {
    const renamed = record({ resource: RENAMED, origin: 'adopted' });
    const s = step(view({ request: updateKeepA, mine: begun(), others: [renamed], association: active(TEAM_A) }));
    expect(s.kind === 'complete' && s.record).toMatchObject({ origin: 'created' });
  });

  test('update-keep-drift: another team ACTIVE (moved outside the stack): SUCCESS with a note, the attribute shows that team', () => {
    const s = step(view({ request: updateKeepA, mine: begun(), association: active(TEAM_X) }));
    expect(s).toMatchObject({ row: 'update-keep-drift', kind: 'complete', team: TEAM_X });
    expect(s.kind === 'complete' && s.note).toBe(`drift: ${ACTION} is associated with ${TEAM_X}, not with ${TEAM_A} that this resource holds; `
      + 'the update changes nothing, as for a native resource changed outside the stack');
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_A, origin: 'created', change: { requestId: 'request-now', outcome: 'succeeded' } });
  });

  test('update-keep-restore: nothing associated (removed outside the stack): associate the team again', () => {
    expect(step(view({ request: updateKeepA, mine: begun(), team: ACTIVE_TEAM }))).toMatchObject({ row: 'update-keep-restore', kind: 'call', operation: 'AssociateMpaTeam' });
  });

  test('update-keep-settle: a session it did not open is pending: wait, never SUCCESS while pending', () => {
    expect(step(view({ request: updateKeepA, mine: begun(), association: pending(TEAM_X, 'UPDATE_PENDING', S2) }))).toMatchObject({ row: 'update-keep-settle', kind: 'wait' });
  });

  test('an association state outside the model is not settled: wait', () => {
    expect(step(view({ request: updateKeepA, mine: begun(), association: { team: TEAM_A, state: 'UPDATING' } }))).toMatchObject({ kind: 'wait' });
  });

  test('a rollback of a team change that never took effect keeps the team: the drift it meets is reported, not fatal', () => {
    const rollback = request('Update', { team: TEAM_A, previousTeam: TEAM_B });
    expect(step(view({ request: rollback, mine: begun(), association: active(TEAM_X) })).row).toBe('update-keep-drift');
  });
});

describe('Update that changes the team (A -> B)', () => {
  const begun = (calls = [] as ReturnType<typeof call>[], overrides = {}) => record({ change: change('Update', { calls }), ...overrides });

  test('update-associate-first: A ACTIVE: try AssociateMpaTeam(B) first, after checking B', () => {
    expect(step(view({ request: updateAtoB, mine: begun(), association: active(TEAM_A) }))).toEqual({ row: 'update-associate-first', kind: 'read-team' });
    expect(step(view({ request: updateAtoB, mine: begun(), association: active(TEAM_A), team: ACTIVE_TEAM })))
      .toEqual({ row: 'update-associate-first', kind: 'call', operation: 'AssociateMpaTeam', team: TEAM_B });
  });

  test('update-disassociate: AssociateMpaTeam(B) refused with ConflictException: DisassociateMpaTeam(A)', () => {
    expect(step(view({ request: updateAtoB, mine: begun([call('AssociateMpaTeam', TEAM_B, 'conflict')]), association: active(TEAM_A) })))
      .toEqual({ row: 'update-disassociate', kind: 'call', operation: 'DisassociateMpaTeam', team: TEAM_A });
  });

  test('own-session-pending: B waits for A\'s team to approve (no gap)', () => {
    expect(step(view({ request: updateAtoB, mine: begun([call('AssociateMpaTeam', TEAM_B, 'accepted', S1)]), association: pending(TEAM_B, 'UPDATE_PENDING', S1) })).row)
      .toBe('own-session-pending');
  });

  test('own-session-pending: the wait names the team being associated, even while the association still shows the old one', () => {
    expect(step(view({ request: updateAtoB, mine: begun([call('AssociateMpaTeam', TEAM_B, 'accepted', S1)]), association: pending(TEAM_A, 'UPDATE_PENDING', S1) })))
      .toEqual({ row: 'own-session-pending', kind: 'wait', session: S1, why: `approval of the association of ${TEAM_B} (UPDATE_PENDING)` });
  });

  test('own-session-pending: the removal of A pending: wait, naming the removal', () => {
    const mine = begun([call('AssociateMpaTeam', TEAM_B, 'conflict'), call('DisassociateMpaTeam', TEAM_A, 'accepted', S1, T0 + 2000)]);
    expect(step(view({ request: updateAtoB, mine, association: pending(TEAM_A, 'DELETE_PENDING', S1) })))
      .toEqual({ row: 'own-session-pending', kind: 'wait', session: S1, why: `approval of the removal of ${TEAM_A} (DELETE_PENDING)` });
  });

  test('accepted-without-effect: DisassociateMpaTeam(A) accepted without a session while A stays ACTIVE: FAILED, not asked again', () => {
    const mine = begun([call('AssociateMpaTeam', TEAM_B, 'conflict'), call('DisassociateMpaTeam', TEAM_A, 'accepted', undefined, T0 + 2000)]);
    const s = step(view({ request: updateAtoB, mine, association: active(TEAM_A) }));
    expect(s).toMatchObject({ row: 'accepted-without-effect', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(`DisassociateMpaTeam for ${ACTION} was accepted without an approval session, yet ${TEAM_A} is still associated`);
  });

  test('associated: B found ACTIVE without this change asking for it is adopted, not created', () => {
    const s = step(view({ request: updateAtoB, mine: begun(), association: active(TEAM_B) }));
    expect(s).toMatchObject({ row: 'associated', team: TEAM_B });
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_B, origin: 'adopted' });
  });

  test('not-approved: the change to B was denied with A ACTIVE: FAILED, A untouched', () => {
    const s = step(view({
      request: updateAtoB,
      mine: begun([call('AssociateMpaTeam', TEAM_B, 'accepted', S1)]),
      association: active(TEAM_A, { arn: S1, status: 'FAILED' }),
      sessions: [[S1, 'unavailable']],
    }));
    expect(s).toMatchObject({ row: 'not-approved', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(`${TEAM_A} still protects`);
    expect(s.kind === 'fail' && s.reason).toContain('without asking the approvers again');
  });

  test('update-associate: A removed (approved): AssociateMpaTeam(B)', () => {
    const mine = begun([call('AssociateMpaTeam', TEAM_B, 'conflict'), call('DisassociateMpaTeam', TEAM_A, 'accepted', S1, T0 + 2000)], { team: undefined, origin: undefined });
    expect(step(view({ request: updateAtoB, mine, team: ACTIVE_TEAM }))).toEqual({ row: 'update-associate', kind: 'call', operation: 'AssociateMpaTeam', team: TEAM_B });
  });

  test('not-approved: B\'s association denied after A was removed: FAILED saying nothing protects the action and the rollback restores A', () => {
    const mine = begun([call('DisassociateMpaTeam', TEAM_A, 'accepted', S1), call('AssociateMpaTeam', TEAM_B, 'accepted', S2, T0 + 3000)], { team: undefined, origin: undefined });
    const s = step(view({ request: updateAtoB, mine, sessions: [[S2, 'unavailable']] }));
    expect(s).toMatchObject({ row: 'not-approved', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(`${ACTION} has no approval team now`);
    expect(s.kind === 'fail' && s.reason).toContain('the rollback associates the previous team again');
  });

  test('update-wait-foreign-session: a session this change did not open is pending on A: wait for it to settle', () => {
    expect(step(view({ request: updateAtoB, mine: begun(), association: pending(TEAM_A, 'DELETE_PENDING', S2) }))).toMatchObject({ row: 'update-wait-foreign-session', kind: 'wait' });
  });

  test('update-wait-foreign-session: a session this change did not open is pending on B: wait for it to settle', () => {
    expect(step(view({ request: updateAtoB, mine: begun(), association: pending(TEAM_B, 'UPDATE_PENDING', S2) }))).toMatchObject({ row: 'update-wait-foreign-session', kind: 'wait', session: S2 });
  });

  test('update-foreign: a session pending on a third team is not waited for: FAILED, nothing changed', () => {
    expect(step(view({ request: updateAtoB, mine: begun(), association: pending(TEAM_X, 'UPDATE_PENDING', S2) }))).toMatchObject({ row: 'update-foreign', kind: 'fail' });
  });

  test('update-foreign: a third team is ACTIVE: FAILED, nothing changed', () => {
    const s = step(view({ request: updateAtoB, mine: begun(), association: active(TEAM_X) }));
    expect(s).toMatchObject({ row: 'update-foreign', kind: 'fail' });
    expect(s.kind === 'fail' && s.reason).toContain(`it holds ${TEAM_A} and asks for ${TEAM_B}`);
  });

  test('associated: B ACTIVE (approved, or switched at once): done with B, naming the session', () => {
    const s = step(view({ request: updateAtoB, mine: begun([call('AssociateMpaTeam', TEAM_B, 'accepted', S1)]), association: active(TEAM_B, { arn: S1, status: 'APPROVED' }) }));
    expect(s).toMatchObject({ row: 'associated', team: TEAM_B, session: S1 });
    expect(s.kind === 'complete' && s.record).toMatchObject({ team: TEAM_B, origin: 'created' });
  });

  test('without a record, the old properties tell which team the resource holds', () => {
    expect(step(view({ request: updateAtoB, mine: undefined, association: active(TEAM_A) })).kind).toBe('begin');
  });

  test('an Update that times out says what the rollback does; a rollback that times out says continue-update-rollback', () => {
    const mine = begun([call('AssociateMpaTeam', TEAM_B, 'accepted', S1)]);
    const late = { request: updateAtoB, association: pending(TEAM_B, 'UPDATE_PENDING', S1), now: T0 + 1_800_000, sessions: [[S1, 'unavailable']] as [string, 'unavailable'][] };
    const forward = step(view({ ...late, mine }));
    expect(forward.kind === 'fail' && forward.reason).toContain('CloudFormation now rolls this change back, and the rollback cancels the session');
    const asRollback = step(view({ ...late, mine: { ...mine, change: { ...mine.change!, rollbackOf: 'forward' } } }));
    expect(asRollback.kind === 'fail' && asRollback.reason).toContain('This was a rollback: run continue-update-rollback');
  });
});

test('every row says what it means, in words of its own', () => {
  const says = CHANGE_TABLE.map(r => r.says);
  expect(says.filter(text => !/^\S.*[.]$/.test(text))).toEqual([]);
  expect(new Set(says).size).toBe(CHANGE_TABLE.length);
});

test('every row of the table is pinned by a case above', () => {
  expect([...rowsSeen].sort()).toEqual(CHANGE_TABLE.map(r => r.id).sort());
  expect(RESOURCE.logicalId).toBe('RootCaApproval');
});

test('the README\'s state table lists every row of the handler\'s, in order, in the same words', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| `([a-z-]+)` \| (.+) \|$/gm)].map(m => ({ id: m[1], says: m[2] }))
    .filter(r => CHANGE_TABLE.some(row => row.id === r.id));
  expect(listed).toEqual(CHANGE_TABLE.map(r => ({ id: r.id, says: r.says })));
});
