import type { ClientRequest, IncomingMessage } from 'node:http';
import { currentScope, isKilled, nodeRequire, sharedActivity, type ActivityScope } from './activity';

/** The header that tells the fake which CloudFormation request (or invocation) a call belongs to. */
export const SIMULATION_TAG_HEADER = 'x-simulation-tag';

const INSTALLED = Symbol.for('cdk-mpa-team-association.harness.request-tagging');

type RequestFunction = (...args: unknown[]) => ClientRequest;

/**
 * Wraps Node's `http.request` and `https.request`, once per process and before
 * any AWS SDK client makes its first call (the SDK's node-http-handler takes
 * `request` from the module when it first connects, in both the handler
 * sources and the bundled asset). Inside a scope, every request carries
 * `x-simulation-tag`, counts as in flight until it closes, and is refused once
 * the scope's invocation was stopped by its timeout. Outside a scope, requests
 * pass through untouched.
 */
export function installRequestTagging(): void {
  for (const name of ['node:http', 'node:https']) {
    const module = nodeRequire(name) as Record<string | symbol, unknown>;
    if (module[INSTALLED]) continue;
    const original = module.request as RequestFunction;
    module.request = function taggedRequest(this: unknown, ...args: unknown[]): ClientRequest {
      const scope = currentScope();
      const request = original.apply(this, args);
      if (scope) track(request, scope);
      return request;
    };
    module[INSTALLED] = true;
  }
}

function track(request: ClientRequest, scope: ActivityScope): void {
  if (isKilled(scope)) {
    request.destroy(new Error('The Lambda sandbox of this invocation was stopped at its timeout: it makes no further calls.'));
    return;
  }
  if (!request.headersSent) request.setHeader(SIMULATION_TAG_HEADER, scope.tag);
  const shared = sharedActivity();
  shared.inFlight.add(request);
  scope.requests.add(request);
  let status: number | undefined;
  request.once('response', (response: IncomingMessage) => { status = response.statusCode; });
  request.once('close', () => {
    shared.inFlight.delete(request);
    scope.requests.delete(request);
    const target = request.getHeader('x-amz-target');
    const finished = { scope, tag: scope.tag, method: request.method, path: request.path, status, target: target === undefined ? undefined : `${target}` };
    for (const listener of shared.finishedListeners) listener(finished);
  });
}

/** Stops every request in flight of `scope` (its sandbox was stopped). */
export function destroyRequestsOf(scope: ActivityScope): void {
  for (const request of scope.requests) {
    request.destroy(new Error('The Lambda sandbox of this invocation was stopped at its timeout.'));
  }
}

/** Requests in flight in the whole process. */
export function requestsInFlight(): number {
  return sharedActivity().inFlight.size;
}
