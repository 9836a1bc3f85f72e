/**
 * A wire-level fake of the AWS Payment Cryptography control plane (AssociateMpaTeam,
 * DisassociateMpaTeam, GetMpaTeamAssociation) and of MPA's GetSession, on one loopback
 * HTTP server. Point the SDK at it with `fake.environment()`:
 * AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY and AWS_ENDPOINT_URL_MPA.
 *
 * Plain module, no jest: used by tests, `npm run demo` and the benchmark alike.
 * What it models and which inferred behaviours it picks: README.md next to this file.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  ApprovalStateMachine,
  DEFAULT_ACTION,
  type ApprovalPolicy,
  type AssociationSeed,
  type MpaTeamAssociationOutput,
  type Resolution,
  type SessionRecord,
} from './approval-state-machine';
import { ERROR_FAULTS, FaultInjector, isErrorFault, type FaultKind, type FaultSpec, type RandomFaultSpec } from './fault-injector';
import { ServiceError } from './service-error';
import {
  CONTROL_PLANE_CONTENT_TYPE,
  CONTROL_PLANE_ERROR_NAMESPACE,
  MPA_ERROR_NAMESPACE,
  MUTATING_OPERATIONS,
  parseRequest,
  PROTOCOL_ERROR_NAMESPACE,
  renderError,
  type ErrorNameStyle,
  type ParsedRequest,
} from './wire-protocol';

export { DEFAULT_ACTION, SESSION_LIFETIME_MS } from './approval-state-machine';
export type {
  ApprovalPolicy, AssociationSeed, AssociationState, MpaTeamAssociationOutput, Resolution, SessionOutcome, SessionRecord, SessionStatus,
} from './approval-state-machine';
export type { FaultKind, FaultSpec, RandomFaultSpec } from './fault-injector';
export { sigV4ShapedHeaders, type ErrorNameStyle, type OperationName } from './wire-protocol';

export interface FakeControlPlaneOptions {
  /** Region the fake serves; requests signed for another region are refused. @default 'us-east-1' */
  readonly region?: string;
  /** @default 'immediate' */
  readonly firstAssociation?: ApprovalPolicy['firstAssociation'];
  /** @default 'conflict' */
  readonly teamChange?: ApprovalPolicy['teamChange'];
  /** MinApprovalsRequired of every session. @default 2 */
  readonly approvalThreshold?: number;
  /** NumberOfApprovers of every session. @default max(3, approvalThreshold) */
  readonly numberOfApprovers?: number;
  /** How the control plane spells the names of its own errors (faults may override). @default 'namespaced' */
  readonly errorNameStyle?: ErrorNameStyle;
  /**
   * GetSession timestamps. The real MPA model types them `IsoTimestamp` (ISO-8601
   * strings); `epoch-seconds` is there to check that a reader copes with both.
   * @default 'iso8601'
   */
  readonly sessionTimestampFormat?: 'iso8601' | 'epoch-seconds';
  /** Wall clock under the fake clock, in epoch ms; advanceTime() adds to it. @default Date.now */
  readonly clock?: () => number;
}

/** One request as the fake saw it. */
export interface RecordedRequest {
  /** Operation name, or whatever the request named when it was refused before routing. */
  readonly operation: string;
  readonly input: unknown;
  /** HTTP status sent; 0 when the client got no answer (drop, hangup-after-commit, client gone). */
  readonly status: number;
  readonly errorName?: string;
  /** Fake-clock time of arrival, epoch ms. */
  readonly at: number;
  readonly fault?: FaultKind;
}

const MPA_CONTENT_TYPE = 'application/json';

export class FakeControlPlane {
  static async start(options: FakeControlPlaneOptions = {}): Promise<FakeControlPlane> {
    const fake = new FakeControlPlane(options);
    await fake.listen();
    return fake;
  }

  readonly region: string;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  /** Pending `slow` delays, woken by stop() so no timer outlives the server. */
  private readonly delays = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly machine: ApprovalStateMachine;
  private readonly faults = new FaultInjector();
  private readonly log: RecordedRequest[] = [];
  private readonly initialPolicy: ApprovalPolicy;
  private readonly errorNameStyle: ErrorNameStyle;
  private readonly sessionTimestampFormat: 'iso8601' | 'epoch-seconds';
  private readonly wallClock: () => number;
  private clockOffsetMs = 0;
  private port = 0;

