/** What the Provider framework's waiter is built from (aws-cdk-lib custom-resources/lib/provider-framework/util.js, calculateRetryPolicy). */
export interface WaiterSettings {
  readonly isCompleteArn: string;
  readonly onTimeoutArn: string;
  readonly intervalSeconds: number;
  /** totalTimeout / queryInterval. */
  readonly maxAttempts: number;
  readonly backoffRate: number;
}

/**
 * The waiter state machine's definition exactly as aws-cdk-lib's
 * waiter-state-machine.js writes it (same members, same order), for a provider
 * deployed without synthesizing a stack. A harness test checks it against the
 * definition a synthesized stack carries.
 */
export function waiterDefinitionString(settings: WaiterSettings): string {
  return JSON.stringify({
    StartAt: 'framework-isComplete-task',
    States: {
      'framework-isComplete-task': {
        End: true,
        Retry: [{
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: settings.intervalSeconds,
          MaxAttempts: settings.maxAttempts,
          BackoffRate: settings.backoffRate,
        }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'framework-onTimeout-task' }],
        Type: 'Task',
        Resource: settings.isCompleteArn,
      },
      'framework-onTimeout-task': { End: true, Type: 'Task', Resource: settings.onTimeoutArn },
    },
  });
}
