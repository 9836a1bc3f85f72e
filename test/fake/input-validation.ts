/**
 * Input validation of the Payment Cryptography control plane's MPA operations, as the
 * service model constrains them. Failures are ValidationException messages in the
 * service's style that name the field; the sensitive RequesterComment is never echoed.
 */
import { ServiceError, validationError } from './service-error';

export const KNOWN_ACTIONS: readonly string[] = ['IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'];
export const MPA_TEAM_ARN_PATTERN = /^arn:aws(-[^:]+)?:mpa:[a-z0-9-]{1,20}:[0-9]{12}:approval-team\/[a-zA-Z0-9._-]+$/;
export const SESSION_ARN_PATTERN = /^arn:aws(-[^:]+)?:mpa:[a-z0-9-]{1,20}:[0-9]{12}:session\/[a-zA-Z0-9._-]+\/[a-zA-Z0-9_-]+$/;
/** MpaTeamArn and SessionArn share these length bounds in both models. */
export const ARN_LENGTH = { min: 20, max: 2048 } as const;
const MAX_REQUESTER_COMMENT_LENGTH = 200;

/** A member that is present but not a string cannot be deserialized, as in the real service. */
export function readString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ServiceError('SerializationException', 400, `Value of '${member}' must be a string, got ${typeof value}`);
  }
  return value;
}

export function actionErrors(action: string | undefined): string[] {
  if (action === undefined) return [notNull('Action')];
  if (!KNOWN_ACTIONS.includes(action)) {
    return [`Value '${action}' at 'Action' failed to satisfy constraint: Member must satisfy enum value set: [${KNOWN_ACTIONS.join(', ')}]`];
  }
  return [];
}

export function teamArnErrors(arn: string | undefined, member = 'MpaTeamArn'): string[] {
  if (arn === undefined) return [notNull(member)];
  return arnErrors(arn, member, MPA_TEAM_ARN_PATTERN);
}

export function arnErrors(arn: string, member: string, pattern: RegExp): string[] {
  const errors: string[] = [];
  if (arn.length < ARN_LENGTH.min || arn.length > ARN_LENGTH.max) {
    errors.push(`Value '${arn}' at '${member}' failed to satisfy constraint: Member must have length between ${ARN_LENGTH.min} and ${ARN_LENGTH.max}`);
  }
  if (!pattern.test(arn)) {
    errors.push(`Value '${arn}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return errors;
}

export function commentErrors(comment: string | undefined): string[] {
  if (comment === undefined || comment.length <= MAX_REQUESTER_COMMENT_LENGTH) return [];
  // The comment is sensitive: the message names the field, never echoes the value.
  return [`Value at 'RequesterComment' failed to satisfy constraint: Member must have length less than or equal to ${MAX_REQUESTER_COMMENT_LENGTH}`];
}

export function notNull(member: string): string {
  return `Value null at '${member}' failed to satisfy constraint: Member must not be null`;
}

export function throwIfInvalid(errors: string[]): void {
  if (errors.length === 0) return;
  const count = `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected`;
  throw validationError(`${count}: ${errors.join('; ')}`);
}
