import { IsolatedModules, type LoadedFile } from './isolated-module';
import type { TimerFunctions } from './virtual-timers';
import type { InvocationContext } from '../../lambda/core/clock';

/** A Lambda entry point: `exports.<name>` of the function's handler module. */
export type LambdaHandler = (event: any, context: LambdaContext) => unknown;

/** The context a Lambda invocation gets, plus the simulation's clock (see lambda/core/clock.ts). */
export interface LambdaContext extends InvocationContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly callbackWaitsForEmptyEventLoop: boolean;
}

/** What one sandbox of a function gets: its environment, as `process`, its log, as `console`, and the clock's timers. */
export interface Sandbox {
  readonly process: NodeJS.Process;
  readonly console: Console;
  readonly timers: TimerFunctions;
}

/** An entry point, with the files compiled for it (none when the module was already loaded). */
export interface LoadedEntryPoint {
  readonly handler: LambdaHandler;
  readonly files: readonly LoadedFile[];
}

/** A function's code: what Lambda loads when it starts a sandbox. */
export interface FunctionCode {
  /** For records and error messages, e.g. `lambda/custom-resource/handler.ts#onEvent`. */
  readonly description: string;
  load(sandbox: Sandbox): LoadedEntryPoint;
}

/**
 * An entry point of a module the test process already loaded (the handler
 * sources through jest, or functions a test wraps): shared by every sandbox,
 * which reads its environment through `process.env` (environment-view.ts).
 */
export function moduleCode(handler: LambdaHandler, description: string): FunctionCode {
  return { description, load: () => ({ handler, files: [] }) };
}

/**
 * A file loaded in a private module instance per sandbox, as Lambda loads a
 * function's code: `Handler: index.onEvent` is `exports.onEvent` of
 * `<directory>/index.js`. `prepare` runs after loading, before the first call.
 */
export function isolatedCode(file: string, exportName: string, prepare?: (modules: IsolatedModules) => void): FunctionCode {
  return {
    description: `${file}#${exportName}`,
    load: sandbox => {
      const modules = new IsolatedModules(sandbox);
      const exports = modules.load(file) as Record<string, unknown>;
      prepare?.(modules);
      const handler = exports[exportName];
      if (typeof handler !== 'function') {
        throw new Error(`${file} exports no function ${exportName} (Lambda: Runtime.HandlerNotFound)`);
      }
      return { handler: handler as LambdaHandler, files: modules.loaded };
    },
  };
}
