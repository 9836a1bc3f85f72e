/**
 * Whole stack operations with the real handler (its sources, and once the
 * bundled asset) against the fake, in every world of the service the fake can
 * play: the path the lifecycle tests of the stack harness take.
 */
import { Duration } from 'aws-cdk-lib';
import { approversWho } from './approvers';
import { SimulatedStack } from './stack-simulator';
import { useSimulation } from './stack-test-environment';
import { newSimulatedStack, synthesize, type StackTemplate } from './synthesized-stack';
import { forEachWorld } from './worlds';
import { MpaTeamAssociation } from '../../src';
import { RESOURCE_TYPE } from '../../src/handler-contract';

const env = useSimulation();

const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
const TEAM_B = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-b';

function template(team: string): StackTemplate {
  const stack = newSimulatedStack('Payments');
  new MpaTeamAssociation(stack, 'RootCertificateImportApproval', {
    mpaTeamArn: team, approvalTimeout: Duration.minutes(15), pollInterval: Duration.seconds(10), requesterComment: 'CHG-8 harness',
  });
  return synthesize(stack);
}

forEachWorld('create, a team change and delete with approving approvers: each operation completes and the service follows', env, async world => {
  approversWho(env.sim, 'approve');
  const stack = new SimulatedStack(env.sim, 'Payments');
  expect((await stack.create(template(TEAM_A))).status).toBe('CREATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
  expect(stack.resource(stack.logicalIdOf(RESOURCE_TYPE))!.attributes).toMatchObject({ MpaTeamArn: TEAM_A });

  expect((await stack.update(template(TEAM_B))).status).toBe('UPDATE_COMPLETE');
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_B, AssociationState: 'ACTIVE' });

  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toBeUndefined();
  // The world was played: only where a first association needs approval did one wait for approvers.
  expect(env.sim.fake.sessions.some(s => s.kind === 'associate')).toBe(world.firstAssociation === 'approval');
});

test('the bundled handler asset runs the same stack the same way', async () => {
  approversWho(env.sim, 'approve');
  const stack = new SimulatedStack(env.sim, 'Payments', { handlers: 'bundled' });
  expect((await stack.create(template(TEAM_A))).status).toBe('CREATE_COMPLETE');
  const handlerFunction = stack.resource(stack.logicalIdOf('AWS::Lambda::Function', 'MpaTeamAssociationProviderOnEventHandler'))!.physicalId;
  expect(env.sim.lambda.loadedFilesOf(handlerFunction).map(f => f.filename)).toEqual([expect.stringMatching(/\/asset\.[0-9a-f]+\/index\.js$/)]);
  expect((await stack.delete()).status).toBe('DELETE_COMPLETE');
  expect(env.sim.fake.association()).toBeUndefined();
});
