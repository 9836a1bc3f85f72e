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

export function paymentCryptographyClient(): PaymentCryptographyClient {
  return cached(configurationKey('payment-cryptography', 'AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY'),
    () => new PaymentCryptographyClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER }));
}

export function ssmClient(): SSMClient {
  return cached(configurationKey('ssm', 'AWS_ENDPOINT_URL_SSM'),
    () => new SSMClient({ maxAttempts: 1, requestHandler: REQUEST_HANDLER }));
}
