/**
 * Decides, per request, whether the fake misbehaves: scripted faults first (in the
 * order they were injected), then a seeded random storm.
 */
import { seededRandom, type RandomSource } from './seeded-random';
import type { ErrorNameStyle } from './wire-protocol';

/** Faults that answer with a service error and change nothing. */
export type ErrorFaultKind = 'throttling' | 'internal' | 'unavailable' | 'accessDenied' | 'validation' | 'quota' | 'conflict';
/**
 * - `slow`: wait `delayMs`, then answer normally (not applied if the client gave up meanwhile)
 * - `hang`: never answer; once the client goes away (or after `delayMs`, at most 15 minutes)
 *   close the connection. Nothing is applied.
 * - `drop`: destroy the connection without answering or applying anything
 * - `hangup-after-commit`: apply the operation, then destroy the connection unanswered
 */
export type FaultKind = ErrorFaultKind | 'slow' | 'hang' | 'drop' | 'hangup-after-commit';

/** The longest a `hang` keeps a connection: a Lambda invocation never outlives it. */
export const HANG_CAP_MS = 15 * 60 * 1000;

/** The service whose error an error fault imitates. */
export type FaultService = 'payment-cryptography' | 'mpa' | 'ssm' | 'logs';

export interface InjectedError { readonly errorName: string; readonly status: number; readonly message: string }

