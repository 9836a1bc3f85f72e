import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { ConsoleLevel } from './activity';
import { isolatedCode, type FunctionCode } from './function-code';
import { handlerCode, isHandlerAsset, type HandlerCodeChoice, type UserFunctions } from './handler-code';
import { statementsOf, type PolicyDocument } from './iam-policy';
import { assertSameRuntime, isProviderFrameworkAsset, providerFrameworkCode, type FrameworkEntryPoint } from './provider-framework-runtime';
import type { Simulation } from './simulation';

/** What the simulator needs to provision a resource of a stack. */
export interface ProvisionContext {
  readonly sim: Simulation;
  readonly stackName: string;
  readonly assets: ReadonlyMap<string, string>;
  readonly handlers: HandlerCodeChoice | UserFunctions;
}

/** A resource as provisioned: its physical id and the attributes Fn::GetAtt reads. */
export interface Provisioned {
  readonly physicalId: string;
  readonly attributes: Record<string, unknown>;
}

/**
 * How the simulator creates, updates and deletes the resources that are not
 * custom resources. Lambda functions and the waiter state machine are deployed
 * into the stand-ins; IAM roles and policies are kept for the authorizer; the
 * rest (log groups, approval teams, anything else) only get a physical id and
 * attributes.
 */
export interface ResourceType {
  create(context: ProvisionContext, logicalId: string, properties: Record<string, any>): Provisioned;
  update(context: ProvisionContext, logicalId: string, properties: Record<string, any>, current: Provisioned): Provisioned;
  delete(context: ProvisionContext, current: Provisioned): void;
}

/** A name as CloudFormation generates one: `<stack>-<logical id>-<random>`, cut to `maxLength`. */
export function generatedName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const prefix = `${stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
  return `${prefix}-${suffix}`;
}

const lambdaFunction: ResourceType = {
  create(context, logicalId, properties) {
    const functionName = String(properties.FunctionName ?? generatedName(context.stackName, logicalId));
    const arn = context.sim.lambda.createFunction(functionDefinition(context, functionName, properties));
    return { physicalId: functionName, attributes: { Arn: arn } };
  },
  update(context, _logicalId, properties, current) {
    context.sim.lambda.updateFunction(current.physicalId, functionDefinition(context, current.physicalId, properties));
    return current;
  },
  delete(context, current) {
    if (context.sim.lambda.hasFunction(current.physicalId)) context.sim.lambda.deleteFunction(current.physicalId);
  },
};

function functionDefinition(context: ProvisionContext, functionName: string, properties: Record<string, any>) {
  const logging = properties.LoggingConfig as { LogFormat?: 'Text' | 'JSON'; ApplicationLogLevel?: ConsoleLevel } | undefined;
  return {
    functionName,
    code: functionCode(context, properties),
    timeoutSeconds: properties.Timeout === undefined ? 3 : Number(properties.Timeout),
    environment: (properties.Environment?.Variables ?? {}) as Record<string, string>,
    logging: logging && { format: logging.LogFormat, applicationLogLevel: logging.ApplicationLogLevel },
    memorySize: properties.MemorySize === undefined ? 128 : Number(properties.MemorySize),
    roleArn: properties.Role as string | undefined,
  };
}

/**
 * The code a function's asset holds, by `Handler: <file>.<export>`: aws-cdk-lib's
 * provider-framework runtime (loaded from node_modules, which the staged copy
 * must equal), this library's handler bundle (its sources or the bundle, as the
 * stack chose), or any other file, loaded as it is.
 */
function functionCode(context: ProvisionContext, properties: Record<string, any>): FunctionCode {
  const key = properties.Code?.S3Key as string | undefined;
  const directory = key === undefined ? undefined : context.assets.get(key);
  if (!directory) throw new Error(`Lambda code ${JSON.stringify(properties.Code)} is not a file asset of the synthesized stack`);
  const [file, exportName] = String(properties.Handler).split(/\.(?=[^.]+$)/);
  if (isProviderFrameworkAsset(directory)) {
    assertSameRuntime(directory);
    return providerFrameworkCode(exportName as FrameworkEntryPoint, context.sim.outbound);
  }
  if (isHandlerAsset(directory) && (exportName === 'onEvent' || exportName === 'isComplete')) {
    return handlerCode(context.handlers, exportName, directory);
  }
  return isolatedCode(path.join(directory, `${file}.js`), exportName);
}

const stateMachine: ResourceType = {
  create(context, logicalId, properties) {
    const name = String(properties.StateMachineName ?? generatedName(context.stackName, logicalId, 80));
    const arn = context.sim.stepFunctions.putStateMachine(name, definitionOf(properties));
    return { physicalId: arn, attributes: { Arn: arn, Name: name } };
  },
  update(context, _logicalId, properties, current) {
    context.sim.stepFunctions.putStateMachine(String(current.attributes.Name), definitionOf(properties));
    return current;
  },
  delete(context, current) {
    context.sim.stepFunctions.deleteStateMachine(current.physicalId);
  },
};

function definitionOf(properties: Record<string, any>): string {
  return typeof properties.DefinitionString === 'string' ? properties.DefinitionString : JSON.stringify(properties.Definition);
}

const role: ResourceType = {
  create(context, logicalId, properties) {
    checkInlinePolicies(logicalId, properties);
    const name = String(properties.RoleName ?? generatedName(context.stackName, logicalId));
    return { physicalId: name, attributes: { Arn: `arn:aws:iam::${context.sim.accountId}:role/${name}`, RoleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}` } };
  },
  update(_context, logicalId, properties, current) {
    checkInlinePolicies(logicalId, properties);
    return current;
  },
  delete: () => undefined,
};

