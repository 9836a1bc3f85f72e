/**
 * Issue 22: two stacks (other apps, other pipelines, where the synth-time guardrail
 * sees neither) claim one action at the same moment. For different teams exactly one
 * proceeds and the other fails at once, naming it and its team, having asked nobody;
 * for the same team both succeed, with one association and the first creator's
 * origin. The start order is a parameter, in every world of the service; the claim
 * lock's failure cases (a list that lags, a claimant that stopped inside its section)
 * are scripted faults of the SSM fake.
 */
import { createdPayments as created, historySince, markHistory, reasonOf } from './observations';
import { lockName, serializeHolder } from '../../lambda/core/claim-lock';
import { parseRecord, type ManagerRecord } from '../../lambda/core/ownership-record';
import { ACTION, TEAM_A, TEAM_B, paymentsTemplate } from '../fixtures/payments-stack';
import { approversWho } from '../harness/approvers';
import { concurrently } from '../harness/concurrent-operations';
import { SimulatedStack, type OperationResult } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();

interface Claimant {
  readonly stack: SimulatedStack;
  readonly team: string;
  result?: OperationResult;
}

/** PaymentsA (team A) and PaymentsB (`teamOfB`) created together, B starting `bStartsAfterMs` after A (negative: before). */
async function createdTogether(teamOfB: string, bStartsAfterMs = 0): Promise<Claimant[]> {
  approversWho(env.sim, 'approve');
  const claimants: Claimant[] = [
    { stack: new SimulatedStack(env.sim, 'PaymentsA'), team: TEAM_A },
    { stack: new SimulatedStack(env.sim, 'PaymentsB'), team: teamOfB },
  ];
  const results = await concurrently(env.sim, 'two claims at once', claimants.map((c, i) => ({
    startsAfterMs: i === 0 ? Math.max(0, -bStartsAfterMs) : Math.max(0, bStartsAfterMs),
    run: () => c.stack.create(paymentsTemplate({ stackName: c.stack.name, team: c.team })),
  })));
  results.forEach((r, i) => { claimants[i].result = r; });
  return claimants;
}

function records(): ManagerRecord[] {
  return env.sim.fake.parameters().map(p => parseRecord(p.value)).filter((r): r is ManagerRecord => r !== undefined);
}

/** Exactly one claimant for another team won; the other failed at once naming it and its team, and asked nobody. */
function expectOneWinner(claimants: Claimant[]): void {
  const winners = claimants.filter(c => c.result!.status === 'CREATE_COMPLETE');
  expect(winners).toHaveLength(1);
  const [winner] = winners;
  const loser = claimants.find(c => c !== winner)!;
  expect(loser.result!.status).toBe('ROLLBACK_COMPLETE');
  const failed = loser.result!.events.find(e => e.status === 'CREATE_FAILED');
  expect(reasonOf(failed)).toMatch(new RegExp(`${winner.stack.name}/RootCertificateImportApproval\\w+`));
  expect(reasonOf(failed)).toContain(`team ${winner.team}`);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: winner.team, AssociationState: 'ACTIVE' });
  // Nobody was asked for the loser's team, nothing is pending, the lock is let go of.
  expect(env.sim.fake.sessions.filter(s => s.requestedTeamArn === loser.team)).toEqual([]);
  expect(env.sim.fake.mutatingCalls().filter(r => r.status === 200).length).toBe(1);
  expect(env.sim.fake.sessions.filter(s => s.outcome === undefined)).toEqual([]);
  expect(env.sim.fake.parameters().map(p => p.name)).not.toContain(lockName(ACTION));
  expect(records().map(r => r.team)).toEqual([winner.team]);
}

describe.each([
  ['at the same moment', 0],
  ['A a moment first', 3_000],
  ['B a moment first', -3_000],
])('two claims for different teams, %s', (_, bStartsAfterMs) => {
  forEachWorld('exactly one proceeds; the other fails at once, naming it and its team', env, async () => {
    expectOneWinner(await createdTogether(TEAM_B, bStartsAfterMs));
  });
});

