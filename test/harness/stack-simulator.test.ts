/**
 * The stack simulator plays CloudFormation's sequences (README.md, rows 1-13)
 * around the real construct's synthesized template. The custom resource's
 * user functions are scripted here (scripted-resource.ts), so that these cases
 * state what CloudFormation sends and when, whatever the handler decides.
 */
import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { isAllowed } from './iam-policy';
import { InvariantViolation } from './invariants';
import { CREATE_FAILED_MARKER } from './provider-framework-runtime';
import { ScriptedResource, type SeenRequest } from './scripted-resource';
import { SimulatedStack, type OperationResult, type StackOptions } from './stack-simulator';
import { useSimulation } from './stack-test-environment';
import { newSimulatedStack, synthesize, type StackTemplate } from './synthesized-stack';
import { waiterDefinitionString } from './waiter-definition';
import { MpaTeamAssociation } from '../../src';
import { RESOURCE_TYPE } from '../../src/handler-contract';

const env = useSimulation();

const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
const TEAM_B = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-b';
/** A team in another account: the handler role's policy changes with it. */
const TEAM_C = 'arn:aws:mpa:us-east-1:444455556666:approval-team/payments-root-c';

interface Version {
  readonly stackName?: string;
  readonly team?: string;
  /** The construct id (a new one is a new logical id). */
  readonly id?: string;
  readonly removalPolicy?: RemovalPolicy;
  /** Adds an SNS topic that depends on the association, with this display name. */
  readonly other?: string;
  /** Leaves the association (and so its provider) out. */
  readonly without?: boolean;
  readonly comment?: string;
}

const templates = new Map<string, StackTemplate>();

/** The synthesized template of `version` (synthesized once per version: the simulator never changes one). */
function template(version: Version = {}): StackTemplate {
  const key = JSON.stringify(version);
  if (!templates.has(key)) templates.set(key, synthesizeVersion(version));
  return templates.get(key)!;
}

function synthesizeVersion(version: Version): StackTemplate {
  const stack = newSimulatedStack(version.stackName ?? 'Payments');
  const association = version.without ? undefined : new MpaTeamAssociation(stack, version.id ?? 'RootCertificateImportApproval', {
    mpaTeamArn: version.team ?? TEAM_A,
    approvalTimeout: Duration.minutes(15),
    pollInterval: Duration.seconds(10),
    removalPolicy: version.removalPolicy,
    requesterComment: version.comment,
  });
  if (version.other !== undefined) {
    const other = new CfnResource(stack, 'Other', { type: 'AWS::SNS::Topic', properties: { DisplayName: version.other } });
    if (association) other.node.addDependency(association);
  }
  // A template needs at least one resource.
  new CfnResource(stack, 'Placeholder', { type: 'AWS::CloudFormation::WaitConditionHandle' });
  return synthesize(stack);
}

let resource: ScriptedResource;
beforeEach(() => { resource = new ScriptedResource(); });

function newStack(name = 'Payments', options: StackOptions = {}): SimulatedStack {
  return new SimulatedStack(env.sim, name, { handlers: resource.functions, ...options });
}

/** `<status> <logical id>` of each event, the custom resource shown as `Association`, the stack by its name. */
function trail(result: OperationResult, stack: SimulatedStack, filter: (logicalId: string) => boolean = () => true): string[] {
  return result.events.filter(e => filter(e.logicalId)).map(e => `${e.status} ${label(e.logicalId, stack)}`);
}

function label(logicalId: string, stack: SimulatedStack): string {
  if (logicalId === stack.name) return stack.name;
  return logicalId.startsWith('RootCertificateImportApproval') ? (logicalId.startsWith('RootCertificateImportApprovalV2') ? 'AssociationV2' : 'Association') : logicalId;
}

const mainResources = (stack: SimulatedStack) => (id: string) => id === stack.name || id.startsWith('RootCertificate') || id === 'Other';

