import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE_TASK, buildHandlerBundle, bundleTaskArguments } from '../../demo/handler-bundle';

const REPO_ROOT = path.join(__dirname, '..', '..');

test('the demo bundles the handler with the esbuild arguments of the projen bundle task', () => {
  const args = bundleTaskArguments(REPO_ROOT);
  expect(args).toEqual(expect.arrayContaining(['--bundle', 'lambda/custom-resource/handler.ts', '--outfile=assets/lambda/custom-resource/handler/index.js', '--minify']));
});

test('an asset that is already this build is left untouched', () => {
  buildHandlerBundle(REPO_ROOT);
  const asset = path.join(REPO_ROOT, 'assets', 'lambda', 'custom-resource', 'handler', 'index.js');
  const before = fs.statSync(asset).mtimeMs;
  expect(buildHandlerBundle(REPO_ROOT)).toEqual({ file: asset, rewritten: false });
  expect(fs.statSync(asset).mtimeMs).toBe(before);
});

test('a build that fails throws with esbuild\'s own output', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-bundle-test-'));
  try {
    fs.mkdirSync(path.join(root, '.projen'));
    fs.writeFileSync(path.join(root, '.projen', 'tasks.json'), JSON.stringify({
      tasks: { [BUNDLE_TASK]: { steps: [{ execArgs: ['esbuild', '--bundle', 'lambda/custom-resource/handler.ts', '--outfile=assets/index.js'] }] } },
    }));
    fs.mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
    const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild');
    fs.writeFileSync(esbuild, '#!/bin/sh\necho "✘ [ERROR] Could not resolve \\"lambda/custom-resource/handler.ts\\"" >&2\nexit 1\n');
    fs.chmodSync(esbuild, 0o755);
    expect(() => buildHandlerBundle(root)).toThrow(/^Building the handler bundle failed \(esbuild exited 1\):\n✘ \[ERROR\] Could not resolve "lambda\/custom-resource\/handler.ts"$/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
