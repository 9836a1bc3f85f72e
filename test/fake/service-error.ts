/**
 * An error the fake answers with, independent of how it is put on the wire
 * (see wire-protocol.ts for the body/header styles).
 */
export class ServiceError extends Error {
  constructor(
    /** Bare error name, e.g. `ConflictException`. */
    readonly errorName: string,
    readonly status: number,
    /** Omitted from the body when undefined (ResourceNotFoundException carries none). */
    readonly errorMessage: string | undefined,
    /** Extra members of the error shape, e.g. `{ ResourceId }`. */
    readonly members: Record<string, string> = {},
  ) {
    super(errorMessage ?? errorName);
    this.name = errorName;
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', 400, message);
}

export function conflictError(message: string): ServiceError {
  return new ServiceError('ConflictException', 409, message);
}

/** The service's ResourceNotFoundException has ResourceId and no Message. */
export function resourceNotFound(resourceId: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', 404, undefined, { ResourceId: resourceId });
}
