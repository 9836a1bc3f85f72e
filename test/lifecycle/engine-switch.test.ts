/**
 * Issue 24: switching an association between the custom resource and the registry type. A
 * resource cannot change its type, so the engine's resource has a logical id of its own and a
 * switch is one stack update that creates the new resource and deletes the old one in cleanup
 * (or, rolled back, deletes the new one). Both engines keep the same ownership records, so the
 * new resource takes the action over and the old one's Delete leaves it: the approvers are
 * never asked, in either direction, in every world of the service; and the stack's deletion
 * afterwards still removes the association, through the engine that holds it now.
 */
import { historySince, markHistory } from './observations';
import { parseRecord, type ManagerRecord } from '../../lambda/core/ownership-record';
import { paymentsTemplate, TEAM_A, type PaymentsVersion } from '../fixtures/payments-stack';
import { setEnvironment } from '../fixtures/process-environment';
import { approversWho } from '../harness/approvers';
import { RegistrySimulator, registryHandlerEnvironment } from '../harness/registry-simulator';
import { FAKE_CREDENTIALS } from '../harness/simulation';
import { SimulatedStack } from '../harness/stack-simulator';
import { useSimulation } from '../harness/stack-test-environment';
import { forEachWorld } from '../harness/worlds';

const env = useSimulation();
let restoreEnvironment: () => void;
beforeAll(() => { restoreEnvironment = setEnvironment(registryHandlerEnvironment(env.sim)); });
afterAll(() => restoreEnvironment());

let registry: RegistrySimulator;
beforeEach(() => { registry = new RegistrySimulator(env.sim); });
afterEach(() => {
  expect(registry.secretsInLogs()).toEqual([]);
  // The custom resource's functions sign with their sandbox's key; the type's handler only with the keys CloudFormation issued it.
  expect(registry.foreignKeys().filter(key => key !== FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID)).toEqual([]);
});

const ON_CUSTOM_RESOURCE: PaymentsVersion = {};
const ON_REGISTRY_TYPE: PaymentsVersion = { engine: 'registry-type' };
const TYPE = 'CdkMpa::PaymentCryptography::MpaTeamAssociation';
const CUSTOM = 'Custom::PaymentCryptographyMpaTeamAssociation';

/** Approvers who approve every pending session, whichever engine waits for them. */
function approvingAnything(): () => void {
  const approve = () => {
    if (env.sim.fake.association()?.MpaStatus?.Status === 'PENDING') env.sim.fake.approve();
  };
  const dismissWaiter = approversWho(env.sim, 'approve');
  const dismissRegistry = registry.onCallback(approve);
  return () => {
    dismissWaiter();
    dismissRegistry();
  };
}

async function created(version: PaymentsVersion): Promise<SimulatedStack> {
  const dismiss = approvingAnything();
  const stack = new SimulatedStack(env.sim, 'Payments', { registry });
  const result = await stack.create(paymentsTemplate(version));
  dismiss();
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  return stack;
}

function records(): ManagerRecord[] {
  return env.sim.fake.parameters().map(p => parseRecord(p.value)).filter((r): r is ManagerRecord => r !== undefined);
}

/** The one deployed association's resource type and logical id. */
function holder(stack: SimulatedStack): string {
  const ids = [TYPE, CUSTOM].flatMap(type => {
    try {
      return [`${type} ${stack.logicalIdOf(type)}`];
    } catch {
      return [];
    }
  });
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe.each([
  ['the custom resource to the registry type', ON_CUSTOM_RESOURCE, ON_REGISTRY_TYPE, TYPE],
  ['the registry type to the custom resource', ON_REGISTRY_TYPE, ON_CUSTOM_RESOURCE, CUSTOM],
])('switching from %s', (_from, before, after, newType) => {
  const holdsNewType = new RegExp(`^${newType.replace(/[:]/g, '\\$&')} `);

  // Three stack operations in a row (one stack creation for all three keeps the suite within its budget).
  forEachWorld('rolled back (another resource fails), the new resource\'s rollback Delete hands the action back; deployed again, the new ' +
    'resource takes it over and the old one\'s cleanup Delete leaves it: nothing asked in either; deleting the stack then removes it', env, async () => {
    const stack = await created({ ...before, other: 'v1' });

    const beforeRollback = markHistory(env.sim);
    const rolledBack = await stack.update(paymentsTemplate({ ...after, other: 'v2' }), { fail: { logicalId: 'Other' } });
    expect(rolledBack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(historySince(env.sim, beforeRollback)).toEqual({ mutatingCalls: [], sessions: [] });
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(holder(stack)).not.toMatch(holdsNewType);
    expect(records().map(r => [r.resource.logicalId, r.team])).toEqual([[holder(stack).split(' ')[1], TEAM_A]]);

    const beforeSwitch = markHistory(env.sim);
    const switched = await stack.update(paymentsTemplate({ ...after, other: 'v2' }));
    expect(switched.status).toBe('UPDATE_COMPLETE');
    expect(historySince(env.sim, beforeSwitch)).toEqual({ mutatingCalls: [], sessions: [] });
    expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
    expect(holder(stack)).toMatch(holdsNewType);
    expect(records().map(r => [r.resource.logicalId, r.team])).toEqual([[holder(stack).split(' ')[1], TEAM_A]]);

    // The new engine holds it now: deleting the stack is a real removal, which the approvers approve.
    const dismiss = approvingAnything();
    expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
    dismiss();
    expect(env.sim.fake.association()).toBeUndefined();
    expect(records()).toEqual([]);
  });
});
