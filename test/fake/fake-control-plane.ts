/**
 * A wire-level fake of what the handler talks to, on one loopback HTTP server: the AWS
 * Payment Cryptography control plane (AssociateMpaTeam, DisassociateMpaTeam,
 * GetMpaTeamAssociation; awsJson1_0), SSM Parameter Store (awsJson1_1) in the same
 * region, and MPA's REST API (GetSession, CancelSession, GetApprovalTeam) in MPA's own
 * region. Point the SDK at it with `fake.environment()`.
 *
 * Plain module, no jest: used by tests, `npm run demo` and the benchmark alike.
 * What it models and which undocumented behaviours it can play: README.md next to this file.
 */
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
import { ApprovalTeams, type TeamRecord, type TeamScript } from './approval-teams';
import { partitionOf, type Authorizer } from './authorization';
import { FaultInjector, type FaultSpec, type RandomFaultSpec } from './fault-injector';
import { LogStore, type DeliveredLogEvent } from './log-store';
import type { TimestampFormat } from './mpa-api';
import { ParameterStore, type ParameterSnapshot, type PathPaging } from './parameter-store';
import { RequestDelays, type TimeSource } from './request-delays';
import { DEFAULT_MPA_BEHAVIOUR, RequestHandler, type MpaBehaviour, type RecordedRequest } from './request-handler';
import { DEFAULT_WORLD, type ServiceWorld } from './service-worlds';
import { MUTATING_OPERATIONS, type ErrorNameStyle } from './wire-protocol';

export { DEFAULT_ACTION, SESSION_LIFETIME_MS } from './approval-state-machine';
export type {
  ApprovalPolicy, AssociationSeed, AssociationState, CallContext, MpaTeamAssociationOutput, Resolution, SessionKind, SessionOutcome,
  SessionRecord, SessionStatus,
} from './approval-state-machine';
export type { ApprovalTeamStatus, ApproverIdentityStatus, TeamRecord, TeamScript } from './approval-teams';
export type { AuthorizationRequest, AuthorizedService, Authorizer } from './authorization';
export { HANG_CAP_MS, type FaultKind, type FaultSpec, type RandomFaultSpec } from './fault-injector';
export type { ParameterSnapshot, PathPaging } from './parameter-store';
export type { TimeSource } from './request-delays';
export { DEFAULT_WORLD, WORLD_DIMENSIONS, WORLDS, worldName, type ServiceWorld } from './service-worlds';
export { DEFAULT_MPA_BEHAVIOUR, SIMULATION_TAG_HEADER, type MpaBehaviour, type RecordedRequest } from './request-handler';
export { sigV4ShapedHeaders, type ErrorNameStyle, type OperationName } from './wire-protocol';

export interface FakeControlPlaneOptions {
  /** Region of the control plane and of SSM; requests signed for another region are refused. @default 'us-east-1' */
  readonly region?: string;
  /** Region of MPA's API (approval teams and sessions live in us-east-1); MPA requests must be signed for it. @default 'us-east-1' */
  readonly mpaRegion?: string;
  /** Account of the caller, in SSM parameter ARNs and the default requester ARNs. @default '123456789012' */
  readonly accountId?: string;
  /** The service's undocumented behaviours; unset dimensions take DEFAULT_WORLD's value. @default DEFAULT_WORLD */
  readonly world?: Partial<ServiceWorld>;
  /** Same as `world.firstAssociation` (kept from the first version). @default 'immediate' */
  readonly firstAssociation?: ApprovalPolicy['firstAssociation'];
  /** Same as `world.otherTeamWhileActive` (kept from the first version). @default 'conflict' */
  readonly teamChange?: ApprovalPolicy['teamChange'];
  /** MinApprovalsRequired of every session and team. @default 2 */
  readonly approvalThreshold?: number;
  /** NumberOfApprovers of every session, and of teams nobody scripted. @default max(3, approvalThreshold) */
  readonly numberOfApprovers?: number;
  /** How the control plane spells the names of its own errors (faults may override). @default 'namespaced' */
  readonly errorNameStyle?: ErrorNameStyle;
  /**
   * MPA timestamps. The real MPA model types them `IsoTimestamp` (ISO-8601 strings);
   * `epoch-seconds` is there to check that a reader copes with both.
   * @default 'iso8601'
   */
  readonly sessionTimestampFormat?: TimestampFormat;
  /** Wall clock under the fake clock, in epoch ms; advanceTime() adds to it. Ignored with `timeSource`. @default Date.now */
  readonly clock?: () => number;
  /**
   * A clock to read and to wait on (a simulator's virtual clock): every delay the fake imposes
   * is waited out through its `sleep`, in steps of at most one second. @default real time
   */
  readonly timeSource?: TimeSource;
  /** RequesterPrincipalArn of sessions opened by control-plane calls. @default `arn:aws:sts::<accountId>:assumed-role/MpaTeamAssociationHandlerRole/handler` */
  readonly requesterPrincipalArn?: string;
  /** RequesterPrincipalArn of sessions seeded with setAssociation(). @default `arn:aws:sts::<accountId>:assumed-role/SecurityAdmin/out-of-band` */
  readonly outOfBandRequesterPrincipalArn?: string;
  /** Decides whether each routed operation is allowed. @default everything is allowed */
  readonly authorizer?: Authorizer;
  /**
   * CancelSession of a session already CANCELLED: ConflictException, or 200 (the MPA model marks
   * CancelSession idempotent). Other ended sessions always answer ConflictException. @default 'conflict'
   */
  readonly repeatCancel?: 'conflict' | 'success';
  /**
   * GetParametersByPath paging: full pages, or SSM's documented best effort (an empty first
   * page with a NextToken, then pages of at most half of MaxResults). @default 'full'
   */
  readonly parametersByPathPaging?: PathPaging;
}


