/**
 * Integration test: deploys an MpaTeamAssociation for an existing approval team,
 * then reads the association back from the service.
 *
 * Offline (part of `npm test`): `npx projen integ:snapshot` synthesizes this app
 * and compares it with test/integ.mpa-team-association.ts.snapshot/.
 *
 * In an AWS account (bootstrapped for CDK; MPA set up in AWS Organizations; an
 * approval team shared with the account; nothing associated yet with
 * IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE in that region):
 *
 *   MPA_TEAM_ARN=arn:aws:mpa:<region>:<account>:approval-team/<name> npx integ-runner \
 *     --directory test --language typescript --parallel-regions <region> --update-on-failed \
 *     --app "node -r ts-node/register/transpile-only {filePath} && node test/integ.cloud-assembly-compat.js" \
 *     integ.mpa-team-association.ts
 *   git checkout -- test/integ.mpa-team-association.ts.snapshot   # it now names your team
 *
 * Deleting the test stack disassociates the team, which the team must approve
 * (within approvalTimeout, 15 minutes here) in the MPA console; otherwise the
 * stack stays, DELETE_FAILED, until someone approves and deletes it again.
 */
import { ActualResult, ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import { MpaProtectedOperation, MpaTeamAssociation } from '../src';

/** A well-formed ARN for the snapshot; a deployment needs MPA_TEAM_ARN. */
const PLACEHOLDER_TEAM_ARN = 'arn:aws:mpa:us-east-1:111122223333:approval-team/integ-placeholder';
const mpaTeamArn = process.env.MPA_TEAM_ARN || PLACEHOLDER_TEAM_ARN;
const action = MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE;

const app = new App({
  context: {
    // No stack traces in the snapshot's metadata: they hold local paths.
    'aws:cdk:disable-creation-stack-traces': true,
    'aws:cdk:disable-stack-trace': true,
    // The assertions read the association's attributes through stack exports.
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  },
});
const stack = new Stack(app, 'MpaTeamAssociationInteg');
const association = new MpaTeamAssociation(stack, 'Association', {
  mpaTeamArn,
  action,
  requesterComment: 'cdk-mpa-team-association integration test',
  approvalTimeout: Duration.minutes(15),
  pollInterval: Duration.seconds(10),
});

const integ = new IntegTest(app, 'MpaTeamAssociationIntegTest', {
  testCases: [stack],
  // The committed snapshot names the placeholder team, so it cannot be deployed
  // as the "before" state of an update.
  stackUpdateWorkflow: false,
});

// What the service holds, read independently of the handler. The assertion
// provider calls the AWS SDK of the Lambda runtime, which has GetMpaTeamAssociation
// from @aws-sdk/client-payment-cryptography 3.1040 on (the npm registry this
// project builds from stops at 3.882.0, hence the handler's own commands).
integ.assertions
  .awsApiCall('PaymentCryptography', 'GetMpaTeamAssociation', { Action: action.value })
  .expect(ExpectedResult.objectLike({
    MpaTeamAssociation: { Action: action.value, MpaTeamArn: mpaTeamArn, AssociationState: 'ACTIVE' },
  }));

// What CloudFormation was told: the custom resource's attributes.
const resource = association.node.defaultChild as CustomResource;
integ.assertions.expect('MpaTeamArnAttribute', ExpectedResult.exact(mpaTeamArn),
  ActualResult.fromCustomResource(resource, 'MpaTeamArn'));
