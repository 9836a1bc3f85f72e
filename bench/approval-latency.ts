/**
 * Section 4 of the bench: how soon the approvers' decision reaches
 * CloudFormation, and what waiting costs in calls. A synthesized stack with one
 * MpaTeamAssociation (pollInterval 1 s) is deployed by the stack harness in
 * real time (`Simulation.start({ time: 'real' })`): the bundled handler, run by
 * aws-cdk-lib's own Provider framework, the waiter sleeping its real 1 s
 * between checks, against the fake services. Latency is real time, so it
 * needs the real clock: on simulated time a decision would reach
 * CloudFormation in no time at all.
 */
import { Duration } from 'aws-cdk-lib';
import { fmtMs, fmtRatio, median, verdict, type Row } from './stats';
import { MpaTeamAssociation } from '../src';
import { RESOURCE_TYPE } from '../src/handler-contract';
import type { InvocationRecord } from '../test/harness/lambda-stand-in';
import { Simulation } from '../test/harness/simulation';
import { SimulatedStack } from '../test/harness/stack-simulator';
import { newSimulatedStack, synthesize, type StackTemplate } from '../test/harness/synthesized-stack';

const POLL_INTERVAL_MS = 1000;
/** The issue's budget: a decision shows up within one poll interval plus 2 s. */
const LATENCY_BUDGET_MS = POLL_INTERVAL_MS + 2000;
const TEAM_ARN = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';

/** The bench's stack: one association with a 1 s poll interval, everything else the construct's defaults. */
interface BenchStack {
  readonly template: StackTemplate;
  readonly associationId: string;
  /** Logical id of the handler's isComplete function (Handler `index.isComplete`). */
  readonly isCompleteId: string;
}

function benchStack(): BenchStack {
  const stack = newSimulatedStack('ApprovalLatencyBench');
  new MpaTeamAssociation(stack, 'RootCertificateImportApproval', { mpaTeamArn: TEAM_ARN, pollInterval: Duration.seconds(POLL_INTERVAL_MS / 1000) });
  const template = synthesize(stack);
  const resources = Object.entries(template.template.Resources);
  const idOf = (predicate: (resource: (typeof resources)[number][1]) => boolean) => resources.find(([, r]) => predicate(r))![0];
  return {
    template,
    associationId: idOf(r => r.Type === RESOURCE_TYPE),
    isCompleteId: idOf(r => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === 'index.isComplete'),
  };
}

interface Trial {
  readonly offsetMs: number;
  readonly latencyMs: number;
  readonly outcome: string;
  readonly reason?: string;
}

let stacks = 0;

/**
 * One stack creation whose first association waits for approval. `offsetMs`
 * after the deployment starts, the approvers decide (the fake's `approve()` /
 * `deny()`, the whole team at once); the clock stops when the framework's
 * response reaches CloudFormation's presigned URL.
 */
async function decisionTrial(sim: Simulation, bench: BenchStack, decision: 'approve' | 'deny', offsetMs: number): Promise<Trial> {
  sim.reset();
  const stack = new SimulatedStack(sim, `ApprovalLatencyBench${++stacks}`, { handlers: 'bundled' });
  let decidedAt: number | undefined;
  let answeredAt: number | undefined;
  let decideError: unknown;
  const stopListening = sim.responses.onResponse(response => {
    if (answeredAt === undefined && response.body?.LogicalResourceId === bench.associationId) answeredAt = performance.now();
  });
  const timer = setTimeout(() => {
    try {
      decidedAt = performance.now();
      if (decision === 'approve') sim.fake.approve();
      else sim.fake.deny();
    } catch (error) {
      decideError = error;
    }
  }, offsetMs);
  let result;
  try {
    result = await stack.create(bench.template);
    await sim.settle();
  } finally {
    clearTimeout(timer);
    stopListening();
  }
  const request = result.requests.find(r => r.logicalId === bench.associationId && r.phase === 'create');
  if (decideError) throw new Error(`could not ${decision} at ${offsetMs} ms: ${(decideError as Error).message}`);
  if (decidedAt === undefined || answeredAt === undefined) {
    throw new Error(`the Create ended (${request?.outcome}: ${request?.reason}) before the ${decision} at ${offsetMs} ms`);
  }
  return { offsetMs, latencyMs: answeredAt - decidedAt, outcome: request?.outcome ?? 'no request', reason: request?.reason };
}

interface WaitCounts {
  /** From the start of the first isComplete check to the start of the last one. */
  readonly windowMs: number;
  /** Whole checks (isComplete invocations) in the window. */
  readonly checks: number;
  readonly byOperation: Map<string, number>;
  readonly total: number;
}

/**
 * A stack creation that waits about `waitMs` for approvers who do not answer,
 * then approves to finish. Counts the calls the handler's isComplete checks
 * made while it waited: those of every check but the last (which sees the
 * approval and completes), each call placed in a check by its arrival time.
 * onEvent's own calls are left out.
 */