export class FakeControlPlane {
  static async start(options: FakeControlPlaneOptions = {}): Promise<FakeControlPlane> {
    const fake = new FakeControlPlane(options);
    await fake.listen();
    return fake;
  }

  readonly region: string;
  readonly mpaRegion: string;
  readonly accountId: string;
  readonly requesterPrincipalArn: string;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly delays: RequestDelays;
  private readonly machine: ApprovalStateMachine;
  private readonly teams: ApprovalTeams;
  private readonly parameterStore: ParameterStore;
  private readonly logStore = new LogStore();
  private readonly faults = new FaultInjector();
  private readonly log: RecordedRequest[] = [];
  private readonly startWorld: ServiceWorld;
  private readonly startAuthorizer: Authorizer | undefined;
  private readonly errorNameStyle: ErrorNameStyle;
  private readonly timestampFormat: TimestampFormat;
  private readonly repeatCancel: 'conflict' | 'success';
  private readonly mpaBehaviour: MpaBehaviour = { ...DEFAULT_MPA_BEHAVIOUR };
  private readonly wallClock: () => number;
  private authorizer: Authorizer | undefined;
  private callerResolver: ((tag: string | undefined) => string | undefined) | undefined;
  private clockOffsetMs = 0;
  private port = 0;

  private constructor(options: FakeControlPlaneOptions) {
    this.region = options.region ?? 'us-east-1';
    this.mpaRegion = options.mpaRegion ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.requesterPrincipalArn = options.requesterPrincipalArn
      ?? `arn:aws:sts::${this.accountId}:assumed-role/MpaTeamAssociationHandlerRole/handler`;
    this.errorNameStyle = options.errorNameStyle ?? 'namespaced';
    this.timestampFormat = options.sessionTimestampFormat ?? 'iso8601';
    this.repeatCancel = options.repeatCancel ?? 'conflict';
    this.wallClock = options.timeSource ? () => options.timeSource!.now() : options.clock ?? Date.now;
    this.delays = new RequestDelays(options.timeSource);
    this.startAuthorizer = options.authorizer;
    this.authorizer = options.authorizer;
    this.startWorld = {
      ...DEFAULT_WORLD,
      ...(options.firstAssociation && { firstAssociation: options.firstAssociation }),
      ...(options.teamChange && { otherTeamWhileActive: options.teamChange }),
      ...options.world,
    };
    const threshold = options.approvalThreshold ?? 2;
    const numberOfApprovers = options.numberOfApprovers ?? Math.max(3, threshold);
    this.teams = new ApprovalTeams(() => this.now(), { minApprovalsRequired: threshold, numberOfApprovers });
    this.machine = new ApprovalStateMachine(() => this.now(), { ...this.startWorld }, {
      minApprovalsRequired: threshold,
      numberOfApprovers,
      outOfBandRequesterPrincipalArn: options.outOfBandRequesterPrincipalArn
        ?? `arn:aws:sts::${this.accountId}:assumed-role/SecurityAdmin/out-of-band`,
    }, teamArn => this.teams.problemAssociating(teamArn));
    this.parameterStore = new ParameterStore(() => this.now(),
      name => `arn:${partitionOf(this.region)}:ssm:${this.region}:${this.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
      options.parametersByPathPaging);
    const handler = new RequestHandler({
      region: this.region,
      mpaRegion: this.mpaRegion,
      requesterPrincipalArn: this.requesterPrincipalArn,
      errorNameStyle: this.errorNameStyle,
      timestampFormat: this.timestampFormat,
      repeatCancel: this.repeatCancel,
      mpaBehaviour: this.mpaBehaviour,
      machine: this.machine,
      teams: this.teams,
      parameterStore: this.parameterStore,
      logStore: this.logStore,
      faults: this.faults,
      delays: this.delays,
      log: this.log,
      now: () => this.now(),
      authorizer: () => this.authorizer,
      callerOf: tag => this.callerResolver?.(tag),
    });
    this.server = http.createServer((req, res) => {
      void handler.handle(req, res).catch((error: unknown) => handler.answerUnexpected(res, error));
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

  /** Environment variables that point the AWS SDK at this fake, for each service it plays. */
  environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_PAYMENT_CRYPTOGRAPHY: this.endpoint,
      AWS_ENDPOINT_URL_MPA: this.endpoint,
      AWS_ENDPOINT_URL_SSM: this.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.endpoint,
      AWS_ENDPOINT_URL_STS: this.endpoint,
    };
  }

  // ---- clock --------------------------------------------------------------

  /** The fake clock, epoch ms: the time source's (or wall clock's) time plus advanceTime() offsets. */
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

  /** The association as the model describes it (without counting a poll, never CREATING). */
  association(action: string = DEFAULT_ACTION): MpaTeamAssociationOutput | undefined {
    this.machine.settleDue();
    return this.machine.output(action);
  }

  /** The world the fake plays now. */
  get world(): ServiceWorld {
    return { ...this.machine.world };
  }

  /** The team as GetApprovalTeam would describe it; undefined once deleted. */
  team(teamArn: string): TeamRecord | undefined {
    return this.teams.describe(teamArn);
  }

  /** SSM parameters, sorted by name. */
  parameters(): ParameterSnapshot[] {
    return this.parameterStore.parameters();
  }

  /** The log events delivered to CloudWatch Logs (a registry type's handler), in order. */
  logEvents(): readonly DeliveredLogEvent[] {
    return this.logStore.events;
  }

  // ---- scripting the service ----------------------------------------------

  /** Moves the given dimensions of the current world; reset() returns to the start world. */
  setWorld(world: Partial<ServiceWorld>): void {
    this.machine.world = { ...this.machine.world, ...world };
  }

  /** GetParametersByPath lags writes by `ms` (a list may not show another writer's parameter at once); reset() sets 0. */
  setParameterListLag(ms: number): void {
    this.parameterStore.listLagMs = ms;
  }

  /** Moves MPA's behaviours that its model leaves open (see MpaBehaviour); reset() restores the defaults. */
  setMpaBehaviour(behaviour: Partial<MpaBehaviour>): void {
    Object.assign(this.mpaBehaviour, behaviour);
  }

  /** The first version's switches: `teamChange` is `otherTeamWhileActive`. */
  setPolicy(policy: Partial<ApprovalPolicy>): void {
    this.setWorld({
      ...(policy.firstAssociation && { firstAssociation: policy.firstAssociation }),
      ...(policy.teamChange && { otherTeamWhileActive: policy.teamChange }),
    });
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

  /** Scripts a team's state as GetApprovalTeam reports it; AssociateMpaTeam refuses a team that is not ACTIVE. */
  setTeam(teamArn: string, script: TeamScript): void {
    this.teams.set(teamArn, script);
  }

  /** The team becomes ACTIVE with every approver ACCEPTED. */
  activateTeam(teamArn: string): void {
    this.teams.activate(teamArn);
  }

  /** The team no longer exists: GetApprovalTeam answers 404, AssociateMpaTeam a ValidationException. */
  deleteTeam(teamArn: string): void {
    this.teams.delete(teamArn);
  }

  /** Creates or overwrites an SSM String parameter out of band (its version goes up). */
  putParameter(name: string, value: string): void {
    this.parameterStore.put(name, value);
  }

  deleteParameter(name: string): void {
    this.parameterStore.delete(name);
  }

  /**
   * Who makes a request carrying `x-simulation-tag`: the requester of the sessions it opens and the
   * principal named in its AccessDenied messages. A simulation maps each tag to the handler role of
   * the stack that sent it; undefined (or an unknown tag) falls back to `requesterPrincipalArn`.
   */
  setCallerResolver(resolver: ((tag: string | undefined) => string | undefined) | undefined): void {
    this.callerResolver = resolver;
  }

  /** Replaces the authorizer (undefined allows everything); reset() restores the start option. */
  setAuthorizer(authorizer: Authorizer | undefined): void {
    this.authorizer = authorizer;
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

  /**
   * Back to a fresh state: no associations, sessions, scripted teams, parameters, faults or
   * requests; the start world and authorizer; clock offset 0.
   */
  reset(): void {
    this.machine.reset();
    this.machine.world = { ...this.startWorld };
    this.teams.reset();
    this.parameterStore.reset();
    this.logStore.reset();
    this.faults.clear();
    Object.assign(this.mpaBehaviour, DEFAULT_MPA_BEHAVIOUR);
    this.authorizer = this.startAuthorizer;
    this.log.length = 0;
    this.clockOffsetMs = 0;
  }

  /** Closes the server, every open (keep-alive) socket and every pending delay, so a test runner can exit. */
  async stop(): Promise<void> {
    this.delays.stop();
    await new Promise<void>(resolve => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  // ---- serving ----------------------------------------------------------------

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
