import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: readonly number[]): string {
  if (values.length === 0) return 'no samples';
  return `min ${fmtMs(Math.min(...values))}, max ${fmtMs(Math.max(...values))}`;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function fmtBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} B (${(bytes / 1024).toFixed(1)} KiB)`;
}

export function fmtRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a';
}

/** One figure of the report. */
export interface Row {
  readonly figure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  /** PASS/MISS against the target; `info` for context rows; `ERROR` when the figure could not be measured. */
  readonly verdict: 'PASS' | 'MISS' | 'info' | 'ERROR';
}

export function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

/** Plain-text table, columns padded to their widest cell. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['figure', 'this project', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map(r => [r.figure, r.ours, r.baseline, r.ratio, r.target, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

/** Runs a child process and returns its stdout; throws with its stderr when it fails. */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): { stdout: string; wallMs: number } {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...options });
  const wallMs = performance.now() - started;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${String(result.stderr).slice(-2000)}`);
  }
  return { stdout: String(result.stdout), wallMs };
}

/**
 * Runs each sampler `runs` times, interleaved, rotating which goes first in
 * each round (ABC, BCA, CAB...), so that drift in machine load hits every side
 * alike. `warmups` rounds are run first and thrown away (file cache).
 */
export function interleavedMany<T>(runs: number, warmups: number, samplers: readonly (() => T)[]): T[][] {
  for (let i = 0; i < warmups; i++) samplers.forEach(sample => sample());
  const results: T[][] = samplers.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < samplers.length; k++) {
      const index = (round + k) % samplers.length;
      results[index].push(samplers[index]());
    }
  }
  return results;
}

/** Two-sided interleavedMany. */
export function interleaved<T>(runs: number, warmups: number, sampleA: () => T, sampleB: () => T): { a: T[]; b: T[] } {
  const [a, b] = interleavedMany(runs, warmups, [sampleA, sampleB]);
  return { a, b };
}
