/**
 * How the handler reads errors from the control plane: which are worth waiting
 * out, which end the operation, and how to say so in a CloudFormation reason.
 */

const TRANSIENT_ERROR_NAMES = new Set([
  'ThrottlingException',
  'InternalServerException',
  'ServiceUnavailableException',
  // SSM's name for its 500.
  'InternalServerError',
  // Network-level failures surfaced by the SDK's HTTP handler, and this handler's own deadline.
  'TimeoutError',
  'AbortError',
  'BudgetExhaustedError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function errorName(error: unknown): string {
  const e = error as ErrorLike | undefined;
  return e?.name ?? 'Error';
}

export function errorMessage(error: unknown): string {
  const e = error as ErrorLike | undefined;
  return e?.message ?? String(error);
}

/** Throttling, 5xx and dropped or timed-out connections: retry, then keep polling. */
export function isTransient(error: unknown): boolean {
  const e = error as ErrorLike | undefined;
  if (!e || error instanceof AssociationFailure) return false;
  if (TRANSIENT_ERROR_NAMES.has(e.name ?? '') || TRANSIENT_NETWORK_CODES.has(e.code ?? '')) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  // The service answered: its status decides, not its message (AccessDenied
  // messages name roles and teams, such as NetworkStack-HandlerRole).
  if (status !== undefined) return false;
  return /socket hang up|ECONNRESET|network|timed? ?out/i.test(e.message ?? '');
}

export function isResourceNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

export function isConflict(error: unknown): boolean {
  return errorName(error) === 'ConflictException';
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** Leaves room in CloudFormation's 4096-byte response for the framework's own fields. */
const MAX_REASON_LENGTH = 2000;

/**
 * A permanent failure: its message becomes the CloudFormation event reason as is.
 * Lambda's runtime sends an error's stack lines as its trace, and aws-cdk-lib's
 * framework appends them to the reason: the stack is the message alone, so the
 * reason carries no minified frames.
 */
export class AssociationFailure extends Error {
  constructor(message: string) {
    // CloudFormation takes at most 4096 bytes of response, reason included.
    super(truncate(message.replace(/\s*\n\s*/g, ' '), MAX_REASON_LENGTH));
    this.name = 'AssociationFailure';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** IAM actions each operation needs beyond its own, per the service's authorization reference. */
const DEPENDENT_PERMISSIONS: Record<string, string[]> = {
  AssociateMpaTeam: ['mpa:StartSession', 'mpa:CancelSession', 'mpa:GetApprovalTeam'],
  DisassociateMpaTeam: ['mpa:StartSession', 'mpa:CancelSession'],
  GetMpaTeamAssociation: [],
};

/** A service's own words, quoted inside a reason's parentheses: on one line, without a closing period. */
function quoted(detail: string, max = 400): string {
  return truncate(detail.replace(/\s+/g, ' ').trim().replace(/\.+$/, ''), max);
}

/**
 * Turns an error that waiting cannot fix (AccessDenied, Validation, quota, or
 * anything unmodelled) into a failure of two sentences: what the service
 * refused and why, in its own words, then what to do. AccessDenied names the
 * permissions involved.
 */
export function permanentFailure(operation: string, error: unknown, subject: string): AssociationFailure {
  const name = errorName(error);
  const said = quoted(errorMessage(error));
  switch (name) {
    case 'AccessDeniedException': {
      const permissions = [`payment-cryptography:${operation}`, ...(DEPENDENT_PERMISSIONS[operation] ?? [])].join(', ');
      return new AssociationFailure(
        `${operation} was denied (AccessDeniedException) for ${subject}: the service refused the call (IAM said: ${said}). `
        + `The handler role needs ${permissions} on that approval team and its sessions: for a team of another account or region, `
        + 'call grantHandlerAccessToTeamsOf with its ARN (a permissions boundary or an SCP may deny it too).');
    }
    case 'ValidationException':
      return new AssociationFailure(`${operation} was rejected as invalid (ValidationException) for ${subject}: the service refused the call `
        + `(it said: ${said}). Fix the value it names, then deploy again.`);
    case 'ServiceQuotaExceededException':
      return new AssociationFailure(`${operation} exceeded a service quota (ServiceQuotaExceededException) for ${subject}: the service refused `
        + `the call (it said: ${said}). Raise the quota or free capacity, then deploy again.`);
    default:
      return new AssociationFailure(`${operation} failed for ${subject} with ${name} (${said}). Deploy again to retry.`);
  }
}

/**
 * What an entry point throws: an AssociationFailure as it is, anything else (a bug,
 * an unexpected error) as a two-sentence failure that names it, so that the reason
 * never carries a minified stack. The full error goes to the log.
 */
export function reportable(error: unknown): AssociationFailure {
  if (error instanceof AssociationFailure) return error;
  console.log(JSON.stringify({ level: 'error', event: 'unexpected-error', error: errorName(error), stack: (error as Error)?.stack }));
  return new AssociationFailure(`Unexpected ${errorName(error)} in the handler (${quoted(errorMessage(error), 300)}); `
    + 'nothing more was changed, and the handler\'s log has its stack. Retry the deployment.');
}
