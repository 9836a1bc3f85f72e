import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CallBudget } from './call-budget';
import { errorName } from './service-errors';
import type { Clock } from '../core/clock';
import type { RegistryCredentials } from '../registry-type/registry-events';

/** Streams this container has created or found: the next call writes to them at once. */
const CREATED_STREAMS = new Set<string>();

/**
 * A registry type's log lines go to the type's log group, written with the
 * provider's credentials (providerCredentials, providerLogGroupName), one stream
 * per resource (`<stack id>/<logical id>`, `:` as `__`, as the CloudFormation
 * CLI's TypeScript and Python plugins name them). Lines are kept during the call
 * and delivered at its end; a delivery that fails is dropped, never the call.
 */
export class ProviderLog {
  private readonly lines: { message: string; timestamp: number }[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly logGroupName: string,
    private readonly streamName: string,
    private readonly credentials: RegistryCredentials,
  ) {}

  readonly sink = (line: string): void => {
    this.lines.push({ message: line, timestamp: this.clock.now() });
  };

  async deliver(budget: CallBudget): Promise<void> {
    if (this.lines.length === 0) return;
    const client = new CloudWatchLogsClient({ maxAttempts: 1, credentials: this.credentials });
    const logEvents = this.lines.splice(0);
    const stream = `${this.logGroupName}\n${this.streamName}`;
    const createStream = async () => {
      await budget.run('logs:CreateLogStream', signal => client.send(
        new CreateLogStreamCommand({ logGroupName: this.logGroupName, logStreamName: this.streamName }), { abortSignal: signal as any }))
        .catch(error => { if (errorName(error) !== 'ResourceAlreadyExistsException') throw error; });
      CREATED_STREAMS.add(stream);
    };
    const put = () => budget.run('logs:PutLogEvents', signal => client.send(
      new PutLogEventsCommand({ logGroupName: this.logGroupName, logStreamName: this.streamName, logEvents }), { abortSignal: signal as any }));
    try {
      if (!CREATED_STREAMS.has(stream)) await createStream();
      await put().catch(async error => {
        // The stream went away since this container made it: make it again, once.
        if (errorName(error) !== 'ResourceNotFoundException') throw error;
        await createStream();
        await put();
      });
    } catch (error) {
      CREATED_STREAMS.delete(stream);
      // Nowhere else to say it: the Lambda's own output, in CloudFormation's account.
      console.log(JSON.stringify({ level: 'warn', event: 'log-delivery-failed', error: errorName(error), lines: logEvents.length }));
    } finally {
      client.destroy();
    }
  }
}

/** The stream of one resource's lines: `<stack id>/<logical id>`, with `:` (not allowed in stream names) as `__`. */
export function logStreamName(stackId: string, logicalId: string): string {
  return `${stackId}/${logicalId}`.replace(/:/g, '__');
}
