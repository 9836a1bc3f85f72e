import * as fs from 'node:fs';
import * as path from 'node:path';
import { fmtMs, fmtRatio, interleaved, interleavedMany, median, run, spread, verdict, type Row } from './stats';

/**
 * Runs in a fresh node process: `node synth-app.js <kind> <outdir>`.
 * Every kind loads aws-cdk-lib's index the same way; then its own modules;
 * then one App, one Stack, its resources and app.synth(). Prints the laps as JSON.
 * - construct: one MpaTeamAssociation with defaults (the construct library from ./lib);
 * - baseline: one sns.Topic, the trivial resource of the budget;
 * - provider: a hand-written equivalent without the construct: two functions from
 *   the same asset, a custom_resources.Provider with a waiter, one CustomResource.
 */
const SYNTH_APP = `'use strict';
const path = require('path');
const now = () => Number(process.hrtime.bigint()) / 1e6;
const [kind, outdir] = process.argv.slice(2);
const t0 = now();
const cdk = require('aws-cdk-lib');
const t1 = now();
const mod = kind === 'construct' ? require('./lib/index.js')
  : kind === 'baseline' ? require('aws-cdk-lib/aws-sns')
  : { lambda: require('aws-cdk-lib/aws-lambda'), cr: require('aws-cdk-lib/custom-resources') };
const t2 = now();
const app = new cdk.App({ outdir });
const stack = new cdk.Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
const team = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
if (kind === 'construct') {
  new mod.MpaTeamAssociation(stack, 'Association', { mpaTeamArn: team });
} else if (kind === 'baseline') {
  new mod.Topic(stack, 'Topic');
} else {
  const code = mod.lambda.Code.fromAsset(path.join(__dirname, 'assets', 'lambda', 'custom-resource', 'handler'));
  const fn = (id, entry) => new mod.lambda.Function(stack, id, { code, handler: 'index.' + entry, runtime: mod.lambda.Runtime.NODEJS_22_X });
  const provider = new mod.cr.Provider(stack, 'Provider', {
    onEventHandler: fn('OnEvent', 'onEvent'),
    isCompleteHandler: fn('IsComplete', 'isComplete'),
    queryInterval: cdk.Duration.seconds(10),
    totalTimeout: cdk.Duration.minutes(35),
  });
  new cdk.CustomResource(stack, 'Resource', { serviceToken: provider.serviceToken, properties: { MpaTeamArn: team } });
}
app.synth();
const t3 = now();
const template = path.join(outdir, 'Bench.template.json');
const resources = Object.keys(JSON.parse(require('fs').readFileSync(template, 'utf8')).Resources).length;
process.stdout.write(JSON.stringify({ requireCdkMs: t1 - t0, requireModuleMs: t2 - t1, createSynthMs: t3 - t2, resources }));
`;

type AppKind = 'construct' | 'baseline' | 'provider';

interface SynthSample {
  readonly requireCdkMs: number;
  readonly requireModuleMs: number;
  readonly createSynthMs: number;
  readonly resources: number;
  readonly processMs: number;
}

/**
 * Lays out `<workDir>` like the published package: lib/ (the construct sources,
 * transpiled by esbuild from src/ in this run, so never stale) and
 * assets/lambda/custom-resource/handler/index.js (the .npmignore leaves the metafile out).
 * It sits inside the repository so that aws-cdk-lib resolves from its node_modules.
 */
export async function prepareSynthApp(repoRoot: string, workDir: string, assetFile: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const srcDir = path.join(repoRoot, 'src');
  await esbuild.build({
    entryPoints: (fs.readdirSync(srcDir, { recursive: true }) as string[]).filter(f => f.endsWith('.ts')).map(f => path.join(srcDir, f)),
    outbase: srcDir,
    outdir: path.join(workDir, 'lib'),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  const assetDir = path.join(workDir, 'assets', 'lambda', 'custom-resource', 'handler');
  fs.mkdirSync(assetDir, { recursive: true });
  fs.copyFileSync(assetFile, path.join(assetDir, 'index.js'));
  const script = path.join(workDir, 'synth-app.js');
  fs.writeFileSync(script, SYNTH_APP);
  return script;
}

function synthOnce(script: string, kind: AppKind, outRoot: string, validation: boolean): SynthSample {
  const outdir = fs.mkdtempSync(path.join(outRoot, `${kind}-`));
  const env = { ...process.env };
  if (validation) delete env.CDK_VALIDATION;
  else env.CDK_VALIDATION = 'false';
  try {
    const { stdout, wallMs } = run(process.execPath, [script, kind, outdir], { cwd: path.dirname(script), env });
    return { ...JSON.parse(stdout), processMs: wallMs };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function synthRows(script: string, outRoot: string, runs: number, validatedRuns: number): { rows: Row[]; notes: string[] } {
  const [construct, baseline, provider] = interleavedMany(runs, 1, (['construct', 'baseline', 'provider'] as const)
    .map(kind => () => synthOnce(script, kind, outRoot, false)));
  const med = (samples: SynthSample[], pick: (s: SynthSample) => number) => median(samples.map(pick));
  const createSynth = (s: SynthSample) => s.createSynthMs;
  const withRequire = (s: SynthSample) => s.requireModuleMs + s.createSynthMs;
  const proc = (s: SynthSample) => s.processMs;

  const rows: Row[] = [];
  const ratioRow = (figure: string, a: number, b: number, target?: number, baselineLabel = ''): Row => ({
    figure,
    ours: fmtMs(a),
    baseline: `${fmtMs(b)}${baselineLabel}`,
    ratio: fmtRatio(a / b),
    target: target === undefined ? '-' : `<= ${target.toFixed(2)}x`,
    verdict: target === undefined ? 'info' : verdict(a / b <= target),
  });
  rows.push(ratioRow(`3a. synth: construct creation + app.synth() (median of ${runs})`,
    med(construct, createSynth), med(baseline, createSynth), 1.3));
  rows.push(ratioRow('3b. synth: require(module) + creation + synth()',
    med(construct, withRequire), med(baseline, withRequire)));
  rows.push(ratioRow('3c. synth: whole node process', med(construct, proc), med(baseline, proc)));
  rows.push(ratioRow('3f. synth as 3a vs a hand-written Provider', med(construct, createSynth), med(provider, createSynth),
    undefined, ' (Provider)'));

  const notes = [
    `3a samples: this project ${spread(construct.map(createSynth))}; sns.Topic ${spread(baseline.map(createSynth))}; `
      + `hand-written Provider ${spread(provider.map(createSynth))}; template resources: `
      + `${construct[0]?.resources} / ${baseline[0]?.resources} / ${provider[0]?.resources}`,
  ];
  if (validatedRuns > 0) {
    const on = interleaved(validatedRuns, 0,
      () => synthOnce(script, 'construct', outRoot, true), () => synthOnce(script, 'baseline', outRoot, true));
    // Info only: a few samples, each dominated by a validation engine start that
    // varies by seconds with machine load; 3a is the budget figure.
    rows.push(ratioRow(`3d. synth as 3a, CFN validation on (median of ${validatedRuns})`,
      med(on.a, createSynth), med(on.b, createSynth)));
    rows.push(ratioRow('3e. synth as 3c, CFN validation on', med(on.a, proc), med(on.b, proc)));
    notes.push(`3d samples: this project ${spread(on.a.map(createSynth))}; sns.Topic ${spread(on.b.map(createSynth))}`);
  }
  return { rows, notes };
}
