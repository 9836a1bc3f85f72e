import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { MpaProtectedOperation } from './mpa-protected-operation';
import type { MpaTeamAssociationChangeAlarmOptions } from '../alarms/mpa-team-association-change-alarm';
import type { MpaTeamAssociationEngine } from '../engines/mpa-team-association-engine';

/**
 * Properties of an `MpaTeamAssociation`.
 */
export interface MpaTeamAssociationProps {
  /**
   * ARN of the Multi-party approval (MPA) team that must approve the protected operation,
   * `arn:<partition>:mpa:<region>:<account>:approval-team/<name>`.
   *
   * The team may belong to another account (shared with this one through AWS RAM).
   * A token, such as `aws_mpa.CfnApprovalTeam.attrArn` or a CfnParameter, is passed
   * through and checked at deploy time.
   *
   * MPA creates approval teams in us-east-1, and they protect resources in every commercial
   * region: a concrete ARN of the `aws` partition in another region earns a synth warning.
   */
  readonly mpaTeamArn: string;

  /**
   * The AWS Payment Cryptography operation that the team protects.
   *
   * An account and region have one association per operation: two associations of
   * one action in one stack, or in two stacks of one app with the same account and
   * region, fail the synth.
   *
   * @default MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE
   */
  readonly action?: MpaProtectedOperation;

  /**
   * A comment sent with every AssociateMpaTeam and DisassociateMpaTeam request,
   * at most 200 characters, shown to the approvers.
   *
   * It is visible in plain text in AWS CloudTrail and in the MPA approval session:
   * never put secrets in it.
   *
   * @default - no comment
   */
  readonly requesterComment?: string;

  /**
   * How long one stack operation (create, update, delete) waits for the approvers.
   * When it runs out the stack operation fails, naming the pending approval session.
   *
   * On the custom resource: between 1 and 55 minutes, in whole seconds, and short enough that
   * approvalTimeout + 2 x pollInterval + 2 minutes fits in CloudFormation's one hour
   * for a custom resource. A setting of the stack's shared provider: all associations
   * in one stack must use the same value.
   *
   * On the registry type: between 1 minute and 24 hours (an MPA session's lifetime), in whole
   * seconds, and short enough that approvalTimeout + pollInterval + 2 minutes fits in the type's
   * `handlerTimeout`. Each association has its own.
   *
   * @default - Duration.minutes(30) on the custom resource; on the registry type, 24 hours, or
   * less where the type's handlerTimeout is shorter
   */
  readonly approvalTimeout?: Duration;

  /**
   * How often the handler checks whether the approvers have decided.
   *
   * At least 1 second, at most 5 minutes and at most `approvalTimeout`, in whole
   * seconds. A setting of the stack's shared provider: all associations in one stack
   * must use the same value.
   *
   * @default Duration.seconds(10)
   */
  readonly pollInterval?: Duration;

  /**
   * What happens to the team association when this resource is deleted.
   *
   * `RemovalPolicy.DESTROY` (DeletionPolicy `Delete`) disassociates the team, which itself
   * needs the team's approval, unless another `MpaTeamAssociation` now manages the action
   * (the construct was renamed or moved to another stack) or the team was associated before
   * this library managed it (adopted): those are left in place. `RemovalPolicy.RETAIN` (DeletionPolicy `Retain`) leaves the
   * team associated when the resource is deleted; `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`
   * (DeletionPolicy `RetainExceptOnCreate`) too, except when the stack's creation rolls back.
   * Both also set UpdateReplacePolicy `Retain`. `RemovalPolicy.SNAPSHOT` is rejected.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the handler logs an approval session's progress (approvals so far, threshold,
   * expiry), read from the MPA service, on every poll while it waits.
   *
   * It switches logging only: the handler role is granted `mpa:GetSession` either way,
   * because the lifecycle reads who requested a session before it cancels it.
   *
   * @default true
   */
  readonly reportApprovalProgress?: boolean;

  /**
   * The VPC to place the provider's Lambda functions in (the handler's two and the
   * Provider framework's three), as `custom_resources.Provider` does.
   *
   * The functions reach AWS APIs only: Payment Cryptography, Lambda, Step Functions, SSM,
   * S3 (CloudFormation's response URL) in the stack's region, and MPA in us-east-1. The
   * subnets need a route to each, through interface and gateway endpoints or a NAT
   * gateway: see "Private networks" in the README. A setting of the stack's shared
   * provider: all associations in one stack must use the same value.
   *
   * @default - the functions are not placed in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Which subnets of `vpc` the functions use. Needs `vpc`. A setting of the stack's
   * shared provider.
   *
   * @default - the VPC's default selection: its private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the provider's functions. Needs `vpc`. They must allow outbound
   * HTTPS (TCP 443) to the endpoints the functions reach. A setting of the stack's
   * shared provider.
   *
   * @default - one security group for the provider, without inbound rules, allowing outbound TCP 443 only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The KMS key that encrypts every log group the construct creates (the handler's two,
   * the Provider framework's and the waiter state machine's).
   *
   * For a key the app creates, the construct adds to its key policy what CloudWatch Logs
   * needs (the service principal `logs.<region>.amazonaws.com`, limited to log groups of
   * the stack's account and region). An imported key's policy cannot be changed: the synth
   * warns, printing the statement to add. A setting of the stack's shared provider.
   *
   * @default - CloudWatch Logs' own encryption (AWS-owned keys)
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * How long the log groups the construct creates keep their events.
   * A setting of the stack's shared provider.
   *
   * @default RetentionDays.TWO_YEARS (as aws-cdk-lib's LogGroup)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log groups the construct creates when they leave the stack
   * (`cdk destroy`, or the last association removed): `RemovalPolicy.RETAIN` keeps them,
   * with their events, until someone deletes them; `RemovalPolicy.DESTROY` deletes them.
   * `RemovalPolicy.SNAPSHOT` is rejected. A setting of the stack's shared provider.
   *
   * @default RemovalPolicy.RETAIN (as aws-cdk-lib's LogGroup)
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Reports every AssociateMpaTeam or DisassociateMpaTeam call for this action, in this
   * stack's account and region, made by any principal other than the handler of this
   * library (a person in the console, a script, another pipeline), to the target given.
   * See `MpaTeamAssociationChangeAlarm`: it needs a CloudTrail trail that records
   * management events in this region.
   *
   * @default - no alarm
   */
  readonly changeAlarm?: MpaTeamAssociationChangeAlarmOptions;

  /**
   * What the association runs on: a custom resource backed by the stack's provider (waits up to
   * 55 minutes), or the registry resource type registered by an `MpaTeamAssociationType` in
   * another stack (waits up to 24 hours; experimental). The provider's props (`vpc`,
   * `vpcSubnets`, `securityGroups`, `logEncryptionKey`, `logRetention`, `logRemovalPolicy`) apply
   * to the custom resource only.
   *
   * Switching engines gives the association a new logical id (a resource cannot change its
   * type): CloudFormation creates the new resource, which takes over the association without
   * asking the approvers, and deletes the old one, which leaves it in place.
   *
   * @default MpaTeamAssociationEngine.customResource()
   */
  readonly engine?: MpaTeamAssociationEngine;
}
