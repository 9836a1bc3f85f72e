/**
 * Delays on an injected time source: a simulator's virtual clock drives `slow` and
 * `hang`, so a hung connection ends in a test (when the client's abort timer fires on that
 * clock) without real waiting. Without a time source the fake keeps real time.
 */
import type { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { FakeControlPlane, HANG_CAP_MS, type TimeSource } from './fake-control-plane';
import { ACTION, callControlPlane, paymentCryptographyClient, rejection, TEAM_A } from './wire-test-clients';
import {
  AssociateMpaTeamCommand, DisassociateMpaTeamCommand, GetMpaTeamAssociationCommand, sendMpaCommand,
} from '../../lambda/aws/payment-cryptography-mpa-commands';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

/** A minimal virtual clock: sleep() moves time at once and fires the timers that fall due on the way. */
class VirtualClock implements TimeSource {
  private time = T0;
  private timers: { at: number; fire: () => void }[] = [];

  now(): number {
    return this.time;
  }

  schedule(ms: number, fire: () => void): void {
    this.timers.push({ at: this.time + ms, fire });
  }

  async sleep(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter(t => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter(t => t !== due);
      this.time = due.at;
      due.fire();
    }
    this.time = end;
  }
}

/** The fake records a request whose client went away a moment after the client sees its error. */
async function recordedCount(fake: FakeControlPlane, count: number): Promise<void> {
  for (let i = 0; i < 100 && fake.requests.length < count; i++) await new Promise(resolve => setTimeout(resolve, 5));
}

describe('with a time source', () => {
  let clock: VirtualClock;
  let fake: FakeControlPlane;
  let client: PaymentCryptographyClient;
  beforeEach(async () => {
    clock = new VirtualClock();
    fake = await FakeControlPlane.start({ timeSource: clock });
    client = paymentCryptographyClient(fake);
  });
  afterEach(async () => {
    client.destroy();
    await fake.stop();
  });

  const get = (abortSignal?: AbortSignal) => sendMpaCommand(client, new GetMpaTeamAssociationCommand({ Action: ACTION }), { abortSignal });

  test('the fake clock reads the time source, plus advanceTime offsets', async () => {
    await clock.sleep(5_000);
    fake.advanceTime(1_000);
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });

    const output = await sendMpaCommand(client, new DisassociateMpaTeamCommand({ Action: ACTION }));

    expect(fake.now()).toBe(T0 + 6_000);
    expect(output.MpaTeamAssociation!.MpaStatus?.InitiationDate).toEqual(new Date(T0 + 6_000));
    expect(fake.requests[0].at).toBe(T0 + 6_000);
  });

  test('a slow answer is waited out in simulated time: five minutes pass, no real waiting', async () => {
    fake.setAssociation(ACTION, { mpaTeamArn: TEAM_A, associationState: 'ACTIVE' });
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'slow', delayMs: 5 * 60_000 });
    const started = Date.now();

    const output = await get();

    expect(output.MpaTeamAssociation!.AssociationState).toBe('ACTIVE');
    expect(clock.now() - T0).toBe(5 * 60_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a hung call ends when the client\'s abort timer fires on the simulated clock', async () => {
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'hang' });
    const controller = new AbortController();
    clock.schedule(30_000, () => controller.abort());
    const started = Date.now();

    const error = await rejection(get(controller.signal));
    await recordedCount(fake, 1);

    expect(error.name).toBe('AbortError');
    expect(fake.requests).toEqual([expect.objectContaining({ operation: 'GetMpaTeamAssociation', status: 0, fault: 'hang' })]);
    expect(clock.now() - T0).toBeGreaterThanOrEqual(30_000);
    expect(clock.now() - T0).toBeLessThanOrEqual(32_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a hang nobody gives up on closes the connection after 15 simulated minutes', async () => {
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'hang', times: 1 });
    const started = Date.now();

    const error = await rejection(get());

    expect(error.name).not.toBe('AbortError');
    expect(clock.now() - T0).toBe(HANG_CAP_MS);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await rejection(get())).name).toBe('ResourceNotFoundException');
  });

  test('a slow mutation whose client gives up in simulated time is not applied', async () => {
    fake.injectFault({ operation: 'AssociateMpaTeam', kind: 'slow', delayMs: 60_000 });
    const controller = new AbortController();
    clock.schedule(10_000, () => controller.abort());

    await rejection(sendMpaCommand(client, new AssociateMpaTeamCommand({ Action: ACTION, MpaTeamArn: TEAM_A }), { abortSignal: controller.signal }));
    await recordedCount(fake, 1);

    expect(fake.association()).toBeUndefined();
    expect(fake.requests).toEqual([expect.objectContaining({ operation: 'AssociateMpaTeam', status: 0, fault: 'slow' })]);
    expect(clock.now() - T0).toBeLessThan(12_000);
  });
});

describe('stopping', () => {
  test('stop() ends a delay even when the time source never moves', async () => {
    const frozen: TimeSource = { now: () => T0, sleep: () => new Promise<void>(() => undefined) };
    const fake = await FakeControlPlane.start({ timeSource: frozen });
    fake.injectFault({ operation: '*', kind: 'hang' });
    const hanging = callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }).then(() => 'answered', () => 'connection closed');
    await aMoment(); // the request reaches the fake and starts hanging
    const started = Date.now();

    await fake.stop();

    expect(await hanging).toBe('connection closed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('in real time (no time source)', () => {
  let fake: FakeControlPlane;
  beforeAll(async () => { fake = await FakeControlPlane.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());

  test('a hang ends as soon as the client gives up', async () => {
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'hang', times: 1 });
    const started = Date.now();

    await rejection(callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }, { signal: AbortSignal.timeout(100) }));
    await recordedCount(fake, 1);

    expect(fake.requests).toEqual([expect.objectContaining({ status: 0, fault: 'hang' })]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION })).status).toBe(404);
  });

  test('a hang with delayMs closes the connection unanswered after that long', async () => {
    fake.injectFault({ operation: 'GetMpaTeamAssociation', kind: 'hang', delayMs: 100, times: 1 });
    const started = Date.now();

    await rejection(callControlPlane(fake, 'GetMpaTeamAssociation', { Action: ACTION }));

    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(fake.requests).toEqual([expect.objectContaining({ status: 0, fault: 'hang' })]);
  });
});

function aMoment(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 50));
}
