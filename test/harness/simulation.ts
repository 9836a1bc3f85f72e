import { currentScope, sharedActivity, type ActivityScope, type FinishedRequest } from './activity';
import { AwsStandIns } from './aws-stand-ins';
import { captureConsole } from './console-capture';
import { installEnvironmentView } from './environment-view';
import { FAKE_SLEEPER, fakeEnvironment, openedByTagOf, setAuthorizer, startFake, type AuthorizationRequest, type FakeOptions } from './fake-adapter';
import { isAllowed, type PolicyDocument } from './iam-policy';
import './install-request-tagging';
import { requestsInFlight } from './request-tagging';
import { RealTimeClock, type SimulationClock } from './simulation-clock';
import { VirtualClock } from './virtual-clock';
import { installVirtualTimers, virtualTimers } from './virtual-timers';
import type { FakeControlPlane } from '../fake/fake-control-plane';


/** The policies that apply to the calls made for some requests (a stack's handler role, by the RequestIds it sent). */
export interface PermissionSource {
  handles(tag: string): boolean;
  documents(): readonly PolicyDocument[];
  /** The principal its calls come from (the handler role's assumed-role ARN). */
  callerArn?(): string | undefined;
}

/** Lengths of the simulation's records at a moment. */
export interface SimulationMark {
  readonly invocations: number;
  readonly responses: number;
  readonly sessions: number;
  readonly requests: number;
  readonly sentRequests: number;
}

/** The credentials every sandbox gets: none of them may ever appear in a log line. */
export const FAKE_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key-for-the-local-fake',
  AWS_SESSION_TOKEN: 'fake-session-token',
} as const;

export interface SimulationOptions {
  /** `virtual` (default): simulated time, nothing waits in real time. `real`: the few cases where real time is the point. */
  readonly time?: 'virtual' | 'real';
  /** Epoch milliseconds the virtual clock starts at. @default now, to the second */
  readonly startAt?: number;
  /** The account the stacks and functions live in. @default '123456789012' */
  readonly accountId?: string;
  /** The fake to use, or options to start one (on the simulation's clock). @default a fake in us-east-1 */
  readonly fake?: FakeControlPlane | FakeOptions;
}

/**
 * The AWS that hosts a custom resource, locally: one clock, Lambda, Step
 * Functions and the presigned ResponseURL, around aws-cdk-lib's own
 * provider-framework runtime, and the fake control plane the handler talks to.
 * Console lines, HTTP requests and `process.env` are routed by invocation while
 * it runs (see activity.ts). One per test file, reset between cases.
 */
export class Simulation extends AwsStandIns {
  static async start(options: SimulationOptions = {}): Promise<Simulation> {
    const clock: SimulationClock = options.time === 'real'
      ? new RealTimeClock()
      : new VirtualClock({ startAt: options.startAt, ownerOf: () => currentScope() });
    const fake = options.fake && 'endpoint' in options.fake
      ? { fake: options.fake as FakeControlPlane, owned: false }
      : { fake: await startFake(clock, options.fake as FakeOptions | undefined), owned: true };
    return new Simulation(clock, fake.fake, fake.owned, options.accountId ?? '123456789012');
  }

  /** Teams a test seeded that no resource of this library manages: never to be disassociated. */
  readonly foreignTeams = new Set<string>();
  /** Which `x-simulation-tag` opened each session, for a fake that does not record it itself. */
  readonly sessionTags = new Map<string, string>();
  /** Whether the fake can enforce the handler role's policy (it has setAuthorizer). */
  readonly authorizes: boolean;
  /**
   * Stack operations under way together (concurrent-operations.ts): while any is, a stack
   * operation that ends does not check the invariants, since another one's requests are
   * still waiting for their answers; the whole group is checked once all have ended.
   */
  concurrentOperations = 0;
  private readonly restores: Array<() => void> = [];
  private readonly permissionSources = new Set<PermissionSource>();
  private seenSessions = 0;

  private constructor(
    clock: SimulationClock,
    readonly fake: FakeControlPlane,
    private readonly ownsFake: boolean,
    accountId: string,
  ) {
    super(clock, fake.region, accountId, () => this.baseEnvironment(),
      clock instanceof VirtualClock ? virtualTimers(clock, { setTimeout, clearTimeout }) : undefined);
    this.restores.push(captureConsole(console), installEnvironmentView());
    if (clock instanceof VirtualClock) this.restores.push(installVirtualTimers(globalThis, clock));
    this.responses.observe = response => {
      const action = this.sentRequests.find(sent => sent.request.RequestId === response.requestId)?.request.ResourceProperties.Action;
      if (typeof action === 'string' && action !== '') response.association = this.fake.association(action);
    };
    if (clock instanceof VirtualClock) clock.setBusyProbe(() => this.someoneWorks(clock));
    const attribute = (finished: FinishedRequest) => {
      if (/(Associate|Disassociate)MpaTeam$/.test(finished.target ?? '')) this.attributeNewSessions(finished.tag);
    };
    sharedActivity().finishedListeners.add(attribute);
    this.restores.push(() => sharedActivity().finishedListeners.delete(attribute));
    this.authorizes = setAuthorizer(fake, request => this.authorize(request));
    fake.setCallerResolver(tag => this.callerOf(tag));
  }