  private constructor(options: FakeControlPlaneOptions) {
    this.region = options.region ?? 'us-east-1';
    this.errorNameStyle = options.errorNameStyle ?? 'namespaced';
    this.sessionTimestampFormat = options.sessionTimestampFormat ?? 'iso8601';
    this.wallClock = options.clock ?? Date.now;
    this.initialPolicy = { firstAssociation: options.firstAssociation ?? 'immediate', teamChange: options.teamChange ?? 'conflict' };
    const threshold = options.approvalThreshold ?? 2;
    this.machine = new ApprovalStateMachine(() => this.now(), { ...this.initialPolicy }, {
      minApprovalsRequired: threshold,
      numberOfApprovers: options.numberOfApprovers ?? Math.max(3, threshold),
    });
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => this.answerUnexpected(res, error));
    });
    this.server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Environment variables that point the AWS SDK at this fake. */
  environment(): Record<string, string> {
    return { AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY: this.endpoint, AWS_ENDPOINT_URL_MPA: this.endpoint };
  }

  // ---- clock --------------------------------------------------------------

  /** The fake clock, epoch ms. */
  now(): number {
    return this.wallClock() + this.clockOffsetMs;
  }

  /** Moves the fake clock forward; due resolveAfterMs() triggers and 24-hour expiries apply at once. */
  advanceTime(ms: number): void {
    this.clockOffsetMs += ms;
    this.machine.settleDue();
  }

  // ---- observation --------------------------------------------------------

  get requests(): readonly RecordedRequest[] {
    return [...this.log];
  }

  /** Every session started so far, oldest first, with its outcome (undefined while pending). */
  get sessions(): readonly SessionRecord[] {
    return this.machine.sessions;
  }

  /** Requests that named `operation`, including refused and faulted ones. */
  callCount(operation: string): number {
    return this.log.filter(r => r.operation === operation).length;
  }

  mutatingCalls(): RecordedRequest[] {
    return this.log.filter(r => MUTATING_OPERATIONS.includes(r.operation));
  }

  /** The association as GetMpaTeamAssociation would return it (without counting a poll). */
  association(action: string = DEFAULT_ACTION): MpaTeamAssociationOutput | undefined {
    this.machine.settleDue();
    return this.machine.output(action);
  }

  // ---- scripting the service ----------------------------------------------

  setPolicy(policy: Partial<ApprovalPolicy>): void {
    this.machine.policy = { ...this.machine.policy, ...policy };
  }

  approve(action: string = DEFAULT_ACTION): void {
    this.machine.resolve(action, 'approve');
  }

  deny(action: string = DEFAULT_ACTION, message?: string): void {
    this.machine.resolve(action, 'deny', message);
  }

  expire(action: string = DEFAULT_ACTION): void {
    this.machine.resolve(action, 'expire');
  }

  cancel(action: string = DEFAULT_ACTION, message?: string): void {
    this.machine.resolve(action, 'cancel', message);
  }

  /** One more approver approves the pending session; reaching the threshold approves it. */
  recordApproval(action: string = DEFAULT_ACTION): void {
    this.machine.recordApproval(action);
  }

  /**
   * The pending session of `action` (or the next one to start) resolves on the n-th
   * GetMpaTeamAssociation call from now (n >= 1): that call already sees the outcome.
   */
  resolveAfterPolls(polls: number, outcome: Resolution, action: string = DEFAULT_ACTION): void {
    this.machine.addTrigger(action, outcome, { afterPolls: polls });
  }

  /** Like resolveAfterPolls, by fake-clock time: from now, or from the start of the next session. */
  resolveAfterMs(ms: number, outcome: Resolution, action: string = DEFAULT_ACTION): void {
    this.machine.addTrigger(action, outcome, { afterMs: ms });
  }

  /** Seeds the state out of band; a session pending for `action` ends as CANCELLED, unapplied. */
  setAssociation(action: string, seed: AssociationSeed): void {
    this.machine.setAssociation(action, seed);
  }

  removeAssociation(action: string = DEFAULT_ACTION): void {
    this.machine.removeAssociation(action);
  }

  // ---- faults ---------------------------------------------------------------

  injectFault(spec: FaultSpec): void {
    this.faults.inject(spec);
  }

  randomFaults(spec: RandomFaultSpec): void {
    this.faults.startStorm(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  // ---- lifecycle ------------------------------------------------------------

  /** Back to a fresh state: no associations, sessions, faults, requests; initial policy; clock offset 0. */
  reset(): void {
    this.machine.reset();
    this.machine.policy = { ...this.initialPolicy };
    this.faults.clear();
    this.log.length = 0;
    this.clockOffsetMs = 0;
  }

  /** Closes the server and every open (keep-alive) socket, so a test runner can exit. */
  async stop(): Promise<void> {
    for (const delay of this.delays) {
      clearTimeout(delay.timer);
      delay.wake();
    }
    this.delays.clear();
    await new Promise<void>(resolve => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  // ---- request handling -------------------------------------------------------

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const at = this.now();
    const request = parseRequest(req, body, this.region);
    if (request.route === 'rejected') {
      this.answerError(res, request.error, this.errorNameStyle, PROTOCOL_ERROR_NAMESPACE, CONTROL_PLANE_CONTENT_TYPE);
      this.log.push({ operation: request.operation, input: request.input, status: request.error.status, errorName: request.error.errorName, at });
      return;
    }

    const isMpa = request.route === 'mpa';
    const contentType = isMpa ? MPA_CONTENT_TYPE : CONTROL_PLANE_CONTENT_TYPE;
    const namespace = isMpa ? MPA_ERROR_NAMESPACE : CONTROL_PLANE_ERROR_NAMESPACE;
    // restJson services name errors in the X-Amzn-ErrorType header.
    const defaultStyle: ErrorNameStyle = isMpa ? 'header' : this.errorNameStyle;
    const fault = this.faults.next(request.operation);
    const record = (status: number, errorName?: string) => this.log.push({
      operation: request.operation,
      input: request.input,
      status,
      at,
      ...(errorName !== undefined && { errorName }),
      ...(fault && { fault: fault.kind }),
    });

    if (fault && fault.delayMs > 0) {
      await this.sleep(fault.delayMs);
      // A client that gave up never had its request applied (hangup-after-commit models the other case).
      if (req.socket.destroyed) return void record(0);
    }
    if (fault?.kind === 'drop') {
      record(0);
      return void req.socket.destroy();
    }
    if (fault && isErrorFault(fault.kind)) {
      const { errorName, status, message } = ERROR_FAULTS[fault.kind];
      const injected = new ServiceError(errorName, status, fault.message ?? message);
      this.answerError(res, injected, fault.errorNameStyle ?? defaultStyle, namespace, contentType);
      return void record(status, errorName);
    }

    let output: unknown;
    let error: ServiceError | undefined;
    try {
      output = this.execute(request);
    } catch (caught) {
      if (!(caught instanceof ServiceError)) throw caught;
      error = caught;
    }
    if (fault?.kind === 'hangup-after-commit') {
      record(0, error?.errorName);
      return void req.socket.destroy();
    }
    if (error) {
      this.answerError(res, error, defaultStyle, namespace, contentType);
      return void record(error.status, error.errorName);
    }
    answer(res, 200, contentType, output);
    record(200);
  }

  private execute(request: ParsedRequest): unknown {
    if (request.route === 'mpa') return this.sessionOutput(this.machine.getSession(request.input.SessionArn));
    switch (request.operation) {
      case 'AssociateMpaTeam': return { MpaTeamAssociation: this.machine.associate(request.input) };
      case 'DisassociateMpaTeam': return { MpaTeamAssociation: this.machine.disassociate(request.input) };
      case 'GetMpaTeamAssociation': return { MpaTeamAssociation: this.machine.get(request.input) };
    }
  }

  /** MPA GetSession output, member names as in the MPA service model. */
  private sessionOutput(session: SessionRecord): Record<string, unknown> {
    const time = (ms: number) => this.sessionTimestampFormat === 'epoch-seconds' ? ms / 1000 : new Date(ms).toISOString();
    return {
      SessionArn: session.sessionArn,
      ApprovalTeamArn: session.approvalTeamArn,
      ApprovalTeamName: session.approvalTeamArn.slice(session.approvalTeamArn.indexOf('approval-team/') + 'approval-team/'.length),
      ApprovalStrategy: { MofN: { MinApprovalsRequired: session.minApprovalsRequired } },
      NumberOfApprovers: session.approvers.length,
      InitiationTime: time(session.initiatedAtMs),
      ExpirationTime: time(session.expiresAtMs),
      ...(session.completedAtMs !== undefined && { CompletionTime: time(session.completedAtMs) }),
      Status: session.status,
      ...(session.statusCode !== undefined && { StatusCode: session.statusCode }),
      ...(session.statusMessage !== undefined && { StatusMessage: session.statusMessage }),
      ...(session.requesterComment !== undefined && { RequesterComment: session.requesterComment }),
      ApproverResponses: session.approvers.map(vote => ({
        ApproverId: vote.approverId,
        Response: vote.response,
        ...(vote.responseTimeMs !== undefined && { ResponseTime: time(vote.responseTimeMs) }),
      })),
    };
  }

  private answerError(res: http.ServerResponse, error: ServiceError, style: ErrorNameStyle, namespace: string, contentType: string): void {
    const rendered = renderError(error, style, namespace);
    answer(res, rendered.status, contentType, rendered.body, rendered.headers);
  }

  /** A bug in the fake answers 500 rather than crashing the test process. */
  private answerUnexpected(res: http.ServerResponse, error: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const message = `Fake control plane bug: ${error instanceof Error ? error.stack : String(error)}`;
    this.answerError(res, new ServiceError('InternalServerException', 500, message), 'namespaced', CONTROL_PLANE_ERROR_NAMESPACE,
      CONTROL_PLANE_CONTENT_TYPE);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const delay = {
        timer: setTimeout(() => {
          this.delays.delete(delay);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.delays.add(delay);
    });
  }
}

function answer(res: http.ServerResponse, status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
