/**
 * Issue 21: a move whose two stacks a pipeline deploys at the same time (a CDK
 * Pipelines stage, `cdk deploy --all --concurrency N`). The old stack's Delete and
 * the new stack's Create overlap, in either order. Whatever the order, the
 * protection is handed over: the move applies no removal, unless the approvers
 * approved it before the new resource's claim existed, and then the new resource
 * associates the team again at once. Every session the move opened ends, the new
 * resource holds the team with the old one's origin, and a removal that took
 * effect after the claim is never quiet.
 */
import { historySince, markHistory, reasonOf, createdPayments as created, type HistoryMark } from './observations';
import { parseRecord, recordName, serializeRecord, type ManagerRecord } from '../../lambda/core/ownership-record';
import type { SessionRecord } from '../fake/fake-control-plane';
import { seededRandom } from '../fake/seeded-random';
import { worldName } from '../fake/service-worlds';
import { ACTION, TEAM_A, paymentsTemplate } from '../fixtures/payments-stack';
import { approversDeciding } from '../harness/approvers';
import { concurrently } from '../harness/concurrent-operations';
import { setWorld } from '../harness/fake-adapter';
import { SimulatedStack, type OperationResult } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld, playableWorlds } from '../harness/worlds';

const env = useSimulation();

/** Humans: they answer a session once it has been pending this long (the handlers poll every 10 s). */
const APPROVERS_TAKE_MS = 3 * 60 * 1000;

interface MoveOptions {
  /** When each stack's operation starts, after the first. */
  readonly oldStartsAfterMs?: number;
  readonly newStartsAfterMs?: number;
  /** The old stack is deleted whole instead of updated without the construct. */
  readonly wholeStackDelete?: boolean;
  /** When the approvers approve the old stack's removal: after APPROVERS_TAKE_MS, or as `decide` says. */
  readonly approveRemoval?: (session: SessionRecord, now: number) => boolean;
}

interface Moved {
  readonly old: OperationResult;
  readonly moved: OperationResult;
  readonly newStack: SimulatedStack;
  readonly history: ReturnType<typeof historySince>;
  readonly removals: SessionRecord[];
}

/** Payments (team A) created; then its association moves to PaymentsKeys, both stacks deployed at once. */
async function movedInParallel(options: MoveOptions = {}): Promise<Moved> {
  const oldStack = await created(env.sim);
  const before: HistoryMark = markHistory(env.sim);
  const approveRemoval = options.approveRemoval ?? ((session, now) => now - session.initiatedAtMs >= APPROVERS_TAKE_MS);
  // The approvers of the new resource's own sessions (a first association that needs approval) answer at once.
  approversDeciding(env.sim, session => {
    if (session.kind !== 'disassociate') return 'approve';
    return approveRemoval(session, env.sim.clock.now()) ? 'approve' : 'wait';
  });
  const newStack = new SimulatedStack(env.sim, 'PaymentsKeys');
  const [old, moved] = await concurrently(env.sim, 'a move deployed in parallel', [
    {
      startsAfterMs: options.oldStartsAfterMs,
      run: () => (options.wholeStackDelete ? oldStack.delete() : oldStack.update(paymentsTemplate({ without: true }))),
    },
    { startsAfterMs: options.newStartsAfterMs, run: () => newStack.create(paymentsTemplate({ stackName: 'PaymentsKeys' })) },
  ]);
  const history = historySince(env.sim, before);
  return { old, moved, newStack, history, removals: history.sessions.filter(s => s.kind === 'disassociate') };
}

