import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the apps of the tests and the demo write their cloud assembly. An App
 * without an outdir makes a temporary directory of its own and never removes
 * it: one `npx jest` left 231 of them (70 MB, most of it copies of the
 * handler bundle) in the system's temporary directory, and every further run
 * (a mutation run runs suites once per mutant) added as many. The directories made here
 * go when the test file ends (jest's afterAll), or, outside jest (the demo),
 * when the process exits.
 */
const made: string[] = [];

/** A fresh, empty directory for one app's cloud assembly. */
export function newAssemblyDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk.out'));
  made.push(directory);
  return directory;
}

function removeMade(): void {
  for (const directory of made.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
}

/** aws-cdk-lib calls the function at this global symbol with every App it constructs, once the App has its output directory (core/lib/app.js). */
const APP_INIT_HOOK = Symbol.for('@aws-cdk/core.App#initHook');

/**
 * From now on, an App (a Stack without a scope makes one) whose output directory
 * is not from `newAssemblyDirectory()` throws as it is constructed, so that a
 * test cannot bring the leak back unnoticed. A directory aws-cdk-lib made for
 * it (still empty) is removed first. Installed for every test file by
 * test/jest.setup.ts.
 */
export function refuseAppsWithoutAssemblyDirectory(): void {
  (globalThis as Record<symbol, unknown>)[APP_INIT_HOOK] = (app: { readonly outdir: string }) => {
    if (made.includes(app.outdir)) return;
    if (isMadeByAwsCdkLib(app.outdir)) fs.rmSync(app.outdir, { recursive: true, force: true });
    throw new Error('An App in a test writes its cloud assembly to a directory from newAssemblyDirectory() '
      + `(test/harness/assembly-directory.ts), removed when the test file ends; this one was to write to ${app.outdir}. `
      + 'Build it with newApp() or newStack() (test/construct-helpers/stacks.ts), or with new App(testAppProps()) (test/harness/test-app-props.ts).');
  };
}

/** The temporary directory aws-cdk-lib makes for an App without an outdir: `cdk.out` and six characters, in the real path of the system's temporary directory. */
function isMadeByAwsCdkLib(directory: string): boolean {
  return path.dirname(directory) === fs.realpathSync(os.tmpdir()) && /^cdk\.out.{6}$/.test(path.basename(directory));
}

// Registered when a test file imports this module, at the file's top level, so jest runs it once the file's tests are done.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
if (jestAfterAll) jestAfterAll(removeMade);
else process.once('exit', removeMade);
