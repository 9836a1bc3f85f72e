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

// Registered when a test file imports this module, at the file's top level, so jest runs it once the file's tests are done.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
if (jestAfterAll) jestAfterAll(removeMade);
else process.once('exit', removeMade);
