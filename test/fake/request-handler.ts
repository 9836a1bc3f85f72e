/**
 * Serving one request: route and check it, ask the authorizer, apply any fault, run the
 * operation on the service's state, answer in the service's wire format, and record it.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { ApprovalStateMachine } from './approval-state-machine';
import type { ApprovalTeams } from './approval-teams';
import { accessDenied, type AuthorizationRequest, type AuthorizedService, type Authorizer } from './authorization';
import { errorFault, isErrorFault, type FaultInjector, type FaultKind } from './fault-injector';
import type { LogStore } from './log-store';
import { sessionOutput, teamOutput, type TimestampFormat } from './mpa-api';
import type { ParameterStore } from './parameter-store';
import type { RequestDelays } from './request-delays';
import { ServiceError } from './service-error';
import { extendAssociationOutput, extendOutput } from './vocabulary';
import {
  CONTROL_PLANE_CONTENT_TYPE,
  CONTROL_PLANE_ERROR_NAMESPACE,
  LOGS_CONTENT_TYPE,
  LOGS_ERROR_NAMESPACE,
  MPA_CONTENT_TYPE,
  MPA_ERROR_NAMESPACE,
  parseRequest,
  PROTOCOL_ERROR_NAMESPACE,
  renderError,
  SSM_CONTENT_TYPE,
  SSM_ERROR_NAMESPACE,
  type ErrorNameStyle,
  type ParsedRequest,
} from './wire-protocol';

/** The header a simulator sets to attribute requests (and the sessions they open) to its own steps. */
export const SIMULATION_TAG_HEADER = 'x-simulation-tag';

/** One request as the fake saw it. */
export interface RecordedRequest {
  /** Operation name, or whatever the request named when it was refused before routing. */
  readonly operation: string;
  readonly input: unknown;
  /** HTTP status sent; 0 when the client got no answer (drop, hang, hangup-after-commit, client gone). */
  readonly status: number;
  readonly errorName?: string;
  /** Fake-clock time of arrival, epoch ms. */
  readonly at: number;
  readonly fault?: FaultKind;
  /** The request's `x-simulation-tag` header, if it had one. */
  readonly tag?: string;
  /** The access key id its SigV4 Authorization header names (whose credentials signed it). */
  readonly accessKeyId?: string;
}

interface ServiceProtocol {
  readonly contentType: string;
  readonly namespace: string;
}

const PROTOCOLS: Record<AuthorizedService, ServiceProtocol> = {
  'payment-cryptography': { contentType: CONTROL_PLANE_CONTENT_TYPE, namespace: CONTROL_PLANE_ERROR_NAMESPACE },
  'mpa': { contentType: MPA_CONTENT_TYPE, namespace: MPA_ERROR_NAMESPACE },
  'ssm': { contentType: SSM_CONTENT_TYPE, namespace: SSM_ERROR_NAMESPACE },
  'logs': { contentType: LOGS_CONTENT_TYPE, namespace: LOGS_ERROR_NAMESPACE },
};
const SERVICE_OF: Record<ParsedRequest['route'], AuthorizedService> = {
  'control-plane': 'payment-cryptography', 'mpa': 'mpa', 'ssm': 'ssm', 'logs': 'logs',
};

/** What serving a request reads and changes: the fake's state and settings. */
export interface ServedState {
  readonly region: string;
  readonly mpaRegion: string;
  readonly requesterPrincipalArn: string;
  readonly errorNameStyle: ErrorNameStyle;
  readonly timestampFormat: TimestampFormat;
  readonly repeatCancel: 'conflict' | 'success';
  /** What MPA does beyond its model's word (scripted with setMpaBehaviour; reset() restores it). */
  readonly mpaBehaviour: MpaBehaviour;
  readonly machine: ApprovalStateMachine;
  readonly teams: ApprovalTeams;
  readonly parameterStore: ParameterStore;
  readonly logStore: LogStore;
  readonly faults: FaultInjector;
  readonly delays: RequestDelays;
  readonly log: RecordedRequest[];
  /** Who made a tagged request, when a simulation knows better than `requesterPrincipalArn`. */
  callerOf(tag: string | undefined): string | undefined;
  now(): number;
  authorizer(): Authorizer | undefined;
}

/**
 * MPA's behaviours that its model leaves open, as parameters:
 * - `cancelEffect`: CancelSession ends a pending session (`cancels`), or answers 200 and
 *   leaves it pending (`none`: a cancel that reports success must not be taken as done);
 * - `pendingStatusReportedAs`: the Status GetSession gives a pending session (MPA may
 *   add values, and has CREATING besides the model's PENDING).
 */
export interface MpaBehaviour {
  cancelEffect: 'cancels' | 'none';
  pendingStatusReportedAs: string;
  /** What STS GetCallerIdentity answers, when it should differ from the principal MPA names as requester. @default that principal */
  callerIdentity?: string;
}

