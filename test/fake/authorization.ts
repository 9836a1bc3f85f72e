/**
 * IAM as a test scripts it: an authorizer decides, for every routed operation, whether
 * the caller may perform it on its resource; a refusal is that service's
 * AccessDeniedException with the message IAM writes.
 */
import { ServiceError } from './service-error';

export type AuthorizedService = 'payment-cryptography' | 'mpa' | 'ssm' | 'logs';

export interface AuthorizationRequest {
  readonly service: AuthorizedService;
  /** IAM action, e.g. `payment-cryptography:DisassociateMpaTeam`, `mpa:GetSession`, `ssm:PutParameter`. */
  readonly action: string;
  /**
   * The resource IAM evaluates: the requested team (AssociateMpaTeam), the currently associated
   * team (Disassociate/Get; undefined when none, a case AWS does not document), the session or team
   * (MPA), the parameter (SSM).
   */
  readonly resource?: string;
  /** The request's `x-simulation-tag`, when the caller sent one: which simulated request made the call. */
  readonly tag?: string;
}

/** Answers true to allow. */
export type Authorizer = (request: AuthorizationRequest) => boolean;

/** SSM and other awsJson1_1 services answer AccessDeniedException with 400; the others with 403. */
export function accessDenied(principalArn: string, request: AuthorizationRequest): ServiceError {
  const on = request.resource !== undefined ? ` on resource: ${request.resource}` : '';
  const message = `User: ${principalArn} is not authorized to perform: ${request.action}${on} `
    + `because no identity-based policy allows the ${request.action} action`;
  return new ServiceError('AccessDeniedException', request.service === 'ssm' ? 400 : 403, message);
}

/** `aws`, `aws-cn` or `aws-us-gov`, from a region name. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
