/**
 * `npm run demo`: the lifecycle of an MpaTeamAssociation, locally, in a few
 * seconds. A real synthesized stack is deployed, changed and deleted by the
 * stack harness's CloudFormation, running the bundled handler through
 * aws-cdk-lib's own Provider framework against the fake AWS services, on
 * simulated time. Each step is checked; the exit code is 0 only when every
 * step behaved as expected. `--raw-logs` prints the handler's own log lines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scheduleAnswers } from './approvers';
import { ACTION, STACK_NAME, TEAMS, synthesizeExampleStack, teamName, type ExampleTemplate } from './example-stack';
import { buildHandlerBundle } from './handler-bundle';
import { introduction, opening } from './introduction';
import { STEPS, type DemoStep, type Memory, type Observed, type SessionOutcome, type Templates } from './scenario';
import { handlerReason, renderTimeline } from './timeline';
import { clock, count, sessionId, wrap } from './words';
import { parseRecord, recordName } from '../lambda/core/ownership-record';
import { Simulation } from '../test/harness/simulation';
import { SimulatedStack } from '../test/harness/stack-simulator';

export interface DemoOptions {
  /** Print the handler's log lines as it writes them. @default false */
  readonly rawLogs?: boolean;
  /** Where the demo's lines go. @default stdout */
  readonly out?: (line: string) => void;
  /** The steps to play (the demo's test plays a step that must fail). @default STEPS */
  readonly steps?: readonly DemoStep[];
}

export interface StepReport {
  readonly title: string;
  /** Simulated duration, whole seconds. */
  readonly seconds: number;
  /** Unmet expectations; empty when the step behaved. */
  readonly failures: readonly string[];
}

export interface DemoResult {
  readonly ok: boolean;
  readonly steps: readonly StepReport[];
  /** Every unmet expectation, or the error that stopped the demo. */
  readonly failures: readonly string[];
  /** Simulated time, whole seconds: the sum of the steps'. */
  readonly simulatedSeconds: number;
}

const APPROVERS_PER_TEAM = 3;
const APPROVALS_NEEDED = 2;
const WIDTH = 110;

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const raw = options.rawLogs ?? false;
  const steps = options.steps ?? STEPS;
  opening().forEach(line => out(line));

  let templates: Templates;
  try {
    buildHandlerBundle();
    templates = { a: synthesizeExampleStack(TEAMS.a), b: synthesizeExampleStack(TEAMS.b), c: synthesizeExampleStack(TEAMS.c) };
  } catch (error) {
    const message = `the demo could not prepare the stack: ${(error as Error).message}`;
    out(`FAILED: ${message}`);
    return { ok: false, steps: [], failures: [message], simulatedSeconds: 0 };
  }
  introduction({
    pollIntervalSeconds: templates.a.pollIntervalSeconds,
    approvalTimeoutSeconds: templates.a.approvalTimeoutSeconds,
    approvers: APPROVERS_PER_TEAM,
    threshold: APPROVALS_NEEDED,
    steps: steps.map(step => step.title),
    rawLogs: raw,
  }).forEach(line => out(line));

  const sim = await Simulation.start({
    fake: { world: { firstAssociation: 'approval', otherTeamWhileActive: 'approval' }, approvalThreshold: APPROVALS_NEEDED, numberOfApprovers: APPROVERS_PER_TEAM },
  });
  const stack = new SimulatedStack(sim, STACK_NAME, { handlers: 'bundled' });
  const reports: StepReport[] = [];
  const memory: Memory = { recordsShown: new Set() };
  let stopped: string | undefined;
  let seconds = 0;
  let boundary = sim.clock.now();
  try {
    for (const [index, step] of steps.entries()) {
      out('');
      out(`== Step ${index + 1} of ${steps.length}: ${step.title} ==`);
      wrap(step.story, WIDTH, '').forEach(line => out(line));
      const run = await runStep(sim, stack, templates, step, memory, boundary, raw);
      run.lines.forEach(line => out(line));
      // Durations are cut at whole seconds of the demo's clock, so that they add up to the total exactly.
      const stepSeconds = Math.round((run.endedAt - boundary) / 1000);
      boundary += stepSeconds * 1000;
      seconds += stepSeconds;
      const failures = [...run.failures, ...(run.error ? [run.error] : [])];
      reports.push({ title: step.title, seconds: stepSeconds, failures });
      report(out, stepSeconds, step, failures, run.summary);
      if (run.error) {
        stopped = `step ${index + 1} could not run: ${run.error}`;
        break;
      }
    }
  } finally {
    await sim.settle();
    await sim.stop();
    removeCloudAssemblies(templates);
  }

  const failures = [
    ...reports.flatMap((r, i) => r.failures.map(f => `step ${i + 1} (${r.title}): ${f}`)),
    ...(stopped && !reports.some(r => r.failures.length > 0) ? [stopped] : []),
  ];
  const ok = failures.length === 0 && reports.length === steps.length;
  // performance.now() counts from the start of the process: the real time a reader waited.
  summarize(out, steps, reports, seconds, performance.now(), ok, failures, stopped);
  return { ok, steps: reports, failures, simulatedSeconds: seconds };
}

