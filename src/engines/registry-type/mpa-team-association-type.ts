import { Annotations, ArnFormat, CfnDeletionPolicy, Duration, RemovalPolicy, Resource, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { typeHandlerPackage } from './type-package';
import { checkTeamArn, MPA_TEAM_REGION } from '../../association/team-arn';
import { HandlerPermissions } from '../../compliance/handler-permissions';
import { allowCloudWatchLogsToUseKey } from '../../compliance/log-encryption';
import { RoleWithManagedPolicy } from '../../compliance/role-with-managed-policy';
import { REGISTRY_TYPE } from '../../handler-contract';

/**
 * The registry resource type `CdkMpa::PaymentCryptography::MpaTeamAssociation`, registered in
 * an account and region: what an `MpaTeamAssociation` on the registry engine needs to know of it.
 */
export interface IMpaTeamAssociationType extends IConstruct {
  /** The type's name, `CdkMpa::PaymentCryptography::MpaTeamAssociation`. */
  readonly typeName: string;

  /**
   * How long each create, update and delete handler of the registered version may run
   * (its schema's `timeoutInMinutes`): an association's `approvalTimeout` must fit in it.
   */
  readonly handlerTimeout: Duration;

  /**
   * The role the type's handlers run as (its execution role), when known: the expected caller
   * of an association's `changeAlarm`.
   */
  readonly executionRole?: iam.IRole;
}

/**
 * What is known of a type registered elsewhere (another app, or a stage deployed before).
 */
export interface MpaTeamAssociationTypeAttributes {
  /**
   * The registered version's handler timeout, as given to its `MpaTeamAssociationType`.
   *
   * @default Duration.minutes(2160)
   */
  readonly handlerTimeout?: Duration;

  /**
   * ARN of the type's execution role. Needed for an association's `changeAlarm`.
   *
   * @default - unknown: associations on this type cannot have a changeAlarm
   */
  readonly executionRoleArn?: string;
}

/**
 * Properties of an `MpaTeamAssociationType`.
 */
export interface MpaTeamAssociationTypeProps {
  /**
   * The Lambda runtime CloudFormation runs the type's handler on (the package's `.rpdk-config`).
   *
   * Node.js 20 is what the CloudFormation CLI's TypeScript plugin generates, and so the runtime
   * the registry is known to accept; whether it accepts later Node.js runtimes is not confirmed
   * (the synth warns). Only Node.js 20 or later.
   *
   * @default lambda.Runtime.NODEJS_20_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * How long each create, update and delete handler may run before CloudFormation fails the
   * operation (the schema's `timeoutInMinutes`), in whole minutes, from 2 minutes to 36 hours.
   * An association's `approvalTimeout` must fit in it.
   *
   * @default Duration.minutes(2160) (36 hours, CloudFormation's longest)
   */
  readonly handlerTimeout?: Duration;

  /**
   * Approval teams whose account and region the handlers may use: the grant covers every team
   * of each ARN's account and region, and their approval sessions.
   *
   * @default - the approval teams of this stack's account in us-east-1 (where MPA creates teams)
   */
  readonly approvalTeamArns?: string[];

  /**
   * How long the type's log group keeps its events.
   *
   * @default RetentionDays.TWO_YEARS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the type's log group. A key the app creates gets the key policy
   * statement CloudWatch Logs needs; for an imported key the synth warns with the statement.
   *
   * @default - CloudWatch Logs' own encryption (AWS-owned keys)
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * What happens to the type's log group when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * What happens to the registration when it leaves the stack (the stack deleted, or this
   * construct removed). `RemovalPolicy.RETAIN` leaves the type registered: stacks that use it
   * can still update and delete their associations. `RemovalPolicy.DESTROY` deregisters the
   * type; a stack that still holds an association of the type can then neither update nor
   * delete it until the type is registered again. An upgrade (a new library version, runtime or
   * handler timeout) always registers a new version, makes it the default and deregisters the
   * old one, whatever this is.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The service that assumes a registry type's execution and log roles. */
const REGISTRY_SERVICE = 'resources.cloudformation.amazonaws.com';
/** IAM's shortest and longest MaxSessionDuration. */
const MIN_SESSION_SECONDS = 3600;
const MAX_SESSION_SECONDS = 43_200;

/**
 * Registers the registry resource type `CdkMpa::PaymentCryptography::MpaTeamAssociation` in the
 * stack's account and region, so that `MpaTeamAssociation`s on
 * `MpaTeamAssociationEngine.registryType()` can wait for approvers up to a day.
 *
 * Put it in a stack of its own, deployed before the stacks that use the type: a template
 * cannot use a type that the same deployment registers. One registration per account and region.
 *
 * It deploys the handler package (an asset: the schema, the CloudFormation CLI settings and the
 * handler bundled when this library was built), the type's execution role (trusted by
 * CloudFormation's registry for this type and account only), its log group and log role, the
 * type version (`AWS::CloudFormation::ResourceVersion`) and makes it the default version.
 *
 * Experimental: the registry engine has not yet been run against a real account by this
 * library's maintainers. Run the README's smoke test before relying on it.
 *
 * @example
 * // In a stack of its own (here `this`), deployed before the stacks that use the type; once per account and region.
 * const type = new MpaTeamAssociationType(this, 'MpaTeamAssociationType', {
 *   // The teams' accounts whose approval teams the handlers may use (us-east-1, where MPA creates teams).
 *   approvalTeamArns: ['arn:aws:mpa:us-east-1:111122223333:approval-team/payments-root-ca-approvers'],
 * });
 *
 * @experimental
 */
export class MpaTeamAssociationType extends Resource implements IMpaTeamAssociationType {
  /**
   * A type registered elsewhere (another app, or a stage deployed before), by what is known of it.
   */
  public static fromTypeAttributes(scope: Construct, id: string, attrs: MpaTeamAssociationTypeAttributes = {}): IMpaTeamAssociationType {
    return new ImportedType(scope, id, attrs);
  }

  public readonly typeName: string = REGISTRY_TYPE.TYPE_NAME;
  public readonly handlerTimeout: Duration;
  /** The role the type's handlers run as (always set here; optional only for imported types). */
  public readonly executionRole?: iam.IRole;
  /** The type's log group (its LoggingConfig). */
  public readonly logGroup: logs.ILogGroup;
  /** The role CloudFormation passes to the handler to write to `logGroup`. */
  public readonly logRole: iam.IRole;
  /** ARN of the type version this construct registers, the default version. */
  public readonly typeVersionArn: string;

  constructor(scope: Construct, id: string, props: MpaTeamAssociationTypeProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const runtime = checkRuntime(this, props.runtime ?? lambda.Runtime.NODEJS_20_X);
    this.handlerTimeout = props.handlerTimeout ?? Duration.minutes(REGISTRY_TYPE.HANDLER_TIMEOUT_MINUTES);
    const handlerTimeoutMinutes = checkHandlerTimeout(this, 'handlerTimeout', this.handlerTimeout);
    for (const policy of [['removalPolicy', props.removalPolicy], ['logRemovalPolicy', props.logRemovalPolicy]] as const) {
      if (policy[1] === RemovalPolicy.SNAPSHOT) fail(this, `${policy[0]} RemovalPolicy.SNAPSHOT is not supported: use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY.`);
    }

    const handlerPackage = new s3assets.Asset(this, 'HandlerPackage', {
      path: typeHandlerPackage({ runtime: runtime.name, handlerTimeoutMinutes }, Stage.of(this)!.outdir),
    });

    // CloudFormation's registry assumes both roles on behalf of this type in this account only
    // (the confused-deputy conditions the CloudFormation CLI's role templates set).
    const typeArns = stack.formatArn({
      service: 'cloudformation',
      resource: 'type',
      resourceName: `resource/${REGISTRY_TYPE.TYPE_NAME.replace(/::/g, '-')}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const registry = () => new iam.ServicePrincipal(REGISTRY_SERVICE, {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': typeArns } },
    });

    // CloudFormation hands every call fresh credentials of this role, so one session need only last
    // one call; the session length is the CloudFormation CLI's (70 s per minute of the handlers'
    // timeout, within IAM's 1 to 12 hours).
    const sessionSeconds = Math.min(MAX_SESSION_SECONDS, Math.max(MIN_SESSION_SECONDS, 70 * handlerTimeoutMinutes));
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: registry(),
      maxSessionDuration: Duration.seconds(sessionSeconds),
      description: `Runs the ${REGISTRY_TYPE.TYPE_NAME} registry type's handlers (cdk-mpa-team-association)`,
    });
    const executionPolicy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      description: `What the ${REGISTRY_TYPE.TYPE_NAME} handlers call: MPA team associations, approval sessions, ownership records`,
      roles: [executionRole],
    });
    const permissions = new HandlerPermissions(executionPolicy, []);
    const teams = props.approvalTeamArns ?? [];
    teams.forEach((arn, index) => checkTeamArn(`approvalTeamArns[${index}]`, arn, message => fail(this, message)));
    if (teams.length === 0) {
      if (props.approvalTeamArns !== undefined) fail(this, 'approvalTeamArns must name at least one approval team; leave it unset for the teams of this account in us-east-1.');
      permissions.allowTeamsIn(stack.partition, MPA_TEAM_REGION, stack.account);
    }
    teams.forEach(arn => permissions.allowTeamsOf(arn));
    this.executionRole = executionRole;

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.TWO_YEARS,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    if (props.logEncryptionKey) allowCloudWatchLogsToUseKey(this, props.logEncryptionKey);
    this.logGroup = logGroup;
    const logRole = new RoleWithManagedPolicy(this, 'LogRole', {
      assumedBy: registry(),
      description: `Writes the ${REGISTRY_TYPE.TYPE_NAME} registry type's handler logs`,
    });
    // What the handler calls (lambda/aws/provider-log.ts): one stream per resource, and its events.
    logRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteTypeLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));
    this.logRole = logRole;

    const version = new cloudformation.CfnResourceVersion(this, 'Version', {
      typeName: REGISTRY_TYPE.TYPE_NAME,
      schemaHandlerPackage: handlerPackage.s3ObjectUrl,
      executionRoleArn: executionRole.roleArn,
      loggingConfig: { logGroupName: logGroup.logGroupName, logRoleArn: logRole.roleArn },
    });
    // The handlers must be able to act from their first call.
    version.node.addDependency(executionPolicy, logRole.permissionsPolicy!);
    const defaultVersion = new cloudformation.CfnResourceDefaultVersion(this, 'DefaultVersion', {
      typeVersionArn: version.attrArn,
    });

    // Every property of a version is create-only: a new package registers a new version, the
    // default version moves to it, and the old version (no longer the default) is deregistered in
    // the update's cleanup, so versions never pile up towards the registry's 50. Only removing the
    // registration follows removalPolicy: deregistering the default version deregisters the type.
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    for (const resource of [version, defaultVersion]) {
      resource.applyRemovalPolicy(removalPolicy);
      resource.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.DELETE;
    }
    this.typeVersionArn = version.attrArn;
  }
}

