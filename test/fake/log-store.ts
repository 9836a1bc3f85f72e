/**
 * CloudWatch Logs, as far as a registry type's handler uses it to deliver its log
 * lines (CreateLogStream, PutLogEvents; awsJson1_1, target `Logs_20140328.`).
 * Groups exist once written to (the type's log group is made by its registration).
 */
import { ServiceError } from './service-error';

export const LOGS_OPERATIONS = ['CreateLogStream', 'PutLogEvents'] as const;
export type LogsOperation = typeof LOGS_OPERATIONS[number];

export interface DeliveredLogEvent {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly message: string;
  readonly timestamp: number;
}

export class LogStore {
  private readonly streams = new Set<string>();
  readonly events: DeliveredLogEvent[] = [];

  execute(operation: LogsOperation, input: Record<string, unknown>): Record<string, unknown> {
    const group = required(input, 'logGroupName');
    const stream = required(input, 'logStreamName');
    const key = `${group}\n${stream}`;
    if (operation === 'CreateLogStream') {
      if (this.streams.has(key)) throw new ServiceError('ResourceAlreadyExistsException', 400, 'The specified log stream already exists');
      this.streams.add(key);
      return {};
    }
    if (!this.streams.has(key)) throw new ServiceError('ResourceNotFoundException', 400, 'The specified log stream does not exist.');
    const events = Array.isArray(input.logEvents) ? input.logEvents : [];
    for (const event of events) {
      this.events.push({ logGroupName: group, logStreamName: stream, message: String(event?.message), timestamp: Number(event?.timestamp) });
    }
    return { nextSequenceToken: String(this.events.length) };
  }

  reset(): void {
    this.streams.clear();
    this.events.length = 0;
  }
}

function required(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') throw new ServiceError('InvalidParameterException', 400, `${member} is required`);
  return value;
}
