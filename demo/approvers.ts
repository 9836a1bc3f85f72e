/**
 * The approvers: people who answer an approval session at moments of their
 * own, not at the handler's checks. Each answer is scheduled on the
 * simulation's clock, acts on the fake MPA (one vote at a time), and is
 * reported with what it did to the session: approved only once the threshold
 * is reached.
 */
import { ACTION, teamName } from './example-stack';
import { sessionId } from './words';
import type { SessionRecord } from '../test/fake/fake-control-plane';
import type { Simulation } from '../test/harness/simulation';
import type { Cancellable } from '../test/harness/simulation-clock';

/** One approver's answer, `afterMs` after the step starts. */
export interface ApproverAnswer {
  readonly afterMs: number;
  readonly answer: 'approve' | 'reject';
}

/** What an approver did, for the step's timeline. */
export interface ApproverEvent {
  readonly at: number;
  readonly text: string;
  /** Set when the answer found no pending session: the scenario went wrong. */
  readonly problem?: string;
}

export interface ScheduledAnswers {
  /** What the approvers did so far, in order. */
  readonly events: readonly ApproverEvent[];
  /** Calls off the answers not given yet; returns how many there were. */
  stop(): number;
}

/**
 * Schedules `answers` from `startedAt`. The timers only notice time passing
 * (they never make it pass), so an answer is given only while something in
 * the simulation waits past its moment, as a person answers while the stack waits.
 */
export function scheduleAnswers(sim: Simulation, startedAt: number, answers: readonly ApproverAnswer[]): ScheduledAnswers {
  const events: ApproverEvent[] = [];
  const timers: Cancellable[] = [];
  let given = 0;
  for (const planned of answers) {
    const at = startedAt + planned.afterMs;
    const timer = sim.clock.when(at);
    timers.push(timer);
    void timer.promise.then(() => {
      given++;
      events.push({ at, ...answer(sim, planned.answer) });
    });
  }
  return {
    events,
    stop: () => {
      timers.forEach(timer => timer.cancel());
      return answers.length - given;
    },
  };
}

function answer(sim: Simulation, what: ApproverAnswer['answer']): Omit<ApproverEvent, 'at'> {
  const session = pendingSession(sim);
  if (!session) {
    const problem = `an approver came to ${what} but no session was pending`;
    return { text: problem, problem };
  }
  const team = teamName(session.approvalTeamArn);
  const id = sessionId(session.sessionArn);
  if (what === 'reject') {
    sim.fake.deny(ACTION);
    return { text: `an approver of ${team} rejects: session ${id} denied (this fake ends a session at its first rejection)` };
  }
  sim.fake.recordApproval(ACTION);
  const after = sim.fake.sessions.find(s => s.sessionArn === session.sessionArn)!;
  const approvals = after.approvers.filter(vote => vote.response === 'APPROVED').length;
  const needed = after.minApprovalsRequired;
  return after.status === 'APPROVED'
    ? { text: `approver #${approvals} of ${team} approves: ${approvals} of ${needed} approvals, session ${id} approved` }
    : { text: `approver #${approvals} of ${team} approves: ${approvals} of ${needed} approvals, session ${id} still pending` };
}

function pendingSession(sim: Simulation): SessionRecord | undefined {
  return [...sim.fake.sessions].reverse().find(session => session.action === ACTION && session.outcome === undefined);
}
