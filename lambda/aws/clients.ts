import { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * The SDK clients, one per container and configuration. Each makes a single
 * attempt per call: the handler retries transient errors itself, within the
 * invocation's CallBudget, so that every wait is bounded and runs on its clock.
 * A client is rebuilt when the region or an endpoint override changes (a local
 * simulation may point one process at several regions).
 */
const REQUEST_HANDLER = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true };

const cache = new Map<string, unknown>();

function cached<T>(key: string, create: () => T): T {
  if (!cache.has(key)) cache.set(key, create());
  return cache.get(key) as T;
}

function configurationKey(service: string, endpointVariable: string): string {
  return [service, process.env.AWS_REGION, process.env[endpointVariable], process.env.AWS_USE_FIPS_ENDPOINT].join('|');
}

/**
 * Credentials handed over with a call (a registry type's `callerCredentials`). With
 * them, a client is built for that call alone and never falls back to the
 * environment's; without them, the Lambda's own role (from the environment) is used.
 */
export interface CallCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export function paymentCryptographyClient(credentials?: CallCredentials): PaymentCryptographyClient {
  if (credentials) return new PaymentCryptographyClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER, credentials });
  return cached(configurationKey('payment-cryptography', 'AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY'),
    () => new PaymentCryptographyClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER }));
}

export function ssmClient(credentials?: CallCredentials): SSMClient {
  if (credentials) return new SSMClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER, credentials });
  return cached(configurationKey('ssm', 'AWS_ENDPOINT_URL_SSM'),
    () => new SSMClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER }));
}
