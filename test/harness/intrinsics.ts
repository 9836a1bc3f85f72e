/**
 * CloudFormation's intrinsic functions and pseudo parameters, as far as
 * synthesized CDK templates use them: Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::Select, Fn::Split, Fn::If and the condition functions, Fn::FindInMap,
 * Fn::Base64. Anything else is an error naming the function and where.
 */
import type { CfnTemplate } from './synthesized-stack';

export interface ResolutionContext {
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly accountId: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly conditions: Readonly<Record<string, boolean>>;
  readonly mappings?: CfnTemplate['Mappings'];
  /** A resource's physical id (what Ref returns for most resources). */
  ref(logicalId: string): string;
  /** A resource's attribute. */
  getAtt(logicalId: string, attribute: string): unknown;
}

/** What `AWS::NoValue` resolves to: the property disappears. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves every intrinsic in `value`. */
export function resolve(value: unknown, context: ResolutionContext, where = '$'): unknown {
  const resolved = resolveValue(value, context, where);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveValue(value: unknown, context: ResolutionContext, where: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveValue(item, context, `${where}[${i}]`)).filter(item => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::') || entries[0][0] === 'Condition')) {
    return intrinsic(entries[0][0], entries[0][1], context, where);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveValue(item, context, `${where}.${key}`);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

function intrinsic(name: string, argument: unknown, context: ResolutionContext, where: string): unknown {
  const at = `${where} (${name})`;
  switch (name) {
    case 'Ref':
      return ref(String(argument), context, at);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? argument as string[] : String(argument).split(/\.(.*)/);
      return context.getAtt(logicalId, String(resolveValue(attribute, context, at)));
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown];
      return (resolveValue(parts, context, at) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Sub':
      return substitute(argument, context, at);
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      return (resolveValue(list, context, at) as unknown[])[Number(resolveValue(index, context, at))];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return String(resolveValue(text, context, at)).split(separator);
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolveValue(argument, context, at))).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = (argument as unknown[]).map(part => String(resolveValue(part, context, at)));
      const found = context.mappings?.[map]?.[top]?.[second];
      if (found === undefined) throw new Error(`${at}: no mapping ${map}.${top}.${second}`);
      return found;
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolveValue(condition in context.conditions && context.conditions[condition] ? whenTrue : whenFalse, context, at);
    }
    case 'Condition':
      return context.conditions[String(argument)] ?? false;
    case 'Fn::Equals': {
      const [left, right] = (argument as unknown[]).map(part => resolveValue(part, context, at));
      return JSON.stringify(left) === JSON.stringify(right);
    }
    case 'Fn::And':
      return (argument as unknown[]).every(part => resolveValue(part, context, at) === true);
    case 'Fn::Or':
      return (argument as unknown[]).some(part => resolveValue(part, context, at) === true);
    case 'Fn::Not':
      return resolveValue((argument as unknown[])[0], context, at) !== true;
    default:
      throw new Error(`${at}: the stack simulator does not resolve ${name}`);
  }
}

function ref(name: string, context: ResolutionContext, at: string): unknown {
  switch (name) {
    case 'AWS::AccountId': return context.accountId;
    case 'AWS::Region': return context.region;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return context.stackName;
    case 'AWS::StackId': return context.stackId;
    case 'AWS::NoValue': return NO_VALUE;
    case 'AWS::NotificationARNs': return [];
  }
  if (name in context.parameters) return context.parameters[name];
  if (name.startsWith('AWS::')) throw new Error(`${at}: unknown pseudo parameter ${name}`);
  return context.ref(name);
}

/** Fn::Sub: `${Name}` (parameter, pseudo parameter or resource), `${Resource.Attribute}`, `${!Literal}`, and local variables. */
function substitute(argument: unknown, context: ResolutionContext, at: string): string {
  const [text, variables] = typeof argument === 'string' ? [argument, {}] : argument as [string, Record<string, unknown>];
  const locals = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, resolveValue(value, context, at)]));
  return text.replace(/\$\{([^}]+)\}/g, (_match, expression: string) => {
    if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
    if (expression in locals) return String(locals[expression]);
    const dot = expression.indexOf('.');
    if (dot > 0 && !expression.startsWith('AWS::')) return String(context.getAtt(expression.slice(0, dot), expression.slice(dot + 1)));
    return String(ref(expression, context, at));
  });
}

/** The logical ids `value` refers to (Ref, Fn::GetAtt, Fn::Sub), for ordering resources by dependency. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) references(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof item === 'string' && !item.startsWith('AWS::')) {into.add(item);} else if (key === 'Fn::GetAtt') {into.add(Array.isArray(item) ? String(item[0]) : String(item).split('.')[0]);} else if (key === 'Fn::Sub') {
        const text = typeof item === 'string' ? item : (item as unknown[])[0] as string;
        for (const match of text.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)) {
          if (!match[1].startsWith('AWS::')) into.add(match[1]);
        }
        if (Array.isArray(item)) references(item[1], into);
      } else {references(item, into);}
    }
  }
  return into;
}

/** Evaluates the template's Conditions section. */
export function evaluateConditions(template: CfnTemplate, context: Omit<ResolutionContext, 'conditions'>): Record<string, boolean> {
  const conditions: Record<string, boolean> = {};
  const definitions = template.Conditions ?? {};
  const evaluate = (name: string, seen: Set<string>): boolean => {
    if (name in conditions) return conditions[name];
    if (seen.has(name)) throw new Error(`Condition ${name} refers to itself`);
    const lazy = new Proxy({}, {
      get: (_t, key: string) => evaluate(key, new Set([...seen, name])),
      has: (_t, key: string) => key in definitions,
    }) as Record<string, boolean>;
    conditions[name] = resolveValue(definitions[name], { ...context, conditions: lazy }, `Conditions.${name}`) === true;
    return conditions[name];
  };
  for (const name of Object.keys(definitions)) evaluate(name, new Set());
  return conditions;
}
