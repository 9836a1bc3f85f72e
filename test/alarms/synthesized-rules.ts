import { Template } from 'aws-cdk-lib/assertions';
import { EventPattern } from './event-pattern-matcher';

/** The EventBridge rules of a template, by logical id. */
export function eventRules(template: Template): Record<string, any> {
  return template.findResources('AWS::Events::Rule');
}

/** The one rule of a template. */
export function onlyEventRule(template: Template): { logicalId: string; properties: any } {
  const rules = Object.entries(eventRules(template));
  if (rules.length !== 1) {
    throw new Error(`expected one AWS::Events::Rule, found ${rules.length}`);
  }
  const [logicalId, rule] = rules[0];
  return { logicalId, properties: (rule as any).Properties };
}

/**
 * A synthesized value with its `Fn::GetAtt <id>.Arn` references replaced by the concrete
 * ARNs given and `Fn::Join` joined, as CloudFormation would resolve them. Any other intrinsic throws: a pattern
 * is only checked once every value in it is concrete.
 */
export function resolveArns(value: unknown, arnsByLogicalId: Record<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map(item => resolveArns(item, arnsByLogicalId));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const object = value as Record<string, unknown>;
  const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt !== undefined) {
    const arn = arnsByLogicalId[getAtt[0]];
    if (getAtt[1] !== 'Arn' || arn === undefined) {
      throw new Error(`no concrete value for ${JSON.stringify(object)}`);
    }
    return arn;
  }
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join !== undefined) {
    return join[1].map(part => resolveArns(part, arnsByLogicalId)).join(join[0]);
  }
  const intrinsic = Object.keys(object).find(key => key === 'Ref' || key.startsWith('Fn::'));
  if (intrinsic !== undefined) {
    throw new Error(`no concrete value for ${JSON.stringify(object)}`);
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolveArns(item, arnsByLogicalId)]));
}

/** The concrete event pattern of the template's one rule. */
export function concreteEventPattern(template: Template, arnsByLogicalId: Record<string, string> = {}): EventPattern {
  return resolveArns(onlyEventRule(template).properties.EventPattern, arnsByLogicalId) as EventPattern;
}