forEachWorld('two claims for the same team at the same moment: both succeed, one association, the first creator\'s origin for both', env, async () => {
  const claimants = await createdTogether(TEAM_A);
  expect(claimants.map(c => c.result!.status)).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE']);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(env.sim.fake.mutatingCalls().map(r => `${r.operation}:${r.status}`)).toEqual(['AssociateMpaTeam:200']);
  expect(records().map(r => [r.team, r.origin])).toEqual([[TEAM_A, 'created'], [TEAM_A, 'created']]);
  // The first Delete hands over to the other; the last one removes what the library created, asking once.
  const before = markHistory(env.sim);
  expect((await claimants[0].stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(historySince(env.sim, before).mutatingCalls).toEqual([]);
  expect((await claimants[1].stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(historySince(env.sim, before).mutatingCalls).toEqual(['DisassociateMpaTeam:200']);
  expect(env.sim.fake.association()).toBeUndefined();
});

forEachWorld('a claim after the other completed behaves as before: FAILED, naming the resource that manages the action', env, async () => {
  const first = await created(env.sim);
  const before = markHistory(env.sim);
  approversWho(env.sim, 'approve');
  const second = new SimulatedStack(env.sim, 'PaymentsB');
  const result = await second.create(paymentsTemplate({ stackName: 'PaymentsB', team: TEAM_B }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(reasonOf(result.events.find(e => e.status === 'CREATE_FAILED')))
    .toMatch(new RegExp(`^${ACTION} is associated with team ${TEAM_A} \\(managed by ${first.name}/RootCertificateImportApproval\\w+\\)`));
  expect(historySince(env.sim, before)).toEqual({ mutatingCalls: [], sessions: [] });
});

describe('the claim lock\'s failure cases', () => {
  test('a list that lags every write by a minute: still exactly one winner (lists never arbitrate)', async () => {
    env.sim.fake.setParameterListLag(60_000);
    expectOneWinner(await createdTogether(TEAM_B));
  });

  test('the lock\'s PutParameter applied but its answer lost (a claimant cut off between its writes): it carries on; one winner', async () => {
    env.sim.fake.injectFault({ operation: 'PutParameter', kind: 'hangup-after-commit', times: 2 });
    expectOneWinner(await createdTogether(TEAM_B));
  });

  test('a claimant that stopped inside its section leaves the lock: another team fails naming it until the lease passes, then takes it over', async () => {
    const ghost = { stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Ghost/00000000-0000-4000-8000-000000000000', logicalId: 'RootCa' };
    env.sim.fake.putParameter(lockName(ACTION), serializeHolder({ resource: ghost, requestId: 'stopped', team: TEAM_B, token: 'deadbeef' }));
    approversWho(env.sim, 'approve');
    const early = new SimulatedStack(env.sim, 'PaymentsA');
    const refused = await early.create(paymentsTemplate({ stackName: 'PaymentsA' }));
    expect(refused.status).toBe('ROLLBACK_COMPLETE');
    expect(reasonOf(refused.events.find(e => e.status === 'CREATE_FAILED')))
      .toBe(`Ghost/RootCa is claiming ${ACTION} for team ${TEAM_B} at this moment (a stack deploying in parallel); this resource asks for ${TEAM_A}. `
        + 'Nothing changed here: one team protects an action. Name the same team in both resources, or remove one of them, then deploy again.');
    expect(env.sim.fake.mutatingCalls()).toEqual([]);
    await env.sim.clock.advanceBy(10 * 60 * 1000);
    const later = new SimulatedStack(env.sim, 'PaymentsA2');
    expect((await later.create(paymentsTemplate({ stackName: 'PaymentsA2' }))).status).toBe('CREATE_COMPLETE');
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(env.sim.fake.parameters().map(p => p.name)).not.toContain(lockName(ACTION));
  });
});
