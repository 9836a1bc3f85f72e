/**
 * What a payments engineer reads when a change fails: the FAILED reason
 * exactly as aws-cdk-lib's framework sends it to the presigned ResponseURL
 * (the harness's stand-in records the raw body), for each way a change fails.
 * Each reason is one or two sentences they can act on, names the approval
 * session where there is one, fits CloudFormation's 4096-byte response, carries
 * no stack frames, and its `Logs:` line (the framework's) names the log group
 * the failing invocation really wrote to, which the stack's template creates.
 */
import { CfnParameter, Duration } from 'aws-cdk-lib';
import { isComplete } from '../../../lambda/custom-resource/is-complete';
import { onEvent } from '../../../lambda/custom-resource/on-event';
import { MpaTeamAssociation } from '../../../src';
import { approversWho } from '../../harness/approvers';
import type { UserFunctions } from '../../harness/handler-code';
import { SimulatedStack } from '../../harness/stack-simulator';
import { useSimulation } from '../../harness/stack-test-environment';
import { newSimulatedStack, synthesize, type StackTemplate } from '../../harness/synthesized-stack';

const ACTION = 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE';
const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
const FOREIGN_TEAM = 'arn:aws:mpa:us-east-1:111122223333:approval-team/security-admins';
/** A team of another account: the handler's policy covers it only once a template names it. */
const OTHER_ACCOUNT_TEAM = 'arn:aws:mpa:us-east-1:444455556666:approval-team/payments-root-x';
const LOGICAL_ID = 'RootCertificateImportApproval';
const RESPONSE_LIMIT_BYTES = 4096;
/** The construct ids of the handler's two functions (the user functions of the Provider framework), as logical id prefixes. */
const HANDLER_FUNCTIONS = ['MpaTeamAssociationProviderOnEventHandler', 'MpaTeamAssociationProviderIsCompleteHandler'] as const;

const env = useSimulation();

/** Approvers stay until the case ends. */
let sendApproversHome: () => void = () => undefined;
afterEach(() => sendApproversHome());

/** The team as a stack parameter, so that one synthesized template serves every case (the construct accepts tokens). */
let withTeamParameter: StackTemplate | undefined;
function teamFromParameter(): StackTemplate {
  if (!withTeamParameter) {
    const stack = newSimulatedStack('Payments');
    const team = new CfnParameter(stack, 'ApprovalTeamArn', { type: 'String', default: TEAM_A });
    new MpaTeamAssociation(stack, LOGICAL_ID, {
      mpaTeamArn: team.valueAsString, approvalTimeout: Duration.minutes(1), pollInterval: Duration.seconds(10),
    });
    withTeamParameter = synthesize(stack);
  }
  return withTeamParameter;
}

function otherAccountTeam(): StackTemplate {
  const stack = newSimulatedStack('Payments');
  new MpaTeamAssociation(stack, LOGICAL_ID, {
    mpaTeamArn: OTHER_ACCOUNT_TEAM, approvalTimeout: Duration.minutes(1), pollInterval: Duration.seconds(10),
  });
  return synthesize(stack);
}

/** A FAILED response as the framework sent it, with what the stack held at that moment. */
interface FailedResponse {
  readonly reason: string;
  readonly bytes: number;
  readonly requestId: string;
  /** The LogGroupName of every AWS::Logs::LogGroup of the stack, as deployed. */
  readonly logGroups: readonly string[];
  /** The log group each of the handler's functions writes to: its LoggingConfig.LogGroup, or Lambda's default /aws/lambda/<name>. */
  readonly logGroupOf: ReadonlyMap<string, string>;
}

/** Records every FAILED response the moment it arrives (before a rollback deletes the stack's resources). */
function watchFailures(stack: SimulatedStack, template: () => StackTemplate): FailedResponse[] {
  const failures: FailedResponse[] = [];
  env.sim.responses.onResponse(response => {
    if (response.body?.Status !== 'FAILED' || !response.body.LogicalResourceId?.startsWith(LOGICAL_ID)) return;
    const resources = Object.entries(template().template.Resources);
    const deployed = (type: string, prefix = '') => resources.filter(([id, r]) => r.Type === type && id.startsWith(prefix))
      .map(([id]) => stack.resource(id)).filter(r => r !== undefined);
    failures.push({
      reason: response.body.Reason ?? '',
      bytes: response.bytes,
      requestId: response.requestId!,
      logGroups: deployed('AWS::Logs::LogGroup').map(r => String(r.properties.LogGroupName)),
      logGroupOf: new Map([...deployed('AWS::Lambda::Function', HANDLER_FUNCTIONS[0]), ...deployed('AWS::Lambda::Function', HANDLER_FUNCTIONS[1])].map(r => [
        r.physicalId,
        String((r.properties.LoggingConfig as { LogGroup?: string } | undefined)?.LogGroup ?? `/aws/lambda/${r.physicalId}`),
      ])),
    });
  });
  return failures;
}

