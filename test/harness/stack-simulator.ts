/**
 * A small CloudFormation: deploys synthesized stacks into the simulation and
 * plays the stack operations of the sequences table (README.md, "What
 * CloudFormation sends a custom resource"), each operation naming its rows.
 * Resources are handled one at a time in dependency order; custom resources
 * get CloudFormation's requests through their ServiceToken and CloudFormation
 * waits for the response at the ResponseURL (ServiceTimeout, or until a
 * cancelled update abandons it). After every operation the invariants of
 * invariants.ts are checked.
 */
import { randomUUID } from 'node:crypto';
import { exchange, validateResponse, type CustomResourceRequest, type ExchangeOutcome } from './custom-resource-exchange';
import { isHandlerAsset, type HandlerCodeChoice, type UserFunctions } from './handler-code';
import type { PolicyDocument } from './iam-policy';
import { evaluateConditions, references, resolve, type ResolutionContext } from './intrinsics';
import { checkInvariants } from './invariants';
import type { RegistryOperation, RegistrySimulator } from './registry-simulator';
import type { Simulation } from './simulation';
import { isCustomResource, resourceTypeOf, type ProvisionContext, type Provisioned } from './stack-resources';
import type { CfnResource, CfnTemplate, StackTemplate } from './synthesized-stack';
import { REGISTRY_TYPE } from '../../src/handler-contract';

export type StackStatus =
  | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_FAILED' | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS' | 'DELETE_FAILED' | 'DELETE_COMPLETE';

/** One line of the stack's events: a resource (or the stack itself) changed status. */
export interface StackEvent {
  readonly logicalId: string;
  readonly status: string;
  readonly reason?: string;
  readonly physicalId?: string;
  readonly at: number;
}

/** One request CloudFormation sent a custom resource during an operation. */
export interface RequestRecord {
  readonly logicalId: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly requestId: string;
  /** Which part of the operation sent it. */
  readonly phase: 'create' | 'update' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'delete';
  readonly resourceProperties: Record<string, unknown>;
  readonly oldResourceProperties?: Record<string, unknown>;
  readonly physicalId?: string;
  /** How CloudFormation's wait ended: the response's status, no response within ServiceTimeout, or abandoned (cancelled update). */
  readonly outcome: 'SUCCESS' | 'FAILED' | 'timeout' | 'abandoned';
  /** The response's Reason, or CloudFormation's. */
  readonly reason?: string;
  /** The handler role's policy documents as they stood when the request was sent. */
  readonly handlerPolicies: readonly PolicyDocument[];
}

export interface OperationResult {
  readonly status: StackStatus;
  readonly events: readonly StackEvent[];
  readonly requests: readonly RequestRecord[];
}

export type PolicyPosition = 'before' | 'after';

/** A deployed resource: its physical id, its properties as resolved, its attributes. */
export interface DeployedResource {
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
}

export interface StackOptions {
  /** The handler functions run the sources, the bundle, or functions a test scripts. @default 'source' */
  readonly handlers?: HandlerCodeChoice | UserFunctions;
  /**
   * Where the IAM policies' steps go relative to the custom resources': in an
   * update (`before`: dependency order) and in its rollback (CloudFormation does
   * not document the rollback order). @default { update: 'before', rollback: 'after' }
   */
  readonly policyOrder?: { readonly update?: PolicyPosition; readonly rollback?: PolicyPosition };
  /** Values of the template's parameters (others take their defaults). */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * CloudFormation's side of the registry type CdkMpa::PaymentCryptography::MpaTeamAssociation:
   * a resource of that type is created, updated and deleted through it (its handler protocol).
   * Without it, such a resource is refused.
   */
  readonly registry?: RegistrySimulator;
}

export interface OperationOptions {
  /** Another resource fails: its Create or Update fails with this reason (e.g. an SSM parameter whose name is taken). */
  readonly fail?: { readonly logicalId: string; readonly reason?: string };
  /** cancel-update-stack, `afterMs` after `logicalId`'s request was sent, if CloudFormation still waits for it. */
  readonly cancel?: { readonly logicalId: string; readonly afterMs: number };
  /** The operation is about a Lambda timeout. @default false */
  readonly allowLambdaTimeouts?: boolean;
}

interface Deployed extends Provisioned {
  readonly logicalId: string;
  readonly definition: CfnResource;
  readonly properties: Record<string, unknown>;
}

/** A change applied in the current operation, to roll back or clean up. */
interface Step {
  readonly logicalId: string;
  readonly kind: 'create' | 'update';
  /** The resource before the change (update). */
  readonly before?: Deployed;
  /** The properties the change asked for. */
  readonly attempted: Record<string, unknown>;
  readonly definition: CfnResource;
  /** The physical id the change produced (a create, or a replacement). */
  physicalId?: string;
  failed?: boolean;
}

