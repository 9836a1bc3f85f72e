import { HANDLER_ENVIRONMENT } from '../src/handler-contract';
import { CallBudget } from './aws/call-budget';
import { ClaimArbiter } from './aws/claim-arbiter';
import { paymentCryptographyClient, ssmClient } from './aws/clients';
import { ControlPlane } from './aws/control-plane';
import { MpaApi } from './aws/mpa-api';
import { OwnershipStore } from './aws/ownership-store';
import type { PollServices } from './change-executor';
import type { Clock, InvocationContext } from './clock';

/** Kept back from the invocation's time so that the handler always answers before Lambda stops it. */
const INVOCATION_SAFETY_MARGIN_MS = 10_000;
/** The longest one poll keeps retrying before it leaves the rest to the next poll. */
const MAX_POLL_MS = 60_000;

/** The services of one invocation, all bounded by one deadline taken from the Lambda context. */
export function pollServices(context: InvocationContext | undefined, clock: Clock): PollServices {
  const remaining = context?.getRemainingTimeInMillis() ?? MAX_POLL_MS + INVOCATION_SAFETY_MARGIN_MS;
  const budget = new CallBudget(clock, clock.now() + Math.max(0, Math.min(MAX_POLL_MS, remaining - INVOCATION_SAFETY_MARGIN_MS)));
  const client = paymentCryptographyClient();
  return {
    budget,
    controlPlane: new ControlPlane(client, budget),
    mpa: new MpaApi(client, budget),
    store: new OwnershipStore(ssmClient(), budget),
    claims: new ClaimArbiter(ssmClient(), budget),
    roleArn: process.env[HANDLER_ENVIRONMENT.HANDLER_ROLE_ARN] || undefined,
  };
}
