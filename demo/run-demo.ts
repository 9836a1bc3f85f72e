/**
 * `npm run demo`: the whole lifecycle of an MpaTeamAssociation, locally.
 *
 * Synthesizes an example stack, then drives the BUNDLED handler asset (the file
 * that ships in the package and runs in Lambda) the way aws-cdk-lib's Provider
 * framework does, against the wire-level fake of the Payment Cryptography
 * control plane on 127.0.0.1:
 *   1. Create: team A is associated at once (ACTIVE);
 *   2. Update A -> B: the disassociation of A waits for A's approvers, then B is associated;
 *   3. Delete, denied by the approvers: FAILED with the reason, B stays associated;
 *   4. Delete again, approved: SUCCESS, no association left.
 * Each step is checked (CloudFormation result, association state, mutating calls);
 * the exit code is 0 only when every step behaved.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_TEAM_A, DEMO_TEAM_B, synthesizeExampleStack, type SynthesizedAssociation } from './example-stack';
import { captureConsoleLog, compactHandlerLine, teamName } from './handler-log';
import type { OnEventRequest } from '../lambda/provider-events';
import { FakeControlPlane } from '../test/fake/fake-control-plane';
import { createEvent, deleteEvent, updateEvent } from '../test/fixtures/cloudformation-events';
import { runProvider, type FrameworkRun, type ProviderUserFunctions } from '../test/fixtures/provider-framework';

/** The bundled handler, as `npx projen bundle` writes it and the package ships it. */
export const HANDLER_ASSET = path.join(__dirname, '..', 'assets', 'lambda', 'handler', 'index.js');

export interface DemoOptions {
  /** Real time between polls (the Provider's query interval). @default 1000 */
  readonly pollIntervalMs?: number;
  /** Where the demo's lines go. @default stdout */
  readonly out?: (line: string) => void;
  /** Show the handler's JSON log lines as they are, instead of one short line each. @default false */
  readonly rawHandlerLogs?: boolean;
  /** The handler module to drive. @default HANDLER_ASSET */
  readonly handlerAsset?: string;
}

export interface StepReport {
  readonly title: string;
  readonly response: FrameworkRun['response'];
  readonly polls: number;
  readonly elapsedMs: number;
  /** The expectations this step did not meet; empty when it behaved. */
  readonly failures: string[];
}

export interface DemoResult {
  readonly ok: boolean;
  readonly steps: StepReport[];
  /** Every unmet expectation, prefixed with its step. */
  readonly failures: string[];
  readonly elapsedMs: number;
}

interface Expectation {
  readonly status: 'SUCCESS' | 'FAILED';
  /** The association the fake holds afterwards; null for none. */
  readonly association: { readonly team: string; readonly state: 'ACTIVE' } | null;
  /** Mutating calls (AssociateMpaTeam, DisassociateMpaTeam) this step made, in order. */
  readonly mutatingCalls: string[];
  /** The outcome of the approval session this step waited for, if any. */
  readonly sessionOutcome?: 'approved' | 'denied';
  /** The step waited for approvers, so it took more than one poll. */
  readonly waited?: boolean;
  /** Text the FAILED reason must contain (besides the session ARN). */
  readonly reasonIncludes?: string;
  /** Response data on SUCCESS. */
  readonly data?: Record<string, string>;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const handlerAsset = options.handlerAsset ?? HANDLER_ASSET;
  const demoStart = Date.now();

  if (!fs.existsSync(handlerAsset)) {
    const message = `The bundled handler ${path.relative(process.cwd(), handlerAsset)} does not exist: run \`npx projen bundle\` first.`;
    out(`FAILED: ${message}`);
    return { ok: false, steps: [], failures: [message], elapsedMs: Date.now() - demoStart };
  }

  // ---- the stack, as an application would synthesize it --------------------
  out('== Synthesizing the example stack (in process) ==');
  const withTeamA = synthesizeExampleStack(DEMO_TEAM_A);
  const withTeamB = synthesizeExampleStack(DEMO_TEAM_B);
  describeSynthesis(withTeamA, out);

  // ---- the fake control plane and the environment Lambda would give the handler
  const fake = await FakeControlPlane.start({ region: 'us-east-1' });
  const restoreEnv = setEnvironment({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key-for-the-local-fake',
    AWS_SESSION_TOKEN: 'demo-session-token',
    ...fake.environment(),
  });
  const handlers = loadHandler(handlerAsset);
  out('');
  out(`== Fake control plane on ${fake.endpoint}; handler ${path.relative(process.cwd(), handlerAsset)} `
    + `(${Math.round(fs.statSync(handlerAsset).size / 1024)} KB); polls every ${pollIntervalMs} ms ==`);

