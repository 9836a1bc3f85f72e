/**
 * IAM policy evaluation, as far as the handler's role needs it: identity
 * policies made of Allow and Deny statements, Action/NotAction and
 * Resource/NotResource with `*` and `?` wildcards. An explicit Deny wins,
 * then any Allow; otherwise the call is denied. Conditions are not evaluated:
 * a statement with one is refused when the policy is read, so that no test
 * relies on a grant the simulator cannot judge.
 */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: unknown;
}

/** The statements of a document, checked for what the evaluator supports. */
export function statementsOf(document: PolicyDocument, where: string): readonly PolicyStatement[] {
  const statements = Array.isArray(document.Statement) ? document.Statement as readonly PolicyStatement[] : [document.Statement as PolicyStatement];
  for (const statement of statements) {
    if (statement.Condition !== undefined) {
      throw new Error(`${where}: statement ${statement.Sid ?? JSON.stringify(statement.Action)} has a Condition, which the simulator does not evaluate`);
    }
  }
  return statements;
}

/** Whether `documents` allow `action` (`service:Operation`) on `resource` (an ARN; undefined for an action without resource-level permissions). */
export function isAllowed(documents: readonly PolicyDocument[], action: string, resource: string | undefined): boolean {
  const applying = documents.flatMap(document => statementsOf(document, 'policy')).filter(statement => applies(statement, action, resource));
  if (applying.some(statement => statement.Effect === 'Deny')) return false;
  return applying.some(statement => statement.Effect === 'Allow');
}

function applies(statement: PolicyStatement, action: string, resource: string | undefined): boolean {
  const actionMatches = statement.Action !== undefined
    ? list(statement.Action).some(pattern => wildcardMatch(pattern, action, true))
    : statement.NotAction !== undefined && !list(statement.NotAction).some(pattern => wildcardMatch(pattern, action, true));
  if (!actionMatches) return false;
  const target = resource ?? '*';
  if (statement.Resource !== undefined) return list(statement.Resource).some(pattern => resourceMatches(pattern, target));
  return statement.NotResource !== undefined && !list(statement.NotResource).some(pattern => resourceMatches(pattern, target));
}

function resourceMatches(pattern: string, resource: string): boolean {
  // An action without resource-level permissions needs Resource "*".
  return resource === '*' ? pattern === '*' : wildcardMatch(pattern, resource, false);
}

/** `*` matches any run of characters, `?` any one; action names compare without case, ARNs with. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  return patternExpression(pattern, ignoreCase).test(value);
}

/** Compiled once per pattern: the authorizer asks on every request the fake serves. */
const patternExpressions = new Map<string, RegExp>();

function patternExpression(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 'c'}${pattern}`;
  let expression = patternExpressions.get(key);
  if (!expression) {
    const source = pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
    expression = new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
    patternExpressions.set(key, expression);
  }
  return expression;
}

function list(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}
