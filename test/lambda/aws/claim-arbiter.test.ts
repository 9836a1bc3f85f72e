/**
 * The claim lock through the real SSM client against the fake's Parameter Store:
 * who holds it, who loses, who waits, and how a lock left by a stopped claimant is
 * taken over by exactly one other, judged on SSM's clock (the fake's).
 */
import { CallBudget } from '../../../lambda/aws/call-budget';
import { ClaimArbiter } from '../../../lambda/aws/claim-arbiter';
import type { ChangeRequest } from '../../../lambda/core/change-request';
import { LOCK_LEASE_MS, lockName, parseHolder, serializeHolder, takeoverName } from '../../../lambda/core/claim-lock';
import { systemClock } from '../../../lambda/core/clock';
import { FakeControlPlane } from '../../fake/fake-control-plane';
import { ssmClient } from '../../fake/wire-test-clients';
import { ACTION, OTHER_STACK, TEAM_A, TEAM_B, request } from '../../fixtures/change-views';

let now = 1_796_000_000_000;
let fake: FakeControlPlane;
const clients: ReturnType<typeof ssmClient>[] = [];

beforeAll(async () => { fake = await FakeControlPlane.start({ clock: () => now }); });
afterAll(async () => {
  for (const client of clients) client.destroy();
  await fake.stop();
});
/** The handler's log lines, kept for the cases that read them (and out of the test output). */
const logged: string[] = [];
beforeEach(() => {
  fake.reset();
  logged.length = 0;
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logged.push(line); });
});
afterEach(() => jest.restoreAllMocks());

/** An arbiter as one invocation has it: its own client and a 30 s budget. */
function arbiter(): ClaimArbiter {
  const client = ssmClient(fake);
  clients.push(client);
  return new ClaimArbiter(client, new CallBudget(systemClock, Date.now() + 30_000, { baseDelayMs: 1, maxDelayMs: 2 }));
}

const mine: ChangeRequest = request('Create');
const theirs = (team = TEAM_B): ChangeRequest => request('Create', { requestId: 'theirs', team, resource: { stackId: OTHER_STACK, logicalId: 'RootCaApproval' } });
const lock = lockName(ACTION);
const holder = () => parseHolder(fake.parameters().find(p => p.name === lock)?.value);
/** Parameters other than the lock: the takeover and clock-probe parameters must never be left behind. */
const leftovers = () => fake.parameters().map(p => p.name).filter(name => name !== lock);

test('the first claimant creates the lock; another resource for another team loses, naming the holder and its team', async () => {
  expect(await arbiter().acquire(mine, TEAM_A)).toEqual({ kind: 'held' });
  expect(holder()).toMatchObject({ resource: mine.resource, requestId: mine.requestId, team: TEAM_A });
  const lost = await arbiter().acquire(theirs(), TEAM_B);
  expect(lost).toEqual({ kind: 'lost', holder: expect.objectContaining({ resource: mine.resource, team: TEAM_A }) });
  expect(leftovers()).toEqual([]);
});

test('a claimant for the same team waits for the holder\'s call', async () => {
  await arbiter().acquire(mine, TEAM_A);
  expect(await arbiter().acquire(theirs(TEAM_A), TEAM_A)).toEqual({ kind: 'wait', why: `the claim of ${TEAM_A} by another resource to be carried out` });
});

test('the same resource takes its own lock again (an earlier poll or request stopped inside its section)', async () => {
  await arbiter().acquire({ ...mine, requestId: 'earlier' }, TEAM_B);
  expect(await arbiter().acquire(mine, TEAM_A)).toEqual({ kind: 'held' });
  expect(holder()).toMatchObject({ requestId: mine.requestId, team: TEAM_A });
});

test('release lets go of this resource\'s lock only', async () => {
  await arbiter().acquire(theirs(), TEAM_B);
  await arbiter().release(mine);
  expect(holder()).toMatchObject({ team: TEAM_B });
  await arbiter().release(theirs());
  expect(fake.parameters()).toEqual([]);
  await arbiter().release(theirs()); // nothing to let go of: no error
});

test('a lock younger than the lease on SSM\'s clock is alive; from the lease on it is taken over, by exactly one of two takers', async () => {
  await arbiter().acquire(theirs(), TEAM_B);
  now += LOCK_LEASE_MS - 1000;
  expect((await arbiter().acquire(mine, TEAM_A)).kind).toBe('lost');
  now += 1000;
  const takers = [mine, { ...mine, requestId: 'third', resource: { ...mine.resource, logicalId: 'Third' } }];
  const results = await Promise.all(takers.map(r => arbiter().acquire(r, TEAM_A)));
  expect(results.filter(r => r.kind === 'held')).toHaveLength(1);
  expect(results.filter(r => r.kind !== 'held').every(r => r.kind === 'wait' || (r.kind === 'lost' && r.holder.team === TEAM_A))).toBe(true);
  const winner = takers[results.findIndex(r => r.kind === 'held')];
  expect(holder()).toMatchObject({ requestId: winner.requestId });
  expect(leftovers()).toEqual([]);
  expect(logged.filter(line => line.includes('"how":"taken over from a stopped claimant"'))).toHaveLength(1);
});

test('a takeover under way is waited on while young; one its taker left behind is removed once stale, and the lock taken over', async () => {
  await arbiter().acquire(theirs(), TEAM_B);
  const stale = holder()!;
  now += LOCK_LEASE_MS;
  fake.putParameter(takeoverName(ACTION, stale.token), serializeHolder({ ...stale, requestId: 'a-taker', token: '00000000' }));
  expect(await arbiter().acquire(mine, TEAM_A)).toEqual({ kind: 'wait', why: 'another claimant to finish taking over a claim lock left by a stopped one' });
  now += LOCK_LEASE_MS;
  expect(await arbiter().acquire(mine, TEAM_A)).toEqual({ kind: 'held' });
  expect(holder()).toMatchObject({ requestId: mine.requestId });
  expect(leftovers()).toEqual([]);
});

test('a lock value this handler cannot read is waited on until stale, then taken over', async () => {
  fake.putParameter(lock, 'not a claim');
  expect(await arbiter().acquire(mine, TEAM_A)).toMatchObject({ kind: 'wait', why: expect.stringContaining('holds a value this handler cannot read') });
  now += LOCK_LEASE_MS;
  expect(await arbiter().acquire(mine, TEAM_A)).toEqual({ kind: 'held' });
});

test('a PutParameter whose answer was lost after it was applied: the retry finds its own lock and holds it', async () => {
  fake.injectFault({ operation: 'PutParameter', kind: 'hangup-after-commit', times: 1 });
  expect(await arbiter().acquire(mine, TEAM_A)).toEqual({ kind: 'held' });
  expect(holder()).toMatchObject({ requestId: mine.requestId });
});

test('a permanent SSM error fails the change naming the lock parameter', async () => {
  fake.injectFault({ operation: 'PutParameter', kind: 'accessDenied' });
  await expect(arbiter().acquire(mine, TEAM_A)).rejects.toThrow(`Could not write the claim lock ${lock} in SSM Parameter Store (AccessDeniedException`);
});