class ImportedType extends Construct implements IMpaTeamAssociationType {
  public readonly typeName: string = REGISTRY_TYPE.TYPE_NAME;
  public readonly handlerTimeout: Duration;
  public readonly executionRole?: iam.IRole;

  constructor(scope: Construct, id: string, attrs: MpaTeamAssociationTypeAttributes) {
    super(scope, id);
    this.handlerTimeout = attrs.handlerTimeout ?? Duration.minutes(REGISTRY_TYPE.HANDLER_TIMEOUT_MINUTES);
    checkHandlerTimeout(this, 'handlerTimeout', this.handlerTimeout);
    this.executionRole = attrs.executionRoleArn === undefined
      ? undefined
      : iam.Role.fromRoleArn(this, 'ExecutionRole', attrs.executionRoleArn, { mutable: false });
  }
}

function fail(scope: IConstruct, message: string): never {
  throw new Error(`MpaTeamAssociationType at '${scope.node.path}': ${message}`);
}

/** The handler timeout in whole minutes, within the schema's 2 to 2160. */
function checkHandlerTimeout(scope: IConstruct, prop: string, timeout: Duration): number {
  if (timeout.isUnresolved()) fail(scope, `${prop} must be a concrete duration, not a token: it is written into the type's schema.`);
  const minutes = timeout.toMinutes({ integral: false });
  if (!Number.isInteger(minutes) || minutes < 2 || minutes > REGISTRY_TYPE.HANDLER_TIMEOUT_MINUTES) {
    fail(scope, `${prop} must be a whole number of minutes from 2 to ${REGISTRY_TYPE.HANDLER_TIMEOUT_MINUTES} ` +
      `(the schema's timeoutInMinutes); got ${timeout.toSeconds() / 60} minutes.`);
  }
  return minutes;
}

/** Node.js 20 or later (the handler bundle's syntax); a warning for any runtime the registry is not known to accept. */
function checkRuntime(scope: IConstruct, runtime: lambda.Runtime): lambda.Runtime {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (runtime.family !== lambda.RuntimeFamily.NODEJS || major === undefined || Number(major) < 20 || Token.isUnresolved(runtime.name)) {
    fail(scope, `runtime must be a Node.js runtime of version 20 or later (the handler is bundled for Node.js 20); got ${runtime.name}.`);
  }
  if (runtime.name !== lambda.Runtime.NODEJS_20_X.name) {
    Annotations.of(scope).addWarningV2('cdk-mpa-team-association:typeRuntimeUnconfirmed',
      `runtime ${runtime.name}: the CloudFormation CLI generates nodejs20.x for TypeScript types; whether the registry accepts ` +
      `${runtime.name} is not confirmed. If RegisterType refuses it, the registration stack fails and rolls back; use Runtime.NODEJS_20_X.`);
  }
  return runtime;
}