  /** The principal whose call carries `tag`: the handler role of the stack that sent the request. */
  callerOf(tag: string | undefined): string | undefined {
    if (tag === undefined) return undefined;
    return [...this.permissionSources].find(source => source.handles(tag))?.callerArn?.();
  }

  /** Adds whose policies the fake evaluates for the calls of some requests (a stack's handler role). Returns the function that removes it. */
  addPermissionSource(source: PermissionSource): () => void {
    this.permissionSources.add(source);
    return () => this.permissionSources.delete(source);
  }

  /**
   * The fake's authorizer: the caller's `x-simulation-tag` (or, when the fake
   * does not pass it, the one tag of the invocations running now) names the
   * request, and so the stack whose handler role's policies apply, as they
   * stand at this moment. Calls no source claims are allowed.
   */
  authorize(request: AuthorizationRequest): boolean {
    const tags = request.tag !== undefined
      ? [request.tag]
      : [...new Set([...this.lambda.runningInvocations().keys()].map(invocation => invocation.tag))];
    const source = [...this.permissionSources].find(candidate => tags.some(tag => candidate.handles(tag)));
    if (!source) return true;
    const action = request.action.includes(':') ? request.action : `${request.service}:${request.action}`;
    return isAllowed(source.documents(), action, request.resource);
  }

  /** What every Lambda sandbox finds in its environment besides its function's own variables. */
  baseEnvironment(): Record<string, string> {
    return { ...FAKE_CREDENTIALS, ...fakeEnvironment(this.fake), TZ: ':UTC', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
  }

  /** Declares a team the test seeded that no resource of this library manages. */
  declareForeignTeam(teamArn: string): void {
    this.foreignTeams.add(teamArn);
  }

  /** Where the records stand now: checks after an operation look only at what came after its mark. */
  mark(): SimulationMark {
    return {
      invocations: this.lambda.invocations.length,
      responses: this.responses.responses.length,
      sessions: this.fake.sessions.length,
      requests: this.fake.requests.length,
      sentRequests: this.sentRequests.length,
    };
  }

  /** A fresh case: no records, a fresh fake; the clock keeps its time. */
  reset(): void {
    this.sentRequests.length = 0;
    this.lambda.invocations.length = 0;
    this.stepFunctions.executions.length = 0;
    this.stepFunctions.clearRetryListeners();
    this.responses.reset();
    this.foreignTeams.clear();
    this.requesterComments.clear();
    this.sessionTags.clear();
    this.seenSessions = 0;
    this.concurrentOperations = 0;
    this.permissionSources.clear();
    this.fake.reset();
    setAuthorizer(this.fake, request => this.authorize(request));
    this.fake.setCallerResolver(tag => this.callerOf(tag));
  }

  async stop(): Promise<void> {
    for (const restore of this.restores.reverse()) restore();
    if (this.clock instanceof VirtualClock) this.clock.dispose();
    if (this.ownsFake) await this.fake.stop();
  }

  /** For a fake that does not record `openedByTag`: a session that appeared by the time a tagged call finished is that call's. */
  private attributeNewSessions(finishedTag: string | undefined): void {
    const sessions = this.fake.sessions;
    for (; this.seenSessions < sessions.length; this.seenSessions++) {
      const session = sessions[this.seenSessions];
      const tag = openedByTagOf(session) ?? finishedTag;
      if (tag) this.sessionTags.set(session.sessionArn, tag);
    }
  }

  /**
   * Whether some actor does real work, so that simulated time must stand
   * still: a running invocation neither asleep on the clock nor waiting for an
   * answer the fake holds back on the clock, or a request in flight elsewhere.
   */
  private someoneWorks(clock: VirtualClock): boolean {
    const inFlight = requestsInFlight();
    const heldByFake = inFlight <= clock.sleepsOf(FAKE_SLEEPER);
    for (const scope of this.lambda.runningInvocations().values()) {
      if (isParked(scope, clock, heldByFake)) continue;
      return true;
    }
    return inFlight > 0 && !heldByFake;
  }
}

/** An invocation waits on the clock: asleep with no call in flight, or with its calls held back by the fake. */
function isParked(scope: ActivityScope, clock: VirtualClock, heldByFake: boolean): boolean {
  if (scope.killed || scope.childrenRunning > 0) return true;
  if (scope.requests.size > 0) return heldByFake;
  return clock.isSleeping(scope);
}
