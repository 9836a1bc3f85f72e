/**
 * The handler writes one JSON object per line to console.log, as it would to
 * CloudWatch Logs. While the demo drives it, those lines are captured and shown
 * as one short line each (or raw, with --raw-logs).
 */

/** Replaces console.log until the returned function is called; every line goes to `onLine`. */
export function captureConsoleLog(onLine: (line: string) => void): () => void {
  const original = console.log;
  console.log = (...args: unknown[]) => onLine(args.map(String).join(' '));
  return () => {
    console.log = original;
  };
}

/** One handler log line, shortened: what it called, the state it saw, the session and the approvals. */
export function compactHandlerLine(line: string): string {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line);
  } catch {
    return line;
  }
  const { event, ...rest } = fields;
  if (event === 'plan') {
    return `plan: ${rest.requestType}, goal ${rest.goal}`;
  }
  if (event !== 'poll') {
    return `${String(event ?? 'log')}: ${JSON.stringify(rest)}`;
  }
  const parts = [
    `${rest.phase} poll`,
    rest.called ? `called ${rest.called}` : undefined,
    `state ${rest.state}${typeof rest.team === 'string' ? ` (${teamName(rest.team)})` : ''}`,
    rest.sessionStatus ? `session ${rest.sessionStatus}${rest.progress ? ` (${rest.progress})` : ''}` : undefined,
    rest.transientError ? `transient error ${rest.transientError}` : undefined,
    rest.complete ? 'complete' : rest.waitingFor ? `waiting for ${rest.waitingFor}` : undefined,
  ];
  return parts.filter(part => part !== undefined).join(' | ');
}

/** The team's name, the last part of its ARN. */
export function teamName(teamArn: string): string {
  return teamArn.split('/').pop() ?? teamArn;
}
