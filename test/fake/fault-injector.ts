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
 * - `drop`: destroy the connection without answering or applying anything
 * - `hangup-after-commit`: apply the operation, then destroy the connection unanswered
 */
export type FaultKind = ErrorFaultKind | 'slow' | 'drop' | 'hangup-after-commit';

export const ERROR_FAULTS: Record<ErrorFaultKind, { readonly errorName: string; readonly status: number; readonly message: string }> = {
  throttling: { errorName: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
  internal: { errorName: 'InternalServerException', status: 500, message: 'The service encountered an internal error. Try again.' },
  unavailable: { errorName: 'ServiceUnavailableException', status: 503, message: 'The service is unavailable. Try again later.' },
  accessDenied: { errorName: 'AccessDeniedException', status: 403, message: 'User is not authorized to perform this operation' },
  validation: { errorName: 'ValidationException', status: 400, message: 'Injected validation failure' },
  quota: { errorName: 'ServiceQuotaExceededException', status: 402, message: 'Service quota exceeded' },
  conflict: { errorName: 'ConflictException', status: 409, message: 'Injected conflict' },
};

export function isErrorFault(kind: FaultKind): kind is ErrorFaultKind {
  return kind in ERROR_FAULTS;
}

export interface FaultSpec {
  /** Operation name (`AssociateMpaTeam`, …, `GetSession`) or `*` for every operation. */
  readonly operation: string;
  readonly kind: FaultKind;
  /** How many matching requests it applies to. @default unlimited, until clearFaults() */
  readonly times?: number;
  /** Wait this long before acting (for `slow`, before answering normally). @default 0, or 1000 for `slow` */
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
  /** Delay for `slow` (and any other kind) picked by the storm. @default 0, or 1000 for `slow` */
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
      return { kind, delayMs: delayMs ?? defaultDelay(kind), errorNameStyle, message };
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
    return { kind, delayMs: spec.delayMs ?? defaultDelay(kind), errorNameStyle: spec.errorNameStyle };
  }
}

function defaultDelay(kind: FaultKind): number {
  return kind === 'slow' ? DEFAULT_SLOW_DELAY_MS : 0;
}