function checkInlinePolicies(logicalId: string, properties: Record<string, any>): void {
  for (const policy of (properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]) statementsOf(policy.PolicyDocument, logicalId);
}

const policy: ResourceType = {
  create(context, logicalId, properties) {
    statementsOf(properties.PolicyDocument as PolicyDocument, logicalId);
    return { physicalId: generatedName(context.stackName, logicalId, 128), attributes: {} };
  },
  update(_context, logicalId, properties, current) {
    statementsOf(properties.PolicyDocument as PolicyDocument, logicalId);
    return current;
  },
  delete: () => undefined,
};

/** A customer-managed policy: its physical id (what Ref gives) is its ARN. */
const managedPolicy: ResourceType = {
  create(context, logicalId, properties) {
    statementsOf(properties.PolicyDocument as PolicyDocument, logicalId);
    const name = String(properties.ManagedPolicyName ?? generatedName(context.stackName, logicalId, 128));
    const arn = `arn:aws:iam::${context.sim.accountId}:policy${properties.Path ?? '/'}${name}`;
    return { physicalId: arn, attributes: { PolicyArn: arn } };
  },
  update(_context, logicalId, properties, current) {
    statementsOf(properties.PolicyDocument as PolicyDocument, logicalId);
    return current;
  },
  delete: () => undefined,
};

type AttributesOf = (context: ProvisionContext, physicalId: string, properties: Record<string, any>) => Record<string, unknown>;

function attributesResource(attributes: AttributesOf): ResourceType {
  return {
    create: (context, logicalId, properties) => {
      const physicalId = generatedName(context.stackName, logicalId);
      return { physicalId, attributes: attributes(context, physicalId, properties) };
    },
    update: (context, _logicalId, properties, current) => ({ ...current, attributes: attributes(context, current.physicalId, properties) }),
    delete: () => undefined,
  };
}

const logGroup = attributesResource((context, physicalId, properties) => ({
  Arn: `arn:aws:logs:${context.sim.region}:${context.sim.accountId}:log-group:${properties.LogGroupName ?? physicalId}:*`,
}));

const approvalTeam = attributesResource((context, _physicalId, properties) => ({
  Arn: `arn:aws:mpa:${context.sim.region}:${context.sim.accountId}:approval-team/${properties.Name}`,
}));

/** Any other type: a physical id, an `Arn` shaped after the type, other attributes derived from the physical id. */
const generic = attributesResource((context, physicalId) => new Proxy({}, {
  get: (_target, attribute: string) => (attribute === 'Arn'
    ? `arn:aws:simulated:${context.sim.region}:${context.sim.accountId}:${physicalId}`
    : `${physicalId}.${attribute}`),
}));

const TYPES: Record<string, ResourceType> = {
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::IAM::Role': role,
  'AWS::IAM::Policy': policy,
  'AWS::IAM::ManagedPolicy': managedPolicy,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::MPA::ApprovalTeam': approvalTeam,
};

export function resourceTypeOf(type: string): ResourceType {
  return TYPES[type] ?? generic;
}

export function isCustomResource(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}
