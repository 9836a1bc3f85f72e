import { fmtMs, fmtRatio, median, verdict, type Row } from './stats';
import type { FakeControlPlane } from '../test/fake/fake-control-plane';
import { createEvent, resourceProperties } from '../test/fixtures/cloudformation-events';
import { startFakeForHandler } from '../test/fixtures/handler-environment';
import { runProvider, type FrameworkRun, type ProviderUserFunctions } from '../test/fixtures/provider-framework';

const POLL_INTERVAL_MS = 1000;
/** The issue's budget: a decision shows up within one poll interval plus 2 s. */
const LATENCY_BUDGET_MS = POLL_INTERVAL_MS + 2000;

interface Trial {
  readonly offsetMs: number;
  readonly latencyMs: number;
  readonly status: string;
  readonly polls: number;
  readonly reason?: string;
}

/**
 * One Create that the first association puts up for approval. At `offsetMs`
 * after the start, the fake's approvers decide (`approve()` / `deny()`), and
 * the clock starts; it stops when runProvider returns what CloudFormation
 * would receive.
 */
async function decisionTrial(
  fake: FakeControlPlane, handlers: ProviderUserFunctions, decision: 'approve' | 'deny', offsetMs: number,
): Promise<Trial> {
  fake.reset();
  const event = createEvent(resourceProperties({ PollIntervalSeconds: String(POLL_INTERVAL_MS / 1000) }));
  let decidedAt: number | undefined;
  let decideError: unknown;
  const timer = setTimeout(() => {
    try {
      decidedAt = performance.now();
      if (decision === 'approve') fake.approve();
      else fake.deny();
    } catch (error) {
      decideError = error;
    }
  }, offsetMs);
  let result: FrameworkRun;
  try {
    result = await runProvider(event, { handlers, pollIntervalMs: POLL_INTERVAL_MS, maxPolls: Math.ceil(offsetMs / POLL_INTERVAL_MS) + 30 });
  } finally {
    clearTimeout(timer);
  }
  const doneAt = performance.now();
  if (decideError) throw new Error(`could not ${decision} at ${offsetMs} ms: ${(decideError as Error).message}`);
  if (decidedAt === undefined) throw new Error(`the run ended (${result.response.Status}: ${result.response.Reason}) before the ${decision} at ${offsetMs} ms`);
  return { offsetMs, latencyMs: doneAt - decidedAt, status: result.response.Status, polls: result.polls, reason: result.response.Reason };
}

interface WaitCounts {
  /** From the start of the first isComplete invocation in the window to the start of the one after the last. */
  readonly windowMs: number;
  /** Whole poll cycles (isComplete invocations) in the window. */
  readonly invocations: number;
  readonly byOperation: Map<string, number>;
  readonly total: number;
}

/**
 * A Create that waits about `waitMs` for approvers who do not answer, then
 * approves to finish. Counts the requests made by whole poll cycles: those
 * that reach the fake from the start of the first isComplete invocation to the
 * start of the last one before the wait ends (onEvent's own calls are left
 * out). Requests are cut by their index in the fake's log, which holds every
 * answered request of an invocation by the time the next one starts.
 */
async function waitingTrial(fake: FakeControlPlane, handlers: ProviderUserFunctions, waitMs: number): Promise<WaitCounts> {
  fake.reset();
  const starts: { at: number; requestIndex: number }[] = [];
  let recording = true;
  const counted: ProviderUserFunctions = {
    onEvent: (e, c) => handlers.onEvent(e, c),
    isComplete: (e, c) => {
      if (recording) starts.push({ at: performance.now(), requestIndex: fake.requests.length });
      return handlers.isComplete(e, c);
    },
  };
  const event = createEvent(resourceProperties({ PollIntervalSeconds: String(POLL_INTERVAL_MS / 1000) }));
  const running = runProvider(event, { handlers: counted, pollIntervalMs: POLL_INTERVAL_MS, maxPolls: Math.ceil(waitMs / POLL_INTERVAL_MS) + 30 });
  await new Promise(resolve => setTimeout(resolve, waitMs));
  recording = false;
  const requests = fake.requests;
  fake.approve();
  const result = await running;
  if (result.response.Status !== 'SUCCESS') throw new Error(`waiting run ended ${result.response.Status}: ${result.response.Reason}`);
  if (starts.length < 2) throw new Error(`only ${starts.length} isComplete invocations in ${waitMs} ms`);
  const first = starts[0];
  const last = starts[starts.length - 1];
  const inWindow = requests.slice(first.requestIndex, last.requestIndex);
  const byOperation = new Map<string, number>();
  for (const r of inWindow) byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
  return { windowMs: last.at - first.at, invocations: starts.length - 1, byOperation, total: inWindow.length };
}

