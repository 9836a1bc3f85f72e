import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AssociationResourceProperties, ATTRIBUTE, RESOURCE_TYPE } from './handler-contract';
import { MpaProtectedOperation } from './mpa-protected-operation';
import { MpaTeamAssociationChangeAlarm, MpaTeamAssociationChangeAlarmOptions } from './mpa-team-association-change-alarm';
import { MpaTeamAssociationProvider } from './mpa-team-association-provider';
import { resolveAssociationSettings } from './mpa-team-association-settings';

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
   */
  readonly mpaTeamArn: string;

  /**
   * The AWS Payment Cryptography operation that the team protects.
   *
   * An account and region have one association per operation: do not manage the
   * same operation from two stacks.
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
   * Between 1 and 55 minutes, in whole seconds, and short enough that
   * approvalTimeout + 2 x pollInterval + 2 minutes fits in CloudFormation's one hour
   * for a custom resource. All associations in one stack must use the same value,
   * because they share one custom-resource provider.
   *
   * @default Duration.minutes(30)
   */
  readonly approvalTimeout?: Duration;

  /**
   * How often the handler checks whether the approvers have decided.
   *
   * At least 1 second, at most 5 minutes and at most `approvalTimeout`, in whole
   * seconds. All associations in one stack must use the same value.
   *
   * @default Duration.seconds(10)
   */
  readonly pollInterval?: Duration;

  /**
   * What happens to the team association when this resource is deleted.
   *
   * `RemovalPolicy.DESTROY` disassociates the team, which itself needs the team's
   * approval. `RemovalPolicy.RETAIN` (or `RETAIN_ON_UPDATE_OR_DELETE`) leaves the
   * team associated. `RemovalPolicy.SNAPSHOT` is not supported.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the handler reads an approval session's progress from the MPA service
   * (`mpa:GetSession`) while it waits, and logs the approvals so far. When false,
   * the handler role is not granted `mpa:GetSession`.
   *
   * @default true
   */
  readonly reportApprovalProgress?: boolean;

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
}

/**
 * Associates a Multi-party approval (MPA) team with an AWS Payment Cryptography
 * operation, so that the operation needs the team's approval.
 *
 * Creating, changing and deleting the association are themselves protected
 * operations once a team is associated: the stack operation waits (up to
 * `approvalTimeout`) until the team approves, and fails if it rejects.
 *
 * @example
 * declare const team: aws_mpa.CfnApprovalTeam;
 * new MpaTeamAssociation(this, 'RootCertificateImportApproval', {
 *   mpaTeamArn: team.attrArn,
 *   action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
 *   requesterComment: 'Managed by the payments-keys stack',
 * });
 */
export class MpaTeamAssociation extends Construct {
  /**
   * The association's state after the last stack operation, `ACTIVE` once created or updated.
   *
   * @attribute
   */
  public readonly attrAssociationState: string;

  /**
   * ARN of the associated MPA team.
   *
   * @attribute
   */
  public readonly attrMpaTeamArn: string;

  /**
   * ARN of the last MPA approval session of the association, or an empty string if none was needed.
   *
   * @attribute
   */
  public readonly attrMpaSessionArn: string;

  /**
   * The alarm on changes made outside the pipeline, if `changeAlarm` was given.
   */
  public readonly changeAlarm?: MpaTeamAssociationChangeAlarm;

  constructor(scope: Construct, id: string, props: MpaTeamAssociationProps) {
    super(scope, id);

    const settings = resolveAssociationSettings(this, props);
    const provider = MpaTeamAssociationProvider.forAssociation(this, settings);

    const properties: AssociationResourceProperties = {
      Action: settings.action,
      MpaTeamArn: settings.mpaTeamArn,
      ...(settings.requesterComment !== undefined ? { RequesterComment: settings.requesterComment } : {}),
      ApprovalTimeoutSeconds: String(settings.approvalTimeoutSeconds),
      PollIntervalSeconds: String(settings.pollIntervalSeconds),
      RemovalPolicy: settings.removalBehaviour,
      ReportApprovalProgress: String(settings.reportApprovalProgress),
    };

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: settings.removalPolicy,
      serviceTimeout: Duration.seconds(provider.timeouts.serviceTimeoutSeconds),
    });

    this.attrAssociationState = resource.getAttString(ATTRIBUTE.ASSOCIATION_STATE);
    this.attrMpaTeamArn = resource.getAttString(ATTRIBUTE.MPA_TEAM_ARN);
    this.attrMpaSessionArn = resource.getAttString(ATTRIBUTE.MPA_SESSION_ARN);

    if (props.changeAlarm !== undefined) {
      this.changeAlarm = new MpaTeamAssociationChangeAlarm(this, 'ChangeAlarm', {
        ...props.changeAlarm,
        action: props.action,
        expectedCallerRole: provider.handlerRole,
      });
    }
  }
}
