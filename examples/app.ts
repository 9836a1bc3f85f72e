/**
 * An application that keeps an AWS Payment Cryptography MPA team association in code:
 *
 * - PaymentsApprovalTeam (us-east-1): the approval team, where MPA creates teams;
 * - PaymentsKeysApproval (your region): the association that makes importing a root public
 *   key certificate need that team's approval, its functions in a private network.
 *
 *   npx cdk synth                                   # offline, placeholders for the team
 *   npx cdk deploy PaymentsApprovalTeam -c approvers=<id>,<id>,<id> -c identitySourceArn=... -c policyArn=...
 *   npx cdk deploy PaymentsKeysApproval -c mpaTeamArn=<the team's ARN>
 *   npx cdk synth -c privateNetwork=false           # the functions outside a VPC
 */
import { App } from 'aws-cdk-lib';
import { ApprovalTeamStack } from './approval-team-stack';
import { PaymentsKeysApprovalStack } from './payments-keys-approval-stack';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key);

/** Placeholders for a synth without context; the team stack does not deploy with them. */
const PLACEHOLDER = {
  approvers: 'alice-identity-id,bob-identity-id,carol-identity-id',
  identitySourceArn: 'arn:aws:mpa:us-east-1:111122223333:identity-source/example',
  // Not a real policy: `aws mpa list-policies --region us-east-1` lists the Payment Cryptography one.
  policyArn: 'arn:aws:mpa:::aws:policy/REPLACE-with-the-payment-cryptography-policy/from-aws-mpa-list-policies/$DEFAULT',
};

new ApprovalTeamStack(app, 'PaymentsApprovalTeam', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
  approvers: (context('approvers') ?? PLACEHOLDER.approvers).split(',').map(id => id.trim()),
  identitySourceArn: context('identitySourceArn') ?? PLACEHOLDER.identitySourceArn,
  policyArn: context('policyArn') ?? PLACEHOLDER.policyArn,
});

new PaymentsKeysApprovalStack(app, 'PaymentsKeysApproval', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  mpaTeamArn: context('mpaTeamArn'),
  privateNetwork: context('privateNetwork') !== 'false',
});
