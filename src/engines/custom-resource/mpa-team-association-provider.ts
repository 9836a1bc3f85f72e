import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct, IDependable } from 'constructs';
import { AssociationSettings } from './custom-resource-settings';
import { newNetworkInterfacePolicy, newProviderSecurityGroup } from './network-access';
import { acknowledgeProviderNagFindings } from './provider-nag-acknowledgements';
import { ProviderSettings, providerSettingsMismatch } from './provider-settings';
import { ProviderTimeouts } from './provider-timeouts';
import { HandlerPermissions } from '../../compliance/handler-permissions';
import { allowCloudWatchLogsToUseKey } from '../../compliance/log-encryption';
import { moveDefaultPolicyToManagedPolicy, RoleWithManagedPolicy } from '../../compliance/role-with-managed-policy';
import { HANDLER_ENVIRONMENT } from '../../handler-contract';

/** Where esbuild writes the handler bundle (see .projenrc.ts): shipped in the package. */
const HANDLER_ASSET_PATH = path.join(__dirname, '..', '..', '..', 'assets', 'lambda', 'custom-resource', 'handler');

/**
 * Concurrent executions reserved for each of the provider's five functions. One request
 * occupies one execution of a function at a time; a stack has one association per action,
 * and a request, its redelivery and a rollback can overlap. Reserving them keeps the handler
 * runnable when other functions exhaust the account's concurrency (NIST 800-53 LambdaConcurrency).
 */
export const RESERVED_CONCURRENT_EXECUTIONS = 5;

/**
 * Feature flags the provider sets to false inside its own scope, whatever the app sets:
 * - useCdkManagedLogGroup would make each handler function create a log group named
 *   /aws/lambda/<function name> beside the one the provider creates with that name (and
 *   with the app's key, retention and removal policy): two resources with one name fail to deploy.
 * - createNewPoliciesWithAddToRolePolicy would put the framework's grants into inline policies.
 */
const FLAGS_OFF_IN_PROVIDER = ['@aws-cdk/aws-lambda:useCdkManagedLogGroup', '@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy'];

/**
 * The custom-resource provider that all MpaTeamAssociations of one stack share: the
 * handler's two functions (onEvent, isComplete) with one role, the Provider framework with
 * its waiter state machine, their log groups and, in a VPC, their security group.
 *
 * Its settings (timing, network, logs) are fixed when it is created, so every association
 * of the stack must bring the same ones. Its construct id and the ids below it are part of
 * the ServiceToken of every association: never change them (test/engines/custom-resource/provider-identity.test.ts).
 */
export class MpaTeamAssociationProvider extends Construct {
  /** Returns the stack's provider, creating it for the first association. */
  public static forAssociation(association: IConstruct, settings: AssociationSettings): MpaTeamAssociationProvider {
    const stack = Stack.of(association);
    const existing = stack.node.tryFindChild(MpaTeamAssociationProvider.ID);
    const provider = existing instanceof MpaTeamAssociationProvider
      ? existing
      : new MpaTeamAssociationProvider(stack, MpaTeamAssociationProvider.ID, association, settings.provider);
    provider.register(association, settings);
    return provider;
  }

  /** Construct id of the provider under its stack. */
  private static readonly ID = 'MpaTeamAssociationProvider';

  /** Token for the custom resources' ServiceToken. */
  public readonly serviceToken: string;
  /** The timeouts the waiter was built with. */
  public readonly timeouts: ProviderTimeouts;
  /** The role of the handler functions: the one principal expected to change the associations. */
  public readonly handlerRole: iam.IRole;
  /**
   * What must exist before the handler first runs: its log groups (so that the `Logs:` line
   * of a FAILED reason names a group that exists) and its permissions.
   */
  public readonly invocationDependencies: IDependable[];

  private readonly firstAssociationPath: string;
  private readonly settings: ProviderSettings;
  private readonly associationsByAction = new Map<string, string>();
  private readonly permissions: HandlerPermissions;

