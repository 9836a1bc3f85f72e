/**
 * CloudFormation's side of a registry resource type (handler protocol 2.0.0),
 * locally, on the simulation's clock: it calls the type's handler with a handler
 * request, and while the answer is IN_PROGRESS calls it again with the returned
 * callbackContext after callbackDelaySeconds, until SUCCESS, FAILED or the
 * handler's timeoutInMinutes. No AWS code can play this part here, so it is built
 * from the documented contract; every point the documents leave open is a
 * parameter (RegistryBehaviour), each with its source:
 * - the CloudFormation CLI's contract documentation (resource-type-test-contract.md,
 *   resource-type-test-progressevent.md): the ProgressEvent rules checked after every
 *   call, 60 s per create/update/delete call and 30 s per read or list;
 * - the resource provider schema (provider.definition.schema.v1.json): timeoutInMinutes;
 * - the plugins' request shapes (cloudformation-cli-java/python/typescript-plugin):
 *   callerCredentials, providerCredentials, providerLogGroupName, rollback, stackId;
 * - the CLI's contract client (resource_client.py): fresh credentials for every call.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Simulation } from './simulation';
import { handler } from '../../lambda/registry-type/handler';
import type { ProgressEvent, RegistryAction, RegistryCredentials, RegistryHandlerRequest, ResourceModel } from '../../lambda/registry-type/registry-events';

/**
 * The environment the type's handler runs in when a test calls it in this process, as
 * CloudFormation's Lambda would run it: the fake's endpoints and the region, and no credentials
 * of its own (every call is signed with the call's callerCredentials). For setEnvironment().
 */
export function registryHandlerEnvironment(sim: Simulation): Record<string, string | undefined> {
  return {
    ...sim.fake.environment(),
    AWS_REGION: sim.region,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
  };
}

/** The points the documents leave open. */
export interface RegistryBehaviour {
  /** What a callback's resourceProperties hold: the operation's input again, or the last returned model (what the CLI's `invoke` does). Undocumented. */
  readonly callbackProperties: 'input' | 'returned-model';
  /** Whether bearerToken is the same for every call of one operation (what the contract client does) or new each call. Undocumented. */
  readonly bearerToken: 'stable' | 'per-call';
  /** Whether every call is delivered twice at once (delivery at least once). Undocumented for registry types. */
  readonly redeliver: boolean;
}

export const DEFAULT_REGISTRY_BEHAVIOUR: RegistryBehaviour = { callbackProperties: 'input', bearerToken: 'stable', redeliver: false };

export interface RegistryOperation {
  readonly action: RegistryAction;
  readonly stackId?: string;
  readonly logicalId: string;
  readonly properties: ResourceModel;
  readonly previousProperties?: ResourceModel;
  /** The stack is rolling back (the Java plugin's `rollback` flag). */
  readonly rollback?: boolean;
}

export interface RegistryOutcome {
  /** SUCCESS or FAILED as the handler answered, or TIMED_OUT when timeoutInMinutes ran out first. */
  readonly status: 'SUCCESS' | 'FAILED' | 'TIMED_OUT';
  /** The last answer (CloudFormation's message for a time-out). */
  readonly final: ProgressEvent;
  /** Every answer, in order. */
  readonly answers: readonly ProgressEvent[];
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A ProgressEvent that breaks the contract, or a call that broke a limit. */
export class RegistryContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryContractViolation';
  }
}

export interface RegistrySimulatorOptions {
  /** The schema's `handlers.<op>.timeoutInMinutes`. @default 2160 */
  readonly timeoutInMinutes?: number;
  /** The type's log group (its LoggingConfig); without it no providerCredentials are sent. @default 'cdkmpa-paymentcryptography-mpateamassociation-logs' */
  readonly logGroupName?: string | null;
  readonly behaviour?: Partial<RegistryBehaviour>;
}

