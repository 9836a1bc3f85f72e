import type { PaymentCryptographyClient } from '@aws-sdk/client-payment-cryptography';
import { partition } from '@aws-sdk/util-endpoints';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CallBudget } from './call-budget';
import type { SessionDetail, TeamStatus } from '../core/change-view';

/**
 * MPA's REST API (restJson1, signing name `mpa`): GetSession, CancelSession and
 * GetApprovalTeam. No MPA client is on this project's registry, so requests are
 * signed with the Payment Cryptography client's credentials, hash and HTTP handler.
 *
 * MPA lives where its teams live (us-east-1 for every commercial region today),
 * not where the Lambda runs: the region and partition come from the ARN the call
 * acts on, and the host from the partition's dual-stack suffix, as MPA's endpoint
 * rules have it (`mpa.<region>.<dualStackDnsSuffix>`, `mpa-fips.` with FIPS).
 */
/**
 * How long one MPA call may keep retrying. MPA tells progress, team status and
 * denial details, and cancels sessions: none of it may use up a poll's time
 * when MPA is out of reach (a VPC without a route to us-east-1).
 */
const MPA_CALL_BUDGET_MS = 8_000;

export class MpaApi {
  constructor(private readonly client: PaymentCryptographyClient, private readonly budget: CallBudget) {}

  async getSession(sessionArn: string): Promise<SessionDetail> {
    return summarizeSession(await this.request('GetSession', 'GET', `/sessions/${encodeURIComponent(sessionArn)}`, sessionArn));
  }

  async cancelSession(sessionArn: string): Promise<void> {
    await this.request('CancelSession', 'PUT', `/sessions/${encodeURIComponent(sessionArn)}`, sessionArn);
  }

  async getApprovalTeam(teamArn: string): Promise<TeamStatus> {
    try {
      return summarizeTeam(await this.request('GetApprovalTeam', 'GET', `/approval-teams/${encodeURIComponent(teamArn)}`, teamArn));
    } catch (error) {
      if ((error as MpaError)?.name === 'ResourceNotFoundException') return { status: 'NOT_FOUND', message: (error as MpaError).message };
      throw error;
    }
  }

  private async request(operation: string, method: 'GET' | 'PUT', path: string, arn: string): Promise<any> {
    const config = this.client.config;
    const useFips = await config.useFipsEndpoint();
    const { url, region } = mpaEndpoint(arn, useFips, process.env.AWS_ENDPOINT_URL_MPA);
    return this.budget.limitedTo(MPA_CALL_BUDGET_MS).run(operation, async signal => {
      const basePath = url.pathname.replace(/\/$/, '');
      const unsigned = new HttpRequest({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: `${basePath}${path}`,
        headers: { host: url.host, accept: 'application/json' },
      });
      const signer = new SignatureV4({ credentials: config.credentials, region, service: 'mpa', sha256: config.sha256 });
      const signed = await signer.sign(unsigned);
      const { response } = await config.requestHandler.handle(signed as HttpRequest, { abortSignal: signal as any });
      const text = await readBody(response.body);
      const body = parseJson(text);
      if (response.statusCode >= 300) {
        throw mpaError(operation, response.statusCode, response.headers, body);
      }
      return body;
    });
  }
}

export interface MpaEndpoint {
  readonly url: URL;
  /** The region requests are signed for: the ARN's. */
  readonly region: string;
}

/** Where MPA answers for `arn`, and the region to sign for. `override` (AWS_ENDPOINT_URL_MPA) replaces the host only. */
export function mpaEndpoint(arn: string, useFips: boolean, override?: string): MpaEndpoint {
  const [, arnPartition, , region] = arn.split(':');
  if (!region) throw new Error(`Cannot tell the MPA region from ARN ${arn}`);
  if (override) return { url: new URL(override), region };
  const info = partition(region);
  if (arnPartition && info.name !== arnPartition) {
    throw new Error(`ARN ${arn} names partition ${arnPartition}, but region ${region} belongs to ${info.name}`);
  }
  return { url: new URL(`https://${useFips ? 'mpa-fips' : 'mpa'}.${region}.${info.dualStackDnsSuffix}`), region };
}

interface MpaError extends Error {
  readonly $metadata: { httpStatusCode: number };
}

/**
 * The error's name, read as the SDK's `loadRestJsonErrorCode` reads it: the
 * X-Amzn-ErrorType header, else the body's `code` (in any case), else its
 * `__type`; cut at `,` and `:`, and after a `#` namespace.
 */
export function restJsonErrorCode(headers: Record<string, string>, body: any): string | undefined {
  const find = (object: Record<string, unknown>, key: string) => Object.keys(object).find(k => k.toLowerCase() === key);
  const sanitize = (raw: unknown) => {
    let value = typeof raw === 'number' ? raw.toString() : String(raw);
    if (value.includes(',')) value = value.split(',')[0];
    if (value.includes(':')) value = value.split(':')[0];
    if (value.includes('#')) value = value.split('#')[1];
    return value;
  };
  const header = find(headers, 'x-amzn-errortype');
  if (header !== undefined) return sanitize(headers[header]);
  if (body && typeof body === 'object') {
    const code = find(body, 'code');
    if (code !== undefined && body[code] !== undefined) return sanitize(body[code]);
    if (body.__type !== undefined) return sanitize(body.__type);
  }
  return undefined;
}

function mpaError(operation: string, status: number, headers: Record<string, string>, body: any): MpaError {
  const name = restJsonErrorCode(headers, body) || `Http${status}`;
  const error = new Error(`${operation}: ${body?.message ?? body?.Message ?? `HTTP ${status}`}`) as Error & { $metadata: { httpStatusCode: number } };
  error.name = name;
  error.$metadata = { httpStatusCode: status };
  return error as MpaError;
}

/** The parts of GetSession the handler uses, read leniently. */
export function summarizeSession(session: any): SessionDetail {
  const responses: any[] = Array.isArray(session?.ApproverResponses) ? session.ApproverResponses : [];
  const threshold = session?.ApprovalStrategy?.MofN?.MinApprovalsRequired;
  return {
    status: stringOrUndefined(session?.Status),
    statusCode: stringOrUndefined(session?.StatusCode),
    message: stringOrUndefined(session?.StatusMessage),
    requesterPrincipalArn: stringOrUndefined(session?.RequesterPrincipalArn),
    approvals: responses.filter(r => r?.Response === 'APPROVED').length,
    threshold: typeof threshold === 'number' ? threshold : undefined,
    expiresAt: isoTime(session?.ExpirationTime),
  };
}

/** The parts of GetApprovalTeam the handler uses, read leniently. */
export function summarizeTeam(team: any): TeamStatus {
  const approvers: any[] = Array.isArray(team?.Approvers) ? team.Approvers : [];
  return {
    status: stringOrUndefined(team?.Status) ?? 'UNKNOWN',
    statusCode: stringOrUndefined(team?.StatusCode),
    message: stringOrUndefined(team?.StatusMessage),
    approversPending: approvers.filter(a => a?.PrimaryIdentityStatus === 'PENDING')
      .map(a => String(a.PrimaryIdentityId ?? a.ApproverId ?? 'unknown')),
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** MPA's model types times as ISO-8601 strings; epoch seconds are accepted too. */
function isoTime(value: unknown): string | undefined {
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

function parseJson(text: string): any {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

async function readBody(body: any): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
