import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientRequest } from 'node:http';
import { createRequire } from 'node:module';

/**
 * Who is running right now: a Lambda invocation, a Step Functions execution,
 * a CloudFormation request being delivered, the fake serving a request. Carried by AsyncLocalStorage, so
 * that console lines, outgoing HTTP requests and sleeps are attributed to the
 * invocation that made them, whichever module (handler sources, the bundled
 * asset, the provider framework) made them.
 */
export interface ActivityScope {
  readonly kind: 'invocation' | 'execution' | 'delivery' | 'fake';
  readonly id: string;
  /** The `x-simulation-tag` of the HTTP requests made in this scope: the CloudFormation RequestId served, or an invocation id. */
  readonly tag: string;
  /** The delivery (one send of a CloudFormation request) this work serves, if any. */
  readonly delivery?: string;
  /** What `process.env` reads inside this scope (a Lambda function's environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where console lines written in this scope go (an invocation's log). */
  readonly log?: (level: ConsoleLevel, message: string) => void;
  readonly parent?: ActivityScope;
  /** Set when Lambda stopped the invocation: its sandbox makes no further calls and writes no further lines. */
  killed: boolean;
  /** Nested invocations still running (the framework's onEvent waiting for the user function). */
  childrenRunning: number;
  /** Outgoing HTTP requests not finished yet. */
  readonly requests: Set<ClientRequest>;
}

export type ConsoleLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/** An HTTP request a scope made, once it finished (answered, failed or destroyed). */
export interface FinishedRequest {
  readonly scope: ActivityScope | undefined;
  readonly tag: string | undefined;
  readonly method: string;
  readonly path: string;
  /** The awsJson operation (`X-Amz-Target`), if any. */
  readonly target?: string;
  readonly status: number | undefined;
}

interface SharedActivity {
  readonly storage: AsyncLocalStorage<ActivityScope>;
  /** Outgoing requests in flight, from any scope. */
  readonly inFlight: Set<ClientRequest>;
  readonly finishedListeners: Set<(request: FinishedRequest) => void>;
}

/** Node's own modules, not a copy: patches must reach the SDK, whichever module registry loaded it. */
export const nodeRequire = createRequire(__filename);

const SHARED_KEY = Symbol.for('cdk-mpa-team-association.harness.activity');

/**
 * One store per process, kept on Node's http module: jest gives every test file
 * its own module registry, but the http module (which the request wrapper
 * patches once) is the process's.
 */
export function sharedActivity(): SharedActivity {
  return SHARED;
}

const SHARED: SharedActivity = (() => {
  const http = nodeRequire('node:http') as Record<symbol, SharedActivity | undefined>;
  http[SHARED_KEY] ??= { storage: new AsyncLocalStorage(), inFlight: new Set(), finishedListeners: new Set() };
  return http[SHARED_KEY]!;
})();

export function currentScope(): ActivityScope | undefined {
  return sharedActivity().storage.getStore();
}

export function runInScope<T>(scope: ActivityScope, fn: () => T): T {
  return sharedActivity().storage.run(scope, fn);
}

let scopeCounter = 0;

export function newScope(fields: Omit<ActivityScope, 'killed' | 'childrenRunning' | 'requests' | 'id' | 'tag'> & { id?: string; tag?: string }): ActivityScope {
  const id = fields.id ?? `${fields.kind}-${++scopeCounter}`;
  return { ...fields, id, tag: fields.tag ?? id, killed: false, childrenRunning: 0, requests: new Set() };
}

/** The scope itself or the nearest enclosing one that has `key`. */
export function nearest<K extends keyof ActivityScope>(scope: ActivityScope | undefined, key: K): ActivityScope | undefined {
  for (let s = scope; s; s = s.parent) {
    if (s[key] !== undefined) return s;
  }
  return undefined;
}

/** Whether the invocation running this scope was stopped (an invocation's own sandbox: a caller's fate does not reach it). */
export function isKilled(scope: ActivityScope | undefined): boolean {
  for (let s = scope; s; s = s.parent) {
    if (s.killed) return true;
    if (s.kind === 'invocation') return false;
  }
  return false;
}
