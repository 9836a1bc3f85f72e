/**
 * One JSON object per line, so CloudWatch Logs Insights can query the fields.
 * Callers pass only what is safe to keep: never the event (it holds the
 * presigned ResponseURL), credentials or the RequesterComment.
 */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ level: 'info', ...fields }));
}
