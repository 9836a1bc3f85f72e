import { randomUUID } from 'node:crypto';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { CallBudget } from './call-budget';
import { storeFailure } from './ownership-store';
import { errorName } from './service-errors';
import { sameResource, type ChangeRequest } from '../core/change-request';
import { clockProbeName, judge, LOCK_LEASE_MS, lockName, parseHolder, serializeHolder, takeoverName, type LockHolder } from '../core/claim-lock';
import { log } from '../core/log';

export type Arbitration =
  /** This request holds the action's claim lock: it may read the association and call. */
  | { readonly kind: 'held' }
  /** Another resource claims the action for another team, and is alive: this claim loses. */
  | { readonly kind: 'lost'; readonly holder: LockHolder }
  /** Not now (a claimant for the same team is calling, or a takeover is under way): ask again at the next poll. */
  | { readonly kind: 'wait'; readonly why: string };

interface Stored {
  readonly value: string;
  readonly version: number;
  /** SSM's LastModifiedDate, epoch milliseconds. */
  readonly modifiedAt: number;
}

/** Rounds of create, read and takeover one acquisition tries before leaving the rest to the next poll. */
const MAX_ROUNDS = 3;

/**
 * The action's claim lock in SSM Parameter Store (see claim-lock.ts for the rules).
 * Every call retries transient errors within the invocation's budget; anything else
 * fails the change naming the parameter, like the ownership records.
 */
export class ClaimArbiter {
  constructor(private readonly client: SSMClient, private readonly budget: CallBudget) {}

  /** Takes the lock for `request`'s call on `team`, or says who has it. */
  async acquire(request: ChangeRequest, team: string): Promise<Arbitration> {
    const lock = lockName(request.action);
    const me: LockHolder = { resource: request.resource, requestId: request.requestId, team, token: randomUUID().slice(0, 8) };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (await this.create(lock, serializeHolder(me))) return this.held(me, 'created');
      const current = await this.get(lock);
      if (!current) continue; // let go of between the two calls
      const holder = parseHolder(current.value);
      // Its own resource's lock is taken again whatever its age: SSM's clock is read only for another's.
      const own = holder !== undefined && sameResource(holder.resource, me.resource);
      const judgement = judge(holder, me, own ? 0 : (await this.ssmNow(request.action, me)) - current.modifiedAt);
      log({ event: 'claim-lock', judgement, holder: holder && { ...holder.resource, team: holder.team, requestId: holder.requestId } });
      if (judgement === 'mine') {
        await this.put(lock, serializeHolder(me), true);
        return this.held(me, 'taken again');
      }
      if (judgement === 'other-team') return { kind: 'lost', holder: holder! };
      if (judgement === 'same-team') return { kind: 'wait', why: `the claim of ${holder!.team} by another resource to be carried out` };
      if (judgement === 'unreadable') return { kind: 'wait', why: `the claim lock ${lock}, which holds a value this handler cannot read, to be let go of` };
      // Stale: whoever creates the takeover parameter for this holding may replace it, nobody else.
      const takeover = takeoverName(request.action, holder?.token ?? `v${current.version}`);
      if (!(await this.create(takeover, serializeHolder(me)))) {
        const rival = await this.get(takeover);
        if (rival && (await this.ssmNow(request.action, me)) - rival.modifiedAt < LOCK_LEASE_MS) {
          return { kind: 'wait', why: 'another claimant to finish taking over a claim lock left by a stopped one' };
        }
        await this.delete(takeover); // a taker that stopped: its attempt is as stale as the lock
        continue;
      }
      const again = await this.get(lock);
      if (again && again.version === current.version) {
        await this.put(lock, serializeHolder(me), true);
        await this.delete(takeover);
        return this.held(me, 'taken over from a stopped claimant');
      }
      await this.delete(takeover); // someone took it over before: read it again
    }
    return { kind: 'wait', why: 'the claim lock, which changed hands while this poll read it' };
  }

  /** Lets go of the lock if this resource holds it (after its call's answer is recorded, or when its change ends). */
  async release(request: ChangeRequest): Promise<void> {
    const lock = lockName(request.action);
    const current = await this.get(lock);
    const holder = parseHolder(current?.value);
    if (!holder || !sameResource(holder.resource, request.resource)) return;
    await this.delete(lock);
    log({ event: 'claim-lock-released', requestId: request.requestId });
  }

  private held(me: LockHolder, how: string): Arbitration {
    log({ event: 'claim-lock-held', how, requestId: me.requestId, token: me.token });
    return { kind: 'held' };
  }

  /** Now, on SSM's clock: the LastModifiedDate of a parameter written for the purpose. (A lock's age never comes from a Lambda's clock.) */
  private async ssmNow(action: string, me: LockHolder): Promise<number> {
    const probe = clockProbeName(action, me.token);
    await this.put(probe, me.requestId, true);
    const written = await this.get(probe);
    await this.delete(probe);
    return written?.modifiedAt ?? 0;
  }

  /** PutParameter without Overwrite: true if this call created it. */
  private async create(name: string, value: string): Promise<boolean> {
    try {
      await this.put(name, value, false);
      return true;
    } catch (error) {
      if (errorName(error) === 'ParameterAlreadyExists') return false;
      throw error;
    }
  }

  private async put(name: string, value: string, overwrite: boolean): Promise<void> {
    await this.send('PutParameter', name, signal => this.client.send(new PutParameterCommand({
      Name: name, Value: value, Type: 'String', Tier: 'Standard', Overwrite: overwrite,
    }), { abortSignal: signal as any }));
  }

  private async get(name: string): Promise<Stored | undefined> {
    try {
      const output = await this.send('GetParameter', name, signal => this.client.send(new GetParameterCommand({ Name: name }), { abortSignal: signal as any }));
      const parameter = output.Parameter;
      if (parameter?.Value === undefined) return undefined;
      return { value: parameter.Value, version: parameter.Version ?? 0, modifiedAt: parameter.LastModifiedDate?.getTime() ?? 0 };
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  private async delete(name: string): Promise<void> {
    try {
      await this.send('DeleteParameter', name, signal => this.client.send(new DeleteParameterCommand({ Name: name }), { abortSignal: signal as any }));
    } catch (error) {
      if (errorName(error) !== 'ParameterNotFound') throw error;
    }
  }

  /** One SSM call within the budget; a permanent error other than the ones the caller expects names the parameter. */
  private async send<T>(operation: string, name: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await this.budget.run(`ssm:${operation}`, call);
    } catch (error) {
      if (['ParameterAlreadyExists', 'ParameterNotFound'].includes(errorName(error))) throw error;
      throw storeFailure(operation === 'GetParameter' ? 'read' : operation === 'DeleteParameter' ? 'remove' : 'write', name, error, 'the claim lock');
    }
  }
}
