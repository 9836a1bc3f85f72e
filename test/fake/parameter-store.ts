/**
 * SSM Parameter Store, as far as the handler's ownership records use it: GetParameter,
 * PutParameter, DeleteParameter and GetParametersByPath. Wire-agnostic: operations take
 * the decoded awsJson1_1 input, return the output, and throw ServiceError with SSM's
 * error names and members (some SSM errors spell their member `message`, lower case).
 */
import { ServiceError } from './service-error';

export const SSM_OPERATIONS = ['GetParameter', 'PutParameter', 'DeleteParameter', 'GetParametersByPath'] as const;
export type SsmOperation = typeof SSM_OPERATIONS[number];

/** One parameter as scripting and observation see it. */
export interface ParameterSnapshot {
  readonly name: string;
  readonly value: string;
  readonly version: number;
}

interface StoredParameter extends ParameterSnapshot {
  readonly type: string;
  readonly tier: 'Standard' | 'Advanced';
  readonly lastModifiedMs: number;
  /** The version before this one: what a lagging list still shows. */
  readonly previous?: StoredParameter;
}

const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'];
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'];
const MAX_LEVELS = 15;
/** The model allows 2048, of which the docs reserve 1037 for internal use: 1011 for a name you create. */
const MAX_NAME_LENGTH = 2048;
const MAX_CREATED_NAME_LENGTH = 1011;
const MAX_STANDARD_VALUE_LENGTH = 4096;
const MAX_ADVANCED_VALUE_LENGTH = 8192;
const MAX_RESULTS_PER_PAGE = 10;
const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;
const RESERVED_PREFIX = /^\/?(aws|ssm)/i;
const NAMING_RULES = 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of '
  + 'sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

const PATH_RULES = 'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". '
  + 'It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). '
  + 'All sub-paths, if specified, must use the forward slash symbol "/".';

/**
 * GetParametersByPath pages: `full` pages hold MaxResults items until the last. SSM documents
 * its results as best effort ("between zero and the value of MaxResults", with a NextToken):
 * `best-effort` answers the first page of every listing empty with a NextToken and later pages
 * with at most half of MaxResults, so a reader that stops at a short or empty page misses records.
 */
export type PathPaging = 'full' | 'best-effort';

export class ParameterStore {
  private readonly stored = new Map<string, StoredParameter>();
  /**
   * How long GetParametersByPath lags a write (SSM does not promise that a list shows
   * another writer's parameter at once): a parameter written less than this long ago is
   * listed as it was before (left out if it is new). GetParameter always reads the latest.
   */
  listLagMs = 0;

  constructor(
    private readonly now: () => number,
    /** `arn:<partition>:ssm:<region>:<account>:parameter/...` of a name. */
    readonly arnOf: (name: string) => string,
    private readonly paging: PathPaging = 'full',
  ) {}

