/**
 * `npm run demo` must keep working. The demo drives the bundled handler asset
 * (the test task bundles it before jest runs), which loads node:http with a
 * dynamic import(): that needs plain Node.js, not jest's sandbox, so the demo
 * runs as its own process, as `npm run demo` runs it, only with faster polls.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runDemo } from '../../demo/run-demo';

const REPO_ROOT = path.join(__dirname, '..', '..');

async function runDemoCommand(pollIntervalMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      ['--require', 'ts-node/register/transpile-only', 'demo/run-demo.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json', DEMO_POLL_INTERVAL_MS: String(pollIntervalMs) },
        timeout: 55_000,
      });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

test('the demo runs Create, Update with approval, a denied Delete and an approved Delete, and exits 0', async () => {
  const { code, stdout, stderr } = await runDemoCommand(20);

  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  // What a reader of the demo sees: the synthesized properties, each poll, each answer and the verdict.
  expect(stdout).toContain('Custom::PaymentCryptographyMpaTeamAssociation');
  expect(stdout).toContain('PollIntervalSeconds      1');
  expect(stdout).toMatch(/handler: isComplete poll \| state DELETE_PENDING \(payments-root-a\) \| session PENDING/);
  expect(stdout).toMatch(/CloudFormation <- FAILED after \d+ poll\(s\): Approval session arn:aws:mpa:us-east-1:111122223333:session\/payments-root-b\/\S+ for DisassociateMpaTeam ended FAILED/);
  expect(stdout.match(/^ {3}check ok: /gm)).toHaveLength(4);
  expect(stdout).toMatch(/^ok {3}1\/4 Create .*: SUCCESS/m);
  expect(stdout).toMatch(/^ok {3}2\/4 Update: team A -> team B .*: SUCCESS/m);
  expect(stdout).toMatch(/^ok {3}3\/4 Delete, denied .*: FAILED/m);
  expect(stdout).toMatch(/^ok {3}4\/4 Delete again, approved: SUCCESS/m);
  expect(stdout).toContain('All 4 steps behaved as expected');
});

test('without the bundled handler the demo fails at once and says how to build it', async () => {
  const lines: string[] = [];
  const result = await runDemo({ handlerAsset: path.join(REPO_ROOT, 'assets', 'no-such-handler', 'index.js'), out: line => lines.push(line) });
  expect(result.ok).toBe(false);
  expect(result.failures).toEqual([expect.stringContaining('run `npx projen bundle` first')]);
  expect(lines.join('\n')).toMatch(/^FAILED: The bundled handler .* does not exist/m);
});
