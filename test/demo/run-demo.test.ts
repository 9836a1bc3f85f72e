/**
 * `npm run demo` is the first thing a newcomer runs (issue 12). These tests run
 * the real command, `npm run demo` and `npm run demo -- --raw-logs`, once each
 * and concurrently, and read their output as a newcomer would: what the first
 * screen says, the approvers' votes, the times, each path's outcome.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { runDemo } from '../../demo/run-demo';
import { STEPS } from '../../demo/scenario';

const REPO_ROOT = path.join(__dirname, '..', '..');
/** Both runs at once on a shared 2-core machine: generous. */
const RUN_TIMEOUT_MS = 240_000;

interface Run {
  readonly code: number | null;
  /** stdout and stderr, merged in the order a terminal shows them. */
  readonly lines: readonly string[];
  readonly wallMs: number;
}

function npmRun(args: readonly string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `npm run demo ${args.join(' ')} 2>&1`], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', code => resolve({ code, lines: output.split('\n'), wallMs: Date.now() - started }));
  });
}

let plain: Run;
let raw: Run;

beforeAll(async () => {
  [plain, raw] = await Promise.all([npmRun([]), npmRun(['--', '--raw-logs'])]);
}, RUN_TIMEOUT_MS);

/** The lines of step `n` (1-based): from its header to the next header or the summary. */
function stepLines(run: Run, n: number): string[] {
  const start = run.lines.findIndex(line => line.startsWith(`== Step ${n} of `));
  const end = run.lines.findIndex((line, i) => i > start && line.startsWith('== '));
  return run.lines.slice(start, end < 0 ? undefined : end);
}

/** Lines as one text, with the demo's line wrapping undone (any run of spaces and line breaks is one space). */
function flat(lines: readonly string[]): string {
  return lines.join('\n').replace(/\s+/g, ' ');
}

/** Step `n`'s text, unwrapped. */
function step(run: Run, n: number): string {
  return flat(stepLines(run, n));
}

/** `m:ss` or `h:mm:ss` in seconds. */
function seconds(time: string): number {
  return time.split(':').map(Number).reduce((total, part) => total * 60 + part, 0);
}