  execute(operation: SsmOperation, input: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'GetParameter': return this.getParameter(input);
      case 'PutParameter': return this.putParameter(input);
      case 'DeleteParameter': return this.deleteParameter(input);
      case 'GetParametersByPath': return this.getParametersByPath(input);
    }
  }

  // ---- scripting and observation ------------------------------------------

  parameters(): ParameterSnapshot[] {
    return [...this.stored.values()].sort(byName).map(({ name, value, version }) => ({ name, value, version }));
  }

  /** Creates or overwrites a String parameter out of band (a new version). */
  put(name: string, value: string): void {
    const problem = nameProblem(name, { creating: true });
    if (problem) throw new Error(`invalid parameter name ${JSON.stringify(name)}: ${problem.message}`);
    this.store(name, value, 'String', 'Standard');
  }

  delete(name: string): void {
    this.stored.delete(name);
  }

  reset(): void {
    this.stored.clear();
    this.listLagMs = 0;
  }

  // ---- operations -----------------------------------------------------------

  private getParameter(input: Record<string, unknown>): Record<string, unknown> {
    const name = this.requireName(input);
    readBoolean(input, 'WithDecryption');
    const parameter = this.stored.get(name);
    if (!parameter) throw parameterNotFound();
    return { Parameter: this.describe(parameter) };
  }

  private putParameter(input: Record<string, unknown>): Record<string, unknown> {
    const name = this.requireName(input, true);
    const value = readString(input, 'Value');
    const type = readString(input, 'Type');
    const overwrite = readBoolean(input, 'Overwrite') ?? false;
    const tier = readString(input, 'Tier');
    if (value === undefined) throw validation(notNull('value'));
    if (value.length < 1) throw validation(memberLength('value', 'greater than or equal to 1'));
    if (value.length > MAX_ADVANCED_VALUE_LENGTH) throw validation(memberLength('value', `less than or equal to ${MAX_ADVANCED_VALUE_LENGTH}`));
    if (type !== undefined && !PARAMETER_TYPES.includes(type)) throw validation(enumValue('type', type, PARAMETER_TYPES));
    if (tier !== undefined && !TIERS.includes(tier)) throw validation(enumValue('tier', tier, TIERS));

    const existing = this.stored.get(name);
    if (existing && !overwrite) {
      throw new ServiceError('ParameterAlreadyExists', 400, undefined, {
        message: 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      });
    }
    if (!existing && type === undefined) throw validation('A parameter type is required when you create a parameter.');
    const effectiveTier = tierFor(tier, value, existing?.tier);
    if (effectiveTier === 'Standard' && value.length > MAX_STANDARD_VALUE_LENGTH) {
      throw validation(`Standard tier parameters support a maximum parameter value of ${MAX_STANDARD_VALUE_LENGTH} characters. `
        + 'To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see '
        + 'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html');
    }
    const stored = this.store(name, value, type ?? existing!.type, effectiveTier);
    return { Version: stored.version, Tier: stored.tier };
  }

  private deleteParameter(input: Record<string, unknown>): Record<string, unknown> {
    const name = this.requireName(input);
    if (!this.stored.delete(name)) throw parameterNotFound();
    return {};
  }

  private getParametersByPath(input: Record<string, unknown>): Record<string, unknown> {
    const path = readString(input, 'Path');
    const recursive = readBoolean(input, 'Recursive') ?? false;
    const maxResults = readInteger(input, 'MaxResults') ?? MAX_RESULTS_PER_PAGE;
    const nextToken = readString(input, 'NextToken');
    readBoolean(input, 'WithDecryption');
    if (path === undefined) throw validation(notNull('path'));
    if (!path.startsWith('/') || !NAME_CHARACTERS.test(path) || path.includes('//')) throw validation(PATH_RULES);
    if (maxResults < 1 || maxResults > MAX_RESULTS_PER_PAGE) {
      throw validation(`1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: `
        + `Member must have value ${maxResults < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_RESULTS_PER_PAGE}`}`);
    }
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const matching = [...this.stored.values()].map(p => this.asListed(p)).filter((p): p is StoredParameter => p !== undefined)
      .filter(p => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes('/')))
      .sort(byName);
    const after = nextToken === undefined ? undefined : decodeToken(nextToken, path, recursive);
    const remaining = after === undefined ? matching : matching.filter(p => p.name > after);
    const pageSize = this.paging === 'full' ? maxResults : nextToken === undefined ? 0 : Math.ceil(maxResults / 2);
    const page = remaining.slice(0, pageSize);
    const more = remaining.length > page.length;
    return {
      Parameters: page.map(p => this.describe(p)),
      ...(more && { NextToken: encodeToken(page.length > 0 ? page[page.length - 1].name : after ?? '', path, recursive) }),
    };
  }

  // ---- internals --------------------------------------------------------------

  private requireName(input: Record<string, unknown>, creating = false): string {
    const raw = readString(input, 'Name');
    if (raw === undefined) throw validation(notNull('name'));
    // The service trims spaces around a name.
    const name = raw.trim();
    const problem = nameProblem(name, { creating });
    if (problem) throw problem;
    return name;
  }

  /** A parameter as a lagging list shows it: the latest version once it is older than the lag, else the one before. */
  private asListed(parameter: StoredParameter | undefined): StoredParameter | undefined {
    if (!parameter || this.listLagMs <= 0 || parameter.lastModifiedMs <= this.now() - this.listLagMs) return parameter;
    return this.asListed(parameter.previous);
  }

  private store(name: string, value: string, type: string, tier: 'Standard' | 'Advanced'): StoredParameter {
    const existing = this.stored.get(name);
    const version = (existing?.version ?? 0) + 1;
    const { previous: _older, ...before } = existing ?? {} as StoredParameter;
    const parameter: StoredParameter = {
      name, value, version, type, tier, lastModifiedMs: this.now(), ...(existing ? { previous: before as StoredParameter } : {}),
    };
    this.stored.set(name, parameter);
    return parameter;
  }

  /** SSM's Parameter shape; LastModifiedDate in epoch seconds as awsJson sends timestamps. */
  private describe(parameter: StoredParameter): Record<string, unknown> {
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: parameter.value,
      Version: parameter.version,
      LastModifiedDate: parameter.lastModifiedMs / 1000,
      ARN: this.arnOf(parameter.name),
      DataType: 'text',
    };
  }
}

/**
 * What SSM answers for a name that breaks its naming rules, or undefined. Reading a
 * name under the reserved `aws`/`ssm` prefixes is allowed (public parameters live there).
 */
function nameProblem(name: string, { creating }: { creating: boolean }): ServiceError | undefined {
  if (name.length < 1 || name.length > MAX_NAME_LENGTH) {
    return validation(memberLength('name', `between 1 and ${MAX_NAME_LENGTH}`));
  }
  if (creating && name.length > MAX_CREATED_NAME_LENGTH) {
    return validation(`Parameter name must be at most ${MAX_CREATED_NAME_LENGTH} characters long.`);
  }
  if (!NAME_CHARACTERS.test(name) || (creating && RESERVED_PREFIX.test(name))) return validation(NAMING_RULES);
  if (name.includes('/') && !name.startsWith('/')) return validation('Parameter name must be a fully qualified name.');
  const levels = name.split('/').slice(1);
  if (levels.some(level => level === '')) return validation(NAMING_RULES);
  if (levels.length > MAX_LEVELS) {
    return new ServiceError('HierarchyLevelLimitExceededException', 400, undefined, {
      message: `A hierarchy can have a maximum of ${MAX_LEVELS} levels. For more information, see Requirements and constraints `
        + 'for parameter names in the Amazon Web Services Systems Manager User Guide.',
    });
  }
  return undefined;
}

function tierFor(requested: string | undefined, value: string, existing: 'Standard' | 'Advanced' | undefined): 'Standard' | 'Advanced' {
  if (requested === 'Advanced' || existing === 'Advanced') return 'Advanced';
  if (requested === 'Intelligent-Tiering') return value.length > MAX_STANDARD_VALUE_LENGTH ? 'Advanced' : 'Standard';
  return 'Standard';
}

/** SSM answers a missing parameter with the error name alone: no message. */
function parameterNotFound(): ServiceError {
  return new ServiceError('ParameterNotFound', 400, undefined);
}

function validation(message: string): ServiceError {
  return new ServiceError('ValidationException', 400, message);
}

function notNull(member: string): string {
  return `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`;
}

function memberLength(member: string, bound: string): string {
  return `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length ${bound}`;
}

function enumValue(member: string, value: string, allowed: readonly string[]): string {
  return `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: `
    + `Member must satisfy enum value set: [${allowed.join(', ')}]`;
}

function encodeToken(after: string, path: string, recursive: boolean): string {
  return Buffer.from(JSON.stringify({ after, path, recursive })).toString('base64');
}

function decodeToken(token: string, path: string, recursive: boolean): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown; path?: unknown; recursive?: unknown };
    if (typeof decoded.after === 'string' && decoded.path === path && decoded.recursive === recursive) return decoded.after;
  } catch {
    // falls through to the error below
  }
  throw new ServiceError('InvalidNextToken', 400, 'The specified token isn\'t valid.');
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function readString(input: Record<string, unknown>, member: string): string | undefined {
  return readTyped(input, member, 'string') as string | undefined;
}

function readBoolean(input: Record<string, unknown>, member: string): boolean | undefined {
  return readTyped(input, member, 'boolean') as boolean | undefined;
}

function readInteger(input: Record<string, unknown>, member: string): number | undefined {
  const value = readTyped(input, member, 'number') as number | undefined;
  if (value !== undefined && !Number.isInteger(value)) {
    throw new ServiceError('SerializationException', 400, `Value of '${member}' must be an integer`);
  }
  return value;
}

/** A member of the wrong JSON type cannot be deserialized: SerializationException, as awsJson services answer. */
function readTyped(input: Record<string, unknown>, member: string, type: 'string' | 'boolean' | 'number'): unknown {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new ServiceError('SerializationException', 400, `Value of '${member}' must be a ${type}, got ${typeof value}`);
  return value;
}
