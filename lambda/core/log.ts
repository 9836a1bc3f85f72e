import { AsyncLocalStorage } from 'node:async_hooks';

/** Where log lines go: stdout (the custom resource's log group), or a front end's own sink. */
export type LogSink = (line: string) => void;

const sinks = new AsyncLocalStorage<LogSink>();

/**
 * One JSON object per line, so CloudWatch Logs Insights can query the fields.
 * Callers pass only what is safe to keep: never the event (it holds the
 * presigned ResponseURL or credentials), credentials or the RequesterComment.
 */
export function log(fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level: 'info', ...fields });
  const sink = sinks.getStore();
  if (sink) sink(line);
  else console.log(line);
}

/**
 * Runs `work` with its log lines (and those of everything it awaits) sent to
 * `sink` instead of stdout: a registry type's handler must send them to the
 * type's log group with the provider's credentials, not to its own stdout.
 */
export function withLogSink<T>(sink: LogSink, work: () => Promise<T>): Promise<T> {
  return sinks.run(sink, work);
}