  const steps: StepReport[] = [];
  try {
    const runStep = async (title: string, event: OnEventRequest, expected: Expectation, betweenPolls?: (poll: number) => void) => {
      const raw = options.rawHandlerLogs ?? false;
      const report = await driveStep(fake, handlers, { title, event, expected, betweenPolls, pollIntervalMs, out, raw });
      steps.push(report);
      return report;
    };

    const create = await runStep('1/4 Create with team A (the first association takes effect at once)',
      createEvent(withTeamA.resourceProperties), {
        status: 'SUCCESS',
        association: { team: DEMO_TEAM_A, state: 'ACTIVE' },
        mutatingCalls: ['AssociateMpaTeam'],
        data: { AssociationState: 'ACTIVE', MpaTeamArn: DEMO_TEAM_A, MpaSessionArn: '' },
      });
    const physicalId = create.response.PhysicalResourceId;

    out('   approvers: one of team A approves after the first poll; the session is approved as of the 3rd GetMpaTeamAssociation after it starts');
    fake.resolveAfterPolls(3, 'approve');
    await runStep('2/4 Update: team A -> team B (disassociating A needs A\'s approval)',
      updateEvent(withTeamB.resourceProperties, withTeamA.resourceProperties, physicalId), {
        status: 'SUCCESS',
        association: { team: DEMO_TEAM_B, state: 'ACTIVE' },
        mutatingCalls: ['DisassociateMpaTeam', 'AssociateMpaTeam'],
        sessionOutcome: 'approved',
        waited: true,
        data: { AssociationState: 'ACTIVE', MpaTeamArn: DEMO_TEAM_B },
      }, poll => {
        if (poll === 1 && pendingSession(fake)) {
          fake.recordApproval();
          out('   approvers: 1 approval recorded');
        }
      });

    out('   approvers: team B denies the disassociation as of the 2nd GetMpaTeamAssociation after the session starts');
    fake.resolveAfterPolls(2, 'deny');
    await runStep('3/4 Delete, denied by the approvers',
      deleteEvent(withTeamB.resourceProperties, physicalId), {
        status: 'FAILED',
        association: { team: DEMO_TEAM_B, state: 'ACTIVE' },
        mutatingCalls: ['DisassociateMpaTeam'],
        sessionOutcome: 'denied',
        waited: true,
        reasonIncludes: 'ended FAILED',
      });

    out('   operator: reruns the deletion at once; the handler asks the approvers again');
    out('   approvers: team B approves the disassociation as of the 3rd GetMpaTeamAssociation after the session starts');
    fake.resolveAfterPolls(3, 'approve');
    await runStep('4/4 Delete again, approved',
      deleteEvent(withTeamB.resourceProperties, physicalId), {
        status: 'SUCCESS',
        association: null,
        mutatingCalls: ['DisassociateMpaTeam'],
        sessionOutcome: 'approved',
        waited: true,
      });
  } finally {
    restoreEnv();
    await fake.stop();
  }

  const failures = steps.flatMap(step => step.failures.map(failure => `${step.title}: ${failure}`));
  const elapsedMs = Date.now() - demoStart;
  out('');
  out('== Summary ==');
  for (const step of steps) {
    out(`${step.failures.length === 0 ? 'ok  ' : 'FAIL'} ${step.title}: ${step.response.Status}, ${step.polls} poll(s), ${seconds(step.elapsedMs)}`);
  }
  const ok = failures.length === 0 && steps.length === 4;
  out(ok
    ? `All ${steps.length} steps behaved as expected (${seconds(elapsedMs)} in all).`
    : `FAILED: ${failures.length} unmet expectation(s):\n${failures.map(f => `  - ${f}`).join('\n')}`);
  return { ok, steps, failures, elapsedMs };
}

interface StepInput {
  readonly title: string;
  readonly event: OnEventRequest;
  readonly expected: Expectation;
  readonly betweenPolls?: (poll: number) => void;
  readonly pollIntervalMs: number;
  readonly out: (line: string) => void;
  readonly raw: boolean;
}

/** Runs one stack operation through the Provider framework, printing each poll, then checks it. */
async function driveStep(fake: FakeControlPlane, handlers: ProviderUserFunctions, step: StepInput): Promise<StepReport> {
  const { out, expected } = step;
  out('');
  out(`-- ${step.title} --`);
  const callsBefore = fake.mutatingCalls().length;
  const sessionsBefore = fake.sessions.length;
  const started = Date.now();
  const stamp = () => `[+${(((Date.now() - started) / 1000)).toFixed(1).padStart(4)} s]`;

  const restoreLog = captureConsoleLog(line => out(`   ${stamp()} handler: ${step.raw ? line : compactHandlerLine(line)}`));
  let run: FrameworkRun;
  try {
    run = await runProvider(step.event, {
      handlers,
      pollIntervalMs: step.pollIntervalMs,
      betweenPolls: poll => {
        const association = fake.association();
        out(`   ${stamp()} after poll ${poll}: association ${association ? `${association.AssociationState} (${teamName(association.MpaTeamArn)})` : 'none'}`
          + `${association?.MpaStatus ? `, session ${association.MpaStatus.Status}` : ''}; next poll in ${step.pollIntervalMs} ms`);
        step.betweenPolls?.(poll);
      },
    });
  } finally {
    restoreLog();
  }
  const elapsedMs = Date.now() - started;
  const { response } = run;
  out(`   ${stamp()} CloudFormation <- ${response.Status} after ${run.polls} poll(s)`
    + (response.Status === 'SUCCESS'
      ? `: PhysicalResourceId ${response.PhysicalResourceId}${response.Data ? `, Data ${JSON.stringify(response.Data)}` : ''}`
      : `: ${response.Reason}`));

  const stepCalls = fake.mutatingCalls().slice(callsBefore).map(call => call.operation);
  const stepSessions = fake.sessions.slice(sessionsBefore);
  const failures = checkStep(expected, run, fake, stepCalls, stepSessions.map(s => ({ arn: s.sessionArn, outcome: s.outcome })));
  const association = fake.association();
  out(`   ${failures.length === 0 ? 'check ok' : 'CHECK FAILED'}: ${response.Status}; association ${association ? `${association.AssociationState} (${teamName(association.MpaTeamArn)})` : 'none'}; `
    + `mutating calls [${stepCalls.join(', ')}]`
    + `${stepSessions.length ? `; session ${stepSessions.map(s => s.outcome ?? 'pending').join(', ')}` : ''}`);
  for (const failure of failures) {
    out(`     - ${failure}`);
  }
  return { title: step.title, response, polls: run.polls, elapsedMs, failures };
}

