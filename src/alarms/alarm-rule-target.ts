import * as events from 'aws-cdk-lib/aws-events';

/**
 * `target`, delivering `defaultInput` unless it sets an input of its own (the `message` of
 * an `SnsTopic` target, for example): the user's choice of message wins over the alarm's.
 */
export function withDefaultInput(target: events.IRuleTarget, defaultInput: events.RuleTargetInput): events.IRuleTarget {
  return {
    bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
      const config = target.bind(rule, id);
      return { ...config, input: config.input ?? defaultInput };
    },
  };
}
