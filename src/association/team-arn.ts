import { Annotations, Arn, ArnFormat, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LIMITS } from '../handler-contract';

/** The region where MPA approval teams are created (MPA User Guide, "Region availability"). */
export const MPA_TEAM_REGION = 'us-east-1';

/** Checks the form of a concrete approval team ARN; a token is checked by the handler at deploy time. */
export function checkTeamArn(prop: string, arn: string, fail: (message: string) => never): void {
  if (Token.isUnresolved(arn)) {
    return;
  }
  if (arn.length < LIMITS.MIN_MPA_TEAM_ARN_LENGTH || arn.length > LIMITS.MAX_MPA_TEAM_ARN_LENGTH) {
    fail(`${prop} must be ${LIMITS.MIN_MPA_TEAM_ARN_LENGTH} to ${LIMITS.MAX_MPA_TEAM_ARN_LENGTH} characters long; got ${arn.length}.`);
  }
  // The team may live in another account (shared through AWS RAM): only the form is checked.
  if (!LIMITS.MPA_TEAM_ARN_PATTERN.test(arn)) {
    fail(`${prop} must be an MPA approval team ARN, arn:<partition>:mpa:<region>:<account>:approval-team/<name> ` +
      `(pattern ${LIMITS.MPA_TEAM_ARN_PATTERN}); got ${JSON.stringify(arn)}.`);
  }
}

/**
 * MPA creates approval teams in us-east-1, and they protect resources in every commercial
 * region. A team ARN of another region in the aws partition is most likely a typo (the
 * stack's region instead of the team's); it is a warning, not an error, because AWS may
 * open MPA in more regions, and other partitions have their own MPA regions.
 */
export function warnIfTeamOutsideMpaRegion(scope: IConstruct, arn: string): void {
  if (Token.isUnresolved(arn)) {
    return;
  }
  const { partition, region } = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  if (partition === 'aws' && region !== MPA_TEAM_REGION) {
    Annotations.of(scope).addWarningV2('cdk-mpa-team-association:teamRegion',
      `mpaTeamArn names an approval team in ${region}, but MPA creates approval teams in ${MPA_TEAM_REGION} ` +
      '(they protect resources in every commercial region). Check the ARN: a team that does not exist fails the deployment.');
  }
}
