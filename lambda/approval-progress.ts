import type { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Approval progress of a pending MPA session, read from the MPA service's
 * GetSession (REST JSON, signing name `mpa`). No SDK client for MPA is on the
 * project's registry, so the request is signed with the Payment Cryptography
 * client's own credentials, hash and HTTP handler.
 */
export interface ApprovalProgress {
  readonly status?: string;
  readonly approvals: number;
  readonly rejections: number;
  readonly threshold?: number;
  readonly approvers?: number;
  readonly expiresAt?: string;
}

/** How long a progress read may take: it is a nicety, never worth a slow poll. */
const PROGRESS_TIMEOUT_MS = 3_000;

export async function readApprovalProgress(
  client: PaymentCryptographyClient,
  sessionArn: string,
): Promise<ApprovalProgress | undefined> {
  try {
    const config = client.config;
    const region = await config.region();
    const endpoint = new URL(process.env.AWS_ENDPOINT_URL_MPA ?? `https://mpa.${region}.api.aws`);
    const basePath = endpoint.pathname.replace(/\/$/, '');
    const request = new HttpRequest({
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: `${basePath}/sessions/${encodeURIComponent(sessionArn)}`,
      headers: { host: endpoint.host, accept: 'application/json' },
    });
    const signer = new SignatureV4({
      credentials: config.credentials,
      region,
      service: 'mpa',
      sha256: config.sha256,
    });
    const signed = await signer.sign(request);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PROGRESS_TIMEOUT_MS);
    const { response } = await config.requestHandler
      .handle(signed as HttpRequest, { abortSignal: abort.signal as any })
      .finally(() => clearTimeout(timer));
    const body = await readBody(response.body);
    if (response.statusCode !== 200) {
      return undefined;
    }
    return summarizeSession(JSON.parse(body));
  } catch {
    // Progress is for people reading logs; failing to read it changes nothing.
    return undefined;
  }
}

/** Reads the fields of a GetSession answer that tell how far approval has come. */
export function summarizeSession(session: any): ApprovalProgress {
  const responses: any[] = Array.isArray(session?.ApproverResponses) ? session.ApproverResponses : [];
  const said = (prefix: string) => responses.filter(r => typeof r?.Response === 'string' && r.Response.startsWith(prefix)).length;
  const threshold = session?.ApprovalStrategy?.MofN?.MinApprovalsRequired;
  return {
    status: typeof session?.Status === 'string' ? session.Status : undefined,
    approvals: said('APPROVE'),
    rejections: said('REJECT'),
    threshold: typeof threshold === 'number' ? threshold : undefined,
    approvers: typeof session?.NumberOfApprovers === 'number' ? session.NumberOfApprovers : responses.length || undefined,
    expiresAt: toIsoTime(session?.ExpirationTime),
  };
}

/** For log lines and failure reasons: "1 of 2 approvals, 0 rejections, expires 2026-11-25T10:00:00.000Z". */
export function describeProgress(progress: ApprovalProgress): string {
  const parts = [
    `${progress.approvals} of ${progress.threshold ?? '?'} approvals`,
    `${progress.rejections} rejections`,
  ];
  if (progress.expiresAt) parts.push(`expires ${progress.expiresAt}`);
  return parts.join(', ');
}

function toIsoTime(value: unknown): string | undefined {
  if (typeof value === 'number') return new Date(value * 1000).toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}

async function readBody(body: any): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