/** Sentences outside parentheses (a service's message quoted in parentheses is the service's). */
function sentences(text: string): string[] {
  let flat = text;
  while (/\([^()]*\)/.test(flat)) flat = flat.replace(/\([^()]*\)/g, '');
  return flat.split(/[.!?](?:\s+|$)/).map(s => s.trim()).filter(s => s.length > 0);
}

/** The checks every FAILED reason passes; returns the handler's own part (before the framework's Logs: line). */
function expectAHelpfulReason(failure: FailedResponse): string {
  const match = /^([\s\S]*)\n\nLogs: (\S+)\n*$/.exec(failure.reason);
  expect({ reason: failure.reason, shape: match ? 'message, then the Logs: line, then nothing' : 'other' })
    .toEqual({ reason: failure.reason, shape: 'message, then the Logs: line, then nothing' });
  const [, message, logGroup] = match!;
  // No frames, minified or not, and no file names.
  expect(failure.reason).not.toMatch(/\n\s*at |\.js:\d+|index\.js/);
  expect(message).not.toContain('\n');
  const said = sentences(message);
  expect(said.length <= 2 ? 'one or two sentences' : said).toBe('one or two sentences');
  expect(failure.bytes).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);

  // The Logs: line is true: the failing invocation wrote its lines to that group, and the stack creates it.
  const failing = env.sim.lambda.invocations.filter(i => i.tag === failure.requestId && i.outcome === 'threw' && failure.logGroupOf.has(i.functionName));
  expect(failing.length).toBeGreaterThan(0);
  for (const invocation of failing) {
    expect(failure.logGroupOf.get(invocation.functionName)).toBe(logGroup);
    expect(invocation.lines.filter(line => line.emitted).length).toBeGreaterThan(0);
  }
  expect(failure.logGroups).toContain(logGroup);
  return message;
}

/** The one FAILED response of the operation, checked. */
function theFailure(failures: readonly FailedResponse[]): string {
  expect(failures).toHaveLength(1);
  return expectAHelpfulReason(failures[0]);
}

function sessionArn(): string {
  expect(env.sim.fake.sessions).toHaveLength(1);
  return env.sim.fake.sessions[0].sessionArn;
}

