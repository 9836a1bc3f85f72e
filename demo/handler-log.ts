/**
 * The handler writes one JSON object per line to its log (CloudWatch Logs in
 * AWS). The demo shows each line in plain words, or, with --raw-logs, as it is.
 */
import { teamName } from './example-stack';
import { sessionId, shorten } from './words';

/** One handler line in plain words: `text`; `repeatable` for a wait that the next checks may repeat unchanged. */
export interface HandlerLine {
  readonly text: string;
  readonly repeatable: boolean;
}

interface Inherited {
  readonly session: string;
  readonly operation: string;
  readonly team: string;
  readonly disposition: string;
}

/**
 * What one log line says, in plain words; undefined for lines that repeat what
 * the demo shows anyway (the request arriving, the runtime's error report,
 * whose message is CloudFormation's reason).
 */
export function describeHandlerLine(line: string): HandlerLine | undefined {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.startsWith('Invoke Error') ? undefined : { text: shorten(line), repeatable: false };
  }
  const said = (text: string): HandlerLine => ({ text: shorten(text), repeatable: false });
  switch (fields.event) {
    case 'request':
      return undefined;
    case 'begin':
      return describeBegin((fields.inherited ?? []) as Inherited[], fields.rollbackOf as string | undefined);
    case 'call':
      return said(`calls ${String(fields.operation)} for ${teamName(String(fields.team))}: ${describeAnswer(String(fields.answer))}`);
    case 'cancelled':
      return said(`cancels session ${sessionId(String(fields.session))} (MPA CancelSession): it can no longer take effect`);
    case 'cancel-failed':
      return said(`could not cancel session ${sessionId(String(fields.session))}: ${String(fields.why)}`);
    case 'note':
      return said(`note: ${String(fields.note)}`);
    case 'poll':
      return describePoll(fields);
    default: {
      const { level: _level, event, ...rest } = fields;
      return said(`${String(event ?? 'log')}: ${JSON.stringify(rest)}`);
    }
  }
}

function describeAnswer(answer: string): string {
  switch (answer) {
    case 'accepted': return 'accepted';
    case 'conflict': return 'refused (ConflictException)';
    case 'lost': return 'no answer (the next check reads what it did)';
    default: return answer;
  }
}

function describeBegin(inherited: readonly Inherited[], rollbackOf: string | undefined): HandlerLine | undefined {
  const parts: string[] = [];
  for (const session of inherited) {
    const what = `session ${sessionId(session.session)} (${session.operation} ${teamName(session.team)})`;
    parts.push(session.disposition === 'resume'
      ? `its ownership record shows ${what}, left pending by the previous delete: it waits on that session again instead of asking the approvers again`
      : `its ownership record shows ${what}, opened by the change this request rolls back and still pending: it cancels it`);
  }
  if (parts.length === 0 && rollbackOf) {
    parts.push('its ownership record shows that this request rolls back the failed update, which left no session pending');
  }
  return parts.length === 0 ? undefined : { text: parts.join('; '), repeatable: false };
}

function describePoll(fields: Record<string, unknown>): HandlerLine {
  const state = String(fields.state ?? 'NONE');
  const team = typeof fields.team === 'string' ? teamName(fields.team) : undefined;
  const association = state === 'NONE' ? 'nothing is associated' : `${team} is ${state}`;
  if (fields.complete) {
    const done = fields.requestType === 'Delete' && state === 'NONE'
      ? 'nothing is associated any more: done'
      : `${association}: done`;
    return { text: done, repeatable: false };
  }
  if (fields.failed) return { text: `${association}: the request fails (the reason is below)`, repeatable: false };
  if (fields.transientError) {
    return { text: `the service answered ${String(fields.transientError)}: it tries again at the next check`, repeatable: true };
  }
  const session = typeof fields.session === 'string' ? `session ${sessionId(fields.session)} ${String(fields.sessionStatus ?? '')}`.trim() : 'no session';
  const progress = typeof fields.progress === 'string' ? `, ${fields.progress.split(',')[0]}` : '';
  return { text: `waits: ${association}, ${session}${progress}`, repeatable: true };
}
