import type { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import type { CallBudget } from './call-budget';
import {
  AssociateMpaTeamCommand,
  DisassociateMpaTeamCommand,
  GetMpaTeamAssociationCommand,
  sendMpaCommand,
  type MpaTeamAssociation,
  type MpaTeamAssociationCommandOutput,
} from './payment-cryptography-mpa-commands';
import { isConflict, isResourceNotFound, isTransient, permanentFailure } from './service-errors';
import type { ObservedAssociation } from '../core/change-view';
import type { MutatingOperation } from '../core/ownership-record';

/** What a mutating call came back with. */
export type CallAnswer =
  /** The service took the call; the association as it answered (undefined if the answer named none). */
  | { readonly answer: 'accepted'; readonly association?: ObservedAssociation }
  /** ConflictException: a session is pending, or the state forbids the call; nothing was applied. */
  | { readonly answer: 'conflict' }
  /** No answer came back (timeout, dropped connection, 5xx): the call may or may not have been applied. */
  | { readonly answer: 'lost'; readonly error: string };

/**
 * The Payment Cryptography control plane's three MPA operations. Reads retry
 * transient errors within the budget; a mutating call is sent once (a resent
 * call could open a second approval session), and a lost answer is left for
 * the next read of the association to explain.
 */
export class ControlPlane {
  constructor(private readonly client: PaymentCryptographyClient, private readonly budget: CallBudget) {}

  /** The association of `action`, or undefined when nothing is associated (whether the service says so with 404 or with an empty answer). */
  async get(action: string): Promise<ObservedAssociation | undefined> {
    try {
      const output = await this.budget.run('GetMpaTeamAssociation',
        signal => sendMpaCommand(this.client, new GetMpaTeamAssociationCommand({ Action: action }), { abortSignal: signal }));
      return observe(output);
    } catch (error) {
      if (isResourceNotFound(error)) return undefined;
      if (isTransient(error)) throw error;
      throw permanentFailure('GetMpaTeamAssociation', error, `action ${action}`);
    }
  }

  async call(operation: MutatingOperation, action: string, team: string, requesterComment?: string): Promise<CallAnswer> {
    const command = operation === 'AssociateMpaTeam'
      ? new AssociateMpaTeamCommand({ Action: action, MpaTeamArn: team, RequesterComment: requesterComment })
      : new DisassociateMpaTeamCommand({ Action: action, RequesterComment: requesterComment });
    try {
      const output = await this.client.send(command as any, { abortSignal: this.budget.attemptSignal() } as any);
      return { answer: 'accepted', association: observe(output as MpaTeamAssociationCommandOutput) };
    } catch (error) {
      if (isConflict(error)) return { answer: 'conflict' };
      // Nothing to remove: what a disassociation wanted is already the case.
      if (isResourceNotFound(error) && operation === 'DisassociateMpaTeam') return { answer: 'accepted' };
      if (isTransient(error) || isAbortLike(error)) return { answer: 'lost', error: (error as Error)?.name ?? 'Error' };
      // Disassociate: the team associated now, against which IAM authorizes the call.
      throw permanentFailure(operation, error, `action ${action} and team ${team}`);
    }
  }
}

/** The association an answer names, read leniently: missing members never crash a request. */
export function observe(output: MpaTeamAssociationCommandOutput | undefined): ObservedAssociation | undefined {
  return toObserved(output?.MpaTeamAssociation);
}

function toObserved(association: MpaTeamAssociation | undefined): ObservedAssociation | undefined {
  if (!association || (association.MpaTeamArn === undefined && association.AssociationState === undefined)) return undefined;
  const status = association.MpaStatus;
  return {
    team: association.MpaTeamArn,
    state: association.AssociationState ?? 'UNKNOWN',
    ...(status?.MpaSessionArn ? {
      session: {
        arn: status.MpaSessionArn,
        status: status.Status ?? 'UNKNOWN',
        initiatedAt: status.InitiationDate?.getTime(),
        message: status.StatusMessage,
      },
    } : {}),
  };
}

function isAbortLike(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
