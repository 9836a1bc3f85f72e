import type { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CallBudget } from './call-budget';

/** Longest the handler spends learning who it is (only when it is about to cancel a session). */
const IDENTITY_BUDGET_MS = 8_000;

/**
 * STS GetCallerIdentity with the client's credentials: who this call runs as. A
 * registry type's handler runs with CloudFormation's callerCredentials (the type's
 * execution role), not with an environment variable naming its role, and must know
 * that role to cancel only the sessions it requested. No STS client is bundled: the
 * request (the query protocol, one form field) is signed with the Payment
 * Cryptography client's credentials and sent through its HTTP handler, as MPA's are.
 */
export async function callerArn(client: PaymentCryptographyClient, budget: CallBudget): Promise<string | undefined> {
  const config = client.config;
  const region = await config.region();
  const url = new URL(process.env.AWS_ENDPOINT_URL_STS ?? `https://sts.${region}.amazonaws.com`);
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  return budget.limitedTo(IDENTITY_BUDGET_MS).run('sts:GetCallerIdentity', async signal => {
    const unsigned = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: { 'host': url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    const signer = new SignatureV4({ credentials: config.credentials, region, service: 'sts', sha256: config.sha256 });
    const { response } = await config.requestHandler.handle(await signer.sign(unsigned) as HttpRequest, { abortSignal: signal as any });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    if (response.statusCode >= 300) {
      const error = new Error(`GetCallerIdentity: HTTP ${response.statusCode}`);
      error.name = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `Http${response.statusCode}`;
      throw error;
    }
    return /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  });
}
