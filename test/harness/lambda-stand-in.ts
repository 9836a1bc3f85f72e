import { randomUUID } from 'node:crypto';
import { currentScope, newScope, runInScope, type ActivityScope, type ConsoleLevel } from './activity';
import { invocationConsole } from './console-capture';
import type { FunctionCode, LambdaContext, LambdaHandler } from './function-code';
import type { LoadedFile } from './isolated-module';
import { destroyRequestsOf } from './request-tagging';
import type { SimulationClock } from './simulation-clock';
import { VirtualClock } from './virtual-clock';
import type { TimerFunctions } from './virtual-timers';

/** A function as CloudFormation (or a test) creates it. */
export interface LambdaFunctionDefinition {
  readonly functionName: string;
  readonly code: FunctionCode;
  /** Lambda's default is 3 seconds. */
  readonly timeoutSeconds?: number;
  /** The template's `Environment.Variables`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** The template's `LoggingConfig`: with the JSON format, lines below `applicationLogLevel` never reach the log. */
  readonly logging?: { readonly format?: 'Text' | 'JSON'; readonly applicationLogLevel?: ConsoleLevel };
  readonly memorySize?: number;
  readonly roleArn?: string;
}

/** One line an invocation wrote, and whether Lambda's log settings let it reach CloudWatch Logs. */
export interface LogLine {
  readonly level: ConsoleLevel;
  readonly message: string;
  readonly emitted: boolean;
  readonly at: number;
}

export type InvocationOutcome = 'returned' | 'threw' | 'timed-out';

export interface InvocationRecord {
  /** Lambda's request id (`context.awsRequestId`). */
  readonly id: string;
  readonly functionName: string;
  readonly functionArn: string;
  /** The `x-simulation-tag` of its HTTP requests. */
  readonly tag: string;
  readonly delivery?: string;
  readonly event: unknown;
  readonly startedAt: number;
  readonly timeoutMs: number;
  readonly lines: LogLine[];
  endedAt?: number;
  durationMs?: number;
  outcome?: InvocationOutcome;
  /** The payload returned to the caller (a result, or the error the runtime reports). */
  payload?: unknown;
}

/** What Lambda's Invoke API answers. */
export interface InvokeResult {
  readonly StatusCode: number;
  readonly ExecutedVersion?: string;
  readonly FunctionError?: string;
  readonly Payload?: Uint8Array;
}

export interface InvokeRequest {
  readonly FunctionName: string;
  readonly Payload?: string | Uint8Array;
  readonly InvocationType?: 'RequestResponse' | 'Event';
}

export interface LambdaStandInOptions {
  readonly clock: SimulationClock;
  readonly region: string;
  readonly accountId: string;
  /** Variables every sandbox gets besides the function's own: region, credentials, the fake's endpoints. */
  readonly baseEnvironment: () => Record<string, string>;
  /** The timers code loaded in a sandbox of its own uses. @default Node's */
  readonly timers?: TimerFunctions;
}

const LEVEL_ORDER: readonly ConsoleLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
/** Lambda retries a failed asynchronous invocation twice, after about one and two minutes. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

interface DeployedFunction {
  readonly definition: LambdaFunctionDefinition;
  readonly arn: string;
  readonly environment: Readonly<Record<string, string>>;
  sandbox?: { handler: LambdaHandler; files: readonly LoadedFile[] };
}

/**
 * Lambda, locally: functions by name or ARN, each invocation with its own
 * context (remaining time on the simulation clock, and the clock itself for a
 * virtual run), its log, its `x-simulation-tag`, and its end as Lambda ends it:
 * the handler's result, the Node.js runtime's error payload for a thrown
 * error (`errorType`, `errorMessage`, `trace`), or, at the function's timeout,
 * `Sandbox.Timedout` ("Task timed out after N seconds") while the sandbox is
 * stopped (no further call, line or sleep of that invocation counts).
 */