interface StepRun {
  readonly lines: string[];
  readonly endedAt: number;
  readonly failures: string[];
  readonly summary: string[];
  readonly error?: string;
}

async function runStep(sim: Simulation, stack: SimulatedStack, templates: Templates, step: DemoStep, memory: Memory,
  startedAt: number, raw: boolean): Promise<StepRun> {
  const mark = sim.mark();
  // Named before and after: a Create deploys the functions, a Delete removes them.
  const handlerFunctions = handlerFunctionNames(stack, templates.a);
  const answers = scheduleAnswers(sim, startedAt, step.approvers);
  let result;
  try {
    result = await step.operate(stack, templates);
    await sim.settle();
  } catch (error) {
    answers.stop();
    return { lines: [], endedAt: sim.clock.now(), failures: [], summary: [], error: (error as Error).message };
  }
  const unanswered = answers.stop();
  handlerFunctionNames(stack, templates.a).forEach(name => handlerFunctions.add(name));
  const handlerInvocations = sim.lambda.invocations.slice(mark.invocations).filter(i => handlerFunctions.has(i.functionName));
  const lines = renderTimeline({
    startedAt,
    stackName: STACK_NAME,
    associationId: templates.a.logicalId,
    typeOf: id => templates.a.template.template.Resources[id]?.Type ?? 'unknown',
    result,
    handlerInvocations,
    approvers: answers.events,
    raw,
  });

  const requests = sim.fake.requests.slice(mark.requests);
  const observed: Observed = {
    result,
    newSessions: sim.fake.sessions.slice(mark.sessions).map(s => ({ arn: s.sessionArn, outcome: (s.outcome ?? 'pending') as SessionOutcome })),
    mutatingCalls: requests.filter(r => r.operation === 'AssociateMpaTeam' || r.operation === 'DisassociateMpaTeam')
      .map(r => (r.status === 200 ? r.operation : `${r.operation} (${r.status} ${r.errorName ?? ''})`.trim())),
    cancelSessionCalls: requests.filter(r => r.operation === 'CancelSession' && r.status === 200).length,
    handlerLog: handlerInvocations.flatMap(i => i.lines.flatMap(l => parseJson(l.message))),
  };
  const failures = [
    ...expectationFailures(sim, step, observed),
    ...answers.events.flatMap(e => (e.problem ? [e.problem] : [])),
    ...(unanswered > 0 ? [`${count(unanswered, 'approver answer')} planned for this step never came: the step ended first`] : []),
    ...(step.check?.(observed, memory) ?? []),
  ];
  const summary = [observedSummary(sim, observed), ownershipRecord(sim, stack, templates.a, memory.recordsShown)];
  return { lines, endedAt: sim.clock.now(), failures, summary };
}

