import { DEFAULTS, LIMITS, PROPERTY, type AssociationResourceProperties } from '../../src/handler-contract';
import { AssociationFailure } from '../aws/service-errors';

/** The resource properties, parsed and checked: what the handler acts on. */
export interface AssociationSettings {
  readonly action: string;
  readonly mpaTeamArn: string;
  readonly requesterComment?: string;
  readonly approvalTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly reportApprovalProgress: boolean;
}

/** A resource property that breaks a rule; its message names the property and the rule. */
export class InvalidPropertyError extends AssociationFailure {
  constructor(readonly property: string, rule: string) {
    super(`Invalid resource property ${property}: ${rule}. Nothing was changed.`);
    this.name = 'InvalidPropertyError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * The old properties of an Update, read field by field: only what ownership
 * needs, so that a field a newer rule rejects never makes the resource's own
 * team look foreign. Undefined where a field is unreadable.
 */
export function readOldProperties(raw: object | undefined): { readonly action?: string; readonly team?: string } {
  const props: Partial<Record<keyof AssociationResourceProperties, unknown>> = raw ?? {};
  const action = props.Action === undefined || props.Action === '' ? DEFAULTS.ACTION : props.Action;
  const team = props.MpaTeamArn;
  return {
    action: typeof action === 'string' && LIMITS.ACTION_PATTERN.test(action) ? action : undefined,
    team: typeof team === 'string' && LIMITS.MPA_TEAM_ARN_PATTERN.test(team) ? team : undefined,
  };
}

/** How long an engine may wait for approvers: the custom resource at most 55 minutes, a registry type a day. */
export interface ApprovalTimeoutBounds {
  readonly defaultSeconds: number;
  readonly maxSeconds: number;
}

export const CUSTOM_RESOURCE_BOUNDS: ApprovalTimeoutBounds = {
  defaultSeconds: DEFAULTS.APPROVAL_TIMEOUT_SECONDS,
  maxSeconds: LIMITS.MAX_APPROVAL_TIMEOUT_SECONDS,
};

/**
 * Parses the properties CloudFormation delivers (every value a string), as the
 * construct wrote them or as an older or hand-written template has them.
 */
export function parseResourceProperties(raw: object | undefined, bounds = CUSTOM_RESOURCE_BOUNDS): AssociationSettings {
  const props: Partial<Record<keyof AssociationResourceProperties, unknown>> = raw ?? {};
  return {
    action: parseAction(props.Action),
    mpaTeamArn: parseTeamArn(props.MpaTeamArn),
    requesterComment: parseRequesterComment(props.RequesterComment),
    ...parseTimingSettings(props, bounds),
  };
}

/** How long to wait, how often to poll, whether to report progress: checked, with the defaults applied. */
export function parseTimingSettings(raw: object | undefined, bounds = CUSTOM_RESOURCE_BOUNDS)
  : Pick<AssociationSettings, 'approvalTimeoutMs' | 'pollIntervalMs' | 'reportApprovalProgress'> {
  const props: Partial<Record<keyof AssociationResourceProperties, unknown>> = raw ?? {};
  const settings = {
    approvalTimeoutMs: parseWholeSeconds(
      PROPERTY.APPROVAL_TIMEOUT_SECONDS, props.ApprovalTimeoutSeconds, bounds.defaultSeconds,
      LIMITS.MIN_APPROVAL_TIMEOUT_SECONDS, bounds.maxSeconds) * 1000,
    pollIntervalMs: parseWholeSeconds(
      PROPERTY.POLL_INTERVAL_SECONDS, props.PollIntervalSeconds, DEFAULTS.POLL_INTERVAL_SECONDS,
      LIMITS.MIN_POLL_INTERVAL_SECONDS, LIMITS.MAX_POLL_INTERVAL_SECONDS) * 1000,
    reportApprovalProgress: parseBoolean(PROPERTY.REPORT_APPROVAL_PROGRESS, props.ReportApprovalProgress, true),
  };
  if (settings.pollIntervalMs > settings.approvalTimeoutMs) {
    throw new InvalidPropertyError(PROPERTY.POLL_INTERVAL_SECONDS,
      `must not exceed ${PROPERTY.APPROVAL_TIMEOUT_SECONDS} (${settings.approvalTimeoutMs / 1000}), got ${settings.pollIntervalMs / 1000}`);
  }
  return settings;
}

function parseAction(value: unknown): string {
  if (value === undefined || value === '') {
    return DEFAULTS.ACTION;
  }
  if (typeof value !== 'string' || !LIMITS.ACTION_PATTERN.test(value)) {
    throw new InvalidPropertyError(PROPERTY.ACTION, `must be an operation name in upper snake case such as ${DEFAULTS.ACTION}, got ${describe(value)}`);
  }
  return value;
}

function parseTeamArn(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw new InvalidPropertyError(PROPERTY.MPA_TEAM_ARN, 'is required (the ARN of an MPA approval team)');
  }
  if (typeof value !== 'string'
    || value.length < LIMITS.MIN_MPA_TEAM_ARN_LENGTH
    || value.length > LIMITS.MAX_MPA_TEAM_ARN_LENGTH
    || !LIMITS.MPA_TEAM_ARN_PATTERN.test(value)) {
    throw new InvalidPropertyError(PROPERTY.MPA_TEAM_ARN,
      `must be an approval team ARN (arn:<partition>:mpa:<region>:<account>:approval-team/<name>, ${LIMITS.MIN_MPA_TEAM_ARN_LENGTH}..${LIMITS.MAX_MPA_TEAM_ARN_LENGTH} characters), got ${describe(value)}`);
  }
  return value;
}

function parseRequesterComment(value: unknown): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InvalidPropertyError(PROPERTY.REQUESTER_COMMENT, 'must be a string');
  }
  if (value.length > LIMITS.MAX_REQUESTER_COMMENT_LENGTH) {
    // The value is sensitive: name its length, never its text.
    throw new InvalidPropertyError(PROPERTY.REQUESTER_COMMENT,
      `must be at most ${LIMITS.MAX_REQUESTER_COMMENT_LENGTH} characters, got ${value.length}`);
  }
  return value;
}

function parseWholeSeconds(property: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim())) {
    throw new InvalidPropertyError(property, `must be a whole number of seconds, got ${describe(value)}`);
  }
  const seconds = Number(text.trim());
  if (seconds < min || seconds > max) {
    throw new InvalidPropertyError(property, `must be between ${min} and ${max} seconds, got ${seconds}`);
  }
  return seconds;
}

function parseBoolean(property: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === '') {
    return fallback;
  }
  if (value === true || value === 'true') {
    return true;
  }
  if (value === false || value === 'false') {
    return false;
  }
  throw new InvalidPropertyError(property, `must be 'true' or 'false', got ${describe(value)}`);
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