function checkStep(
  expected: Expectation,
  run: FrameworkRun,
  fake: FakeControlPlane,
  calls: string[],
  sessions: { arn: string; outcome?: string }[],
): string[] {
  const failures: string[] = [];
  const { response } = run;
  if (response.Status !== expected.status) {
    failures.push(`expected CloudFormation ${expected.status}, got ${response.Status}${response.Reason ? ` (${response.Reason})` : ''}`);
  }
  const association = fake.association();
  const actual = association ? `${association.AssociationState} with ${association.MpaTeamArn}` : 'no association';
  const wanted = expected.association ? `${expected.association.state} with ${expected.association.team}` : 'no association';
  if (actual !== wanted) {
    failures.push(`expected ${wanted}, the service has ${actual}`);
  }
  if (JSON.stringify(calls) !== JSON.stringify(expected.mutatingCalls)) {
    failures.push(`expected mutating calls [${expected.mutatingCalls.join(', ')}], got [${calls.join(', ')}]`);
  }
  if (expected.sessionOutcome !== undefined) {
    const outcomes = sessions.map(s => s.outcome);
    if (outcomes.length !== 1 || outcomes[0] !== expected.sessionOutcome) {
      failures.push(`expected one approval session, ${expected.sessionOutcome}; got [${outcomes.join(', ')}]`);
    }
  }
  if (expected.waited && run.polls < 2) {
    failures.push(`expected the step to wait for the approvers (more than one poll), it completed after ${run.polls}`);
  }
  if (expected.status === 'FAILED' && response.Status === 'FAILED') {
    if (sessions.length > 0 && !response.Reason?.includes(sessions[0].arn)) {
      failures.push(`expected the reason to name the session ${sessions[0].arn}: ${response.Reason}`);
    }
    if (expected.reasonIncludes && !response.Reason?.includes(expected.reasonIncludes)) {
      failures.push(`expected the reason to contain "${expected.reasonIncludes}": ${response.Reason}`);
    }
  }
  for (const [key, value] of Object.entries(expected.data ?? {})) {
    if (response.Data?.[key] !== value) {
      failures.push(`expected Data.${key} ${JSON.stringify(value)}, got ${JSON.stringify(response.Data?.[key])}`);
    }
  }
  return failures;
}

function describeSynthesis(synth: SynthesizedAssociation, out: (line: string) => void): void {
  out(`${synth.resourceCount} resources; the association is a ${synth.resourceType} with properties:`);
  for (const [key, value] of Object.entries(synth.resourceProperties)) {
    out(`  ${key.padEnd(24)} ${value}`);
  }
  out(`Provider: isComplete every ${synth.queryIntervalSeconds} s, waiter total timeout ${synth.totalTimeoutSeconds} s; `
    + `custom resource ServiceTimeout ${synth.serviceTimeoutSeconds} s (CloudFormation's limit is 3600 s)`);
}

function pendingSession(fake: FakeControlPlane): boolean {
  return fake.association()?.MpaStatus?.Status === 'PENDING';
}

/**
 * A fresh copy of the handler module: it builds its SDK client once per module
 * instance, from the environment at the first call. The bundle loads node:http
 * with a dynamic import(), so it runs in plain Node.js (and Lambda), not inside
 * a jest sandbox without --experimental-vm-modules.
 */
function loadHandler(file: string): ProviderUserFunctions {
  delete require.cache[require.resolve(file)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as ProviderUserFunctions;
}

/** Sets environment variables; the returned function puts the previous values back. */
function setEnvironment(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map(key => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

if (require.main === module) {
  // DEMO_POLL_INTERVAL_MS lets the test run the real command faster.
  const pollIntervalMs = process.env.DEMO_POLL_INTERVAL_MS ? Number(process.env.DEMO_POLL_INTERVAL_MS) : undefined;
  runDemo({ pollIntervalMs, rawHandlerLogs: process.argv.includes('--raw-logs') })
    .then(result => {
      process.exitCode = result.ok ? 0 : 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(`The demo could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
