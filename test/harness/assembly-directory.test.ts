/**
 * Apps in tests write their cloud assembly to directories removed when the test
 * file ends; an App that would leave one behind in the system's temporary
 * directory fails as it is constructed (test/jest.setup.ts installs the check
 * for every test file).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { newAssemblyDirectory } from './assembly-directory';

const REFUSED = /An App in a test writes its cloud assembly to a directory from newAssemblyDirectory\(\).*this one was to write to \S+cdk\.out/;

/** The error `construct` throws. */
function thrownBy(construct: () => unknown): Error {
  try {
    construct();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

test('an App given a directory from newAssemblyDirectory() is accepted', () => {
  const outdir = newAssemblyDirectory();

  expect(new App({ outdir }).outdir).toBe(outdir);
});

test('an App without an outdir is refused, naming the rule and the helpers', () => {
  expect(() => new App()).toThrow(REFUSED);
  expect(() => new App()).toThrow(/newApp\(\) or newStack\(\).*new App\(testAppProps\(\)\)/);
});

test('a Stack without a scope (its implicit App has no outdir) is refused', () => {
  expect(() => new Stack()).toThrow(REFUSED);
});

test('an App with an outdir of its own choosing is refused too: only newAssemblyDirectory()\'s are removed', () => {
  expect(() => new App({ outdir: 'cdk.out' })).toThrow(/this one was to write to cdk\.out\./);
});

test('a refused App leaves no directory behind: the one aws-cdk-lib made for it is removed', () => {
  const { message } = thrownBy(() => new App());
  const directory = /this one was to write to (\S+)\. /.exec(message)![1];

  expect(path.dirname(directory)).toBe(fs.realpathSync(os.tmpdir()));
  expect(fs.existsSync(directory)).toBe(false);
});