describe('Row 1: create', () => {
  test('the custom resource gets a Create with its properties, every value a string and the ServiceToken resolved; its Data become attributes', async () => {
    const stack = newStack();
    const result = await stack.create(template());
    expect(result.status).toBe('CREATE_COMPLETE');
    const [create] = result.requests;
    const frameworkOnEvent = stack.resource(stack.logicalIdOf('AWS::Lambda::Function', 'MpaTeamAssociationProviderframeworkonEvent'))!;
    expect(create).toMatchObject({ requestType: 'Create', phase: 'create', outcome: 'SUCCESS' });
    expect(create.resourceProperties).toEqual({
      ServiceToken: frameworkOnEvent.attributes.Arn,
      ServiceTimeout: '1040',
      Action: 'IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE',
      MpaTeamArn: TEAM_A,
      ApprovalTimeoutSeconds: '900',
      PollIntervalSeconds: '10',
      ReportApprovalProgress: 'true',
    });
    const association = stack.resource(stack.logicalIdOf(RESOURCE_TYPE))!;
    expect(association.physicalId).toBe(`physical-${stack.logicalIdOf(RESOURCE_TYPE)}`);
    expect(association.attributes).toEqual({ MpaTeamArn: TEAM_A });
  });
});

test('the waiter runs the definition the template carries: aws-cdk-lib\'s, with the construct\'s interval and attempts', async () => {
  const stack = newStack();
  await stack.create(template());
  const fn = (prefix: string) => stack.resource(stack.logicalIdOf('AWS::Lambda::Function', prefix))!.attributes.Arn as string;
  const waiterArn = stack.resource(stack.logicalIdOf('AWS::StepFunctions::StateMachine'))!.physicalId;
  expect(env.sim.stepFunctions.definitionOf(waiterArn)).toEqual(JSON.parse(waiterDefinitionString({
    isCompleteArn: fn('MpaTeamAssociationProviderframeworkisComplete'),
    onTimeoutArn: fn('MpaTeamAssociationProviderframeworkonTimeout'),
    intervalSeconds: 10,
    // totalTimeout (900 s + 2 polls + 60 s, rounded up to whole polls) / queryInterval
    maxAttempts: 98,
    backoffRate: 1,
  })));
});