interface PendingRollback {
  readonly previous: StackTemplate;
  readonly steps: Step[];
  readonly createdSteps: Step[];
}

class Operation {
  readonly events: StackEvent[] = [];
  readonly requests: RequestRecord[] = [];
  constructor(readonly name: string, readonly options: OperationOptions) {}
}

class ResourceFailure extends Error {
  constructor(message: string, readonly physicalId?: string) {
    super(message);
  }
}

export class SimulatedStack {
  readonly stackId: string;
  /** The stack's status; undefined before its creation. */
  status?: StackStatus;
  /** Every event since the stack was created. */
  readonly events: StackEvent[] = [];
  private template?: StackTemplate;
  /** The file assets of every template this stack was given: resources of an earlier one live on until deleted. */
  private readonly knownAssets = new Map<string, string>();
  private readonly resources = new Map<string, Deployed>();
  private readonly requestIds = new Set<string>();
  private pending?: PendingRollback;
  private current?: Operation;

  constructor(readonly sim: Simulation, readonly name: string, private readonly options: StackOptions = {}) {
    this.stackId = `arn:aws:cloudformation:${sim.region}:${sim.accountId}:stack/${name}/${randomUUID()}`;
    sim.addPermissionSource({
      handles: tag => this.requestIds.has(tag),
      documents: () => this.handlerPolicies(),
      callerArn: () => this.handlerCallerArn(),
    });
  }

  /** A deployed resource: physical id, properties as resolved, attributes. */
  resource(logicalId: string): DeployedResource | undefined {
    return this.resources.get(logicalId);
  }

  /** The logical id of the one deployed resource of `type` whose id starts with `prefix`. */
  logicalIdOf(type: string, prefix = ''): string {
    const ids = [...this.resources.values()].filter(r => r.definition.Type === type && r.logicalId.startsWith(prefix)).map(r => r.logicalId);
    if (ids.length !== 1) throw new Error(`${this.name}: expected one ${type} starting with '${prefix}', found ${JSON.stringify(ids)}`);
    return ids[0];
  }

  /** Who the handler's calls come from, as STS names a Lambda function's assumed role. */
  handlerCallerArn(): string | undefined {
    const role = [...this.handlerRoles()][0];
    return role ? `arn:aws:sts::${this.sim.accountId}:assumed-role/${role}/${this.name}-handler` : undefined;
  }

  /** The names of the roles the handler's functions run with. */
  private handlerRoles(): Set<string> {
    const roles = new Set<string>();
    for (const resource of this.resources.values()) {
      if (resource.definition.Type !== 'AWS::Lambda::Function') continue;
      const directory = this.knownAssets.get(String((resource.properties.Code as { S3Key?: string } | undefined)?.S3Key));
      if (directory && isHandlerAsset(directory)) roles.add(String(resource.properties.Role).split('/').pop() ?? '');
    }
    return roles;
  }

