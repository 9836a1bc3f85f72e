/**
 * The demo's steps: the paths the README promises, one stack operation each,
 * with what the approvers do and what must come out of it.
 */
import type { ApproverAnswer } from './approvers';
import { TEAMS, teamName, type ExampleTemplate } from './example-stack';
import type { OperationResult, SimulatedStack, StackStatus } from '../test/harness/stack-simulator';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export type SessionOutcome = 'approved' | 'denied' | 'cancelled' | 'expired' | 'pending';

/** What one step must leave behind. */
export interface Expectation {
  readonly stackStatus: StackStatus;
  /** The association afterwards; undefined for none. */
  readonly association?: { readonly team: string; readonly state: 'ACTIVE' | 'DELETE_PENDING' };
  /** Outcomes of the sessions this step opened, in order (none: the approvers were not asked). */
  readonly newSessions: readonly SessionOutcome[];
  /** The calls that change the association this step made, in order. */
  readonly mutatingCalls: readonly string[];
  /** Words each FAILED reason the handler gave in this step must contain. */
  readonly reasonIncludes?: readonly string[];
}

/** What a step saw, for its checks. */
export interface Observed {
  readonly result: OperationResult;
  readonly newSessions: readonly { readonly arn: string; readonly outcome: SessionOutcome }[];
  readonly mutatingCalls: readonly string[];
  /** The MPA calls this step made that cancel a session. */
  readonly cancelSessionCalls: number;
  /** The handler's log lines in this step, parsed. */
  readonly handlerLog: readonly Record<string, unknown>[];
}

/** What earlier steps left for later ones to check against. */
export interface Memory {
  /** The session the Delete that timed out left open. */
  openDeleteSession?: string;
  /** Ownership records whose SSM parameter name was printed already. */
  readonly recordsShown: Set<string>;
}

export interface DemoStep {
  readonly title: string;
  /** What happens, in a sentence or two. */
  readonly story: string;
  readonly approvers: readonly ApproverAnswer[];
  readonly operate: (stack: SimulatedStack, templates: Templates) => Promise<OperationResult>;
  readonly expect: Expectation;
  /** Further checks: the problems found (empty when it behaved). */
  readonly check?: (observed: Observed, memory: Memory) => string[];
  /** What the step showed, said once it behaved. */
  readonly conclusion: string;
}

export interface Templates {
  readonly a: ExampleTemplate;
  readonly b: ExampleTemplate;
  readonly c: ExampleTemplate;
}

const A = teamName(TEAMS.a);
const B = teamName(TEAMS.b);
const C = teamName(TEAMS.c);