describe('Row 2: the stack\'s creation fails', () => {
  test('another resource fails: every resource already created gets a Delete, latest first, the custom resource with its physical id', async () => {
    const stack = newStack();
    const result = await stack.create(template({ other: 'v1' }), { fail: { logicalId: 'Other', reason: 'Topic name taken' } });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(trail(result, stack, mainResources(stack))).toEqual([
      'CREATE_IN_PROGRESS Payments', 'CREATE_IN_PROGRESS Association', 'CREATE_COMPLETE Association',
      'CREATE_IN_PROGRESS Other', 'CREATE_FAILED Other', 'ROLLBACK_IN_PROGRESS Payments',
      'DELETE_IN_PROGRESS Association', 'DELETE_COMPLETE Association', 'ROLLBACK_COMPLETE Payments',
    ]);
    expect(result.requests.map(r => `${r.requestType} ${r.phase} ${r.physicalId ?? '-'}`)).toEqual([
      'Create create -', `Delete rollback physical-${result.requests[0].logicalId}`,
    ]);
    // The provider went with the rest of the stack.
    expect(env.sim.lambda.hasFunction(env.sim.lambda.invocations[0].functionName)).toBe(false);
  });

  test('the custom resource\'s Create fails while it waits: its Delete carries the physical id of its FAILED response', async () => {
    resource.decide = request => (request.RequestType === 'Create' ? { fail: 'denied' } : 'complete');
    resource.physicalIdFor = () => 'physical-provisional';
    const stack = newStack();
    const result = await stack.create(template());
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.outcome} ${r.physicalId ?? '-'}`)).toEqual([
      'Create FAILED -', 'Delete SUCCESS physical-provisional',
    ]);
    expect(result.requests[0].reason).toMatch(/^Received response status \[FAILED\] from custom resource\. Message returned: denied\n\nLogs: /);
  });

  test('its Create fails in onEvent: the framework\'s CREATE_FAILED marker, whose Delete the framework answers without the user functions', async () => {
    resource.decide = request => (request.RequestType === 'Create' ? { fail: 'bad property', in: 'onEvent' } : 'complete');
    const stack = newStack();
    const result = await stack.create(template());
    expect(result.requests.map(r => `${r.requestType} ${r.outcome} ${r.physicalId ?? '-'}`)).toEqual(['Create FAILED -', `Delete SUCCESS ${CREATE_FAILED_MARKER}`]);
    expect(resource.summary()).toEqual([`Create ${result.requests[0].logicalId}`]);
  });
});

describe('Row 3: update', () => {
  test('changed properties: an Update with the new and the old properties and the same physical id', async () => {
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template({ team: TEAM_B }));
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.requests).toEqual([expect.objectContaining({
      requestType: 'Update',
      phase: 'update',
      outcome: 'SUCCESS',
      physicalId: `physical-${result.requests[0].logicalId}`,
      resourceProperties: expect.objectContaining({ MpaTeamArn: TEAM_B }),
      oldResourceProperties: expect.objectContaining({ MpaTeamArn: TEAM_A }),
    })]);
    expect(stack.resource(result.requests[0].logicalId)!.attributes).toEqual({ MpaTeamArn: TEAM_B });
  });

  test('nothing changed: no request at all', async () => {
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template());
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.requests).toEqual([]);
  });

  test('a new physical id in the answer is a replacement: the old id gets a Delete, with the old properties, in cleanup', async () => {
    resource.physicalIdFor = request => (request.RequestType === 'Update' ? 'physical-replacement' : request.PhysicalResourceId ?? 'physical-original');
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template({ team: TEAM_B }));
    expect(result.requests.map(r => `${r.requestType} ${r.phase} ${r.physicalId} ${r.resourceProperties.MpaTeamArn}`)).toEqual([
      `Update update physical-original ${TEAM_B}`, `Delete cleanup physical-original ${TEAM_A}`,
    ]);
    expect(stack.resource(result.requests[0].logicalId)!.physicalId).toBe('physical-replacement');
  });
});

describe('Rows 4, 5 and 6: new logical ids, removed resources and the cleanup phase', () => {
  test('a new logical id: Create for the new id during the update, then Delete for the old id with its old properties in cleanup', async () => {
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template({ id: 'RootCertificateImportApprovalV2' }));
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(trail(result, stack, mainResources(stack))).toEqual([
      'UPDATE_IN_PROGRESS Payments', 'CREATE_IN_PROGRESS AssociationV2', 'CREATE_COMPLETE AssociationV2',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Payments', 'DELETE_IN_PROGRESS Association', 'DELETE_COMPLETE Association', 'UPDATE_COMPLETE Payments',
    ]);
    const [create, remove] = result.requests;
    expect(create).toMatchObject({ requestType: 'Create', phase: 'update' });
    expect(remove).toMatchObject({ requestType: 'Delete', phase: 'cleanup', physicalId: `physical-${remove.logicalId}`, resourceProperties: expect.objectContaining({ MpaTeamArn: TEAM_A }) });
  });

  test('a Delete that fails in cleanup is only a DELETE_FAILED event: the stack is UPDATE_COMPLETE and nothing retries it', async () => {
    resource.decide = request => (request.RequestType === 'Delete' ? { fail: 'denied by the approvers' } : 'complete');
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template({ id: 'RootCertificateImportApprovalV2' }));
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.events.filter(e => e.status === 'DELETE_FAILED')).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('Message returned: denied by the approvers') }),
    ]);
    await env.sim.clock.advanceBy(3_600_000);
    expect(resource.summary().filter(line => line.startsWith('Delete'))).toHaveLength(1);
  });

  test('a resource removed from the template gets its Delete in cleanup, before the provider it needs is removed', async () => {
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template({ without: true }));
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase}`)).toEqual(['Delete cleanup']);
    const deletes = result.events.filter(e => e.status === 'DELETE_COMPLETE').map(e => e.logicalId);
    expect(deletes.indexOf(result.requests[0].logicalId)).toBeLessThan(deletes.findIndex(id => id.includes('frameworkonEvent')));
  });
});