export class LambdaStandIn {
  readonly invocations: InvocationRecord[] = [];
  private readonly functions = new Map<string, DeployedFunction>();
  private readonly running = new Map<InvocationRecord, ActivityScope>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly options: LambdaStandInOptions) {}

  arnOf(functionName: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${functionName}`;
  }

  createFunction(definition: LambdaFunctionDefinition): string {
    const arn = this.arnOf(definition.functionName);
    this.functions.set(definition.functionName, { definition, arn, environment: this.sandboxEnvironment(definition) });
    return arn;
  }

  /** A new configuration or code: later invocations start a fresh sandbox. */
  updateFunction(functionName: string, changes: Partial<Omit<LambdaFunctionDefinition, 'functionName'>>): void {
    const deployed = this.lookup(functionName);
    this.createFunction({ ...deployed.definition, ...changes, functionName: deployed.definition.functionName });
  }

  deleteFunction(functionName: string): void {
    this.functions.delete(this.lookup(functionName).definition.functionName);
  }

  hasFunction(functionName: string): boolean {
    return this.find(functionName) !== undefined;
  }

  definitionOf(functionName: string): LambdaFunctionDefinition {
    return this.lookup(functionName).definition;
  }

  /** The files the function's current sandbox compiled (empty before its first invocation, or for already loaded modules). */
  loadedFilesOf(functionName: string): readonly LoadedFile[] {
    return this.lookup(functionName).sandbox?.files ?? [];
  }

  /** Invocations still running, with their scopes (for the clock's busy probe). */
  runningInvocations(): ReadonlyMap<InvocationRecord, ActivityScope> {
    return this.running;
  }

  /** Lambda's Invoke: RequestResponse waits for the result; Event queues it and retries a failure twice. */
  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (request.InvocationType === 'Event') {
      this.invokeAsync(request);
      return { StatusCode: 202 };
    }
    return this.invokeOnce(request);
  }

  /** Asynchronous invocation (as CloudFormation invokes a ServiceToken): runs in the background. */
  invokeAsync(request: InvokeRequest): void {
    const caller = currentScope();
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        const result = await this.invokeOnce(request);
        if (!result.FunctionError || attempt >= ASYNC_RETRY_DELAYS_MS.length) return;
        await this.options.clock.sleep(ASYNC_RETRY_DELAYS_MS[attempt]);
      }
    };
    const promise = (caller ? runInScope(caller, run) : run()).catch(() => undefined);
    this.background.add(promise);
    void promise.finally(() => this.background.delete(promise));
  }

  /** Resolves once every asynchronous invocation has ended. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  private async invokeOnce(request: InvokeRequest): Promise<InvokeResult> {
    const deployed = this.lookup(request.FunctionName);
    const { definition, arn } = deployed;
    const event = parsePayload(request.Payload);
    const clock = this.options.clock;
    const caller = currentScope();
    const id = randomUUID();
    const timeoutMs = (definition.timeoutSeconds ?? 3) * 1000;
    const startedAt = clock.now();
    const record: InvocationRecord = {
      id,
      functionName: definition.functionName,
      functionArn: arn,
      tag: requestIdOf(event) ?? caller?.tag ?? id,
      delivery: caller?.delivery,
      event,
      startedAt,
      timeoutMs,
      lines: [],
    };
    this.invocations.push(record);
    const scope = newScope({
      kind: 'invocation',
      id,
      tag: record.tag,
      delivery: record.delivery,
      env: deployed.environment,
      parent: caller,
      log: (level, message) => record.lines.push({ level, message, emitted: isEmitted(definition, level), at: clock.now() }),
    });
    const parentInvocation = nearestInvocation(caller);
    if (parentInvocation) parentInvocation.childrenRunning++;
    this.running.set(record, scope);

    const deadline = startedAt + timeoutMs;
    const context: LambdaContext = {
      functionName: definition.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: arn,
      memoryLimitInMB: String(definition.memorySize ?? 128),
      awsRequestId: id,
      logGroupName: `/aws/lambda/${definition.functionName}`,
      logStreamName: `${new Date(startedAt).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${id.replace(/-/g, '')}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
      ...(clock.virtual && { clock }),
    };

    const timeout = clock.when(deadline);
    type Ending = { kind: 'returned'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'timed-out' };
    const ending: Ending = await Promise.race([
      runInScope(scope, async () => {
        const handler = this.sandboxOf(deployed).handler;
        return handler(event, context);
      }).then(value => ({ kind: 'returned' as const, value }), (error: unknown) => ({ kind: 'threw' as const, error })),
      timeout.promise.then(() => ({ kind: 'timed-out' as const })),
    ]);
    timeout.cancel();

    let result: InvokeResult;
    if (ending.kind === 'timed-out') {
      this.stopSandbox(scope);
      record.payload = {
        errorType: 'Sandbox.Timedout',
        errorMessage: `${new Date(deadline).toISOString()} ${id} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
      };
      result = { StatusCode: 200, ExecutedVersion: '$LATEST', FunctionError: 'Unhandled', Payload: encode(record.payload) };
    } else if (ending.kind === 'threw') {
      record.payload = errorPayload(ending.error);
      // The Node.js runtime logs what it reports.
      record.lines.push({ level: 'ERROR', message: `Invoke Error \t${JSON.stringify(record.payload)}`, emitted: isEmitted(definition, 'ERROR'), at: clock.now() });
      result = { StatusCode: 200, ExecutedVersion: '$LATEST', FunctionError: 'Unhandled', Payload: encode(record.payload) };
    } else {
      record.payload = ending.value === undefined ? null : JSON.parse(JSON.stringify(ending.value));
      result = { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: encode(record.payload) };
    }
    record.outcome = ending.kind;
    record.endedAt = clock.now();
    record.durationMs = record.endedAt - startedAt;
    this.running.delete(record);
    if (parentInvocation) parentInvocation.childrenRunning--;
    return result;
  }

  /** Lambda stops a timed-out sandbox: its calls in flight break, its sleeps never end, its later lines are lost. */
  private stopSandbox(scope: ActivityScope): void {
    scope.killed = true;
    destroyRequestsOf(scope);
    if (this.options.clock instanceof VirtualClock) this.options.clock.freeze(scope);
  }

  private sandboxOf(deployed: DeployedFunction): { handler: LambdaHandler; files: readonly LoadedFile[] } {
    if (!deployed.sandbox) {
      const sandboxProcess = Object.create(process, { env: { value: { ...deployed.environment }, enumerable: true } }) as NodeJS.Process;
      const timers = this.options.timers ?? { setTimeout, clearTimeout };
      deployed.sandbox = deployed.definition.code.load({ process: sandboxProcess, console: invocationConsole(console), timers });
    }
    return deployed.sandbox;
  }

  /** What Lambda sets, what the simulation adds (endpoints), and the function's own variables. */
  private sandboxEnvironment(definition: LambdaFunctionDefinition): Record<string, string> {
    return {
      ...this.options.baseEnvironment(),
      ...definition.environment,
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySize ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.functionName}`,
    };
  }

  private find(nameOrArn: string): DeployedFunction | undefined {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn;
    return name === undefined ? undefined : this.functions.get(name);
  }

  private lookup(nameOrArn: string): DeployedFunction {
    const deployed = this.find(nameOrArn);
    if (!deployed) throw new Error(`ResourceNotFoundException: Function not found: ${nameOrArn}`);
    return deployed;
  }
}