  /** The handler role's policy documents as deployed now (its policies, managed policies and inline policies). */
  handlerPolicies(): PolicyDocument[] {
    const roles = this.handlerRoles();
    const documents: PolicyDocument[] = [];
    const attachedArns = new Set<string>();
    for (const resource of this.resources.values()) {
      if (resource.definition.Type === 'AWS::IAM::Role' && roles.has(resource.physicalId)) {
        documents.push(...((resource.properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).map(p => p.PolicyDocument));
        for (const arn of (resource.properties.ManagedPolicyArns ?? []) as string[]) attachedArns.add(arn);
      }
    }
    for (const resource of this.resources.values()) {
      const type = resource.definition.Type;
      const attachedByRoles = (resource.properties.Roles as string[] ?? []).some(name => roles.has(name));
      if ((type === 'AWS::IAM::Policy' && attachedByRoles)
        || (type === 'AWS::IAM::ManagedPolicy' && (attachedByRoles || attachedArns.has(resource.physicalId)))) {
        documents.push(resource.properties.PolicyDocument as PolicyDocument);
      }
    }
    return documents;
  }

  /** Row 1 (create); Row 2 when a resource fails (the stack's creation rolls back); Row 12 (DeletionPolicy on that rollback). */
  async create(template: StackTemplate, options: OperationOptions = {}): Promise<OperationResult> {
    if (this.status !== undefined && this.status !== 'DELETE_COMPLETE') throw new Error(`${this.name} exists (${this.status}): delete it before creating it again`);
    validateTemplate(template);
    return this.operate('create', options, async operation => {
      this.template = template;
      for (const [key, directory] of template.assets) this.knownAssets.set(key, directory);
      this.stackEvent('CREATE_IN_PROGRESS');
      const created: Step[] = [];
      for (const logicalId of this.order(template.template)) {
        const step = await this.createResource(operation, template, logicalId, 'create');
        created.push(step);
        if (step.failed) {
          // Row 2: every resource created so far gets a Delete; the failed one with its FAILED physical id.
          this.stackEvent('ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${logicalId}]. Rollback requested by user.`);
          const failed = await this.deleteResources(operation, [...created].reverse(), 'rollback', { onCreateRollback: true });
          this.stackEvent(failed.length > 0 ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE');
          return;
        }
      }
      this.stackEvent('CREATE_COMPLETE');
    });
  }

  /**
   * Row 3 (properties changed; a new physical id is a replacement: the old one is
   * deleted in cleanup), Row 4 (a new logical id: Create now, Delete of the old
   * id in cleanup), Row 5 (a removed resource), Row 6 (a cleanup Delete that
   * fails is only an event), Row 7 (a failure rolls back every resource already
   * changed, the failed one included), Row 8 (a cancelled update abandons the
   * request it waits for and rolls back at once; the first waiter keeps
   * running), Row 9 (a rollback Update that fails leaves UPDATE_ROLLBACK_FAILED),
   * Row 12 (DeletionPolicy / UpdateReplacePolicy in cleanup).
   */
  async update(template: StackTemplate, options: OperationOptions = {}): Promise<OperationResult> {
    const stable = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];
    if (!this.status || !stable.includes(this.status)) throw new Error(`${this.name} cannot be updated in ${this.status ?? 'no stack'}`);
    validateTemplate(template);
    return this.operate('update', options, async operation => {
      const previous = this.template!;
      this.template = template;
      for (const [key, directory] of template.assets) this.knownAssets.set(key, directory);
      this.stackEvent('UPDATE_IN_PROGRESS');
      const steps: Step[] = [];
      const order = this.withPolicies(this.order(template.template), this.options.policyOrder?.update ?? 'before', template.template);
      let failure: { logicalId: string; cancelled: boolean } | undefined;
      for (const logicalId of order) {
        const existing = this.resources.get(logicalId);
        const step = existing
          ? await this.updateResource(operation, template, existing)
          : await this.createResource(operation, template, logicalId, 'update');
        if (!step) continue;
        steps.push(step);
        if (step.failed) {
          failure = { logicalId, cancelled: operation.options.cancel?.logicalId === logicalId && this.wasCancelled(operation, logicalId) };
          break;
        }
      }
      if (!failure) {
        await this.cleanUpAfterUpdate(operation, previous, steps);
        return;
      }
      this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', failure.cancelled ? 'User Initiated'
        : `The following resource(s) failed to ${steps[steps.length - 1].kind}: [${failure.logicalId}].`);
      this.template = previous;
      await this.rollBack(operation, { previous, steps: steps.filter(s => s.kind === 'update'), createdSteps: steps.filter(s => s.kind === 'create') });
    });
  }

  /** Row 9: continue-update-rollback from UPDATE_ROLLBACK_FAILED, optionally skipping resources (marked rolled back, untouched). */
  async continueUpdateRollback(options: OperationOptions & { readonly resourcesToSkip?: readonly string[] } = {}): Promise<OperationResult> {
    if (this.status !== 'UPDATE_ROLLBACK_FAILED' || !this.pending) throw new Error(`${this.name} is ${this.status}, not UPDATE_ROLLBACK_FAILED`);
    const pending = this.pending;
    return this.operate('continue-update-rollback', options, async operation => {
      this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS');
      const skip = new Set(options.resourcesToSkip ?? []);
      for (const step of pending.steps.filter(s => skip.has(s.logicalId))) {
        this.resources.set(step.logicalId, step.before!);
        this.event(step.logicalId, 'UPDATE_COMPLETE', 'Resource skipped during UpdateRollback', step.before!.physicalId);
      }
      await this.rollBack(operation, { ...pending, steps: pending.steps.filter(s => !skip.has(s.logicalId)) });
    });
  }

  /** Row 10 (stack delete, and its rerun after DELETE_FAILED, optionally retaining the resources that failed); Row 12 (DeletionPolicy). */
  async delete(options: OperationOptions & { readonly retainResources?: readonly string[] } = {}): Promise<OperationResult> {
    if (!this.status || this.status === 'DELETE_COMPLETE') throw new Error(`${this.name} does not exist`);
    return this.operate('delete', options, async operation => {
      this.stackEvent('DELETE_IN_PROGRESS');
      const retain = new Set(options.retainResources ?? []);
      const order = this.order(this.template!.template, id => this.resources.has(id)).reverse();
      const failed: string[] = [];
      const blocked = new Set<string>();
      for (const logicalId of order) {
        const resource = this.resources.get(logicalId)!;
        if (blocked.has(logicalId)) continue;
        const policy = resource.definition.DeletionPolicy ?? 'Delete';
        if (retain.has(logicalId) || policy === 'Retain' || policy === 'RetainExceptOnCreate') {
          this.resources.delete(logicalId);
          this.event(logicalId, 'DELETE_SKIPPED', undefined, resource.physicalId);
          continue;
        }
        if (await this.deleteOne(operation, resource.definition, logicalId, resource.physicalId, resource.properties, 'delete')) {
          this.resources.delete(logicalId);
        } else {
          failed.push(logicalId);
          // What the failed resource depends on stays: it is still needed to delete it.
          for (const dependency of this.dependenciesOf(logicalId, this.template!.template)) blocked.add(dependency);
        }
      }
      if (this.resources.size === 0) {
        this.stackEvent('DELETE_COMPLETE');
      } else {
        this.stackEvent('DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}].`);
      }
    });
  }

  // ---- operations ---------------------------------------------------------------

  private async operate(name: string, options: OperationOptions, body: (operation: Operation) => Promise<void>): Promise<OperationResult> {
    const operation = new Operation(name, options);
    const mark = this.sim.mark();
    this.current = operation;
    try {
      await body(operation);
    } finally {
      this.current = undefined;
    }
    if (this.sim.concurrentOperations === 0) {
      checkInvariants({ sim: this.sim, operation: `${name} of stack ${this.name}`, since: mark, allowLambdaTimeouts: options.allowLambdaTimeouts });
    }
    return { status: this.status!, events: operation.events, requests: operation.requests };
  }

  private async createResource(operation: Operation, template: StackTemplate, logicalId: string, phase: 'create' | 'update'): Promise<Step> {
    const definition = template.template.Resources[logicalId];
    const properties = this.resolveProperties(template, logicalId);
    const step: Step = { logicalId, kind: 'create', attempted: properties, definition };
    this.event(logicalId, 'CREATE_IN_PROGRESS');
    try {
      const provisioned = await this.provision(operation, 'Create', phase, logicalId, definition, properties);
      step.physicalId = provisioned.physicalId;
      this.resources.set(logicalId, { ...provisioned, logicalId, definition, properties });
      this.event(logicalId, 'CREATE_COMPLETE', undefined, provisioned.physicalId);
    } catch (error) {
      step.failed = true;
      step.physicalId = (error as ResourceFailure).physicalId;
      this.event(logicalId, 'CREATE_FAILED', (error as Error).message, step.physicalId);
    }
    return step;
  }

  /** An update of `existing` if its resolved properties changed; undefined if nothing changed. */
  private async updateResource(operation: Operation, template: StackTemplate, existing: Deployed): Promise<Step | undefined> {
    const { logicalId } = existing;
    const definition = template.template.Resources[logicalId];
    if (definition.Type !== existing.definition.Type) throw new Error(`${logicalId}: a change of type (${existing.definition.Type} -> ${definition.Type}) is not simulated`);
    const properties = this.resolveProperties(template, logicalId);
    const forcedFailure = operation.options.fail?.logicalId === logicalId;
    if (!forcedFailure && JSON.stringify(properties) === JSON.stringify(existing.properties)) {
      this.resources.set(logicalId, { ...existing, definition });
      return undefined;
    }
    const step: Step = { logicalId, kind: 'update', before: existing, attempted: properties, definition };
    this.event(logicalId, 'UPDATE_IN_PROGRESS', undefined, existing.physicalId);
    try {
      const provisioned = await this.provision(operation, 'Update', 'update', logicalId, definition, properties, existing);
      step.physicalId = provisioned.physicalId;
      this.resources.set(logicalId, { ...provisioned, logicalId, definition, properties });
      this.event(logicalId, 'UPDATE_COMPLETE', undefined, provisioned.physicalId);
    } catch (error) {
      step.failed = true;
      this.event(logicalId, 'UPDATE_FAILED', (error as Error).message, existing.physicalId);
    }
    return step;
  }

  /** Creates or updates one resource; a custom resource through its request; throws ResourceFailure. */
  private async provision(operation: Operation, requestType: 'Create' | 'Update', phase: RequestRecord['phase'], logicalId: string,
    definition: CfnResource, properties: Record<string, unknown>, existing?: Deployed): Promise<Provisioned> {
    const forced = operation.options.fail;
    if (forced?.logicalId === logicalId) throw new ResourceFailure(forced.reason ?? 'Simulated failure of this resource');
    if (isCustomResource(definition.Type)) {
      const cancel = operation.options.cancel?.logicalId === logicalId && phase === 'update' ? operation.options.cancel : undefined;
      const result = await this.request(operation, phase, {
        RequestType: requestType,
        logicalId,
        type: definition.Type,
        properties,
        oldProperties: existing?.properties,
        physicalId: existing?.physicalId,
      }, cancel?.afterMs);
      return { physicalId: result.physicalId, attributes: result.data };
    }
    if (definition.Type === REGISTRY_TYPE.TYPE_NAME) {
      return this.registryOperation(existing
        ? { action: 'UPDATE', logicalId, properties: { ...properties, Id: existing.physicalId }, previousProperties: existing.properties }
        : { action: 'CREATE', logicalId, properties });
    }
    const type = resourceTypeOf(definition.Type);
    try {
      return existing
        ? type.update(this.provisionContext(), logicalId, properties, existing)
        : type.create(this.provisionContext(), logicalId, properties);
    } catch (error) {
      throw new ResourceFailure((error as Error).message);
    }
  }

  /** Row 6 and Row 12: removed resources and replaced physical ids are deleted after a successful update; a failure is only an event. */
  private async cleanUpAfterUpdate(operation: Operation, previous: StackTemplate, steps: Step[]): Promise<void> {
    this.stackEvent('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    for (const step of steps.filter(s => s.kind === 'update' && s.before && s.physicalId !== s.before.physicalId)) {
      const before = step.before!;
      if ((step.definition.UpdateReplacePolicy ?? 'Delete') === 'Retain') {
        this.event(step.logicalId, 'DELETE_SKIPPED', undefined, before.physicalId);
      } else {
        await this.deleteOne(operation, before.definition, step.logicalId, before.physicalId, before.properties, 'cleanup');
      }
    }
    const removed = this.order(previous.template, id => !(id in this.template!.template.Resources) && this.resources.has(id)).reverse();
    for (const logicalId of removed) {
      const resource = this.resources.get(logicalId)!;
      this.resources.delete(logicalId);
      const policy = resource.definition.DeletionPolicy ?? 'Delete';
      if (policy === 'Retain' || policy === 'RetainExceptOnCreate') {
        this.event(logicalId, 'DELETE_SKIPPED', undefined, resource.physicalId);
      } else {
        await this.deleteOne(operation, resource.definition, logicalId, resource.physicalId, resource.properties, 'cleanup');
      }
    }
    this.stackEvent('UPDATE_COMPLETE');
  }

  /**
   * Row 7 / Row 8 / Row 9: every changed resource gets its old properties back,
   * latest first (a custom resource a rollback Update, the failed one too),
   * IAM policies placed by the rollback policy order; then the resources the
   * update created are deleted in cleanup.
   */
  private async rollBack(operation: Operation, pending: PendingRollback): Promise<void> {
    const order = this.withPolicies([...pending.steps].reverse().map(s => s.logicalId), this.options.policyOrder?.rollback ?? 'after', pending.previous.template);
    const stillFailed: Step[] = [];
    for (const logicalId of order) {
      const step = pending.steps.find(s => s.logicalId === logicalId)!;
      if (!(await this.rollBackStep(operation, step))) stillFailed.push(step);
    }
    if (stillFailed.length > 0) {
      this.pending = { ...pending, steps: stillFailed };
      this.stackEvent('UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${stillFailed.map(s => s.logicalId).join(', ')}].`);
      return;
    }
    this.pending = undefined;
    this.stackEvent('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    await this.deleteResources(operation, [...pending.createdSteps].reverse(), 'rollback-cleanup', { onCreateRollback: false });
    for (const step of pending.steps.filter(s => s.physicalId !== undefined && s.physicalId !== s.before?.physicalId && !s.failed)) {
      // A replacement made during the update: the new physical resource goes.
      await this.deleteOne(operation, step.definition, step.logicalId, step.physicalId!, step.attempted, 'rollback-cleanup');
    }
    this.stackEvent('UPDATE_ROLLBACK_COMPLETE');
  }

  private async rollBackStep(operation: Operation, step: Step): Promise<boolean> {
    const before = step.before!;
    const replaced = !step.failed && step.physicalId !== undefined && step.physicalId !== before.physicalId;
    if (replaced) {
      this.resources.set(step.logicalId, before);
      return true;
    }
    this.event(step.logicalId, 'UPDATE_IN_PROGRESS', undefined, before.physicalId);
    try {
      if (isCustomResource(before.definition.Type)) {
        // The old properties as the new, the failed new ones as the old, the same physical id.
        const result = await this.request(operation, 'rollback', {
          RequestType: 'Update',
          logicalId: step.logicalId,
          type: before.definition.Type,
          properties: before.properties,
          oldProperties: step.attempted,
          physicalId: before.physicalId,
        });
        this.resources.set(step.logicalId, { ...before, attributes: result.data });
      } else if (before.definition.Type === REGISTRY_TYPE.TYPE_NAME) {
        // The previous properties as the desired ones, with the rollback flag.
        const result = await this.registryOperation({
          action: 'UPDATE', logicalId: step.logicalId, properties: { ...before.properties, Id: before.physicalId }, previousProperties: step.attempted, rollback: true,
        });
        this.resources.set(step.logicalId, { ...before, attributes: result.attributes });
      } else {
        resourceTypeOf(before.definition.Type).update(this.provisionContext(), step.logicalId, before.properties, before);
        this.resources.set(step.logicalId, before);
      }
      this.event(step.logicalId, 'UPDATE_COMPLETE', undefined, before.physicalId);
      return true;
    } catch (error) {
      this.event(step.logicalId, 'UPDATE_FAILED', (error as Error).message, before.physicalId);
      return false;
    }
  }

  /** Deletes the resources of `steps` (latest first), honouring DeletionPolicy; returns the logical ids that failed. */
  private async deleteResources(operation: Operation, steps: Step[], phase: RequestRecord['phase'], { onCreateRollback }: { onCreateRollback: boolean }): Promise<string[]> {
    const failed: string[] = [];
    for (const step of steps) {
      const deployed = this.resources.get(step.logicalId);
      this.resources.delete(step.logicalId);
      const physicalId = deployed?.physicalId ?? step.physicalId;
      if (physicalId === undefined) continue; // nothing was created
      const policy = step.definition.DeletionPolicy ?? 'Delete';
      if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !onCreateRollback)) {
        this.event(step.logicalId, 'DELETE_SKIPPED', undefined, physicalId);
        continue;
      }
      if (!(await this.deleteOne(operation, step.definition, step.logicalId, physicalId, deployed?.properties ?? step.attempted, phase))) {
        failed.push(step.logicalId);
      }
    }
    return failed;
  }

  /** Deletes one physical resource; false (and a DELETE_FAILED event) if it failed. */
  private async deleteOne(operation: Operation, definition: CfnResource, logicalId: string, physicalId: string,
    properties: Record<string, unknown>, phase: RequestRecord['phase']): Promise<boolean> {
    this.event(logicalId, 'DELETE_IN_PROGRESS', undefined, physicalId);
    try {
      if (isCustomResource(definition.Type)) {
        await this.request(operation, phase, { RequestType: 'Delete', logicalId, type: definition.Type, properties, physicalId });
      } else if (definition.Type === REGISTRY_TYPE.TYPE_NAME) {
        await this.registryOperation({ action: 'DELETE', logicalId, properties: { ...properties, Id: physicalId }, rollback: phase.startsWith('rollback') });
      } else {
        resourceTypeOf(definition.Type).delete(this.provisionContext(), { physicalId, attributes: {} });
      }
      this.event(logicalId, 'DELETE_COMPLETE', undefined, physicalId);
      return true;
    } catch (error) {
      this.event(logicalId, 'DELETE_FAILED', (error as Error).message, physicalId);
      return false;
    }
  }

  /**
   * Row 13: one request to a custom resource, sent as CloudFormation sends it
   * (every property value a string) to its ServiceToken, and CloudFormation's
   * wait for the response: SUCCESS gives the physical id and Data, anything
   * else throws ResourceFailure with the reason CloudFormation shows.
   */
  private async request(operation: Operation, phase: RequestRecord['phase'],
    fields: {
      RequestType: 'Create' | 'Update' | 'Delete';
      logicalId: string;
      type: string;
      properties: Record<string, unknown>;
      oldProperties?: Record<string, unknown>;
      physicalId?: string;
    }, cancelAfterMs?: number): Promise<{ physicalId: string; data: Record<string, unknown> }> {
    const serviceToken = fields.properties.ServiceToken;
    if (typeof serviceToken !== 'string') throw new ResourceFailure('ServiceToken is required');
    const requestId = randomUUID();
    this.requestIds.add(requestId);
    const base = { StackId: this.stackId, LogicalResourceId: fields.logicalId, RequestId: requestId };
    const request: CustomResourceRequest = {
      RequestType: fields.RequestType,
      ServiceToken: serviceToken,
      ResponseURL: this.sim.responses.presign(base),
      ...base,
      ResourceType: fields.type,
      ResourceProperties: stringified(fields.properties),
      ...(fields.oldProperties && { OldResourceProperties: stringified(fields.oldProperties) }),
      ...(fields.physicalId !== undefined && { PhysicalResourceId: fields.physicalId }),
    };
    const handlerPolicies = structuredClone(this.handlerPolicies());
    const abandon = cancelAfterMs === undefined ? undefined : this.sim.clock.sleepUntil(this.sim.clock.now() + cancelAfterMs);
    const result = await exchange({
      sim: this.sim,
      request,
      send: () => this.sim.lambda.invokeAsync({ FunctionName: serviceToken, Payload: JSON.stringify(request) }),
      timeoutSeconds: Number(fields.properties.ServiceTimeout ?? 3600),
      abandon: abandon?.promise,
    });
    abandon?.cancel();
    const { outcome, reason, physicalId, data } = interpret(result.outcome, request);
    operation.requests.push({
      logicalId: fields.logicalId,
      requestType: fields.RequestType,
      requestId,
      phase,
      resourceProperties: request.ResourceProperties,
      oldResourceProperties: request.OldResourceProperties,
      physicalId: fields.physicalId,
      outcome,
      reason,
      handlerPolicies,
    });
    if (outcome !== 'SUCCESS') throw new ResourceFailure(reason!, physicalId);
    return { physicalId: physicalId!, data: data ?? {} };
  }

  /**
   * One operation on a resource of the registry type, called back until it ends: SUCCESS gives
   * the primary identifier as the physical id and the model as the attributes (Fn::GetAtt reads
   * read-only properties); FAILED or a time-out fails the resource with the handler's message.
   */
  private async registryOperation(fields: Omit<RegistryOperation, 'stackId'>): Promise<Provisioned> {
    if (this.options.registry === undefined) throw new ResourceFailure(`${fields.logicalId}: the type ${REGISTRY_TYPE.TYPE_NAME} is not registered (no registry simulator)`);
    const outcome = await this.options.registry.run({ ...fields, stackId: this.stackId });
    const model = outcome.final.resourceModel;
    if (outcome.status !== 'SUCCESS') throw new ResourceFailure(outcome.final.message ?? outcome.status, model?.Id as string | undefined);
    return { physicalId: String(model?.Id ?? fields.properties.Id), attributes: { ...model } };
  }

  private wasCancelled(operation: Operation, logicalId: string): boolean {
    return operation.requests.some(r => r.logicalId === logicalId && r.outcome === 'abandoned');
  }

  // ---- template ---------------------------------------------------------------------

  /** Logical ids in dependency order (DependsOn and references), template order among equals; only those `include` keeps. */
  private order(template: CfnTemplate, include: (logicalId: string) => boolean = () => true): string[] {
    const conditions = this.conditions(template);
    const present = Object.keys(template.Resources)
      .filter(id => (template.Resources[id].Condition === undefined || conditions[template.Resources[id].Condition!]) && include(id));
    const remaining = new Set(present);
    const ordered: string[] = [];
    while (remaining.size > 0) {
      const next = [...remaining].find(id => [...this.directDependencies(id, template)].every(dep => !remaining.has(dep)));
      if (!next) throw new Error(`${this.name}: circular dependency among ${[...remaining].join(', ')}`);
      ordered.push(next);
      remaining.delete(next);
    }
    return ordered;
  }

  private directDependencies(logicalId: string, template: CfnTemplate): Set<string> {
    const resource = template.Resources[logicalId];
    const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
    const found = references(resource.Properties ?? {}, new Set(dependsOn));
    return new Set([...found].filter(id => id in template.Resources && id !== logicalId));
  }

  /** Everything `logicalId` depends on, directly or not. */
  private dependenciesOf(logicalId: string, template: CfnTemplate): Set<string> {
    const all = new Set<string>();
    const visit = (id: string) => {
      for (const dependency of this.directDependencies(id, template)) {
        if (!all.has(dependency)) {
          all.add(dependency);
          visit(dependency);
        }
      }
    };
    visit(logicalId);
    return all;
  }

  /** Moves the IAM policies of `order` just before the first custom resource, or just after the last. */
  private withPolicies(order: string[], position: PolicyPosition, template: CfnTemplate): string[] {
    const typeOf = (id: string) => (template.Resources[id] ?? this.resources.get(id)?.definition)?.Type ?? '';
    const isPolicy = (id: string) => typeOf(id) === 'AWS::IAM::Policy' || typeOf(id) === 'AWS::IAM::ManagedPolicy';
    const policies = order.filter(isPolicy);
    const rest = order.filter(id => !isPolicy(id));
    const customs = rest.map((id, i) => (isCustomResource(typeOf(id)) ? i : -1)).filter(i => i >= 0);
    if (customs.length === 0) return order;
    const at = position === 'before' ? customs[0] : customs[customs.length - 1] + 1;
    return [...rest.slice(0, at), ...policies, ...rest.slice(at)];
  }

  private resolveProperties(template: StackTemplate, logicalId: string): Record<string, unknown> {
    const properties = template.template.Resources[logicalId].Properties ?? {};
    return resolve(properties, this.resolutionContext(template.template), `Resources.${logicalId}.Properties`) as Record<string, unknown>;
  }

  private resolutionContext(template: CfnTemplate): ResolutionContext {
    const base = this.baseContext(template);
    return { ...base, conditions: evaluateConditions(template, base) };
  }

  private conditions(template: CfnTemplate): Record<string, boolean> {
    return evaluateConditions(template, this.baseContext(template));
  }

  private baseContext(template: CfnTemplate): Omit<ResolutionContext, 'conditions'> {
    const parameters = Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([name, parameter]) =>
      [name, this.options.parameters?.[name] ?? parameter.Default ?? '']));
    return {
      stackName: this.name,
      stackId: this.stackId,
      region: this.sim.region,
      accountId: this.sim.accountId,
      parameters,
      mappings: template.Mappings,
      ref: logicalId => {
        const resource = this.resources.get(logicalId);
        if (!resource) throw new Error(`Ref ${logicalId}: the resource is not deployed (yet)`);
        return resource.physicalId;
      },
      getAtt: (logicalId, attribute) => {
        const resource = this.resources.get(logicalId);
        if (!resource) throw new Error(`Fn::GetAtt ${logicalId}.${attribute}: the resource is not deployed (yet)`);
        const value = resource.attributes[attribute];
        if (value === undefined) {
          throw new Error(`CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${resource.physicalId}`);
        }
        return value;
      },
    };
  }