export const DEFAULT_MPA_BEHAVIOUR: Readonly<MpaBehaviour> = { cancelEffect: 'cancels', pendingStatusReportedAs: 'PENDING', callerIdentity: undefined };

export class RequestHandler {
  constructor(private readonly state: ServedState) {}

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const at = this.state.now();
    const tagHeader = req.headers[SIMULATION_TAG_HEADER];
    const tag = Array.isArray(tagHeader) ? tagHeader[0] : tagHeader;
    const accessKeyId = /Credential=([^/\s,]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    if (isGetCallerIdentity(req, body)) return this.answerCallerIdentity(res, at, tag, accessKeyId);
    const request = parseRequest(req, body, { region: this.state.region, mpaRegion: this.state.mpaRegion });
    if (request.route === 'rejected') {
      this.answerError(res, request.error, this.state.errorNameStyle, PROTOCOL_ERROR_NAMESPACE, CONTROL_PLANE_CONTENT_TYPE);
      this.state.log.push({
        operation: request.operation,
        input: request.input,
        status: request.error.status,
        errorName: request.error.errorName,
        at,
        ...(tag !== undefined && { tag }),
        ...(accessKeyId !== undefined && { accessKeyId }),
      });
      return;
    }

    const service = SERVICE_OF[request.route];
    const { contentType, namespace } = PROTOCOLS[service];
    // restJson services name errors in the X-Amzn-ErrorType header; SSM sends a bare __type.
    const defaultStyle: ErrorNameStyle = service === 'mpa' ? 'header' : service === 'ssm' || service === 'logs' ? 'bare' : this.state.errorNameStyle;
    let fault: ReturnType<FaultInjector['next']>;
    const record = (status: number, errorName?: string) => this.state.log.push({
      operation: request.operation,
      input: request.input,
      status,
      at,
      ...(errorName !== undefined && { errorName }),
      ...(fault && { fault: fault.kind }),
      ...(tag !== undefined && { tag }),
      ...(accessKeyId !== undefined && { accessKeyId }),
    });
    const fail = (error: ServiceError, style: ErrorNameStyle = defaultStyle) => {
      this.answerError(res, error, style, namespace, contentType);
      record(error.status, error.errorName);
    };

    const caller = this.state.callerOf(tag) ?? this.state.requesterPrincipalArn;
    const authorization = { ...this.authorizationFor(service, request), ...(tag !== undefined && { tag }) };
    const authorizer = this.state.authorizer();
    if (authorizer && !authorizer(authorization)) return fail(accessDenied(caller, authorization));

    fault = this.state.faults.next(request.operation);
    if (fault && (fault.delayMs > 0 || fault.kind === 'hang')) {
      const end = await this.state.delays.wait(fault.delayMs, req.socket, { untilClientLeaves: fault.kind === 'hang' });
      // A client that gave up never had its request applied (hangup-after-commit models the other case).
      if (end !== 'elapsed' || fault.kind === 'hang') {
        record(0);
        return void req.socket.destroy();
      }
    }
    if (fault?.kind === 'drop') {
      record(0);
      return void req.socket.destroy();
    }
    if (fault && isErrorFault(fault.kind)) {
      const { errorName, status, message } = errorFault(service, fault.kind);
      return fail(new ServiceError(errorName, status, fault.message ?? message), fault.errorNameStyle ?? defaultStyle);
    }

    let output: Record<string, unknown> | undefined;
    let error: ServiceError | undefined;
    try {
      output = this.execute(request, tag, caller);
    } catch (caught) {
      if (!(caught instanceof ServiceError)) throw caught;
      error = caught;
    }
    if (fault?.kind === 'hangup-after-commit') {
      record(0, error?.errorName);
      return void req.socket.destroy();
    }
    if (error) return fail(error);
    answer(res, 200, contentType, output);
    record(200);
  }

  /** The operation's output; undefined for an empty body (MPA's CancelSession). */
  private execute(request: ParsedRequest, tag: string | undefined, requesterPrincipalArn: string): Record<string, unknown> | undefined {
    const extended = this.state.machine.world.vocabulary === 'extended';
    switch (request.route) {
      case 'control-plane': {
        const caller = { requesterPrincipalArn, ...(tag !== undefined && { tag }) };
        const output = this.executeControlPlane(request, caller);
        return extended ? extendAssociationOutput(output) : output;
      }
      case 'mpa': {
        const output = this.executeMpa(request);
        return output && extended ? extendOutput(output) : output;
      }
      case 'ssm':
        return this.state.parameterStore.execute(request.operation, request.input);
      case 'logs':
        return this.state.logStore.execute(request.operation, request.input);
    }
  }