/** Phases of the decision within the poll cycle: spread over one interval, after a couple of polls. */
function offsets(trials: number): number[] {
  return Array.from({ length: trials }, (_, i) => 2 * POLL_INTERVAL_MS + 100 + Math.round((i * (POLL_INTERVAL_MS - 200)) / Math.max(1, trials - 1)));
}

export async function approvalRows(assetFile: string, trials: number, waitMs: number): Promise<{ rows: Row[]; notes: string[] }> {
  // The environment must point at the fake before the asset builds its client (first call).
  const fake = await startFakeForHandler({ firstAssociation: 'approval' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handlers = require(assetFile) as ProviderUserFunctions;
  // The handler logs one JSON line per poll; keep them out of the report.
  const consoleLog = console.log;
  console.log = () => undefined;
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const decision of ['approve', 'deny'] as const) {
      const expected = decision === 'approve' ? 'SUCCESS' : 'FAILED';
      const results: Trial[] = [];
      for (const offset of offsets(trials)) results.push(await decisionTrial(fake, handlers, decision, offset));
      const wrong = results.filter(r => r.status !== expected);
      const worst = Math.max(...results.map(r => r.latencyMs));
      const label = decision === 'approve' ? '4a. approval -> SUCCESS' : '4b. denial -> FAILED';
      rows.push({
        figure: `${label} (worst of ${trials}, 1 s poll)`,
        ours: fmtMs(worst),
        baseline: `${fmtMs(POLL_INTERVAL_MS)} (poll interval)`,
        ratio: fmtRatio(worst / POLL_INTERVAL_MS),
        target: `<= ${fmtMs(LATENCY_BUDGET_MS)}`,
        verdict: wrong.length > 0 ? 'ERROR' : verdict(worst <= LATENCY_BUDGET_MS),
      });
      notes.push(`${label.slice(0, 2)} samples (decision at ms after start -> latency): `
        + `${results.map(r => `${r.offsetMs} -> ${fmtMs(r.latencyMs)}`).join(', ')}; median ${fmtMs(median(results.map(r => r.latencyMs)))}`
        + (wrong.length > 0 ? `; UNEXPECTED: ${wrong.map(r => `${r.status} ${r.reason ?? ''}`).join(' / ')}` : ''));
    }

    const counts = await waitingTrial(fake, handlers, waitMs);
    const perMinute = (n: number) => (n * 60_000) / counts.windowMs;
    const frameworkPerMinute = 60_000 / POLL_INTERVAL_MS;
    const baseline = `${frameworkPerMinute.toFixed(1)} /min (Provider isComplete)`;
    // Verdicts count calls per isComplete invocation: exact, whatever the length of a poll.
    const callRow = (figure: string, n: number, maxPerInvocation: number): Row => ({
      figure,
      ours: `${perMinute(n).toFixed(1)} /min`,
      baseline,
      ratio: fmtRatio(perMinute(n) / frameworkPerMinute),
      target: maxPerInvocation === 0 ? 'none' : `<= ${maxPerInvocation} per poll`,
      verdict: verdict(n <= maxPerInvocation * counts.invocations),
    });
    const op = (name: string) => counts.byOperation.get(name) ?? 0;
    const waitLabel = `${Math.round(counts.windowMs / 1000)} s wait`;
    rows.push(callRow(`4c. GetMpaTeamAssociation calls, ${waitLabel}`, op('GetMpaTeamAssociation'), 1));
    rows.push(callRow(`4d. MPA GetSession calls, ${waitLabel}`, op('GetSession'), 1));
    rows.push(callRow(`4e. Associate/Disassociate calls, ${waitLabel}`, op('AssociateMpaTeam') + op('DisassociateMpaTeam'), 0));
    rows.push(callRow(`4f. all calls to the fake, ${waitLabel}`, counts.total, 2));
    notes.push(`4c-4f: ${counts.total} requests from ${counts.invocations} whole poll cycles in ${fmtMs(counts.windowMs)} `
      + `(the driver made ${perMinute(counts.invocations).toFixed(1)} isComplete calls /min: 1 s sleep + the poll itself); by operation: `
      + `${[...counts.byOperation].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  } finally {
    console.log = consoleLog;
    await fake.stop();
  }
  return { rows, notes };
}