const ERROR_CODES = new Set(['NotUpdatable', 'InvalidRequest', 'AccessDenied', 'InvalidCredentials', 'AlreadyExists', 'NotFound',
  'ResourceConflict', 'Throttling', 'ServiceLimitExceeded', 'NotStabilized', 'GeneralServiceException', 'ServiceInternalError',
  'NetworkFailure', 'InternalFailure', 'InvalidTypeConfiguration', 'HandlerInternalFailure', 'NonCompliant', 'Unknown', 'UnsupportedTarget']);

export class RegistrySimulator {
  readonly behaviour: RegistryBehaviour;
  /** Every credential handed out: none may appear in a log line, and no call may use another's. */
  readonly issued: RegistryCredentials[] = [];
  readonly bearerTokens: string[] = [];
  private readonly timeoutInMinutes: number;
  private readonly logGroupName?: string;
  private readonly callbackListeners = new Set<() => void>();

  constructor(readonly sim: Simulation, options: RegistrySimulatorOptions = {}) {
    this.behaviour = { ...DEFAULT_REGISTRY_BEHAVIOUR, ...options.behaviour };
    this.timeoutInMinutes = options.timeoutInMinutes ?? 2160;
    this.logGroupName = options.logGroupName === null ? undefined : options.logGroupName ?? 'cdkmpa-paymentcryptography-mpateamassociation-logs';
  }

  /** `listener` runs before every callback (approvers answering between two calls); returns the function that removes it. */
  onCallback(listener: () => void): () => void {
    this.callbackListeners.add(listener);
    return () => this.callbackListeners.delete(listener);
  }

  /** One operation, called back until it ends. */
  async run(operation: RegistryOperation): Promise<RegistryOutcome> {
    const clock = this.sim.clock;
    const startedAt = clock.now();
    const deadline = startedAt + this.timeoutInMinutes * 60_000;
    const answers: ProgressEvent[] = [];
    let callbackContext: Record<string, unknown> | undefined;
    let properties = operation.properties;
    let bearerToken = randomUUID();
    for (;;) {
      if (this.behaviour.bearerToken === 'per-call') bearerToken = randomUUID();
      const answer = await this.call(operation, properties, callbackContext, bearerToken);
      answers.push(answer);
      this.check(operation, answer, answers);
      if (answer.status !== 'IN_PROGRESS') return { status: answer.status, final: answer, answers, startedAt, endedAt: clock.now() };
      const delayMs = Math.max(0, answer.callbackDelaySeconds ?? 0) * 1000;
      if (clock.now() + delayMs >= deadline) {
        await clock.sleep(Math.max(0, deadline - clock.now()));
        const final: ProgressEvent = { status: 'FAILED', errorCode: 'NotStabilized', message: 'Resource timed out waiting for completion' };
        return { status: 'TIMED_OUT', final, answers, startedAt, endedAt: clock.now() };
      }
      await clock.sleep(delayMs);
      for (const listener of this.callbackListeners) listener();
      callbackContext = answer.callbackContext;
      if (this.behaviour.callbackProperties === 'returned-model' && answer.resourceModel) properties = answer.resourceModel;
    }
  }

  /** One call (twice at once when redelivering: both answers must agree on the status). */
  private async call(
    operation: RegistryOperation, properties: ResourceModel, callbackContext: Record<string, unknown> | undefined, bearerToken: string,
  ): Promise<ProgressEvent> {
    const event = (): RegistryHandlerRequest => ({
      action: operation.action,
      awsAccountId: this.sim.accountId,
      bearerToken,
      region: this.sim.region,
      resourceType: 'CdkMpa::PaymentCryptography::MpaTeamAssociation',
      ...(operation.stackId !== undefined && { stackId: operation.stackId }),
      callbackContext: callbackContext ?? null,
      ...(operation.rollback !== undefined && { rollback: operation.rollback }),
      requestData: {
        callerCredentials: this.issue(),
        ...(this.logGroupName && { providerCredentials: this.issue(), providerLogGroupName: this.logGroupName }),
        logicalResourceId: operation.logicalId,
        resourceProperties: properties,
        ...(operation.previousProperties && { previousResourceProperties: operation.previousProperties }),
      },
    });
    this.bearerTokens.push(bearerToken);
    const limitMs = operation.action === 'READ' || operation.action === 'LIST' ? 30_000 : 60_000;
    const clock = this.sim.clock;
    const started = clock.now();
    const context = { clock, getRemainingTimeInMillis: () => Math.max(0, started + limitMs - clock.now()) };
    const answers = await Promise.all((this.behaviour.redeliver ? [event(), event()] : [event()]).map(e => handler(e, context)));
    const elapsed = clock.now() - started;
    if (elapsed > limitMs) throw new RegistryContractViolation(`a ${operation.action} call took ${elapsed} ms, over CloudFormation's ${limitMs} ms`);
    return answers[0];
  }

