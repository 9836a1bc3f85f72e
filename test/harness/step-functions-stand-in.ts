import { randomUUID } from 'node:crypto';
import { currentScope, newScope, runInScope, type ActivityScope } from './activity';
import type { LambdaStandIn } from './lambda-stand-in';
import type { SimulationClock } from './simulation-clock';

/** The parts of Amazon States Language the Provider's waiter uses: Task states on Lambda ARNs, Retry and Catch. */
interface TaskState {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string;
}

export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Record<string, TaskState>;
}

/** A Task's error as Step Functions reports it: Lambda's errorType, and its whole error payload as the Cause. */
export interface TaskError {
  readonly Error: string;
  readonly Cause: string;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly input: unknown;
  readonly startedAt: number;
  readonly tag: string;
  readonly delivery?: string;
  /** Each Task attempt: the state, the Lambda invocation, and its error if it failed. */
  readonly attempts: { readonly state: string; readonly error?: TaskError }[];
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  endedAt?: number;
  output?: unknown;
  error?: TaskError;
}

type TaskOutcome = { readonly output: unknown } | { readonly error: TaskError };

/** Called after a Task attempt failed and before the retry's wait: the attempt number (1 = the first try) and its error. */
export type RetryListener = (execution: ExecutionRecord, state: string, attempt: number, error: TaskError) => void | Promise<void>;

/**
 * Step Functions, locally, for the Provider framework's waiter: a state
 * machine is its definition as synthesized (IntervalSeconds, MaxAttempts,
 * BackoffRate, the Catch to onTimeout); an execution invokes its Task
 * functions through the Lambda stand-in, waits each retry interval on the
 * simulation clock, and after the last attempt hands the Catch's state
 * `{ Error, Cause }`. An execution runs until it ends: nothing stops it when
 * CloudFormation stops waiting (as aws-cdk issue 31541 reports of the real one).
 */
export class StepFunctionsStandIn {
  readonly executions: ExecutionRecord[] = [];
  private readonly machines = new Map<string, StateMachineDefinition>();
  private readonly running = new Set<Promise<void>>();
  private readonly retryListeners = new Set<RetryListener>();

  constructor(
    private readonly clock: SimulationClock,
    private readonly lambda: LambdaStandIn,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  arnOf(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  /** Creates or updates a state machine from its DefinitionString; returns its ARN. */
  putStateMachine(name: string, definitionString: string): string {
    const definition = parseDefinition(definitionString);
    const arn = this.arnOf(name);
    this.machines.set(arn, definition);
    return arn;
  }

  deleteStateMachine(arn: string): void {
    this.machines.delete(arn);
  }

  definitionOf(arn: string): StateMachineDefinition {
    const definition = this.machines.get(arn);
    if (!definition) throw new Error(`StateMachineDoesNotExist: ${arn}`);
    return definition;
  }

  /** Listens to failed attempts before their retry (a test's approvers act between polls). Returns the function that stops listening. */
  /** Sends every retry listener home (a new test case starts without the last one's approvers). */
  clearRetryListeners(): void {
    this.retryListeners.clear();
  }

  onRetry(listener: RetryListener): () => void {
    this.retryListeners.add(listener);
    return () => this.retryListeners.delete(listener);
  }

  /** The stand-in for outbound.js's `startExecution`. */
  readonly startExecution = async (request: { stateMachineArn: string; input: string; name?: string }) => {
    const definition = this.definitionOf(request.stateMachineArn);
    const caller = currentScope();
    const input = JSON.parse(request.input) as unknown;
    const name = request.name ?? randomUUID();
    const requestId = (input as { RequestId?: unknown }).RequestId;
    const record: ExecutionRecord = {
      executionArn: `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn: request.stateMachineArn,
      input,
      startedAt: this.clock.now(),
      tag: typeof requestId === 'string' ? requestId : caller?.tag ?? name,
      delivery: caller?.delivery,
      attempts: [],
      status: 'RUNNING',
    };
    this.executions.push(record);
    // The execution outlives the invocation that started it: its own scope, no parent.
    const scope = newScope({ kind: 'execution', tag: record.tag, delivery: record.delivery });
    const run = runInScope(scope, () => this.run(record, definition, scope)).catch((error: unknown) => {
      record.status = 'FAILED';
      record.error = { Error: 'States.Runtime', Cause: String((error as Error)?.message ?? error) };
      record.endedAt = this.clock.now();
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return { executionArn: record.executionArn, startDate: new Date(record.startedAt) };
  };

  /** Resolves once every execution has ended (time passes as their waits require). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async run(record: ExecutionRecord, definition: StateMachineDefinition, _scope: ActivityScope): Promise<void> {
    let stateName = definition.StartAt;
    let input: unknown = record.input;
    for (;;) {
      const state = definition.States[stateName];
      const outcome = await this.runTask(record, stateName, state, input);
      if ('error' in outcome) {
        const catcher = state.Catch?.find(c => matches(c.ErrorEquals, outcome.error.Error));
        if (!catcher) {
          record.status = 'FAILED';
          record.error = outcome.error;
          break;
        }
        if (catcher.ResultPath !== undefined && catcher.ResultPath !== '$') {
          throw new Error(`Catch ResultPath ${catcher.ResultPath} is not supported by the Step Functions stand-in`);
        }
        stateName = catcher.Next;
        input = outcome.error;
        continue;
      }
      if (state.End) {
        record.status = 'SUCCEEDED';
        record.output = outcome.output;
        break;
      }
      stateName = state.Next!;
      input = outcome.output;
    }
    record.endedAt = this.clock.now();
  }

  /** One Task state: invoke, and retry as its Retry says, each retrier keeping its own count. */
  private async runTask(record: ExecutionRecord, stateName: string, state: TaskState, input: unknown): Promise<TaskOutcome> {
    const retries = new Map<Retrier, number>();
    for (let attempt = 1; ; attempt++) {
      const result = await this.lambda.invoke({ FunctionName: state.Resource, Payload: JSON.stringify(input) });
      const text = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
      if (!result.FunctionError) {
        record.attempts.push({ state: stateName });
        return { output: text === '' ? null : JSON.parse(text) };
      }
      const payload = JSON.parse(text) as { errorType?: string };
      const error: TaskError = { Error: payload.errorType ?? 'Lambda.Unknown', Cause: text };
      record.attempts.push({ state: stateName, error });
      const retrier = state.Retry?.find(r => matches(r.ErrorEquals, error.Error));
      const done = retrier ? retries.get(retrier) ?? 0 : 0;
      if (!retrier || done >= (retrier.MaxAttempts ?? 3)) return { error };
      retries.set(retrier, done + 1);
      for (const listener of this.retryListeners) await listener(record, stateName, attempt, error);
      await this.clock.sleep(retryDelayMs(retrier, done));
    }
  }
}

/** The wait before retry number `done + 1`: IntervalSeconds x BackoffRate^done, capped by MaxDelaySeconds. */
export function retryDelayMs(retrier: Retrier, done: number): number {
  const seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** done;
  const capped = retrier.MaxDelaySeconds !== undefined ? Math.min(seconds, retrier.MaxDelaySeconds) : seconds;
  return Math.round(capped * 1000);
}

function matches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.includes(error) || errorEquals.includes('States.ALL');
}

function parseDefinition(definitionString: string): StateMachineDefinition {
  const definition = JSON.parse(definitionString) as StateMachineDefinition;
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task' || !state.Resource.startsWith('arn:aws:lambda:')) {
      throw new Error(`State ${name} (${state.Type}) is not supported by the Step Functions stand-in: only Task states on Lambda function ARNs`);
    }
  }
  return definition;
}