export const STEPS: readonly DemoStep[] = [
  {
    title: 'Create the stack: the first association needs approval',
    story: `cdk deploy with mpaTeamArn ${A}. Nothing protects the operation yet; in the service this demo plays, `
      + `the new team must approve its own association. Two of ${A}'s approvers approve, at 1:35 and 3:05.`,
    approvers: [{ afterMs: 95 * SECOND, answer: 'approve' }, { afterMs: 185 * SECOND, answer: 'approve' }],
    operate: (stack, t) => stack.create(t.a.template),
    expect: { stackStatus: 'CREATE_COMPLETE', association: { team: TEAMS.a, state: 'ACTIVE' }, newSessions: ['approved'], mutatingCalls: ['AssociateMpaTeam'] },
    conclusion: `${A} protects the operation; CloudFormation got SUCCESS once the second approval met the threshold.`,
  },
  {
    title: 'Change the team: approved',
    story: `cdk deploy with mpaTeamArn ${B}. Replacing a team needs the approval of the team in place, ${A}, `
      + `which keeps protecting the operation meanwhile (no moment without a team). ${A}'s approvers approve at 0:40 and 2:15.`,
    approvers: [{ afterMs: 40 * SECOND, answer: 'approve' }, { afterMs: 135 * SECOND, answer: 'approve' }],
    operate: (stack, t) => stack.update(t.b.template),
    expect: { stackStatus: 'UPDATE_COMPLETE', association: { team: TEAMS.b, state: 'ACTIVE' }, newSessions: ['approved'], mutatingCalls: ['AssociateMpaTeam'] },
    conclusion: `${B} protects the operation; ${A} protected it until the change was approved.`,
  },
  {
    title: 'Change the team: denied',
    story: `cdk deploy with mpaTeamArn ${C}. An approver of ${B} rejects it at 0:47.`,
    approvers: [{ afterMs: 47 * SECOND, answer: 'reject' }],
    operate: (stack, t) => stack.update(t.c.template),
    expect: {
      stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
      association: { team: TEAMS.b, state: 'ACTIVE' },
      newSessions: ['denied'],
      mutatingCalls: ['AssociateMpaTeam'],
      reasonIncludes: ['ended FAILED', 'REJECTED'],
    },
    check: observed => requestOutcomes(observed, ['update FAILED', 'rollback SUCCESS']),
    conclusion: `The update failed at the next check after the rejection and CloudFormation rolled it back: nothing changed, ${B} still `
      + 'protects the operation, and the rollback asked nobody anything.',
  },
  {
    title: 'Change the team: nobody decides within approvalTimeout',
    story: `cdk deploy with mpaTeamArn ${C} again. One approver of ${B} approves at 12:00; nobody else answers `
      + 'within the 30 minutes the handler waits.',
    approvers: [{ afterMs: 12 * MINUTE, answer: 'approve' }],
    operate: (stack, t) => stack.update(t.c.template),
    expect: {
      stackStatus: 'UPDATE_ROLLBACK_COMPLETE',
      association: { team: TEAMS.b, state: 'ACTIVE' },
      newSessions: ['cancelled'],
      mutatingCalls: ['AssociateMpaTeam'],
      reasonIncludes: ['Timed out after 1800 s', 'the rollback cancels the session'],
    },
    check: observed => [
      ...requestOutcomes(observed, ['update FAILED', 'rollback SUCCESS']),
      ...(observed.cancelSessionCalls === 1 ? [] : [`expected the rollback to cancel the session once (MPA CancelSession), saw ${observed.cancelSessionCalls} call(s)`]),
    ],
    conclusion: 'The rollback cancelled the session the failed update opened, so a late approval can never switch the team behind the '
      + `stack's back; ${B} still protects the operation. The next deployment is a new change and asks again.`,
  },
  {
    title: 'Deploy the same change once more: asked again',
    story: `cdk deploy with mpaTeamArn ${C}, a third time. The handler opens a new session (the one before was cancelled); `
      + `${B}'s approvers approve at 3:20 and 4:40.`,
    approvers: [{ afterMs: 200 * SECOND, answer: 'approve' }, { afterMs: 280 * SECOND, answer: 'approve' }],
    operate: (stack, t) => stack.update(t.c.template),
    expect: { stackStatus: 'UPDATE_COMPLETE', association: { team: TEAMS.c, state: 'ACTIVE' }, newSessions: ['approved'], mutatingCalls: ['AssociateMpaTeam'] },
    conclusion: `${C} protects the operation.`,
  },
  {
    title: 'Delete the stack: nobody decides within approvalTimeout',
    story: `cdk destroy. Removing ${C} needs ${C}'s approval: one approver approves at 12:30, the second does not answer within 30 minutes.`,
    approvers: [{ afterMs: 750 * SECOND, answer: 'approve' }],
    operate: stack => stack.delete(),
    expect: {
      stackStatus: 'DELETE_FAILED',
      association: { team: TEAMS.c, state: 'DELETE_PENDING' },
      newSessions: ['pending'],
      mutatingCalls: ['DisassociateMpaTeam'],
      reasonIncludes: ['Timed out after 1800 s', 'delete the stack again to keep waiting on it'],
    },
    check: (observed, memory) => {
      memory.openDeleteSession = observed.newSessions[0]?.arn;
      return [];
    },
    conclusion: `CloudFormation never rolls a delete back: ${C} still protects the operation, and the session stays open with its one approval.`,
  },
  {
    title: 'Delete the stack again: the rerun resumes the same session',
    story: `cdk destroy once more, at once. The second approver of ${C} approves at 6:10.`,
    approvers: [{ afterMs: 370 * SECOND, answer: 'approve' }],
    operate: stack => stack.delete(),
    expect: { stackStatus: 'DELETE_COMPLETE', newSessions: [], mutatingCalls: [] },
    check: (observed, memory) => {
      const resumed = observed.handlerLog.some(line => line.event === 'begin'
        && (line.inherited as { session?: string; disposition?: string }[] | undefined)
          ?.some(s => s.session === memory.openDeleteSession && s.disposition === 'resume'));
      return resumed ? [] : [`expected the rerun to resume session ${memory.openDeleteSession ?? '(none recorded)'} left by the delete before`];
    },
    conclusion: 'The rerun made no new request: it waited on the session the first attempt opened, whose earlier approval still counted.',
  },
];

/** The requests CloudFormation sent the association, as `<phase> <outcome>`, must be `expected`. */
function requestOutcomes(observed: Observed, expected: readonly string[]): string[] {
  const seen = observed.result.requests.map(r => `${r.phase} ${r.outcome}`);
  return JSON.stringify(seen) === JSON.stringify(expected) ? [] : [`expected requests [${expected.join(', ')}], saw [${seen.join(', ')}]`];
}