function expectationFailures(sim: Simulation, step: DemoStep, observed: Observed): string[] {
  const { expect } = step;
  const failures: string[] = [];
  if (observed.result.status !== expect.stackStatus) failures.push(`expected stack ${expect.stackStatus}, got ${observed.result.status}`);
  const association = sim.fake.association(ACTION);
  const seen = association ? `${teamName(association.MpaTeamArn)} ${association.AssociationState}` : 'no association';
  const wanted = expect.association ? `${teamName(expect.association.team)} ${expect.association.state}` : 'no association';
  if (seen !== wanted) failures.push(`expected ${wanted}, the service has ${seen}`);
  const outcomes = observed.newSessions.map(s => s.outcome);
  if (JSON.stringify(outcomes) !== JSON.stringify(expect.newSessions)) {
    failures.push(`expected new sessions [${expect.newSessions.join(', ')}], saw [${outcomes.join(', ')}]`);
  }
  if (JSON.stringify(observed.mutatingCalls) !== JSON.stringify(expect.mutatingCalls)) {
    failures.push(`expected calls that change the association [${expect.mutatingCalls.join(', ')}], saw [${observed.mutatingCalls.join(', ')}]`);
  }
  const reasons = observed.result.requests.filter(r => r.outcome === 'FAILED').map(r => handlerReason(r.reason ?? ''));
  for (const words of expect.reasonIncludes ?? []) {
    if (reasons.length === 0 || !reasons.every(reason => reason.includes(words))) {
      failures.push(`expected the failure reason to say "${words}": ${reasons.length ? reasons.map(r => `"${r}"`).join(' / ') : 'no request failed'}`);
    }
  }
  return failures;
}

function observedSummary(sim: Simulation, observed: Observed): string {
  const association = sim.fake.association(ACTION);
  const sessions = observed.newSessions.length === 0
    ? 'no new session'
    : `${count(observed.newSessions.length, 'new session')}: ${observed.newSessions.map(s => `${sessionId(s.arn)} ${s.outcome}`).join(', ')}`;
  return [
    `stack ${observed.result.status}`,
    association ? `${teamName(association.MpaTeamArn)} ${association.AssociationState}` : 'nothing associated',
    sessions,
    `calls that change the association: ${observed.mutatingCalls.join(', ') || 'none'}`,
  ].join(' | ');
}

/** The resource's ownership record as the fake's SSM holds it now. */
function ownershipRecord(sim: Simulation, stack: SimulatedStack, template: ExampleTemplate, recordsShown: Set<string>): string {
  const name = recordName(ACTION, { stackId: stack.stackId, logicalId: template.logicalId });
  const parameter = sim.fake.parameters().find(p => p.name === name);
  if (!parameter) return 'ownership record: none (the SSM parameter is deleted)';
  const record = parseRecord(parameter.value);
  if (!record) return `ownership record: ${name} holds something else: ${parameter.value.slice(0, 80)}`;
  const holds = record.team ? `holds ${teamName(record.team)} (${record.origin === 'created' ? 'associated by this library' : 'found associated'})` : 'holds no team';
  const change = record.change;
  const latest = change
    ? `; latest change: ${change.type}${change.rollbackOf ? ' rolling back the failed one' : ''}, ${change.outcome ?? 'not finished'}`
      + `${change.calls.length ? `, ${change.calls.map(c => `${c.operation} ${teamName(c.team)}${c.session ? ` (session ${sessionId(c.session)})` : ''}`).join(', ')}` : ', no call'}`
    : '';
  const where = recordsShown.has(name) ? '' : ` (SSM parameter ${name})`;
  recordsShown.add(name);
  return `ownership record${where}: ${holds}${latest}`;
}

/** The physical names of the handler's two functions (index.onEvent, index.isComplete), as deployed. */
function handlerFunctionNames(stack: SimulatedStack, template: ExampleTemplate): Set<string> {
  const names = new Set<string>();
  for (const [logicalId, resource] of Object.entries(template.template.template.Resources)) {
    const handler = resource.Properties?.Handler;
    if (resource.Type === 'AWS::Lambda::Function' && (handler === 'index.onEvent' || handler === 'index.isComplete')) {
      const deployed = stack.resource(logicalId);
      if (deployed) names.add(deployed.physicalId);
    }
  }
  return names;
}

