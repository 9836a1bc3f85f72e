/**
 * What the npm package holds: the compiled library, the jsii assembly and the
 * bundled handler, and nothing of the sources, tests, tools or build by-products.
 * Needs the handler bundle and the jsii output (the test task compiles and
 * bundles before jest runs).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');

interface PackedFile {
  readonly path: string;
  readonly size: number;
}

let files: PackedFile[];

beforeAll(() => {
  for (const built of ['lib/index.js', '.jsii', 'assets/lambda/custom-resource/handler/index.js', 'assets/lambda/registry-type/handler/index.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, built))) {
      throw new Error(`${built} does not exist: run \`npx projen compile\` and \`npx projen bundle\` first (\`npx projen test\` does both)`);
    }
  }
  const output = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  files = (JSON.parse(output) as [{ files: PackedFile[] }])[0].files;
});

const paths = () => files.map(file => file.path);

test('holds the compiled library, its types and the jsii assembly', () => {
  expect(paths()).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts',
    'lib/association/mpa-team-association.js', 'lib/engines/custom-resource/mpa-team-association-provider.js',
  ]));
});

test('holds the two bundled handlers (custom resource, registry type), and only them, under assets/', () => {
  const bundles = ['assets/lambda/custom-resource/handler/index.js', 'assets/lambda/registry-type/handler/index.js'];
  expect(paths().filter(p => p.startsWith('assets/')).sort()).toEqual(bundles);
  for (const bundle of bundles) {
    expect(files.find(file => file.path === bundle)!.size).toBe(fs.statSync(path.join(REPO_ROOT, bundle)).size);
  }
});

test('holds the registry type\'s schema and CloudFormation CLI settings, from which the registration builds its package', () => {
  expect(paths().filter(p => p.startsWith('registry-type/')).sort()).toEqual(['registry-type/.rpdk-config', 'registry-type/schema.json']);
});

test.each(['src/', 'lambda/', 'test/', 'demo/', 'bench/', 'examples/', '.ci/', 'projenrc/', 'coverage/', 'test-reports/', 'node_modules/'])(
  'leaves out %s', dir => {
    expect(paths().filter(p => p.startsWith(dir))).toEqual([]);
  });

test('leaves out TypeScript sources, esbuild metafiles and configuration', () => {
  const unwanted = paths().filter(p => (p.endsWith('.ts') && !p.endsWith('.d.ts'))
    || p.endsWith('.meta.json')
    || /(^|\/)(tsconfig[^/]*\.json|\.eslintrc\.json|\.projenrc\.ts|cdk\.json)$/.test(p));
  expect(unwanted).toEqual([]);
});