/** The control plane's errors, as its model defines them. */
export const ERROR_FAULTS: Record<ErrorFaultKind, InjectedError> = {
  throttling: { errorName: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
  internal: { errorName: 'InternalServerException', status: 500, message: 'The service encountered an internal error. Try again.' },
  unavailable: { errorName: 'ServiceUnavailableException', status: 503, message: 'The service is unavailable. Try again later.' },
  accessDenied: { errorName: 'AccessDeniedException', status: 403, message: 'User is not authorized to perform this operation' },
  validation: { errorName: 'ValidationException', status: 400, message: 'Injected validation failure' },
  quota: { errorName: 'ServiceQuotaExceededException', status: 402, message: 'Service quota exceeded' },
  conflict: { errorName: 'ConflictException', status: 409, message: 'Injected conflict' },
};

/**
 * MPA has no ServiceUnavailableException in its model: a 503 then comes from the front end.
 * SSM (awsJson1_1) answers its client errors with 400, throttling included, and names its
 * server error InternalServerError; its nearest errors to "quota" and "conflict" are
 * ParameterLimitExceeded and TooManyUpdates.
 */
const SERVICE_ERROR_FAULTS: Record<FaultService, Record<ErrorFaultKind, InjectedError>> = {
  'payment-cryptography': ERROR_FAULTS,
  'mpa': ERROR_FAULTS,
  // CloudWatch Logs (awsJson1_1) answers like SSM: client errors 400, its server error ServiceUnavailableException.
  'logs': ERROR_FAULTS,
  'ssm': {
    throttling: { errorName: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    internal: { errorName: 'InternalServerError', status: 500, message: 'An error occurred on the server side.' },
    unavailable: { errorName: 'ServiceUnavailable', status: 503, message: 'Service is unavailable. Try again later.' },
    accessDenied: { errorName: 'AccessDeniedException', status: 400, message: 'User is not authorized to perform this operation' },
    validation: { errorName: 'ValidationException', status: 400, message: 'Injected validation failure' },
    quota: { errorName: 'ParameterLimitExceeded', status: 400, message: 'You have exceeded the number of parameters for this AWS account.' },
    conflict: { errorName: 'TooManyUpdates', status: 400, message: 'There are concurrent updates for a resource that supports one update at a time.' },
  },
};

export function errorFault(service: FaultService, kind: ErrorFaultKind): InjectedError {
  return SERVICE_ERROR_FAULTS[service][kind];
}

export function isErrorFault(kind: FaultKind): kind is ErrorFaultKind {
  return kind in ERROR_FAULTS;
}

export interface FaultSpec {
  /** Operation name (`AssociateMpaTeam`, …, `GetSession`, `CancelSession`, `GetParameter`, …) or `*` for every operation. */
  readonly operation: string;
  readonly kind: FaultKind;
  /** How many matching requests it applies to. @default unlimited, until clearFaults() */
  readonly times?: number;
  /**
   * Wait this long before acting (for `slow`, before answering normally; for `hang`, the
   * longest it keeps the connection). @default 0; 1000 for `slow`; 15 minutes (the cap) for `hang`
   */
  readonly delayMs?: number;
  /** How the error name is spelled. @default the fake's errorNameStyle */
  readonly errorNameStyle?: ErrorNameStyle;
  /** Message of an error fault. @default a realistic one per kind */
  readonly message?: string;
}

export interface RandomFaultSpec {
  readonly seed: number;
  /** Probability, 0..1, that a matching request meets a fault. */
  readonly rate: number;
  /** Kinds to pick from, uniformly. */
  readonly kinds: readonly FaultKind[];
  /** Operations the storm hits. @default every operation */
  readonly operations?: readonly string[];
  /** Delay for `slow` (and any other kind) picked by the storm. @default as for FaultSpec.delayMs */
  readonly delayMs?: number;
  readonly errorNameStyle?: ErrorNameStyle;
}

/** The fault chosen for one request. */
export interface ChosenFault {
  readonly kind: FaultKind;
  readonly delayMs: number;
  readonly errorNameStyle?: ErrorNameStyle;
  readonly message?: string;
}

const DEFAULT_SLOW_DELAY_MS = 1000;

interface ScriptedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

interface RandomStorm {
  readonly spec: RandomFaultSpec;
  readonly random: RandomSource;
}

export class FaultInjector {
  private scripted: ScriptedFault[] = [];
  private storm: RandomStorm | undefined;

  inject(spec: FaultSpec): void {
    const times = spec.times ?? Infinity;
    if (!(times > 0)) throw new RangeError(`times must be positive, got ${spec.times}`);
    this.scripted.push({ spec, remaining: times });
  }

  /** Replaces any earlier storm; the same seed and request sequence give the same faults. */
  startStorm(spec: RandomFaultSpec): void {
    if (!(spec.rate >= 0 && spec.rate <= 1)) throw new RangeError(`rate must be within 0..1, got ${spec.rate}`);
    if (spec.kinds.length === 0) throw new RangeError('kinds must not be empty');
    this.storm = { spec, random: seededRandom(spec.seed) };
  }

  clear(): void {
    this.scripted = [];
    this.storm = undefined;
  }

  /** The fault for the next request to `operation`, if any; consumes one use of it. */
  next(operation: string): ChosenFault | undefined {
    const scripted = this.scripted.find(f => f.remaining > 0 && (f.spec.operation === '*' || f.spec.operation === operation));
    if (scripted) {
      scripted.remaining--;
      const { kind, delayMs, errorNameStyle, message } = scripted.spec;
      return { kind, delayMs: delayFor(kind, delayMs), errorNameStyle, message };
    }
    return this.nextFromStorm(operation);
  }

  private nextFromStorm(operation: string): ChosenFault | undefined {
    if (!this.storm) return undefined;
    const { spec, random } = this.storm;
    if (spec.operations && !spec.operations.includes(operation)) return undefined;
    // Two draws per matching request, always, so the sequence depends only on the seed
    // and on which requests matched.
    const hit = random() < spec.rate;
    const kind = spec.kinds[Math.floor(random() * spec.kinds.length)];
    if (!hit) return undefined;
    return { kind, delayMs: delayFor(kind, spec.delayMs), errorNameStyle: spec.errorNameStyle };
  }
}

function delayFor(kind: FaultKind, delayMs: number | undefined): number {
  if (kind === 'hang') return Math.min(delayMs ?? HANG_CAP_MS, HANG_CAP_MS);
  return delayMs ?? (kind === 'slow' ? DEFAULT_SLOW_DELAY_MS : 0);
}