  private constructor(scope: Stack, id: string, firstAssociation: IConstruct, settings: ProviderSettings) {
    super(scope, id);
    for (const flag of FLAGS_OFF_IN_PROVIDER) {
      this.node.setContext(flag, false);
    }
    this.firstAssociationPath = firstAssociation.node.path;
    this.settings = settings;
    this.timeouts = settings.timeouts;

    const newLogGroup = (logGroupId: string, logGroupName?: string) => new logs.LogGroup(this, logGroupId, {
      logGroupName,
      retention: settings.logRetention,
      removalPolicy: settings.logRemovalPolicy,
      encryptionKey: settings.logEncryptionKey,
    });
    if (settings.logEncryptionKey !== undefined) {
      allowCloudWatchLogsToUseKey(this, settings.logEncryptionKey);
    }

    const securityGroups = settings.vpc !== undefined
      ? settings.securityGroups ?? [newProviderSecurityGroup(this, settings.vpc)]
      : undefined;
    const network = settings.vpc !== undefined
      ? { vpc: settings.vpc, vpcSubnets: settings.vpcSubnets, securityGroups }
      : {};

    const handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Associates and disassociates AWS Payment Cryptography MPA teams (cdk-mpa-team-association)',
    });
    this.handlerRole = handlerRole;

    const handlerFunction = (functionId: string, entryPoint: 'onEvent' | 'isComplete', description: string) =>
      new lambda.Function(this, functionId, {
        description,
        code: lambda.Code.fromAsset(HANDLER_ASSET_PATH),
        handler: `index.${entryPoint}`,
        // Pinned: the bundle is built for node22 (.projenrc.ts) and carries its own AWS SDK.
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.minutes(2),
        role: handlerRole,
        reservedConcurrentExecutions: RESERVED_CONCURRENT_EXECUTIONS,
        environment: { [HANDLER_ENVIRONMENT.HANDLER_ROLE_ARN]: handlerRole.roleArn },
        ...network,
      });
    const onEventHandler = handlerFunction('OnEventHandler', 'onEvent',
      'Starts associating or disassociating an AWS Payment Cryptography MPA team (cdk-mpa-team-association)');
    const isCompleteHandler = handlerFunction('IsCompleteHandler', 'isComplete',
      'Waits for MPA approvers of an AWS Payment Cryptography MPA team association (cdk-mpa-team-association)');

    // Each handler function writes to the log group Lambda uses by default, /aws/lambda/<function
    // name>: the group that the framework's FAILED reasons name ("Logs: /aws/lambda/<name>").
    // The functions do not point at it (the name refers to the function), so the custom
    // resources depend on it instead, and its write permission lives outside the role's subtree.
    const handlerLogGroups = [
      newLogGroup('OnEventHandlerLogGroup', `/aws/lambda/${onEventHandler.functionName}`),
      newLogGroup('IsCompleteHandlerLogGroup', `/aws/lambda/${isCompleteHandler.functionName}`),
    ];
    const handlerPolicy = new iam.ManagedPolicy(this, 'HandlerPolicy', {
      description: 'Permissions of the cdk-mpa-team-association handler',
      roles: [handlerRole],
    });
    this.permissions = new HandlerPermissions(handlerPolicy, handlerLogGroups);
    this.invocationDependencies = [...handlerLogGroups, handlerPolicy];

    // The framework's functions get roles and a log group of ours, so that they too write
    // only to a log group of the provider, with customer-managed policies.
    const frameworkLogGroup = newLogGroup('FrameworkLogGroup');
    const frameworkRole = (roleId: string) => {
      const role = new RoleWithManagedPolicy(this, roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      frameworkLogGroup.grants.write(role);
      return role;
    };
    const frameworkOnEventRole = frameworkRole('FrameworkOnEventRole');
    const frameworkCompleteAndTimeoutRole = frameworkRole('FrameworkCompleteAndTimeoutRole');

    const waiterLogGroup = newLogGroup('WaiterLogGroup',
      // Step Functions log delivery recommends the /aws/vendedlogs/ prefix (resource policy size limits).
      `/aws/vendedlogs/states/mpa-team-association-waiter-${isCompleteHandler.functionName}`);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      queryInterval: Duration.seconds(this.timeouts.queryIntervalSeconds),
      totalTimeout: Duration.seconds(this.timeouts.totalTimeoutSeconds),
      logGroup: frameworkLogGroup,
      frameworkOnEventRole,
      frameworkCompleteAndTimeoutRole,
      ...network,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: waiterLogGroup,
        // Execution data would log the event, whose ResponseURL is a presigned URL
        // that can answer CloudFormation on the stack's behalf.
        includeExecutionData: false,
        level: sfn.LogLevel.ALL,
      },
    });
    this.serviceToken = provider.serviceToken;

    const frameworkFunctions = provider.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
    for (const fn of frameworkFunctions) {
      (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = RESERVED_CONCURRENT_EXECUTIONS;
    }
    const waiter = provider.node.findChild('waiter-state-machine');
    const waiterRole = waiter.node.findChild('Role') as iam.Role;
    const waiterRolePolicy = moveDefaultPolicyToManagedPolicy(waiterRole);

    if (settings.vpc !== undefined) {
      const networkPolicy = newNetworkInterfacePolicy(this, [handlerRole, frameworkOnEventRole, frameworkCompleteAndTimeoutRole]);
      for (const fn of [onEventHandler, isCompleteHandler, ...frameworkFunctions]) {
        fn.node.addDependency(networkPolicy);
      }
    }

    acknowledgeProviderNagFindings({
      provider,
      handlers: [onEventHandler, isCompleteHandler],
      frameworkOnEvent: frameworkFunctions.filter(fn => fn.role === frameworkOnEventRole),
      frameworkCompleteAndTimeout: frameworkFunctions.filter(fn => fn.role === frameworkCompleteAndTimeoutRole),
      frameworkRolePolicies: [frameworkOnEventRole, frameworkCompleteAndTimeoutRole].map(role => role.permissionsPolicy!),
      waiter,
      waiterRolePolicy,
    });
  }

  /**
   * Allows the handler to manage associations with the approval teams of `mpaTeamArn`'s
   * account and region, and their approval sessions.
   */
  public allowTeamsOf(mpaTeamArn: string): void {
    this.permissions.allowTeamsOf(mpaTeamArn);
  }

  /**
   * Records one association: checks that it can share this provider and that no other
   * association of the stack manages the same operation, and grants the handler role
   * access to its team.
   */
  private register(association: IConstruct, settings: AssociationSettings): void {
    const mismatch = providerSettingsMismatch(Stack.of(this),
      { path: this.firstAssociationPath, settings: this.settings },
      { path: association.node.path, settings: settings.provider });
    if (mismatch !== undefined) {
      throw new Error(mismatch);
    }

    // A token action cannot be compared at synth time (action-guardrail.ts warns about it);
    // two resources managing one action would undo each other.
    if (!Token.isUnresolved(settings.action)) {
      const other = this.associationsByAction.get(settings.action);
      if (other !== undefined) {
        throw new Error(`MpaTeamAssociation at '${association.node.path}': action ${settings.action} is already managed by ` +
          `'${other}' in this stack: an operation has one MPA team association per account and region, so two resources ` +
          'would replace each other\'s team. Keep one MpaTeamAssociation per action.');
      }
      this.associationsByAction.set(settings.action, association.node.path);
    }

    this.permissions.allowTeamsOf(settings.mpaTeamArn);
  }
}
