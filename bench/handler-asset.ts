import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fmtBytes, fmtMs, fmtRatio, interleaved, median, run, spread, verdict, type Row } from './stats';

/** Files of lambda/ that are not the handler's use of the SDK: the entry point, and the alias target that is the optimisation under test. */
const NOT_SDK_USE = new Set(['lambda/custom-resource/handler.ts', 'lambda/aws/lambda-credentials.ts']);

/**
 * The SDK values the custom resource's handler imports, read from the files of lambda/ that its
 * bundle holds (the bundle's esbuild metafile, written by `npx projen bundle`): every named,
 * non-type import from a package (not a relative path), grouped by package. The baseline bundle
 * imports exactly these, so it keeps in step with the handler.
 */
export function sdkImportsOfHandler(repoRoot: string): Map<string, Set<string>> {
  const byPackage = new Map<string, Set<string>>();
  const importPattern = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^'.][^']*)'/g;
  const metafile = JSON.parse(fs.readFileSync(path.join(repoRoot, 'assets', 'lambda', 'custom-resource', 'handler.meta.json'), 'utf8')) as
    { inputs: Record<string, unknown> };
  const sources = Object.keys(metafile.inputs).filter(f => f.startsWith('lambda/') && f.endsWith('.ts') && !NOT_SDK_USE.has(f)).sort();
  for (const file of sources) {
    const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    for (const match of text.matchAll(importPattern)) {
      if (match[1]) continue; // import type { ... }
      const names = match[2].split(',').map(n => n.trim()).filter(n => n && !n.startsWith('type '))
        .map(n => n.split(/\s+as\s+/)[0].trim());
      if (names.length === 0) continue;
      const set = byPackage.get(match[3]) ?? new Set<string>();
      names.forEach(n => set.add(n));
      byPackage.set(match[3], set);
    }
  }
  return byPackage;
}

export function baselineEntrySource(imports: Map<string, Set<string>>): string {
  return [...imports].map(([pkg, names]) => `export { ${[...names].sort().join(', ')} } from '${pkg}';`).join('\n');
}

export interface BaselineBundle {
  readonly file: string;
  readonly entry: string;
  readonly esbuildVersion: string;
}

/**
 * The naive bundle: the same SDK values, bundled with esbuild's defaults for
 * `--bundle --platform=node --target=node22 --minify`: default main fields
 * (`main,module` on node, so CommonJS builds), no alias (the SDK's full default
 * credential chain with its SSO/STS/INI/IMDS providers), legal comments kept.
 */
export async function buildBaselineBundle(repoRoot: string, outDir: string): Promise<BaselineBundle> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const entry = baselineEntrySource(sdkImportsOfHandler(repoRoot));
  const file = path.join(outDir, 'baseline-bundle.js');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: repoRoot, sourcefile: 'baseline-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    minify: true,
    outfile: file,
    logLevel: 'error',
  });
  return { file, entry, esbuildVersion: esbuild.version };
}

export function assetSizeRows(assetFile: string, baselineFile: string): Row[] {
  const ours = fs.readFileSync(assetFile);
  const base = fs.readFileSync(baselineFile);
  const gzip = (b: Buffer) => zlib.gzipSync(b, { level: 9 }).length;
  const rows: Row[] = [];
  for (const [figure, a, b] of [
    ['1a. handler asset, bytes', ours.length, base.length],
    ['1b. handler asset, gzip -9 bytes', gzip(ours), gzip(base)],
  ] as const) {
    const ratio = a / b;
    rows.push({ figure, ours: fmtBytes(a), baseline: fmtBytes(b), ratio: fmtRatio(ratio), target: '<= 0.60x', verdict: verdict(ratio <= 0.6) });
  }
  return rows;
}

/** Time of `require(file)` in a fresh node process, ms, and the process's wall time. */
function coldRequire(file: string): { requireMs: number; processMs: number } {
  const code = 'const t=process.hrtime.bigint();require(process.argv[1]);'
    + 'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const { stdout, wallMs } = run(process.execPath, ['-e', code, file]);
  return { requireMs: Number(stdout), processMs: wallMs };
}

export function coldInitRows(assetFile: string, baselineFile: string, runs: number): { rows: Row[]; notes: string[] } {
  const { a, b } = interleaved(runs, 1, () => coldRequire(assetFile), () => coldRequire(baselineFile));
  const oursMs = median(a.map(s => s.requireMs));
  const baseMs = median(b.map(s => s.requireMs));
  const ratio = oursMs / baseMs;
  const oursProc = median(a.map(s => s.processMs));
  const baseProc = median(b.map(s => s.processMs));
  return {
    rows: [
      {
        figure: `2a. cold require() of the asset (median of ${runs})`,
        ours: fmtMs(oursMs),
        baseline: fmtMs(baseMs),
        ratio: fmtRatio(ratio),
        target: '<= 0.70x',
        verdict: verdict(ratio <= 0.7),
      },
      {
        figure: '2b. whole node -e process, same runs (median)',
        ours: fmtMs(oursProc),
        baseline: fmtMs(baseProc),
        ratio: fmtRatio(oursProc / baseProc),
        target: '-',
        verdict: 'info',
      },
    ],
    notes: [`2a samples: this project ${spread(a.map(s => s.requireMs))}; baseline ${spread(b.map(s => s.requireMs))}`],
  };
}