describe('Row 7: an update fails and rolls back', () => {
  test('another resource fails after the custom resource was updated: the custom resource gets the rollback Update, old properties as new, same physical id', async () => {
    const stack = newStack();
    await stack.create(template({ other: 'v1' }));
    const result = await stack.update(template({ team: TEAM_B, other: 'v2' }), { fail: { logicalId: 'Other' } });
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase} ${r.resourceProperties.MpaTeamArn} (was ${r.oldResourceProperties?.MpaTeamArn}) ${r.physicalId}`)).toEqual([
      `Update update ${TEAM_B} (was ${TEAM_A}) physical-${result.requests[0].logicalId}`,
      `Update rollback ${TEAM_A} (was ${TEAM_B}) physical-${result.requests[0].logicalId}`,
    ]);
    expect(trail(result, stack, mainResources(stack))).toEqual([
      'UPDATE_IN_PROGRESS Payments', 'UPDATE_IN_PROGRESS Association', 'UPDATE_COMPLETE Association', 'UPDATE_IN_PROGRESS Other', 'UPDATE_FAILED Other',
      'UPDATE_ROLLBACK_IN_PROGRESS Payments', 'UPDATE_IN_PROGRESS Other', 'UPDATE_COMPLETE Other', 'UPDATE_IN_PROGRESS Association', 'UPDATE_COMPLETE Association',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS Payments', 'UPDATE_ROLLBACK_COMPLETE Payments',
    ]);
  });

  test('the custom resource\'s own Update fails: it gets the rollback Update too', async () => {
    resource.decide = request => (request.RequestType === 'Update' && request.ResourceProperties.MpaTeamArn === TEAM_B ? { fail: 'denied' } : 'complete');
    const stack = newStack();
    await stack.create(template());
    const result = await stack.update(template({ team: TEAM_B }));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase} ${r.outcome} ${r.resourceProperties.MpaTeamArn}`)).toEqual([
      `Update update FAILED ${TEAM_B}`, `Update rollback SUCCESS ${TEAM_A}`,
    ]);
  });

  test('a resource created by the failed update is deleted in the rollback\'s cleanup', async () => {
    const stack = newStack();
    await stack.create(template({ other: 'v1' }));
    const result = await stack.update(template({ id: 'RootCertificateImportApprovalV2', other: 'v2' }), { fail: { logicalId: 'Other' } });
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase} ${label(r.logicalId, stack)}`)).toEqual([
      'Create update AssociationV2', 'Delete rollback-cleanup AssociationV2',
    ]);
  });
});

describe('Row 8: the update is cancelled while the custom resource waits', () => {
  test('the rollback Update goes at once; the first request\'s waiter keeps polling, and its late response is kept and ignored', async () => {
    let firstMayEnd = false;
    resource.decide = request => (request.RequestType === 'Update' && request.ResourceProperties.MpaTeamArn === TEAM_B && !firstMayEnd ? 'wait' : 'complete');
    const stack = newStack();
    await stack.create(template());
    const before = env.sim.clock.now();
    const result = await stack.update(template({ team: TEAM_B }), { cancel: { logicalId: stack.logicalIdOf(RESOURCE_TYPE), afterMs: 25_000 } });
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.events.find(e => e.status === 'UPDATE_ROLLBACK_IN_PROGRESS')!.reason).toBe('User Initiated');
    const [first, rollback] = result.requests;
    expect(first).toMatchObject({ outcome: 'abandoned', resourceProperties: expect.objectContaining({ MpaTeamArn: TEAM_B }) });
    expect(rollback).toMatchObject({ phase: 'rollback', outcome: 'SUCCESS', resourceProperties: expect.objectContaining({ MpaTeamArn: TEAM_A }) });
    expect(resource.requests.find(r => r.RequestId === rollback.requestId)!.at - before).toBe(25_000);

    const firstWaiter = env.sim.stepFunctions.executions.find(e => e.tag === first.requestId)!;
    expect(firstWaiter.status).toBe('RUNNING');
    await env.sim.clock.advanceBy(60_000);
    expect(firstWaiter.attempts.length).toBeGreaterThan(8);
    firstMayEnd = true;
    await env.sim.settle();
    const late = env.sim.responses.responses.filter(r => r.requestId === first.requestId);
    expect(late).toEqual([expect.objectContaining({ body: expect.objectContaining({ Status: 'SUCCESS' }) })]);
    expect(late[0].waitedFor).toBeUndefined();
  });
});

describe('Row 9: the rollback fails, and continue-update-rollback', () => {
  async function stuckStack(): Promise<{ stack: SimulatedStack; stuck: OperationResult; rollbackFails: { value: boolean } }> {
    const rollbackFails = { value: true };
    resource.decide = (request: SeenRequest) => {
      if (request.RequestType !== 'Update') return 'complete';
      if (request.ResourceProperties.MpaTeamArn === TEAM_B) return { fail: 'denied' };
      return rollbackFails.value ? { fail: 'rollback denied' } : 'complete';
    };
    const stack = newStack();
    await stack.create(template());
    const stuck = await stack.update(template({ team: TEAM_B }));
    return { stack, stuck, rollbackFails };
  }

  test('a rollback Update that fails leaves UPDATE_ROLLBACK_FAILED; continue-update-rollback sends it again', async () => {
    const { stack, stuck, rollbackFails } = await stuckStack();
    expect(stuck.status).toBe('UPDATE_ROLLBACK_FAILED');
    rollbackFails.value = false;
    const continued = await stack.continueUpdateRollback();
    expect(continued.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(continued.requests.map(r => `${r.requestType} ${r.phase} ${r.resourceProperties.MpaTeamArn} (was ${r.oldResourceProperties?.MpaTeamArn})`)).toEqual([
      `Update rollback ${TEAM_A} (was ${TEAM_B})`,
    ]);
    expect(continued.requests[0].requestId).not.toBe(stuck.requests[1].requestId);
  });

  test('continue-update-rollback skipping the resource sends nothing and marks it rolled back', async () => {
    const { stack } = await stuckStack();
    const logicalId = stack.logicalIdOf(RESOURCE_TYPE);
    const continued = await stack.continueUpdateRollback({ resourcesToSkip: [logicalId] });
    expect(continued.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(continued.requests).toEqual([]);
    expect(continued.events).toContainEqual(expect.objectContaining({ logicalId, status: 'UPDATE_COMPLETE', reason: 'Resource skipped during UpdateRollback' }));
    expect(stack.resource(logicalId)!.properties.MpaTeamArn).toBe(TEAM_A);
  });
});

describe('Row 10: stack delete and its rerun', () => {
  test('the custom resource gets a Delete before the provider functions go; the stack is gone', async () => {
    const stack = newStack();
    await stack.create(template());
    const result = await stack.delete();
    expect(result.status).toBe('DELETE_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase}`)).toEqual(['Delete delete']);
    expect(stack.resource(result.requests[0].logicalId)).toBeUndefined();
  });

  test('a Delete that fails leaves DELETE_FAILED and what it needs; the rerun sends the Delete again and completes', async () => {
    let deniedDelete: string | undefined;
    resource.decide = request => (request.RequestType === 'Delete' && (deniedDelete ??= request.RequestId) === request.RequestId ? { fail: 'denied' } : 'complete');
    const stack = newStack();
    await stack.create(template());
    const failed = await stack.delete();
    expect(failed.status).toBe('DELETE_FAILED');
    const logicalId = failed.requests[0].logicalId;
    expect(stack.resource(logicalId)).toBeDefined();
    expect(stack.resource(stack.logicalIdOf('AWS::Lambda::Function', 'MpaTeamAssociationProviderframeworkonEvent'))).toBeDefined();
    const rerun = await stack.delete();
    expect(rerun.status).toBe('DELETE_COMPLETE');
    expect(rerun.requests.map(r => `${r.requestType} ${r.outcome}`)).toEqual(['Delete SUCCESS']);
  });

  test('the rerun may retain the resource whose Delete failed: no request, DELETE_SKIPPED', async () => {
    resource.decide = request => (request.RequestType === 'Delete' ? { fail: 'denied' } : 'complete');
    const stack = newStack();
    await stack.create(template());
    const failed = await stack.delete();
    const logicalId = failed.requests[0].logicalId;
    const rerun = await stack.delete({ retainResources: [logicalId] });
    expect(rerun.status).toBe('DELETE_COMPLETE');
    expect(rerun.requests).toEqual([]);
    expect(rerun.events).toContainEqual(expect.objectContaining({ logicalId, status: 'DELETE_SKIPPED' }));
  });
});