function parsePayload(payload: string | Uint8Array | undefined): unknown {
  const text = typeof payload === 'string' ? payload : Buffer.from(payload ?? new Uint8Array()).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

function requestIdOf(event: unknown): string | undefined {
  const requestId = (event as { RequestId?: unknown } | null)?.RequestId;
  return typeof requestId === 'string' ? requestId : undefined;
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Frames in a stack trace in Lambda: Node's default `Error.stackTraceLimit` (jest raises it to 100 for its own reports). */
const LAMBDA_STACK_FRAMES = 10;

/** What the Lambda Node.js runtime reports for an error the handler threw. */
export function errorPayload(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as Error;
    return { errorType: e.name ?? 'Error', errorMessage: String(e.message), trace: lambdaTrace(String(e.stack ?? '')) };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** The stack's lines as Lambda would have them: the message, then at most ten frames. */
function lambdaTrace(stack: string): string[] {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex(line => line.startsWith('    at '));
  return firstFrame < 0 ? lines : lines.slice(0, firstFrame + LAMBDA_STACK_FRAMES);
}

function isEmitted(definition: LambdaFunctionDefinition, level: ConsoleLevel): boolean {
  const logging = definition.logging;
  if (logging?.format !== 'JSON' || !logging.applicationLogLevel) return true;
  return LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf(logging.applicationLogLevel);
}

function nearestInvocation(scope: ActivityScope | undefined): ActivityScope | undefined {
  for (let s = scope; s; s = s.parent) {
    if (s.kind === 'invocation') return s;
  }
  return undefined;
}
