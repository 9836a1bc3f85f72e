import { format } from 'node:util';
import { currentScope, isKilled, nearest, type ConsoleLevel } from './activity';

/** The console methods a Lambda Node.js runtime maps to log levels. */
const LEVELS: ReadonlyArray<readonly [keyof Console & string, ConsoleLevel]> = [
  ['trace', 'TRACE'],
  ['debug', 'DEBUG'],
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
];

type ConsoleMethod = (...args: unknown[]) => void;

/** Sends a console line to the invocation running now; false when no invocation runs. */
function routeToInvocation(level: ConsoleLevel, args: unknown[]): boolean {
  const scope = currentScope();
  const sink = nearest(scope, 'log');
  if (!sink) return false;
  // A stopped sandbox writes nothing more.
  if (!isKilled(scope)) sink.log!(level, format(...args));
  return true;
}

/**
 * Routes the lines that code running inside an invocation writes to `target`
 * (jest's console, for the handler sources) into that invocation's log;
 * lines written outside any invocation go where they went before.
 * Returns the function that restores `target`.
 */
export function captureConsole(target: Console): () => void {
  const originals = new Map<string, ConsoleMethod>();
  const methods = target as unknown as Record<string, ConsoleMethod>;
  for (const [method, level] of LEVELS) {
    const original = methods[method];
    originals.set(method, original);
    methods[method] = (...args: unknown[]) => {
      if (!routeToInvocation(level, args)) original.apply(target, args);
    };
  }
  return () => {
    for (const [method, original] of originals) methods[method] = original;
  };
}

/** A console for a module loaded in isolation (the framework runtime, the bundled handler): every line goes to the invocation running it. */
export function invocationConsole(fallback: Console): Console {
  const scoped: Record<string, ConsoleMethod> = {};
  for (const [method, level] of LEVELS) {
    scoped[method] = (...args: unknown[]) => {
      if (!routeToInvocation(level, args)) (fallback as unknown as Record<string, ConsoleMethod>)[method].apply(fallback, args);
    };
  }
  return Object.setPrototypeOf(scoped, fallback) as Console;
}