  private issue(): RegistryCredentials {
    const credentials = { accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(20).toString('hex'), sessionToken: randomBytes(24).toString('hex') };
    this.issued.push(credentials);
    return credentials;
  }

  /** The contract's rules for one answer (resource-type-test-progressevent.md, resource-type-test-contract.md). */
  private check(operation: RegistryOperation, answer: ProgressEvent, answers: readonly ProgressEvent[]): void {
    const fail = (rule: string) => { throw new RegistryContractViolation(`${operation.action} of ${operation.logicalId}: ${rule}: ${JSON.stringify(answer)}`); };
    if (!['IN_PROGRESS', 'SUCCESS', 'FAILED'].includes(answer.status)) fail('status must be IN_PROGRESS, SUCCESS or FAILED');
    if (answer.status === 'FAILED' && (!answer.errorCode || !ERROR_CODES.has(answer.errorCode))) fail('FAILED needs an errorCode from the enum');
    if (answer.status === 'FAILED' && !answer.message) fail('FAILED needs a message');
    if (answer.status === 'IN_PROGRESS' && (answer.errorCode || answer.resourceModels)) fail('IN_PROGRESS carries no errorCode and no resourceModels');
    if (answer.status !== 'IN_PROGRESS' && answer.callbackDelaySeconds) fail('SUCCESS and FAILED carry no callbackDelaySeconds');
    if ((operation.action === 'READ' || operation.action === 'LIST') && answer.status === 'IN_PROGRESS') fail('READ and LIST never answer IN_PROGRESS');
    const creatingOrUpdating = operation.action === 'CREATE' || operation.action === 'UPDATE';
    if ((answer.status === 'IN_PROGRESS' || (answer.status === 'SUCCESS' && creatingOrUpdating)) && typeof answer.resourceModel?.Id !== 'string') {
      fail('IN_PROGRESS, and SUCCESS of CREATE or UPDATE, carry a resourceModel with the primary identifier');
    }
    if (operation.action === 'DELETE' && answer.status === 'SUCCESS' && answer.resourceModel) fail('DELETE SUCCESS carries no resourceModel');
    if (answer.status === 'SUCCESS' && answer.resourceModel && 'RequesterComment' in answer.resourceModel) fail('no write-only property in a SUCCESS model');
    const ids = answers.map(a => a.resourceModel?.Id).filter(id => id !== undefined);
    if (new Set(ids).size > 1) fail('the primary identifier never changes within an operation');
    if (operation.action === 'LIST' && answer.status === 'SUCCESS' && !Array.isArray(answer.resourceModels)) fail('LIST SUCCESS carries resourceModels');
  }

  /** Log lines delivered to the type's log group that hold a credential or a bearer token (must be none). */
  secretsInLogs(): string[] {
    const secrets = [
      ...this.issued.flatMap(c => [c.secretAccessKey, c.sessionToken ?? '']),
      ...this.bearerTokens,
    ].filter(Boolean);
    return this.sim.fake.logEvents().filter(e => secrets.some(secret => e.message.includes(secret))).map(e => e.message);
  }

  /** Requests to the fake signed with a key this simulator never issued (the Lambda's environment, say): must be none. */
  foreignKeys(): string[] {
    const issued = new Set(this.issued.map(c => c.accessKeyId));
    return [...new Set(this.sim.fake.requests.map(r => r.accessKeyId).filter((k): k is string => k !== undefined && !issued.has(k)))];
  }
}