async function waitingTrial(sim: Simulation, bench: BenchStack, waitMs: number): Promise<WaitCounts> {
  sim.reset();
  const stack = new SimulatedStack(sim, `ApprovalLatencyBench${++stacks}`, { handlers: 'bundled' });
  const creating = stack.create(bench.template);
  await new Promise(resolve => setTimeout(resolve, waitMs));
  sim.fake.approve();
  const result = await creating;
  await sim.settle();
  if (result.status !== 'CREATE_COMPLETE') throw new Error(`the waiting Create ended ${result.status}: ${result.requests.map(r => r.reason).join(' / ')}`);
  const isCompleteName = stack.resource(bench.isCompleteId)!.physicalId;
  const checks: InvocationRecord[] = sim.lambda.invocations.filter(i => i.functionName === isCompleteName);
  if (checks.length < 3) throw new Error(`only ${checks.length} isComplete checks in ${waitMs} ms`);
  const waiting = checks.slice(0, -1);
  const inCheck = (at: number) => waiting.some(check => at >= check.startedAt && at <= (check.endedAt ?? check.startedAt));
  const requests = sim.fake.requests.filter(r => inCheck(r.at));
  const byOperation = new Map<string, number>();
  for (const r of requests) byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
  return { windowMs: checks[checks.length - 1].startedAt - checks[0].startedAt, checks: waiting.length, byOperation, total: requests.length };
}

/** Phases of the decision within the poll cycle: spread over one interval, after a couple of checks. */
function offsets(trials: number): number[] {
  return Array.from({ length: trials }, (_, i) => 2 * POLL_INTERVAL_MS + 100 + Math.round((i * (POLL_INTERVAL_MS - 200)) / Math.max(1, trials - 1)));
}

const SSM_OPERATIONS = ['GetParameter', 'GetParametersByPath', 'PutParameter', 'DeleteParameter'];

export async function approvalRows(trials: number, waitMs: number): Promise<{ rows: Row[]; notes: string[] }> {
  const bench = benchStack();
  const sim = await Simulation.start({ time: 'real', fake: { world: { firstAssociation: 'approval' } } });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const decision of ['approve', 'deny'] as const) {
      const expected = decision === 'approve' ? 'SUCCESS' : 'FAILED';
      const results: Trial[] = [];
      for (const offset of offsets(trials)) results.push(await decisionTrial(sim, bench, decision, offset));
      const wrong = results.filter(r => r.outcome !== expected);
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
      notes.push(`${label.slice(0, 2)} samples (decision at ms after the deployment started -> latency): `
        + `${results.map(r => `${r.offsetMs} -> ${fmtMs(r.latencyMs)}`).join(', ')}; median ${fmtMs(median(results.map(r => r.latencyMs)))}`
        + (wrong.length > 0 ? `; UNEXPECTED: ${wrong.map(r => `${r.outcome} ${r.reason ?? ''}`).join(' / ')}` : ''));
    }

    const counts = await waitingTrial(sim, bench, waitMs);
    const perMinute = (n: number) => (n * 60_000) / counts.windowMs;
    const frameworkPerMinute = 60_000 / POLL_INTERVAL_MS;
    const baseline = `${frameworkPerMinute.toFixed(1)} /min (Provider isComplete)`;
    const perCheck = (n: number) => `${(n / counts.checks).toFixed(2)} per check`;
    // Verdicts count calls per check: exact, whatever the length of a check.
    const callRow = (figure: string, n: number, maxPerCheck: number | undefined): Row => ({
      figure,
      ours: `${perMinute(n).toFixed(1)} /min (${perCheck(n)})`,
      baseline,
      ratio: fmtRatio(perMinute(n) / frameworkPerMinute),
      target: maxPerCheck === undefined ? '-' : maxPerCheck === 0 ? 'none' : `<= ${maxPerCheck} per check`,
      verdict: maxPerCheck === undefined ? 'info' : verdict(n <= maxPerCheck * counts.checks),
    });
    const op = (name: string) => counts.byOperation.get(name) ?? 0;
    const waitLabel = `${Math.round(counts.windowMs / 1000)} s wait`;
    rows.push(callRow(`4c. GetMpaTeamAssociation calls, ${waitLabel}`, op('GetMpaTeamAssociation'), 1));
    rows.push(callRow(`4d. MPA GetSession calls, ${waitLabel}`, op('GetSession'), 1));
    rows.push(callRow(`4e. Associate/Disassociate calls, ${waitLabel}`, op('AssociateMpaTeam') + op('DisassociateMpaTeam'), 0));
    rows.push(callRow(`4f. SSM calls (ownership records), ${waitLabel}`, SSM_OPERATIONS.reduce((sum, name) => sum + op(name), 0), undefined));
    rows.push(callRow(`4g. all calls to the fake, ${waitLabel}`, counts.total, undefined));
    notes.push(`4c-4g: ${counts.total} requests from ${counts.checks} whole checks in ${fmtMs(counts.windowMs)} `
      + `(the waiter made ${perMinute(counts.checks).toFixed(1)} isComplete checks /min: 1 s wait + the check itself); by operation: `
      + `${[...counts.byOperation].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  } finally {
    await sim.settle();
    await sim.stop();
  }
  return { rows, notes };
}