function report(out: (line: string) => void, seconds: number, step: DemoStep, failures: readonly string[], summary: readonly string[]): void {
  const head = `  -> ${failures.length === 0 ? 'ok' : 'FAILED'} (${clock(seconds * 1000)} simulated)`;
  wrap(failures.length === 0 ? `${head}: ${step.conclusion}` : `${head}:`, WIDTH, '     ').forEach(line => out(line));
  for (const failure of failures) wrap(`- ${failure}`, WIDTH - 5, '  ').forEach(line => out(`     ${line}`));
  for (const line of summary) wrap(line, WIDTH - 5, '  ').forEach(l => out(`     ${l}`));
}

function summarize(out: (line: string) => void, steps: readonly DemoStep[], reports: readonly StepReport[], seconds: number,
  realMs: number, ok: boolean, failures: readonly string[], stopped: string | undefined): void {
  out('');
  out('== Summary ==');
  const titleWidth = Math.max(...steps.map(s => s.title.length));
  reports.forEach((r, i) => out(`  ${(r.failures.length === 0 ? 'ok' : 'FAILED').padEnd(6)} ${i + 1}. ${r.title.padEnd(titleWidth)}  ${clock(r.seconds * 1000).padStart(8)}`));
  out(`  ${''.padEnd(6)} ${'total (simulated time, the sum of the steps)'.padEnd(titleWidth + 3)}  ${clock(seconds * 1000).padStart(8)}`);
  out(`  Real time: ${(realMs / 1000).toFixed(1)} s.`);
  out('');
  out('When nobody decides within approvalTimeout:');
  [
    '- a Create or an Update fails; CloudFormation rolls it back, and the rollback cancels the session the failed change opened, '
      + 'so that nothing takes effect behind the stack\'s back; the next deployment asks again (steps 4 and 5 show an Update);',
    '- a Delete fails and leaves its session open, since CloudFormation never rolls a delete back; deleting again resumes that '
      + 'session instead of asking the approvers again (steps 6 and 7).',
  ].forEach(text => wrap(text, WIDTH - 2, '  ').forEach(line => out(`  ${line}`)));
  out('');
  if (ok) {
    out(`All ${steps.length} steps behaved as expected.`);
    return;
  }
  out(`FAILED: ${stopped && reports.length < steps.length ? `${stopped}; ` : ''}${count(failures.length, 'unmet expectation')}:`);
  failures.forEach(failure => wrap(`- ${failure}`, WIDTH - 2, '    ').forEach(line => out(`  ${line}`)));
}

function parseJson(line: string): Record<string, unknown>[] {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
  } catch {
    return [];
  }
}

/** The synthesized cloud assemblies live in the system's temporary directory: remove them. */
function removeCloudAssemblies(templates: Templates): void {
  for (const { template } of Object.values(templates) as ExampleTemplate[]) {
    for (const assetPath of template.assets.values()) {
      const assembly = path.dirname(assetPath);
      if (path.dirname(assembly) === fs.realpathSync(os.tmpdir()) || path.dirname(assembly) === os.tmpdir()) {
        fs.rmSync(assembly, { recursive: true, force: true });
      }
    }
  }
}

const USAGE = 'usage: npm run demo [-- --raw-logs]';

/** The command line: `--raw-logs`, or nothing. */
export function parseArguments(argv: readonly string[]): DemoOptions {
  const unknown = argv.filter(arg => arg !== '--raw-logs');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (${USAGE})`);
  return { rawLogs: argv.includes('--raw-logs') };
}

/** The command line's entry point (demo/start.js): exit code 0 when every step behaved, 1 otherwise, 2 for a bad option. */
export function main(argv: readonly string[]): void {
  let options: DemoOptions;
  try {
    options = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  runDemo(options)
    .then(result => { process.exitCode = result.ok ? 0 : 1; })
    .catch((error: unknown) => {
      process.stderr.write(`FAILED: the demo could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
