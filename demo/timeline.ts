/**
 * One stack operation as a timeline a newcomer can read: what CloudFormation
 * did, what the handler logged, what the approvers did, each at its simulated
 * time since the step began. Entries at the same instant keep their causal
 * order: a request is sent, then its handler lines, then CloudFormation's answer.
 */
import type { ApproverEvent } from './approvers';
import { teamName } from './example-stack';
import { describeHandlerLine } from './handler-log';
import { clock, count, shorten, wrap } from './words';
import type { InvocationRecord } from '../test/harness/lambda-stand-in';
import type { OperationResult, RequestRecord, StackEvent } from '../test/harness/stack-simulator';

export interface TimelineInput {
  /** When the step began (simulated epoch ms): times are printed from there. */
  readonly startedAt: number;
  readonly stackName: string;
  /** The association's logical id. */
  readonly associationId: string;
  /** The template's type of a logical id. */
  readonly typeOf: (logicalId: string) => string;
  readonly result: OperationResult;
  /** The handler functions' invocations during the operation (their tag is the RequestId they serve). */
  readonly handlerInvocations: readonly InvocationRecord[];
  readonly approvers: readonly ApproverEvent[];
  /** Print the handler's log lines as they are. */
  readonly raw: boolean;
}

type Actor = 'CloudFormation' | 'handler' | 'handler log' | 'approvers';

interface Entry {
  readonly at: number;
  /** Order among entries at the same instant. */
  readonly rank: number;
  readonly seq: number;
  readonly who: Actor;
  readonly text: string;
  /** A handler wait that later checks may repeat word for word: those are counted, not printed. */
  readonly repeatable?: boolean;
}

const WIDTH = 110;
const TIME_WIDTH = 7;
const WHO_WIDTH = 14;
const TEXT_INDENT = ' '.repeat(2 + TIME_WIDTH + 2 + WHO_WIDTH + 2);

export function renderTimeline(input: TimelineInput): string[] {
  const entries = [...cloudFormationEntries(input), ...handlerEntries(input), ...approverEntries(input)]
    .sort((a, b) => a.at - b.at || a.rank - b.rank || a.seq - b.seq);
  return render(entries, input.startedAt);
}

// ---- CloudFormation -----------------------------------------------------------

function cloudFormationEntries(input: TimelineInput): Entry[] {
  const entries: Entry[] = [];
  const { events, requests } = input.result;
  let sent = 0;
  let others: StackEvent[] = [];
  const flushOthers = (index: number) => {
    if (others.length === 0) return;
    entries.push({ at: others[0].at, rank: index - others.length, seq: 0, who: 'CloudFormation', text: describeOthers(others, input.typeOf) });
    others = [];
  };
  events.forEach((event, index) => {
    const isOther = event.logicalId !== input.stackName && event.logicalId !== input.associationId;
    if (isOther) {
      others.push(event);
      return;
    }
    flushOthers(index);
    const text = event.logicalId === input.stackName
      ? describeStackEvent(input.stackName, event)
      : describeAssociationEvent(event, event.status.endsWith('_IN_PROGRESS') ? requests[sent++] : undefined);
    entries.push({ at: event.at, rank: index, seq: 0, who: 'CloudFormation', text });
  });
  flushOthers(events.length);
  return entries;
}

const STACK_STATUS_WORDS: Record<string, string> = {
  UPDATE_ROLLBACK_IN_PROGRESS: 'the update failed, so CloudFormation rolls it back: every resource it changed gets the previous template\'s properties again',
  UPDATE_ROLLBACK_COMPLETE: 'the rollback is done: the stack is as it was before the update',
  DELETE_FAILED: 'the stack is not deleted: the association, and what it needs to run, stay until the stack is deleted again',
  DELETE_COMPLETE: 'the stack is gone',
};

function describeStackEvent(stackName: string, event: StackEvent): string {
  const words = STACK_STATUS_WORDS[event.status];
  return `stack ${stackName} ${event.status}${words ? `: ${words}` : ''}`;
}

function describeAssociationEvent(event: StackEvent, request: RequestRecord | undefined): string {
  if (request) return describeRequest(request);
  if (event.status.endsWith('_FAILED')) return `the association ${event.status}, reason: "${handlerReason(event.reason ?? '')}"`;
  return `the association ${event.status}`;
}

function describeRequest(request: RequestRecord): string {
  const team = (properties: Record<string, unknown> | undefined) => teamName(properties?.MpaTeamArn as string | undefined);
  switch (request.requestType) {
    case 'Create':
      return `sends Create to the association's handler (team ${team(request.resourceProperties)})`;
    case 'Update': {
      const change = `team ${team(request.oldResourceProperties)} -> ${team(request.resourceProperties)}`;
      return request.phase === 'rollback'
        ? `sends the rollback Update: the previous template's properties again (${change})`
        : `sends Update to the association's handler (${change})`;
    }
    case 'Delete':
      return `sends Delete to the association's handler (remove team ${team(request.resourceProperties)})`;
  }
}

/** The handler's own message in CloudFormation's reason, without the framework's wrapping. */
export function handlerReason(reason: string): string {
  const message = reason.replace(/^Received response status \[FAILED\] from custom resource\. Message returned: /, '');
  return shorten(message.split(/\n\s*\nLogs: /)[0].replace(/ \(RequestId: [^)]*\)$/, '').trim());
}

