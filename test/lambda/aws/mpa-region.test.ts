/**
 * MPA lives where its teams live (us-east-1 for every commercial region
 * today), not where the stack is: a stack in eu-west-1 whose teams are in
 * us-east-1 reaches GetApprovalTeam, GetSession and CancelSession signed for
 * us-east-1. The fake serves the control plane and SSM in eu-west-1 and MPA in
 * us-east-1, and refuses a request signed for any other region than the
 * route's (InvalidSignatureException). The endpoint rules for another
 * partition and for FIPS are tested on mpaEndpoint and on the client's own
 * FIPS setting in test/lambda/aws/mpa-api.test.ts.
 */
import { Duration } from 'aws-cdk-lib';
import { MpaTeamAssociation } from '../../../src';
import { approversWho } from '../../harness/approvers';
import { SimulatedStack } from '../../harness/stack-simulator';
import { useSimulation } from '../../harness/stack-test-environment';
import { newSimulatedStack, SIMULATED_ENV, synthesize, type StackTemplate } from '../../harness/synthesized-stack';

const STACK_REGION = 'eu-west-1';
const TEAM_A = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-a';
const TEAM_B = 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-b';
const MPA_OPERATIONS = ['GetApprovalTeam', 'GetSession', 'CancelSession'];

const env = useSimulation({ fake: { region: STACK_REGION, mpaRegion: 'us-east-1', world: { firstAssociation: 'approval' } } });

function payments(team: string): StackTemplate {
  const stack = newSimulatedStack('Payments', { env: { account: SIMULATED_ENV.account, region: STACK_REGION } });
  new MpaTeamAssociation(stack, 'RootCertificateImportApproval', {
    mpaTeamArn: team, approvalTimeout: Duration.minutes(15), pollInterval: Duration.seconds(10),
  });
  return synthesize(stack);
}

test('a stack in eu-west-1 with us-east-1 teams: GetApprovalTeam, GetSession and CancelSession all reach MPA in us-east-1', async () => {
  expect(env.sim.region).toBe(STACK_REGION);
  const stack = new SimulatedStack(env.sim, 'Payments');
  const sendApproversHome = approversWho(env.sim, 'approve');
  expect((await stack.create(payments(TEAM_A))).status).toBe('CREATE_COMPLETE');
  sendApproversHome();

  // A team change cancelled while its session waits: the rollback cancels that session.
  const update = await stack.update(payments(TEAM_B), { cancel: { logicalId: 'RootCertificateImportApproval', afterMs: 30_000 } });

  const mpaCalls = env.sim.fake.requests.filter(r => MPA_OPERATIONS.includes(r.operation));
  for (const operation of MPA_OPERATIONS) {
    expect({ operation, answered: mpaCalls.filter(r => r.operation === operation).length > 0 }).toEqual({ operation, answered: true });
  }
  expect(mpaCalls.filter(r => r.status !== 200).map(r => `${r.operation} ${r.status} ${r.errorName}`)).toEqual([]);
  // The control plane and SSM were reached in the stack's region all the while.
  expect(env.sim.fake.requests.filter(r => r.errorName === 'InvalidSignatureException')).toEqual([]);

  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(env.sim.fake.sessions.map(s => s.outcome)).toEqual(['approved', 'cancelled']);
  expect(env.sim.fake.association()).toMatchObject({ MpaTeamArn: TEAM_A, AssociationState: 'ACTIVE' });
});
