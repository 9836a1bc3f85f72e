import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { HandlerTeamPermissions } from './handler-team-permissions';
import { AssociationSettings } from './mpa-team-association-settings';
import { nagResourceFinding, suppressNagRules } from './nag-suppressions';
import { ProviderTimeouts } from './provider-timeouts';

/** Where esbuild writes the handler bundle (see .projenrc.ts): shipped in the package. */
const HANDLER_ASSET_PATH = path.join(__dirname, '..', 'assets', 'lambda', 'handler');

/** How long the handler's log lines and the provider's logs are kept. */
const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * The custom-resource provider that all MpaTeamAssociations of one stack share:
 * the handler's two functions (onEvent, isComplete) with one role, the Provider
 * framework with its waiter state machine, and their log groups.
 *
 * The waiter's query interval and total timeout are fixed when the provider is
 * created, so every association of the stack must use the same approvalTimeout
 * and pollInterval.
 */
export class MpaTeamAssociationProvider extends Construct {
  /** Returns the stack's provider, creating it for the first association. */
  public static forAssociation(association: IConstruct, settings: AssociationSettings): MpaTeamAssociationProvider {
    const stack = Stack.of(association);
    const existing = stack.node.tryFindChild(MpaTeamAssociationProvider.ID);
    const provider = existing instanceof MpaTeamAssociationProvider
      ? existing
      : new MpaTeamAssociationProvider(stack, MpaTeamAssociationProvider.ID, association, settings);
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

  private readonly firstAssociationPath: string;
  private readonly approvalTimeoutSeconds: number;
  private readonly associationsByAction = new Map<string, string>();
  private readonly permissions: HandlerTeamPermissions;

  private constructor(scope: Stack, id: string, firstAssociation: IConstruct, settings: AssociationSettings) {
    super(scope, id);
    this.firstAssociationPath = firstAssociation.node.path;
    this.approvalTimeoutSeconds = settings.approvalTimeoutSeconds;
    this.timeouts = settings.timeouts;

    const handlerLogGroup = new logs.LogGroup(this, 'HandlerLogGroup', { retention: LOG_RETENTION });
    const handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Associates and disassociates AWS Payment Cryptography MPA teams (cdk-mpa-team-association)',
    });
    this.handlerRole = handlerRole;
    // Write access to its own log group instead of AWSLambdaBasicExecutionRole (logs:* on every group).
    handlerLogGroup.grants.write(handlerRole);
    this.permissions = new HandlerTeamPermissions(handlerRole);

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
        logGroup: handlerLogGroup,
      });
    const onEventHandler = handlerFunction('OnEventHandler', 'onEvent',
      'Starts associating or disassociating an AWS Payment Cryptography MPA team (cdk-mpa-team-association)');
    const isCompleteHandler = handlerFunction('IsCompleteHandler', 'isComplete',
      'Waits for MPA approvers of an AWS Payment Cryptography MPA team association (cdk-mpa-team-association)');

    // The framework's own functions get roles and a log group of ours, so that they too
    // write only to a log group with a retention, without AWSLambdaBasicExecutionRole.
    const frameworkLogGroup = new logs.LogGroup(this, 'FrameworkLogGroup', { retention: LOG_RETENTION });
    const frameworkRole = (roleId: string) => {
      const role = new iam.Role(this, roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      frameworkLogGroup.grants.write(role);
      return role;
    };
    const frameworkOnEventRole = frameworkRole('FrameworkOnEventRole');
    const frameworkCompleteAndTimeoutRole = frameworkRole('FrameworkCompleteAndTimeoutRole');

    const waiterLogGroup = new logs.LogGroup(this, 'WaiterLogGroup', {
      // Step Functions log delivery recommends the /aws/vendedlogs/ prefix (resource policy size limits).
      logGroupName: `/aws/vendedlogs/states/mpa-team-association-waiter-${isCompleteHandler.functionName}`,
      retention: LOG_RETENTION,
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      queryInterval: Duration.seconds(this.timeouts.queryIntervalSeconds),
      totalTimeout: Duration.seconds(this.timeouts.totalTimeoutSeconds),
      logGroup: frameworkLogGroup,
      frameworkOnEventRole,
      frameworkCompleteAndTimeoutRole,
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

    this.acknowledgeNagFindings(provider, [onEventHandler, isCompleteHandler],
      [frameworkOnEventRole, frameworkCompleteAndTimeoutRole]);
  }

  /**
   * Records one association: checks that it can share this provider and that no other
   * association of the stack manages the same operation, and grants the handler role
   * access to its team.
   */
  private register(association: IConstruct, settings: AssociationSettings): void {
    if (settings.approvalTimeoutSeconds !== this.approvalTimeoutSeconds
      || settings.pollIntervalSeconds !== this.timeouts.queryIntervalSeconds) {
      throw new Error(`MpaTeamAssociation at '${association.node.path}': approvalTimeout (${settings.approvalTimeoutSeconds} seconds) ` +
        `and pollInterval (${settings.pollIntervalSeconds} seconds) must equal those of '${this.firstAssociationPath}' ` +
        `(${this.approvalTimeoutSeconds} and ${this.timeouts.queryIntervalSeconds} seconds): all associations of a stack share ` +
        'one provider, whose waiter polls every pollInterval and stops after a total timeout derived from approvalTimeout. ' +
        'Use the same values, or put this association in another stack.');
    }

    // A token action cannot be compared at synth time; the service refuses nothing here,
    // but two resources managing one action would undo each other.
    if (!Token.isUnresolved(settings.action)) {
      const other = this.associationsByAction.get(settings.action);
      if (other !== undefined) {
        throw new Error(`MpaTeamAssociation at '${association.node.path}': action ${settings.action} is already managed by ` +
          `'${other}' in this stack: an operation has one MPA team association per account and region, so two resources ` +
          'would replace each other\'s team. Keep one MpaTeamAssociation per action.');
      }
      this.associationsByAction.set(settings.action, association.node.path);
    }

    this.permissions.allowTeamsOf(settings.mpaTeamArn, settings.reportApprovalProgress);
  }

  private acknowledgeNagFindings(provider: cr.Provider, handlers: lambda.IFunction[], frameworkRoles: iam.IRole[]): void {
    for (const handler of handlers) {
      suppressNagRules(handler, [{
        id: 'AwsSolutions-L1',
        reason: 'The handler bundle is built for and tested on Node.js 22, so the runtime is pinned; ' +
          'moving to a newer runtime is a deliberate release of this library.',
      }]);
    }

    const invokeAnyVersion = (fn: lambda.IFunction) => nagResourceFinding(this, `${fn.functionArn}:*`);
    const frameworkFunctionsOf = (role: IConstruct) => provider.node.findAll()
      .filter((c): c is lambda.Function => c instanceof lambda.Function && c.role === role);

    // The framework's functions invoke the handler (grantInvoke adds `<arn>:*` for versions and aliases).
    for (const role of frameworkRoles) {
      suppressNagRules(role, [{
        id: 'AwsSolutions-IAM5',
        reason: 'Granted by the custom-resource Provider framework: lambda:InvokeFunction on the handler ' +
          'functions and any of their versions or aliases (`<function arn>:*`).',
        appliesTo: handlers.map(invokeAnyVersion),
      }]);
    }

    // The waiter state machine's role is created inside the Provider framework.
    const waiter = provider.node.findChild('waiter-state-machine');
    const waiterRole = waiter.node.findChild('Role');
    const timeoutHandlers = frameworkFunctionsOf(frameworkRoles[1]);
    suppressNagRules(waiterRole, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Granted by the custom-resource Provider framework: the waiter invokes the framework\'s isComplete ' +
        'and onTimeout functions, including their versions and aliases (`<function arn>:*`).',
      appliesTo: timeoutHandlers.map(invokeAnyVersion),
    }, {
      id: 'AwsSolutions-IAM5',
      reason: 'Step Functions log delivery (logs:CreateLogDelivery, logs:PutResourcePolicy and others) does not ' +
        'support resource-level permissions, so the framework grants it on `*`.',
      appliesTo: ['Resource::*'],
    }]);
    suppressNagRules(waiter, [{
      id: 'AwsSolutions-SF2',
      reason: 'The waiter only calls the isComplete function on a timer; its executions and the handler\'s logs ' +
        'trace each operation, and the Provider framework offers no X-Ray setting.',
    }]);
  }
}