describe('Row 11: the resource moves to another stack', () => {
  test('the new stack first: its Create, then the old stack\'s Delete in its cleanup; each stack has its own provider', async () => {
    const old = newStack('Payments');
    await old.create(template());
    const moved = newStack('Keys');
    const created = await moved.create(template({ stackName: 'Keys' }));
    const cleaned = await old.update(template({ without: true }));
    expect([...created.requests, ...cleaned.requests].map(r => `${r.requestType} ${r.phase}`)).toEqual(['Create create', 'Delete cleanup']);
    expect(created.requests[0].resourceProperties.ServiceToken).not.toBe(cleaned.requests[0].resourceProperties.ServiceToken);
    expect(cleaned.status).toBe('UPDATE_COMPLETE');
  });

  test('the old stack first: its Delete, then the new stack\'s Create', async () => {
    const old = newStack('Payments');
    await old.create(template());
    const cleaned = await old.update(template({ without: true }));
    const created = await newStack('Keys').create(template({ stackName: 'Keys' }));
    expect([...cleaned.requests, ...created.requests].map(r => `${r.requestType} ${r.phase}`)).toEqual(['Delete cleanup', 'Create create']);
  });
});

describe('Row 12: DeletionPolicy', () => {
  test.each([
    [RemovalPolicy.DESTROY, 'Delete', ['Delete delete']],
    [RemovalPolicy.RETAIN, 'Retain', []],
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RetainExceptOnCreate', []],
  ])('removalPolicy %s synthesizes DeletionPolicy %s: a stack delete sends %j', async (removalPolicy, deletionPolicy, requests) => {
    const version = template({ removalPolicy });
    const stack = newStack();
    await stack.create(version);
    expect(version.template.Resources[stack.logicalIdOf(RESOURCE_TYPE)].DeletionPolicy).toBe(deletionPolicy);
    const result = await stack.delete();
    expect(result.status).toBe('DELETE_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase}`)).toEqual(requests);
  });

  test.each([
    [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, ['Create create', 'Delete rollback']],
    [RemovalPolicy.RETAIN, ['Create create']],
  ])('removalPolicy %s: the rollback of the stack\'s creation sends %j', async (removalPolicy, requests) => {
    const stack = newStack();
    const result = await stack.create(template({ removalPolicy, other: 'v1' }), { fail: { logicalId: 'Other' } });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.requests.map(r => `${r.requestType} ${r.phase}`)).toEqual(requests);
  });

  test('removed from the template with Retain: no Delete in cleanup, DELETE_SKIPPED', async () => {
    const stack = newStack();
    await stack.create(template({ removalPolicy: RemovalPolicy.RETAIN }));
    const result = await stack.update(template({ id: 'RootCertificateImportApprovalV2', removalPolicy: RemovalPolicy.RETAIN }));
    expect(result.requests.map(r => `${r.requestType} ${label(r.logicalId, stack)}`)).toEqual(['Create AssociationV2']);
    expect(trail(result, stack, mainResources(stack))).toContain('DELETE_SKIPPED Association');
  });
});