  private executeControlPlane(
    request: ParsedRequest & { route: 'control-plane' }, context: { requesterPrincipalArn: string; tag?: string },
  ): Record<string, unknown> {
    switch (request.operation) {
      case 'AssociateMpaTeam': return { MpaTeamAssociation: this.state.machine.associate(request.input, context) };
      case 'DisassociateMpaTeam': return { MpaTeamAssociation: this.state.machine.disassociate(request.input, context) };
      case 'GetMpaTeamAssociation': {
        const association = this.state.machine.get(request.input);
        return association ? { MpaTeamAssociation: association } : {};
      }
    }
  }

  private executeMpa(request: ParsedRequest & { route: 'mpa' }): Record<string, unknown> | undefined {
    const arn = 'SessionArn' in request.input ? request.input.SessionArn : request.input.Arn;
    switch (request.operation) {
      case 'GetSession': {
        const session = this.state.machine.getSession(arn);
        const status = session.outcome === undefined ? this.state.mpaBehaviour.pendingStatusReportedAs : session.status;
        return sessionOutput({ ...session, status: status as typeof session.status }, this.state.timestampFormat, this.state.region);
      }
      case 'CancelSession':
        if (this.state.mpaBehaviour.cancelEffect === 'none') return void this.state.machine.getSession(arn);
        return void this.state.machine.cancelSession(arn, this.state.repeatCancel);
      case 'GetApprovalTeam': return teamOutput(this.state.teams.get(arn), this.state.timestampFormat);
    }
  }

  /**
   * STS GetCallerIdentity (awsQuery, XML): who signed the request. The principal the
   * fake attributes the caller's MPA sessions to, so a handler can tell its own sessions.
   */
  private answerCallerIdentity(res: http.ServerResponse, at: number, tag: string | undefined, accessKeyId: string | undefined): void {
    const arn = this.state.mpaBehaviour.callerIdentity ?? this.state.callerOf(tag) ?? this.state.requesterPrincipalArn;
    const account = arn.split(':')[4];
    const xml = '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
      + `<Arn>${arn}</Arn><UserId>AROAFAKE:${arn.split('/').pop()}</UserId><Account>${account}</Account>`
      + `</GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
    this.state.log.push({
      operation: 'GetCallerIdentity',
      input: {},
      status: 200,
      at,
      ...(tag !== undefined && { tag }),
      ...(accessKeyId !== undefined && { accessKeyId }),
    });
  }

  /** The IAM action and resource of a routed request, as the authorizer sees them. */
  private authorizationFor(service: AuthorizedService, request: ParsedRequest): AuthorizationRequest {
    const action = `${service}:${request.operation}`;
    switch (request.route) {
      case 'control-plane': {
        const resource = request.operation === 'AssociateMpaTeam'
          ? stringMember(request.input, 'MpaTeamArn')
          : this.associatedTeamFor(stringMember(request.input, 'Action'));
        return { service, action, ...(resource !== undefined && { resource }) };
      }
      case 'mpa':
        return { service, action, resource: 'SessionArn' in request.input ? request.input.SessionArn : request.input.Arn };
      case 'logs':
        return { service, action, ...(stringMember(request.input, 'logGroupName') !== undefined && { resource: stringMember(request.input, 'logGroupName') }) };
      case 'ssm': {
        const name = stringMember(request.input, request.operation === 'GetParametersByPath' ? 'Path' : 'Name');
        return { service, action, ...(name !== undefined && { resource: this.state.parameterStore.arnOf(name.trim()) }) };
      }
    }
  }

  private associatedTeamFor(action: string | undefined): string | undefined {
    if (action === undefined) return undefined;
    this.state.machine.settleDue();
    return this.state.machine.associatedTeam(action);
  }

  private answerError(res: http.ServerResponse, error: ServiceError, style: ErrorNameStyle, namespace: string, contentType: string): void {
    const rendered = renderError(error, style, namespace);
    answer(res, rendered.status, contentType, rendered.body, rendered.headers);
  }

  /** A bug in the fake answers 500 rather than crashing the test process. */
  answerUnexpected(res: http.ServerResponse, error: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const message = `Fake control plane bug: ${error instanceof Error ? error.stack : String(error)}`;
    this.answerError(res, new ServiceError('InternalServerException', 500, message), 'namespaced', CONTROL_PLANE_ERROR_NAMESPACE,
      CONTROL_PLANE_CONTENT_TYPE);
  }
}

/** STS's query protocol: a form-encoded POST naming the action. */
function isGetCallerIdentity(req: http.IncomingMessage, body: string): boolean {
  return req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    && new URLSearchParams(body).get('Action') === 'GetCallerIdentity';
}

function answer(res: http.ServerResponse, status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body !== undefined && { 'Content-Type': contentType }),
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function stringMember(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
