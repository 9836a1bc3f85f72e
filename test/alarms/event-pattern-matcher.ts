/**
 * A small EventBridge event-pattern matcher: just the operators the change alarms use, so
 * that their patterns can be checked against CloudTrail events locally. It follows
 * "Content filtering in Amazon EventBridge event patterns"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html)
 * and "Comparison operators for use in event patterns"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 *
 * - fields of a pattern are ANDed; the values listed for a field are ORed;
 * - exact values (strings, numbers, booleans, null);
 * - `prefix`; `anything-but` with a value, a list of values or `{ prefix }`;
 * - `exists` (leaf nodes only: a field whose value is an object is not a leaf, so
 *   `exists: false` matches it and `exists: true` does not);
 * - `$or` between sub-patterns;
 * - an event value that is an array matches if any of its elements matches.
 *
 * Any other operator throws, so that a pattern using one cannot pass unchecked.
 */
export type EventPattern = { [field: string]: unknown };

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const object = isObject(event) ? event : {};
  return Object.entries(pattern).every(([field, condition]) => {
    if (field === '$or') {
      if (!Array.isArray(condition) || condition.length < 2) {
        throw new Error(`$or takes a list of at least two patterns; got ${JSON.stringify(condition)}`);
      }
      return condition.some(alternative => matchesPattern(alternative as EventPattern, object));
    }
    const value = object[field];
    if (Array.isArray(condition)) {
      return matchesLeaf(condition, value);
    }
    if (isObject(condition)) {
      return Array.isArray(value)
        ? value.some(element => matchesPattern(condition, element))
        : matchesPattern(condition, value);
    }
    throw new Error(`pattern field ${field} must be a list of values or a nested pattern; got ${JSON.stringify(condition)}`);
  });
}

function matchesLeaf(matchers: unknown[], value: unknown): boolean {
  const leaves = Array.isArray(value) ? value : [value];
  return matchers.some(matcher => leaves.some(leaf => matchesOne(matcher, leaf)));
}

function matchesOne(matcher: unknown, leaf: unknown): boolean {
  const isLeaf = leaf !== undefined && !isObject(leaf);
  if (!isObject(matcher)) {
    return isLeaf && leaf === matcher;
  }
  const [operator, ...others] = Object.keys(matcher);
  if (others.length > 0) {
    throw new Error(`one operator per matcher; got ${JSON.stringify(matcher)}`);
  }
  const operand = matcher[operator];
  switch (operator) {
    case 'exists':
      return operand === isLeaf;
    case 'prefix':
      return isLeaf && typeof leaf === 'string' && typeof operand === 'string' && leaf.startsWith(operand);
    case 'anything-but':
      return isLeaf && !excludedBy(operand, leaf);
    default:
      throw new Error(`operator ${operator} is not implemented by this matcher`);
  }
}

function excludedBy(operand: unknown, leaf: unknown): boolean {
  if (Array.isArray(operand)) {
    return operand.includes(leaf);
  }
  if (isObject(operand)) {
    if (Object.keys(operand).length === 1 && typeof operand.prefix === 'string') {
      return typeof leaf === 'string' && leaf.startsWith(operand.prefix);
    }
    throw new Error(`anything-but supports a value, a list or { prefix } here; got ${JSON.stringify(operand)}`);
  }
  return leaf === operand;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
