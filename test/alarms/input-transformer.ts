/**
 * What EventBridge makes of a target's InputTransformer for one event, as "Amazon
 * EventBridge input transformation" describes it
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * a placeholder in a JSON value position becomes the value's JSON; inside a quoted text, a
 * string value is inserted as it is. A path the event lacks "isn't created": here it
 * becomes an empty text inside a quoted text, and an error in a value position, because
 * EventBridge does not document what it writes there and the alarm must not depend on it.
 */
export function transformInput(template: string, inputPathsMap: Record<string, string>, event: unknown): string {
  let output = '';
  let insideText = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '"' && template[i - 1] !== '\\') {
      insideText = !insideText;
    }
    const placeholder = c === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder === null || inputPathsMap[placeholder[1]] === undefined) {
      output += c;
      continue;
    }
    const value = valueAt(event, inputPathsMap[placeholder[1]]);
    if (insideText) {
      output += value === undefined ? '' : String(value);
    } else if (value === undefined) {
      throw new Error(`${placeholder[0]} (${inputPathsMap[placeholder[1]]}) is missing from the event and stands as a JSON value`);
    } else {
      output += JSON.stringify(value);
    }
    i += placeholder[0].length - 1;
  }
  return output;
}

/** The value at a JSONPath of the form `$.a.b.c`. */
export function valueAt(event: unknown, path: string): unknown {
  return path.replace(/^\$\.?/, '').split('.').filter(Boolean)
    .reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as any)[key] : undefined), event);
}