describe('the handler role\'s IAM policy is a resource of its own, placed by a parameter', () => {
  /** Whether the policies in force when `request` was sent let the handler touch team C. */
  const mayTouchTeamC = (result: OperationResult, phase: string) =>
    isAllowed(result.requests.find(r => r.phase === phase)!.handlerPolicies, 'payment-cryptography:DisassociateMpaTeam', TEAM_C);

  test.each([['before', true], ['after', false]] as const)('updated %s the custom resource: the Update runs with team C\'s permission: %s', async (position, allowed) => {
    const stack = newStack('Payments', { policyOrder: { update: position } });
    await stack.create(template());
    const result = await stack.update(template({ team: TEAM_C }));
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(mayTouchTeamC(result, 'update')).toBe(allowed);
    const order = result.events.filter(e => e.status === 'UPDATE_COMPLETE' && e.logicalId !== stack.name).map(e => (e.logicalId.startsWith('RootCertificate') ? 'association' : 'policy'));
    expect(order).toEqual(position === 'before' ? ['policy', 'association'] : ['association', 'policy']);
  });

  test.each([['before', false], ['after', true]] as const)('rolled back %s the custom resource: the rollback Update runs with team C\'s permission: %s', async (position, allowed) => {
    const stack = newStack('Payments', { policyOrder: { update: 'before', rollback: position } });
    await stack.create(template({ other: 'v1' }));
    const result = await stack.update(template({ team: TEAM_C, other: 'v2' }), { fail: { logicalId: 'Other' } });
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(mayTouchTeamC(result, 'update')).toBe(true);
    expect(mayTouchTeamC(result, 'rollback')).toBe(allowed);
  });

  test('the fake\'s authorizer evaluates the policy as it stands now, for the requests of this stack only', async () => {
    const stack = newStack();
    const created = await stack.create(template());
    const tag = created.requests[0].requestId;
    expect(env.sim.authorize({ service: 'payment-cryptography', action: 'AssociateMpaTeam', resource: TEAM_A, tag })).toBe(true);
    expect(env.sim.authorize({ service: 'payment-cryptography', action: 'AssociateMpaTeam', resource: TEAM_C, tag })).toBe(false);
    await stack.update(template({ team: TEAM_C }));
    expect(env.sim.authorize({ service: 'payment-cryptography', action: 'AssociateMpaTeam', resource: TEAM_C, tag })).toBe(true);
    expect(env.sim.authorize({ service: 'payment-cryptography', action: 'AssociateMpaTeam', resource: TEAM_C, tag: 'not-this-stack' })).toBe(true);
  });
});

describe('invariants are checked after every operation', () => {
  test('an operation that breaks one fails, naming it (here a user function that logs the RequesterComment)', async () => {
    const scripted = resource.functions;
    const leaky = newStack('Payments', {
      handlers: {
        onEvent: async (event, context) => {
          console.log(`working on ${event.ResourceProperties.RequesterComment}`);
          return scripted.onEvent(event, context);
        },
        isComplete: scripted.isComplete,
      },
    });
    const failure = await leaky.create(template({ comment: 'CHG-2024 root rotation' })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvariantViolation);
    expect((failure as Error).message).toContain('Invariant violated after create of stack Payments');
    expect((failure as Error).message).toContain('no secret, presigned URL or RequesterComment in a log line: a INFO line of');
  });
});