const TYPE_WORDS: Record<string, [string, string]> = {
  'AWS::Lambda::Function': ['Lambda function', 'Lambda functions'],
  'AWS::IAM::Role': ['IAM role', 'IAM roles'],
  'AWS::IAM::Policy': ['IAM policy', 'IAM policies'],
  'AWS::IAM::ManagedPolicy': ['IAM managed policy', 'IAM managed policies'],
  'AWS::Logs::LogGroup': ['log group', 'log groups'],
  'AWS::StepFunctions::StateMachine': ['Step Functions state machine (the framework\'s waiter)', 'Step Functions state machines'],
};

/** A run of events of the resources the association runs on, in one line. */
function describeOthers(events: readonly StackEvent[], typeOf: (logicalId: string) => string): string {
  const done = (status: string) => [...new Set(events.filter(e => e.status === status).map(e => e.logicalId))];
  const byType = (ids: readonly string[]) => {
    const counts = new Map<string, number>();
    ids.forEach(id => counts.set(typeOf(id), (counts.get(typeOf(id)) ?? 0) + 1));
    return [...counts].map(([type, n]) => `${n} ${(TYPE_WORDS[type] ?? [type, type])[n === 1 ? 0 : 1]}`).join(', ');
  };
  const parts: string[] = [];
  const created = done('CREATE_COMPLETE');
  const updated = done('UPDATE_COMPLETE');
  const deleted = done('DELETE_COMPLETE');
  const kept = done('DELETE_SKIPPED');
  const failed = [...done('CREATE_FAILED'), ...done('UPDATE_FAILED'), ...done('DELETE_FAILED')];
  if (created.length) parts.push(`creates the ${count(created.length, 'resource')} the handler runs on: ${byType(created)}`);
  if (updated.length) parts.push(`updates ${count(updated.length, 'resource')} the handler runs on: ${byType(updated)}`);
  if (deleted.length) parts.push(`deletes the ${count(deleted.length, 'resource')} the handler ran on: ${byType(deleted)}`);
  if (kept.length) parts.push(`keeps ${byType(kept)} (their DeletionPolicy is Retain)`);
  if (failed.length) parts.push(`${count(failed.length, 'resource')} failed: ${failed.join(', ')}`);
  return parts.join('; ') || `${count(events.length, 'event')} of other resources`;
}

// ---- the handler --------------------------------------------------------------

function handlerEntries(input: TimelineInput): Entry[] {
  const { events, requests } = input.result;
  // The rank of a request's lines: just after CloudFormation sent it.
  const sentAt = events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => event.logicalId === input.associationId && event.status.endsWith('_IN_PROGRESS'))
    .map(({ index }) => index);
  const rankOf = new Map(requests.map((request, k) => [request.requestId, (sentAt[k] ?? events.length) + 0.5]));
  const entries: Entry[] = [];
  let seq = 0;
  for (const invocation of input.handlerInvocations) {
    const rank = rankOf.get(invocation.tag) ?? events.length + 0.5;
    for (const line of invocation.lines.filter(l => l.emitted)) {
      seq++;
      if (input.raw) {
        entries.push({ at: line.at, rank, seq, who: 'handler log', text: line.message });
        continue;
      }
      const described = describeHandlerLine(line.message);
      if (described) entries.push({ at: line.at, rank, seq, who: 'handler', text: described.text, repeatable: described.repeatable });
    }
  }
  return entries;
}

// ---- the approvers -------------------------------------------------------------

function approverEntries(input: TimelineInput): Entry[] {
  // An approver acts before a check that happens at the same instant.
  return input.approvers.map((event, seq) => ({ at: event.at, rank: -1, seq, who: 'approvers', text: event.text }));
}

// ---- rendering -------------------------------------------------------------------

function render(entries: readonly Entry[], startedAt: number): string[] {
  const lines: string[] = [];
  const line = (at: number, who: string, text: string) => {
    const head = `  ${clock(at - startedAt).padStart(TIME_WIDTH)}  ${who.padEnd(WHO_WIDTH)}  `;
    // A raw log line stays one line: one JSON object per line, as the handler wrote it.
    if (who === 'handler log') {
      lines.push(head + text);
      return;
    }
    const body = wrap(text, WIDTH - head.length, '');
    lines.push(head + body[0], ...body.slice(1).map(rest => TEXT_INDENT + rest));
  };
  let repeated: { text: string; times: number; lastAt: number } | undefined;
  const flush = () => {
    if (repeated && repeated.times > 0) {
      line(repeated.lastAt, 'handler', `(no change at the next ${count(repeated.times, 'check')}, until ${clock(repeated.lastAt - startedAt)})`);
    }
    repeated = undefined;
  };
  for (const entry of entries) {
    if (entry.repeatable && repeated?.text === entry.text) {
      repeated.times++;
      repeated.lastAt = entry.at;
      continue;
    }
    flush();
    line(entry.at, entry.who, entry.text);
    if (entry.repeatable) repeated = { text: entry.text, times: 0, lastAt: entry.at };
  }
  flush();
  return lines;
}
