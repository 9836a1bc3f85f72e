import type { PollServices } from './change-executor';
import type { Clock, InvocationContext } from './clock';
import { HANDLER_ENVIRONMENT } from '../../src/handler-contract';
import { CallBudget } from '../aws/call-budget';
import { callerArn } from '../aws/caller-identity';
import { ClaimArbiter } from '../aws/claim-arbiter';
import { paymentCryptographyClient, ssmClient, type CallCredentials } from '../aws/clients';
import { ControlPlane } from '../aws/control-plane';
import { MpaApi } from '../aws/mpa-api';
import { OwnershipStore } from '../aws/ownership-store';

/** Kept back from the invocation's time so that the handler always answers before Lambda stops it. */
const INVOCATION_SAFETY_MARGIN_MS = 10_000;
/** The longest one poll of the custom resource keeps retrying before it leaves the rest to the next poll. */
const MAX_POLL_MS = 60_000;

/** What a front end says about the invocation it serves; the core takes nothing from the environment itself. */
export interface PollSettings {
  readonly clock: Clock;
  /** How long this poll may take, in milliseconds from now (the invocation's time less its margins). */
  readonly budgetMs: number;
  /** The credentials of the call (a registry type's callerCredentials); the Lambda's own role when absent. */
  readonly credentials?: CallCredentials;
  /** The role whose sessions the handler may cancel (its own requester identity). */
  readonly roleArn?: string;
  /** Without a roleArn: learn it from STS (GetCallerIdentity with the call's credentials) before the first cancel. */
  readonly learnRole?: boolean;
}

/** The services of one poll, all bounded by one deadline. */
export function buildPollServices(settings: PollSettings): PollServices {
  const { clock, credentials } = settings;
  const budget = new CallBudget(clock, clock.now() + Math.max(0, settings.budgetMs));
  const client = paymentCryptographyClient(credentials);
  const ssm = ssmClient(credentials);
  return {
    budget,
    controlPlane: new ControlPlane(client, budget),
    mpa: new MpaApi(client, budget),
    store: new OwnershipStore(ssm, budget),
    claims: new ClaimArbiter(ssm, budget),
    roleArn: settings.roleArn,
    ...(settings.learnRole && !settings.roleArn ? { resolveRoleArn: once(() => callerArn(client, budget)) } : {}),
  };
}

/** The custom resource's services: the Lambda context's deadline, the function's role from its environment. */
export function pollServices(context: InvocationContext | undefined, clock: Clock): PollServices {
  const remaining = context?.getRemainingTimeInMillis() ?? MAX_POLL_MS + INVOCATION_SAFETY_MARGIN_MS;
  return buildPollServices({
    clock,
    budgetMs: Math.min(MAX_POLL_MS, remaining - INVOCATION_SAFETY_MARGIN_MS),
    roleArn: process.env[HANDLER_ENVIRONMENT.HANDLER_ROLE_ARN] || undefined,
  });
}

/** Asks once per poll, however many sessions it cancels. */
function once<T>(ask: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => (answer ??= ask());
}
