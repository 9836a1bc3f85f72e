/**
 * The demo runs the bundled handler, the file the package ships. It builds it
 * itself, silently, with exactly the esbuild command of the projen bundle task
 * (read from .projen/tasks.json, so the two never drift apart): a newcomer's
 * first screen is then the demo's own words, not build chatter.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..');
/** The projen task that bundles the handler (`npx projen bundle` spawns it). */
export const BUNDLE_TASK = 'bundle:lambda/custom-resource/handler';

export interface BundleResult {
  /** The asset, `assets/lambda/custom-resource/handler/index.js`. */
  readonly file: string;
  /** Whether this run wrote a new asset (false: the one on disk was already this build). */
  readonly rewritten: boolean;
}

/** The esbuild arguments of the bundle task, as `.projen/tasks.json` has them. */
export function bundleTaskArguments(repoRoot: string = REPO_ROOT): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, '.projen', 'tasks.json'), 'utf8')) as {
    tasks: Record<string, { steps?: { execArgs?: string[] }[] }>;
  };
  const argv = manifest.tasks[BUNDLE_TASK]?.steps?.find(step => step.execArgs?.[0] === 'esbuild')?.execArgs;
  if (!argv) throw new Error(`.projen/tasks.json has no esbuild step in task ${BUNDLE_TASK}`);
  return argv.slice(1);
}

/**
 * Builds the handler into a scratch directory with the bundle task's arguments;
 * only if that differs from the asset on disk does it run the task's command
 * itself (asset and metafile in place). An up-to-date asset is never rewritten,
 * so a test synthesizing it at that moment never reads half a file.
 * Throws with esbuild's own output when the build fails.
 */
export function buildHandlerBundle(repoRoot: string = REPO_ROOT): BundleResult {
  const args = bundleTaskArguments(repoRoot);
  const target = path.join(repoRoot, outfileOf(args));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mpa-demo-bundle-'));
  try {
    const scratchFile = path.join(scratch, 'index.js');
    esbuild(repoRoot, args.filter(arg => !arg.startsWith('--metafile=')).map(arg => arg.startsWith('--outfile=') ? `--outfile=${scratchFile}` : arg));
    if (fs.existsSync(target) && fs.readFileSync(scratchFile).equals(fs.readFileSync(target))) {
      return { file: target, rewritten: false };
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  esbuild(repoRoot, args);
  return { file: target, rewritten: true };
}

function esbuild(repoRoot: string, args: readonly string[]): void {
  const run = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'esbuild'), args, { cwd: repoRoot, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
    throw new Error(`Building the handler bundle failed (${run.error?.message ?? `esbuild exited ${run.status}`}):\n${output}`);
  }
}

function outfileOf(args: readonly string[]): string {
  const arg = args.find(a => a.startsWith('--outfile='));
  if (!arg) throw new Error(`the esbuild step of ${BUNDLE_TASK} has no --outfile`);
  return arg.slice('--outfile='.length);
}
