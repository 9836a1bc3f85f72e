import { CfnResource, CustomResource, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { guardActionAcrossStacks } from './action-guardrail';
import { associationFailure } from './association-settings';
import { MpaTeamAssociationProps } from './mpa-team-association-props';
import { checkTeamArn } from './team-arn';
import { MpaTeamAssociationChangeAlarm } from '../alarms/mpa-team-association-change-alarm';
import { resolveAssociationSettings } from '../engines/custom-resource/custom-resource-settings';
import { MpaTeamAssociationProvider } from '../engines/custom-resource/mpa-team-association-provider';
import { IMpaTeamAssociationType, MpaTeamAssociationType } from '../engines/registry-type/mpa-team-association-type';
import { resolveTypeAssociationSettings } from '../engines/registry-type/type-association-settings';
import { AssociationResourceProperties, ATTRIBUTE, REGISTRY_TYPE, RESOURCE_TYPE, TypeResourceProperties } from '../handler-contract';

/**
 * Associates a Multi-party approval (MPA) team with an AWS Payment Cryptography
 * operation, so that the operation needs the team's approval.
 *
 * Creating, changing and deleting the association are themselves protected
 * operations once a team is associated: the stack operation waits (up to
 * `approvalTimeout`) until the team approves, and fails if it rejects.
 *
 * @example
 * new MpaTeamAssociation(this, 'RootCertificateImportApproval', {
 *   // MPA approval teams live in us-east-1 and protect resources in every commercial region.
 *   mpaTeamArn: 'arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-ca-approvers',
 *   action: MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE,
 *   requesterComment: 'Managed by the payments-keys stack',
 * });
 */
export class MpaTeamAssociation extends Construct {
  /**
   * ARN of the MPA team actually associated after the stack operation. After an update
   * that did not change the team, it is the team found associated, if the association
   * was changed outside the stack.
   *
   * @attribute
   */
  public readonly attrMpaTeamArn: string;

  /**
   * ARN of the last MPA approval session of the stack operation, or an empty string
   * when none took place.
   *
   * @attribute
   */
  public readonly attrMpaSessionArn: string;

  /**
   * The alarm on changes made outside the pipeline, if `changeAlarm` was given.
   */
  public readonly changeAlarm?: MpaTeamAssociationChangeAlarm;

  /** The stack's provider, on the custom resource engine. */
  private provider?: MpaTeamAssociationProvider;

  constructor(scope: Construct, id: string, props: MpaTeamAssociationProps) {
    super(scope, id);

    const type = props.engine?.type;
    const { resource, callerRole } = type === undefined ? this.onCustomResource(props) : this.onRegistryType(props, type);

    this.attrMpaTeamArn = resource.attrMpaTeamArn;
    this.attrMpaSessionArn = resource.attrMpaSessionArn;

    if (props.changeAlarm !== undefined) {
      this.changeAlarm = new MpaTeamAssociationChangeAlarm(this, 'ChangeAlarm', {
        ...props.changeAlarm,
        action: props.action,
        expectedCallerRole: callerRole,
      });
    }
  }

  /** A custom resource of the stack's shared provider (child id `Resource`). */
  private onCustomResource(props: MpaTeamAssociationProps): EngineResource {
    const settings = resolveAssociationSettings(this, props);
    const provider = MpaTeamAssociationProvider.forAssociation(this, settings);
    this.provider = provider;
    guardActionAcrossStacks(this, settings.action);

    const properties: AssociationResourceProperties = {
      Action: settings.action,
      MpaTeamArn: settings.mpaTeamArn,
      ...(settings.requesterComment !== undefined ? { RequesterComment: settings.requesterComment } : {}),
      ApprovalTimeoutSeconds: String(settings.provider.approvalTimeoutSeconds),
      PollIntervalSeconds: String(settings.provider.timeouts.queryIntervalSeconds),
      ReportApprovalProgress: String(settings.reportApprovalProgress),
    };

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: settings.removalPolicy,
      serviceTimeout: Duration.seconds(provider.timeouts.serviceTimeoutSeconds),
    });
    resource.node.addDependency(...provider.invocationDependencies);
    return {
      resource: {
        attrMpaTeamArn: resource.getAttString(ATTRIBUTE.MPA_TEAM_ARN),
        attrMpaSessionArn: resource.getAttString(ATTRIBUTE.MPA_SESSION_ARN),
      },
      callerRole: provider.handlerRole,
    };
  }

  /**
   * A resource of the registry type (child id `TypeResource`: a resource cannot change its type,
   * so the other engine's resource gets another logical id, and a switch is a create and a delete).
   */
  private onRegistryType(props: MpaTeamAssociationProps, type: IMpaTeamAssociationType): EngineResource {
    const fail = associationFailure(this);
    const settings = resolveTypeAssociationSettings(this, props, type);
    guardActionAcrossStacks(this, settings.action);

    const stack = Stack.of(this);
    if (type instanceof MpaTeamAssociationType) {
      const registration = Stack.of(type);
      if (registration === stack) {
        fail(`the MpaTeamAssociationType '${type.node.path}' is in the same stack: a template cannot use a type that the same ` +
          'deployment registers. Put the MpaTeamAssociationType in a stack of its own, deployed first.');
      }
      // In one stage the app orders the deployments; across stages (a pipeline's waves) the pipeline does.
      if (Stage.of(registration) === Stage.of(stack)) stack.node.addDependency(registration);
    }
    if (props.changeAlarm !== undefined && type.executionRole === undefined) {
      fail('changeAlarm needs the type\'s execution role (the caller the alarm expects): give executionRoleArn to ' +
        'MpaTeamAssociationType.fromTypeAttributes().');
    }

    const properties: TypeResourceProperties = {
      Action: settings.action,
      MpaTeamArn: settings.mpaTeamArn,
      ...(settings.requesterComment !== undefined ? { RequesterComment: settings.requesterComment } : {}),
      ApprovalTimeoutSeconds: settings.approvalTimeoutSeconds,
      PollIntervalSeconds: settings.pollIntervalSeconds,
      ReportApprovalProgress: settings.reportApprovalProgress,
    };
    const resource = new CfnResource(this, 'TypeResource', { type: REGISTRY_TYPE.TYPE_NAME, properties: { ...properties } });
    resource.applyRemovalPolicy(settings.removalPolicy);
    return {
      resource: {
        attrMpaTeamArn: resource.getAtt(REGISTRY_TYPE.ASSOCIATED_TEAM_ARN).toString(),
        attrMpaSessionArn: resource.getAtt(REGISTRY_TYPE.MPA_SESSION_ARN).toString(),
      },
      callerRole: type.executionRole,
    };
  }

  /**
   * Allows the stack's handler to manage associations with the approval teams of
   * `mpaTeamArn`'s account and region, and their approval sessions, in addition to
   * those of the teams of the stack's associations.
   *
   * The handler's policy covers the account and region of each association's team. A
   * change of `mpaTeamArn` to a team of another account or region must still disassociate
   * the old team, and its rollback must reach both, while CloudFormation has already given
   * the handler the new policy: call this with the old team's ARN for that deployment, and
   * remove the call in a later one.
   *
   * @param mpaTeamArn ARN of an approval team whose account and region the handler may use,
   * `arn:<partition>:mpa:<region>:<account>:approval-team/<name>`
   */
  public grantHandlerAccessToTeamsOf(mpaTeamArn: string): void {
    const fail: (message: string) => never = associationFailure(this);
    checkTeamArn('grantHandlerAccessToTeamsOf(mpaTeamArn)', mpaTeamArn, fail);
    if (this.provider === undefined) {
      fail('grantHandlerAccessToTeamsOf() applies to the custom resource\'s handler; on the registry type, list the team in ' +
        'the MpaTeamAssociationType\'s approvalTeamArns.');
    }
    this.provider.allowTeamsOf(mpaTeamArn);
  }
}

/** What either engine gives the association. */
interface EngineResource {
  readonly resource: { readonly attrMpaTeamArn: string; readonly attrMpaSessionArn: string };
  readonly callerRole?: iam.IRole;
}