describe('npm run demo', () => {
  test('exits 0 and says every step behaved', () => {
    expect(plain.code).toBe(0);
    expect(plain.lines).toContain(`All ${STEPS.length} steps behaved as expected.`);
    expect(plain.lines.filter(line => line.startsWith('  -> ok ('))).toHaveLength(STEPS.length);
  });

  test('its first 20 lines carry no projen, esbuild or npm output beyond npm\'s own two-line script banner (piped; a terminal erases it, npm-banner.test.ts)', () => {
    const first = plain.lines.slice(0, 20);
    // npm prints `> <package>@<version> <script>` and `> <command>` before any script runs; only `npm run -s` hides them.
    const banner = first.filter(line => line.startsWith('> '));
    expect(banner).toEqual([expect.stringMatching(/^> cdk-mpa-team-association@\S+ demo$/), '> node demo/start.js']);
    const rest = first.filter(line => !line.startsWith('> '));
    expect(rest.filter(line => /👾|projen|esbuild|^npm (warn|error|notice)|ExperimentalWarning|\[WARNING\]/i.test(line))).toEqual([]);
  });

  test('says first that nothing touches AWS, then what is simulated: the real poll interval and timeout on simulated time, and the fake services and approvers', () => {
    const text = plain.lines.filter(line => !line.startsWith('> ') && line.trim() !== '');
    expect(text[0]).toMatch(/Nothing here touches AWS/);
    const opening = flat(plain.lines.slice(0, 20));
    expect(opening).toMatch(/checks every 10 s \(pollInterval\)/);
    expect(opening).toMatch(/gives up after 30 minutes \(approvalTimeout\)/);
    expect(opening).toMatch(/Time is simulated, so a 30-minute wait plays in a few seconds/);
    expect(opening).toMatch(/AWS Payment Cryptography, Multi-Party Approval \(MPA[^)]*\) and SSM Parameter Store: a local fake service/);
    expect(opening).toMatch(/It also plays the approvers/);
  });

  test('explains session, check, ownership record and rolls back before the steps use them', () => {
    const firstStep = plain.lines.findIndex(line => line.startsWith('== Step 1 '));
    const words = plain.lines.slice(plain.lines.indexOf('Words used below'), firstStep).join('\n');
    for (const term of ['session', 'check', 'ownership record', 'rolls back']) {
      expect(words).toMatch(new RegExp(`^  ${term} +\\S`, 'm'));
    }
  });

  test('prints each approver\'s vote inside the step it belongs to, and a session as approved only at its threshold', () => {
    const votePattern = /approvers (approver #(\d+) of (\S+) approves: (\d+) of (\d+) approvals, session (\w{8}) (approved|still pending)|an approver of \S+ rejects: session \w{8} denied)/g;
    let approvals = 0;
    STEPS.forEach((planned, index) => {
      const votes = [...step(plain, index + 1).matchAll(votePattern)];
      expect(votes.map(vote => (vote[1].startsWith('an approver') ? 'reject' : 'approve'))).toEqual(planned.approvers.map(a => a.answer));
      for (const [, , voter, , count, threshold, , status] of votes.filter(vote => vote[2] !== undefined)) {
        approvals++;
        expect(count).toBe(voter);
        expect(status).toBe(count === threshold ? 'approved' : 'still pending');
      }
    });
    expect(approvals).toBe(9);
  });

  test('prints simulated times that add up: every step\'s time is within its length, and the lengths sum to the total', () => {
    const lengths = plain.lines.map(line => /^ {2}-> (?:ok|FAILED) \((\d+(?::\d\d)+) simulated\)/.exec(line)).filter(m => m !== null).map(m => seconds(m![1]));
    expect(lengths).toHaveLength(STEPS.length);
    const total = /total \(simulated time, the sum of the steps\)\s+(\d+(?::\d\d)+)$/.exec(plain.lines.find(line => line.includes('total (simulated time'))!)!;
    expect(lengths.reduce((sum, n) => sum + n, 0)).toBe(seconds(total[1]));
    STEPS.forEach((_, index) => {
      const times = stepLines(plain, index + 1).map(line => /^ {2} *(\d+(?::\d\d)+) {2}\S/.exec(line)).filter(m => m !== null).map(m => seconds(m![1]));
      expect(times.length).toBeGreaterThan(0);
      expect(Math.max(...times)).toBeLessThanOrEqual(lengths[index]);
    });
    // The two waits that run out last exactly approvalTimeout.
    expect([lengths[3], lengths[5]]).toEqual([1800, 1800]);
  });

  test('a first association that needs approval: the team approves, CloudFormation gets SUCCESS', () => {
    const text = step(plain, 1);
    expect(text).toMatch(/calls AssociateMpaTeam for payments-root-a: accepted/);
    expect(text).toMatch(/payments-root-a is ACTIVE: done/);
    expect(text).toMatch(/stack PaymentsKeys CREATE_COMPLETE/);
  });

  test('a team change: the team in place approves, the new team protects the operation', () => {
    const text = step(plain, 2);
    expect(text).toMatch(/team payments-root-a -> payments-root-b/);
    expect(text).toMatch(/approver #2 of payments-root-a approves: 2 of 2 approvals, session \w{8} approved/);
    expect(text).toMatch(/stack UPDATE_COMPLETE \| payments-root-b ACTIVE/);
  });

  test('a denial: the update fails at the next check, CloudFormation rolls it back and nothing changed', () => {
    const text = step(plain, 3);
    expect(text).toMatch(/rejects: session \w{8} denied/);
    expect(text).toMatch(/UPDATE_FAILED, reason: "Approval session \w{8} to associate team payments-root-c/);
    expect(text).toMatch(/sends the rollback Update/);
    expect(text).toMatch(/stack UPDATE_ROLLBACK_COMPLETE \| payments-root-b ACTIVE \| 1 new session: \w{8} denied/);
  });

  test('an update that times out: its rollback cancels the session, and the next deployment asks again with a new one', () => {
    const timedOut = step(plain, 4);
    const session = /1 new session: (\w{8}) cancelled/.exec(timedOut)?.[1];
    expect(session).toBeDefined();
    expect(timedOut).toMatch(/reason: "Timed out after 1800 s \(approvalTimeout\)/);
    expect(timedOut).toContain(`cancels session ${session} (MPA CancelSession)`);
    expect(timedOut).toMatch(/stack UPDATE_ROLLBACK_COMPLETE \| payments-root-b ACTIVE/);
    const again = step(plain, 5);
    const newSession = /1 new session: (\w{8}) approved/.exec(again)?.[1];
    expect(newSession).toBeDefined();
    expect(newSession).not.toBe(session);
    expect(again).toMatch(/stack UPDATE_COMPLETE \| payments-root-c ACTIVE/);
  });

  test('a delete that times out leaves its session open, and the rerun resumes that same session without a new request', () => {
    const timedOut = step(plain, 6);
    const session = /1 new session: (\w{8}) pending/.exec(timedOut)?.[1];
    expect(session).toBeDefined();
    expect(timedOut).toMatch(/delete the stack again to keep waiting on it; the approvers are not asked again/);
    expect(timedOut).toMatch(/stack DELETE_FAILED \| payments-root-c DELETE_PENDING/);
    const rerun = step(plain, 7);
    expect(rerun).toContain(`shows session ${session} (DisassociateMpaTeam payments-root-c)`);
    expect(rerun).toMatch(/waits on that session again instead of asking the approvers again/);
    expect(rerun).toMatch(new RegExp(`approver #2 of payments-root-c approves: 2 of 2 approvals, session ${session} approved`));
    expect(rerun).toMatch(/stack DELETE_COMPLETE \| nothing associated \| no new session \| calls that change the association: none/);
  });
});

describe('npm run demo -- --raw-logs', () => {
  test('reaches the demo and prints the handler\'s own log lines, one JSON object per line', () => {
    expect(raw.code).toBe(0);
    const logLines = raw.lines.filter(line => / handler log {5}/.test(line)).map(line => line.replace(/^.* handler log {5}/, ''));
    expect(logLines.length).toBeGreaterThan(100);
    const parsed = logLines.filter(line => line.startsWith('{')).map(line => JSON.parse(line) as { event?: string });
    expect(parsed.map(line => line.event)).toEqual(expect.arrayContaining(['request', 'begin', 'call', 'poll', 'cancelled']));
    expect(plain.lines.some(line => / handler log {5}/.test(line))).toBe(false);
  });
});

describe('a step that does not behave', () => {
  test('fails the demo with a message naming the step and what differed', async () => {
    const lines: string[] = [];
    const wrongTeam = { ...STEPS[0], expect: { ...STEPS[0].expect, association: { team: 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-b', state: 'ACTIVE' as const } } };
    const result = await runDemo({ steps: [wrongTeam], out: line => lines.push(line) });
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual(['step 1 (Create the stack: the first association needs approval): expected payments-root-b ACTIVE, the service has payments-root-a ACTIVE']);
    expect(lines).toContain('  -> FAILED (3:10 simulated):');
    const end = lines.findIndex(line => line.startsWith('FAILED: '));
    expect(flat(lines.slice(end))).toBe('FAILED: 1 unmet expectation: - step 1 (Create the stack: the first association needs approval): '
      + 'expected payments-root-b ACTIVE, the service has payments-root-a ACTIVE');
  });

  test('an unknown option exits 2 naming it and the usage', async () => {
    const run = await npmRun(['--', '--verbose-please']);
    expect(run.code).toBe(2);
    expect(run.lines).toContain('unknown option --verbose-please (usage: npm run demo [-- --raw-logs])');
  });
});
