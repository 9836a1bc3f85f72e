/**
 * Run by jest before each test file (jest config `setupFilesAfterEnv`, set in
 * .projenrc.ts): every App a test makes writes to a directory that is removed
 * when the file ends.
 */
import { refuseAppsWithoutAssemblyDirectory } from './harness/assembly-directory';

refuseAppsWithoutAssemblyDirectory();