  private provisionContext(): ProvisionContext {
    return { sim: this.sim, stackName: this.name, assets: this.template!.assets, handlers: this.options.handlers ?? 'source' };
  }

  // ---- events -----------------------------------------------------------------------

  private event(logicalId: string, status: string, reason?: string, physicalId?: string): void {
    const event: StackEvent = {
      logicalId, status, ...(reason !== undefined && { reason }), ...(physicalId !== undefined && { physicalId }), at: this.sim.clock.now(),
    };
    this.events.push(event);
    this.current?.events.push(event);
  }

  private stackEvent(status: StackStatus, reason?: string): void {
    this.status = status;
    this.event(this.name, status, reason, this.stackId);
  }
}

/** CloudFormation refuses a template without resources before it starts. */
function validateTemplate(template: StackTemplate): void {
  if (!template.template.Resources || Object.keys(template.template.Resources).length === 0) {
    throw new Error(`Template format error: At least one Resources member must be defined (${template.stackName})`);
  }
}

/** What CloudFormation makes of the end of its wait. */
function interpret(outcome: ExchangeOutcome, request: CustomResourceRequest): {
  outcome: RequestRecord['outcome']; reason?: string; physicalId?: string; data?: Record<string, unknown>;
} {
  if (outcome.kind === 'timeout') {
    return {
      outcome: 'timeout',
      reason: `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${request.RequestId}].`,
    };
  }
  if (outcome.kind === 'abandoned') return { outcome: 'abandoned', reason: 'Resource update cancelled' };
  const invalid = validateResponse(outcome.response, request);
  const body = outcome.response.body;
  if (invalid) return { outcome: 'FAILED', reason: invalid, physicalId: body?.PhysicalResourceId };
  if (body!.Status === 'FAILED') {
    return {
      outcome: 'FAILED',
      reason: `Received response status [FAILED] from custom resource. Message returned: ${body!.Reason ?? ''} (RequestId: ${request.RequestId})`,
      physicalId: body!.PhysicalResourceId,
    };
  }
  return { outcome: 'SUCCESS', physicalId: body!.PhysicalResourceId, data: body!.Data ?? {} };
}

/** CloudFormation hands a custom resource every scalar property as a string. */
function stringified(value: Record<string, unknown>): Record<string, unknown> {
  const convert = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(convert);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, convert(v)]));
    return typeof item === 'number' || typeof item === 'boolean' ? String(item) : item;
  };
  return convert(value) as Record<string, unknown>;
}