describe('a FAILED reason is the handler\'s message and a true Logs: line, nothing else', () => {
  // The bundled asset is what Lambda runs: minified, so a stack frame in its reason would be unreadable.
  test.each(['source', 'bundled'] as const)('the approvers deny (%s handler): names the session, what still protects the action, what a rerun does', async (handlers) => {
    env.sim.fake.setWorld({ firstAssociation: 'approval' });
    sendApproversHome = approversWho(env.sim, 'deny');
    const stack = new SimulatedStack(env.sim, 'Payments', { handlers });
    const failures = watchFailures(stack, teamFromParameter);
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_COMPLETE');
    const message = theFailure(failures);
    expect(message).toContain(`Approval session ${sessionArn()} to associate team ${TEAM_A} with ${ACTION} ended FAILED`);
    expect(message).toMatch(/deploy again to ask again\.$/);
  });

  test('nobody answers before approvalTimeout: names the session and what the rollback does with it', async () => {
    env.sim.fake.setWorld({ firstAssociation: 'approval' });
    const stack = new SimulatedStack(env.sim, 'Payments');
    const failures = watchFailures(stack, teamFromParameter);
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_COMPLETE');
    const message = theFailure(failures);
    expect(message).toMatch(/^Timed out after 60 s \(approvalTimeout\) waiting for /);
    expect(message).toContain(`: session ${sessionArn()} has 0 of 2 approvals`);
  });

  test('another team protects the action: names it and how to adopt it', async () => {
    env.sim.fake.setAssociation(ACTION, { mpaTeamArn: FOREIGN_TEAM, associationState: 'ACTIVE' });
    env.sim.declareForeignTeam(FOREIGN_TEAM);
    const stack = new SimulatedStack(env.sim, 'Payments');
    const failures = watchFailures(stack, teamFromParameter);
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_COMPLETE');
    const message = theFailure(failures);
    expect(message).toContain(`${ACTION} is associated with team ${FOREIGN_TEAM}, not with this resource's team`);
    expect(message).toContain(`set mpaTeamArn to ${FOREIGN_TEAM} to adopt it`);
  });

  test('the team is not active: names the team, its status and MPA\'s message', async () => {
    env.sim.fake.setTeam(TEAM_A, { status: 'INACTIVE', statusCode: 'DELETE_FAILED', statusMessage: 'Approver identities were removed' });
    const stack = new SimulatedStack(env.sim, 'Payments');
    const failures = watchFailures(stack, teamFromParameter);
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_COMPLETE');
    const message = theFailure(failures);
    expect(message).toBe(`Approval team ${TEAM_A} is INACTIVE (DELETE_FAILED: Approver identities were removed), so it cannot protect ${ACTION}. `
      + 'Nothing changed: fix the team or set mpaTeamArn to an active team, then deploy again.');
  });

  test.each(['source', 'bundled'] as const)('a bad property (%s handler; a parameter the construct could not check at synth time): names the property and the rule', async (handlers) => {
    const notATeam = 'arn:aws:mpa:us-east-1:111122223333:team/payments-root-a';
    const stack = new SimulatedStack(env.sim, 'Payments', { parameters: { ApprovalTeamArn: notATeam }, handlers });
    const failures = watchFailures(stack, teamFromParameter);
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_COMPLETE');
    const message = theFailure(failures);
    expect(message).toMatch(/^Invalid resource property MpaTeamArn: must be an approval team ARN .*, got 'arn:aws:mpa:us-east-1:111122223333:team\/payments-root-a'\. Nothing was changed\.$/);
  });

  test('IAM denies: a move to another account\'s team without grantHandlerAccessToTeamsOf for the old one names the call and the grant', async () => {
    const stack = new SimulatedStack(env.sim, 'Payments');
    expect((await stack.create(teamFromParameter())).status).toBe('CREATE_COMPLETE');
    const failures = watchFailures(stack, otherAccountTeam);
    const update = await stack.update(otherAccountTeam());
    expect(update.status).toMatch(/^UPDATE_ROLLBACK_/);
    const message = expectAHelpfulReason(failures[0]);
    // IAM authorizes a disassociation against the team associated now: the reason names it.
    expect(message.startsWith(`DisassociateMpaTeam was denied (AccessDeniedException) for action ${ACTION} and team ${TEAM_A}: `)).toBe(true);
    expect(message).toContain('payment-cryptography:DisassociateMpaTeam');
    expect(message).toContain('grantHandlerAccessToTeamsOf');
  });

  test('SSM denies the ownership record (an SCP, say): names the parameter and what to check', async () => {
    env.sim.fake.injectFault({ operation: 'GetParameter', kind: 'accessDenied' });
    const stack = new SimulatedStack(env.sim, 'Payments');
    const failures = watchFailures(stack, teamFromParameter);
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_COMPLETE');
    const message = theFailure(failures);
    expect(message).toMatch(/^Could not read the ownership record \/cdk-mpa-team-association\/IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE\/Payments\/\S+ in SSM Parameter Store \(AccessDeniedException: /);
    expect(message).toContain('Check the handler role\'s ssm permissions on it');
  });

  test('an unexpected error (a bug; here a carried change that lost its resource): one line naming it, nothing of its stack', async () => {
    const corrupted: UserFunctions = {
      onEvent,
      isComplete: (event, context) => isComplete({ ...event, MpaChange: { request: { ...event.MpaChange.request, resource: undefined } } }, context),
    };
    env.sim.fake.setWorld({ firstAssociation: 'approval' });
    const stack = new SimulatedStack(env.sim, 'Payments', { handlers: corrupted });
    const failures = watchFailures(stack, teamFromParameter);
    // The rollback's Delete meets the same bug.
    expect((await stack.create(teamFromParameter())).status).toBe('ROLLBACK_FAILED');
    expect(failures.map(f => expectAHelpfulReason(f))).toEqual([
      expect.stringMatching(/^Unexpected TypeError in the handler \(Cannot read properties of undefined .*\); nothing more was changed.*Retry the deployment\.$/),
      expect.stringMatching(/^Unexpected TypeError in the handler \(/),
    ]);
  });
});
