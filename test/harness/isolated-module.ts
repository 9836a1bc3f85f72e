import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { TimerFunctions } from './virtual-timers';

/** A file as it was loaded: where from, and the SHA-256 of the exact text compiled. */
export interface LoadedFile {
  readonly filename: string;
  readonly sha256: string;
}

export interface IsolatedModulesOptions {
  /** What `process` is inside these modules (a Lambda function's own environment). */
  readonly process: NodeJS.Process;
  /** What `console` is inside these modules. */
  readonly console: Console;
  /** What `setTimeout` and `clearTimeout` are inside these modules (the simulation's clock). */
  readonly timers: TimerFunctions;
}

interface ModuleRecord {
  exports: unknown;
}

const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', 'process', 'console', 'setTimeout', 'clearTimeout'];

/**
 * A private module instance of CommonJS files, as a Lambda sandbox has one:
 * each file is compiled unchanged with Node's module wrapper, plus `process`,
 * `console`, `setTimeout` and `clearTimeout` parameters that give it the
 * function's environment, its log and the simulation's clock.
 * Relative requires load inside the same instance; packages and Node's own
 * modules come from Node's shared loader (the instance never changes them).
 */
export class IsolatedModules {
  private readonly cache = new Map<string, ModuleRecord>();
  private readonly files: LoadedFile[] = [];

  constructor(private readonly options: IsolatedModulesOptions) {}

  /** Every file compiled in this instance, in load order. */
  get loaded(): readonly LoadedFile[] {
    return [...this.files];
  }

  /** Loads `filename` (absolute) in this instance and returns its exports. */
  load(filename: string): unknown {
    const cached = this.cache.get(filename);
    if (cached) return cached.exports;
    if (filename.endsWith('.json')) {
      const record = { exports: JSON.parse(fs.readFileSync(filename, 'utf8')) };
      this.cache.set(filename, record);
      return record.exports;
    }
    const { sha256, compiled } = compiledFile(filename);
    this.files.push({ filename, sha256 });
    const record: ModuleRecord = { exports: {} };
    this.cache.set(filename, record);
    const require = this.requireFrom(filename);
    const { process: sandboxProcess, console: sandboxConsole, timers } = this.options;
    compiled.call(record.exports, record.exports, require, record, filename, path.dirname(filename), sandboxProcess, sandboxConsole,
      timers.setTimeout, timers.clearTimeout);
    return record.exports;
  }

  private requireFrom(filename: string): NodeJS.Require {
    const outside = createRequire(filename);
    const inside = (specifier: string): unknown => {
      if (specifier === 'process' || specifier === 'node:process') return this.options.process;
      if (specifier.startsWith('./') || specifier.startsWith('../') || path.isAbsolute(specifier)) {
        return this.load(resolveFile(path.resolve(path.dirname(filename), specifier)));
      }
      return outside(specifier);
    };
    const { resolve, cache, extensions } = outside;
    return Object.assign(inside, { resolve, cache, extensions, main: undefined }) as NodeJS.Require;
  }
}

function resolveFile(candidate: string): string {
  for (const file of [candidate, `${candidate}.js`, `${candidate}.json`, path.join(candidate, 'index.js')]) {
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  throw new Error(`Cannot find module ${candidate}`);
}

type CompiledModule = (...args: unknown[]) => void;

/**
 * Files compiled once per process, by path, size and modification time: a compiled
 * wrapper holds no module state (each call gets its own exports and require), so
 * every instance may call the same one, as every sandbox runs the same code.
 */
const compiledFiles = new Map<string, { readonly key: string; readonly sha256: string; readonly compiled: CompiledModule }>();

function compiledFile(filename: string): { sha256: string; compiled: CompiledModule } {
  const stat = fs.statSync(filename);
  const key = `${stat.size}:${stat.mtimeMs}`;
  const known = compiledFiles.get(filename);
  if (known?.key === key) return known;
  const source = fs.readFileSync(filename, 'utf8');
  const entry = { key, sha256: createHash('sha256').update(source).digest('hex'), compiled: compile(source, filename) };
  compiledFiles.set(filename, entry);
  return entry;
}

/**
 * Compiles in Node's main context. Code that loads modules with `import()`
 * (the bundled AWS SDK loads node:http that way) gets Node's default loader.
 */
function compile(source: string, filename: string): CompiledModule {
  if (!source.includes('import(')) {
    return vm.compileFunction(source, WRAPPER_PARAMETERS, { filename }) as CompiledModule;
  }
  silenceDefaultLoaderWarning();
  return vm.compileFunction(source, WRAPPER_PARAMETERS, {
    filename,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as CompiledModule;
}

let defaultLoaderWarningSilenced = false;

/**
 * Node flags that loader option as experimental, once per process, on the first `import()` made
 * with it: that happens here, with the warning dropped, so that it never lands in the test output
 * or in the log of the invocation that happened to load node:http first. Node warns through its
 * own process object; under jest, `process` (and require('process')) is the test file's copy, and
 * only code run in Node's main context sees the original.
 */
function silenceDefaultLoaderWarning(): void {
  if (defaultLoaderWarningSilenced) return;
  defaultLoaderWarningSilenced = true;
  const nodeProcess = vm.runInThisContext('process') as NodeJS.Process;
  const emitWarning = nodeProcess.emitWarning;
  nodeProcess.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    (emitWarning as (...args: unknown[]) => void).call(nodeProcess, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const importPath = vm.compileFunction('return import("node:path")', [], {
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }) as () => Promise<unknown>;
    void importPath().catch(() => undefined);
  } finally {
    nodeProcess.emitWarning = emitWarning;
  }
}
