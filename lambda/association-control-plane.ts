import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { systemClock, type Clock } from './clock';
import { log } from './log';
import {
  AssociateMpaTeamCommand,
  DisassociateMpaTeamCommand,
  GetMpaTeamAssociationCommand,
  sendMpaCommand,
  type MpaTeamAssociation,
} from './payment-cryptography-mpa-commands';
import { isConflict, isResourceNotFound, isTransient, permanentFailure } from './service-errors';
import { retryTransient } from './transient-retry';

/**
 * The three MPA operations as the handler uses them: transient errors retried
 * until a given time, permanent ones turned into AssociationFailure, and "no
 * association" read as undefined rather than an error.
 * Conflict and ResourceNotFound from the mutating calls are left to the caller,
 * which decides what they mean for the operation under way.
 */
export class AssociationControlPlane {
  constructor(
    private readonly client: PaymentCryptographyClient,
    /** Transient errors are retried until this epoch-millisecond time. */
    private readonly retryUntil: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(action: string): Promise<MpaTeamAssociation | undefined> {
    try {
      const output = await this.call('GetMpaTeamAssociation', action,
        () => sendMpaCommand(this.client, new GetMpaTeamAssociationCommand({ Action: action })));
      return output.MpaTeamAssociation;
    } catch (error) {
      if (isResourceNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  async associate(action: string, mpaTeamArn: string, requesterComment?: string): Promise<MpaTeamAssociation> {
    const output = await this.call('AssociateMpaTeam', action,
      () => sendMpaCommand(this.client, new AssociateMpaTeamCommand({ Action: action, MpaTeamArn: mpaTeamArn, RequesterComment: requesterComment })));
    return output.MpaTeamAssociation;
  }

  async disassociate(action: string, requesterComment?: string): Promise<MpaTeamAssociation> {
    const output = await this.call('DisassociateMpaTeam', action,
      () => sendMpaCommand(this.client, new DisassociateMpaTeamCommand({ Action: action, RequesterComment: requesterComment })));
    return output.MpaTeamAssociation;
  }

  private async call<T>(operation: string, action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await retryTransient(send, isTransient, {
        giveUpAt: this.retryUntil,
        now: () => this.clock.now(),
        sleep: ms => this.clock.sleep(ms),
        onRetry: (error, attempt, delayMs) => log({
          event: 'retry', operation, action, attempt, delayMs, error: (error as Error)?.name,
        }),
      });
    } catch (error) {
      if (isTransient(error) || isResourceNotFound(error) || isConflict(error)) {
        throw error;
      }
      throw permanentFailure(operation, error, `action ${action}`);
    }
  }
}

let sharedClient: PaymentCryptographyClient | undefined;

/**
 * One client per Lambda container. Short timeouts, so a slow or dropped answer
 * becomes a retry rather than a hung invocation. @smithy/node-http-handler 4.x
 * only logs a warning when requestTimeout passes unless throwOnRequestTimeout
 * is set.
 */
export function paymentCryptographyClient(): PaymentCryptographyClient {
  sharedClient ??= new PaymentCryptographyClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  });
  return sharedClient;
}