/** The ownership records in SSM, by stack name. */
function recordsByStack(): Record<string, ManagerRecord> {
  const records = env.sim.fake.parameters().map(p => parseRecord(p.value)).filter((r): r is ManagerRecord => r !== undefined);
  return Object.fromEntries(records.map(r => [/:stack\/([^/]+)\//.exec(r.resource.stackId)![1], r]));
}

/** The old resource's Delete event (cleanup phase, or the whole-stack delete). */
function oldDelete(result: OperationResult) {
  return result.events.find(e => e.logicalId.startsWith('RootCertificateImportApproval') && /^DELETE_(COMPLETE|FAILED)$/.test(e.status));
}

/**
 * What every parallel move ends with: the new stack holds team A, ACTIVE, with the old
 * one's origin; nothing is left pending; the old resource holds nothing (a Delete that
 * failed keeps its record, without a team, for a rerun).
 */
function expectHandedOver(result: Moved): void {
  expect(result.moved.status).toBe('CREATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  const { PaymentsKeys, Payments, ...rest } = recordsByStack();
  expect(PaymentsKeys).toMatchObject({ team: TEAM_A, origin: 'created' });
  expect(rest).toEqual({});
  if (oldDelete(result.old)?.status === 'DELETE_COMPLETE') expect(Payments).toBeUndefined();
  expect(Payments?.team).toBeUndefined();
  expect(result.history.sessions.filter(s => s.outcome === undefined)).toEqual([]);
}

/** The move applied no removal: every removal session it opened ended cancelled, and no association call was made. */
function expectNoRemoval(result: Moved): void {
  expect(result.removals.map(s => s.outcome)).toEqual(result.removals.map(() => 'cancelled'));
  expect(result.history.mutatingCalls.filter(c => c.startsWith('AssociateMpaTeam'))).toEqual([]);
  expect(oldDelete(result.old)?.status).toBe('DELETE_COMPLETE');
  expect(result.old.status).toBe(result.old.requests.some(r => r.phase === 'delete') ? 'DELETE_COMPLETE' : 'UPDATE_COMPLETE');
}

/** Deleting the new stack removes the association: the origin (`created`) passed with the hand-over. */
async function expectNewStackRemovesIt(newStack: SimulatedStack): Promise<void> {
  approversDeciding(env.sim, () => 'approve');
  expect((await newStack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toBeUndefined();
  expect(env.sim.fake.parameters()).toEqual([]);
}

forEachWorld('a parallel move, the old stack a moment first: its removal is cancelled once the new claim shows, the team is handed over', env, async () => {
  const result = await movedInParallel({ newStartsAfterMs: 15_000 });
  expectHandedOver(result);
  expectNoRemoval(result);
  expect(result.removals).toHaveLength(1);
  await expectNewStackRemovesIt(result.newStack);
});

forEachWorld('a parallel move, both stacks at the same moment: no removal applied, the team handed over', env, async () => {
  const result = await movedInParallel();
  expectHandedOver(result);
  expectNoRemoval(result);
  await expectNewStackRemovesIt(result.newStack);
});

forEachWorld('a parallel move, the new stack a moment first: the old Delete asks nothing', env, async () => {
  const result = await movedInParallel({ oldStartsAfterMs: 15_000 });
  expectHandedOver(result);
  expectNoRemoval(result);
  expect(result.removals).toEqual([]);
  await expectNewStackRemovesIt(result.newStack);
});

forEachWorld('a whole-stack delete beside the new stack\'s create: the team is handed over, the stack deleted', env, async () => {
  const result = await movedInParallel({ wholeStackDelete: true, newStartsAfterMs: 15_000 });
  expect(result.old.status).toBe('DELETE_COMPLETE');
  expectHandedOver(result);
  expectNoRemoval(result);
  await expectNewStackRemovesIt(result.newStack);
});

forEachWorld('the removal approved before the new claim existed: the old Delete completes, the new resource associates at once', env, async () => {
  // Approved at the old waiter's first poll (10 s); the new stack starts at 25 s.
  const result = await movedInParallel({ newStartsAfterMs: 25_000, approveRemoval: () => true });
  expect(result.removals.map(s => s.outcome)).toEqual(['approved']);
  expect(oldDelete(result.old)?.status).toBe('DELETE_COMPLETE');
  expectHandedOver(result);
  expect(result.history.mutatingCalls.filter(c => c.startsWith('AssociateMpaTeam'))).toEqual(['AssociateMpaTeam:200']);
});

forEachWorld('the removal approved in the same poll as the new claim, after it: the old Delete fails saying so, the new resource associates at once', env, async () => {
  // The approvers act on the first tick after the new stack's claim is in SSM, before the old Delete polls again.
  const claimed = () => env.sim.fake.parameters().some(p => p.name.includes('/PaymentsKeys/'));
  const result = await movedInParallel({ newStartsAfterMs: 15_000, approveRemoval: () => claimed() });
  expect(result.removals.map(s => s.outcome)).toEqual(['approved']);
  const failed = oldDelete(result.old);
  expect(failed?.status).toBe('DELETE_FAILED');
  expect(reasonOf(failed)).toMatch(new RegExp(`^Approval session ${result.removals[0].sessionArn} removed team ${TEAM_A} from ${ACTION} `
    + 'before this Delete could hand the action over to PaymentsKeys/RootCertificateImportApproval\\w+, which claims that team\\.'));
  expect(result.old.status).toBe('UPDATE_COMPLETE'); // a cleanup-phase failure is only an event
  expectHandedOver(result);
  expect(result.history.mutatingCalls.filter(c => c.startsWith('AssociateMpaTeam'))).toEqual(['AssociateMpaTeam:200']);
});

/**
 * Every other start order and approval moment, drawn with a fixed seed: one draw per
 * world. Whatever the draw, the move ends handed over; a removal is applied only when
 * the approvers approved it, and then the new resource associated the team again.
 */
describe('sampled interleavings (seed 21)', () => {
  const random = seededRandom(21);
  const draws = playableWorlds().map(world => ({
    world,
    gapMs: Math.round((random() * 2 - 1) * 40_000),
    approveAfterMs: random() < 0.5 ? APPROVERS_TAKE_MS : Math.round(random() * 40_000),
    wholeStackDelete: random() < 0.3,
  }));
  for (const draw of draws) {
    const title = `gap ${draw.gapMs} ms, approvers after ${draw.approveAfterMs} ms${draw.wholeStackDelete ? ', whole-stack delete' : ''}`;
    test(`${title} [${worldName(draw.world)}]`, async () => {
      env.sim.reset();
      setWorld(env.sim.fake, draw.world);
      const result = await movedInParallel({
        oldStartsAfterMs: Math.max(0, -draw.gapMs),
        newStartsAfterMs: Math.max(0, draw.gapMs),
        wholeStackDelete: draw.wholeStackDelete,
        approveRemoval: (session, now) => now - session.initiatedAtMs >= draw.approveAfterMs,
      });
      expectHandedOver(result);
      // A removal that took effect after the claim existed is never quiet.
      const oldEnd = oldDelete(result.old);
      if (oldEnd?.status === 'DELETE_FAILED') expect(reasonOf(oldEnd)).toContain('before this Delete could hand the action over to PaymentsKeys/');
      const applied = result.removals.filter(s => s.outcome === 'approved');
      expect(result.removals.filter(s => s.outcome !== 'approved').map(s => s.outcome)).toEqual(result.removals.filter(s => s.outcome !== 'approved').map(() => 'cancelled'));
      expect(result.history.mutatingCalls.filter(c => c.startsWith('AssociateMpaTeam')).length).toBe(applied.length);
    });
  }
});

/**
 * Cancelling is conservative: a removal counts as cancelled only when MPA reports its
 * session ended. Where it cannot be cancelled, the old Delete fails saying how to
 * cancel it, and the new resource waits on the service until the session ends.
 */
describe('when the old Delete cannot cancel its removal', () => {
  /** The approvers deny the removal once it has been pending APPROVERS_TAKE_MS. */
  const deniedLate = async () => {
    const oldStack = await created(env.sim);
    const before = markHistory(env.sim);
    approversDeciding(env.sim, session => (session.kind === 'disassociate'
      ? (env.sim.clock.now() - session.initiatedAtMs >= APPROVERS_TAKE_MS ? 'deny' : 'wait') : 'approve'));
    const newStack = new SimulatedStack(env.sim, 'PaymentsKeys');
    const [old, moved] = await concurrently(env.sim, 'a move deployed in parallel', [
      { run: () => oldStack.update(paymentsTemplate({ without: true })) },
      { startsAfterMs: 15_000, run: () => newStack.create(paymentsTemplate({ stackName: 'PaymentsKeys' })) },
    ]);
    return { old, moved, history: historySince(env.sim, before) };
  };

  test.each([
    ['CancelSession answers success and leaves the session pending', () => env.sim.fake.setMpaBehaviour({ cancelEffect: 'none' }),
      'MPA still reports it PENDING after CancelSession'],
    ['MPA is out of reach', () => env.sim.fake.injectFault({ operation: 'CancelSession', kind: 'unavailable' }),
      'MPA answered ServiceUnavailableException'],
  ])('%s: the old Delete fails saying how to cancel; the new resource waits for the session to end', async (_, arrange, why) => {
    arrange();
    const { old, moved, history } = await deniedLate();
    const removal = history.sessions.find(s => s.kind === 'disassociate')!;
    const failed = oldDelete(old);
    expect(failed?.status).toBe('DELETE_FAILED');
    expect(reasonOf(failed)).toMatch(new RegExp(`^PaymentsKeys/RootCertificateImportApproval\\w+ claims team ${TEAM_A}, but this Delete's removal of it `
      + `from ${ACTION} \\(session ${removal.sessionArn}\\) is still pending and could not be cancelled \\(${why}`));
    expect(reasonOf(failed)).toContain(`aws mpa cancel-session --session-arn ${removal.sessionArn} --region us-east-1`);
    expect(removal.outcome).toBe('denied');
    expect(moved.status).toBe('CREATE_COMPLETE');
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(recordsByStack().PaymentsKeys).toMatchObject({ team: TEAM_A, origin: 'created' });
    expect(history.mutatingCalls.filter(c => c.startsWith('AssociateMpaTeam'))).toEqual([]);
  });

  test.each(['CREATING', 'AWAITING_QUORUM'])('a session status the handler does not know (%s) counts as not ended: it is cancelled', async status => {
    env.sim.fake.setMpaBehaviour({ pendingStatusReportedAs: status });
    const result = await movedInParallel({ newStartsAfterMs: 15_000 });
    expectHandedOver(result);
    expectNoRemoval(result);
    expect(result.removals).toHaveLength(1);
    expect(env.sim.fake.requests.filter(r => r.operation === 'CancelSession').map(r => r.status)).toEqual([200]);
  });
});

/**
 * A Delete that never hands over (its waiter stopped without an answer): the new
 * resource waits at most HAND_OVER_WAIT_MS, or half its approvalTimeout, then goes on
 * as without it, and its log says so.
 */
describe('a Delete that never hands over', () => {
  const STALE = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/PaymentsOld/0b7a2c3e-0000-4000-8000-000000000000', logicalId: 'RootCa' };

  /** PaymentsOld's record: it holds team A (created) and its Delete began now, with a deadline 30 minutes on, and then stopped. */
  function seedStoppedDelete(): void {
    const stale: ManagerRecord = {
      resource: STALE,
      team: TEAM_A,
      origin: 'created',
      change: { requestId: 'stopped-delete', type: 'Delete', startedAt: env.sim.clock.now(), deadline: env.sim.clock.now() + 1_800_000, team: TEAM_A, calls: [] },
    };
    env.sim.fake.putParameter(recordName(ACTION, STALE), serializeRecord(stale));
  }

  const handlerSays = (text: string) => env.sim.lambda.invocations.some(i => i.lines.some(l => l.message.includes(text)));

  test('team A ACTIVE: after half its 15-minute approvalTimeout the new resource adopts it with the origin handed over, and says why', async () => {
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    seedStoppedDelete();
    const start = env.sim.clock.now();
    const newStack = new SimulatedStack(env.sim, 'PaymentsKeys');
    expect((await newStack.create(paymentsTemplate({ stackName: 'PaymentsKeys' }))).status).toBe('CREATE_COMPLETE');
    expect(env.sim.clock.now() - start).toBeGreaterThanOrEqual(450_000);
    expect(env.sim.clock.now() - start).toBeLessThan(480_000);
    expect(recordsByStack().PaymentsKeys).toMatchObject({ team: TEAM_A, origin: 'created' });
    expect(handlerSays(`PaymentsOld/RootCa did not hand team ${TEAM_A} over within 450 s; going on as without it`)).toBe(true);
    expect(env.sim.fake.mutatingCalls()).toEqual([]);
  });

  test('team A DELETE_PENDING: after that, the new resource waits for the removal as without a hand-over, then associates', async () => {
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'DELETE_PENDING' });
    seedStoppedDelete();
    const dismiss = approversDeciding(env.sim, session => (env.sim.clock.now() - session.initiatedAtMs >= 600_000 ? 'approve' : 'wait'));
    const newStack = new SimulatedStack(env.sim, 'PaymentsKeys');
    expect((await newStack.create(paymentsTemplate({ stackName: 'PaymentsKeys' }))).status).toBe('CREATE_COMPLETE');
    dismiss();
    expect(handlerSays(`(PaymentsOld/RootCa did not hand team ${TEAM_A} over within 450 s; going on as without it)`)).toBe(true);
    expect(env.sim.fake.mutatingCalls().map(r => r.operation)).toEqual(['AssociateMpaTeam']);
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  });
});
