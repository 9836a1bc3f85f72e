import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { ProviderTimeouts } from './provider-timeouts';

/**
 * The settings of the custom-resource provider that all associations of a stack share:
 * its waiter's timing, its network placement and its log groups. The first association
 * of a stack creates the provider with them; every other one must bring the same.
 */
export interface ProviderSettings {
  readonly approvalTimeoutSeconds: number;
  readonly timeouts: ProviderTimeouts;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly logEncryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** One shared setting: the prop that sets it, how two values are compared and how one is shown. */
interface SharedSetting {
  readonly prop: string;
  /** Equal for settings that build the same provider (tokens compared by what they resolve to). */
  identity(settings: ProviderSettings, stack: Stack): string;
  describe(settings: ProviderSettings): string;
}

const resolved = (stack: Stack, value: unknown) => JSON.stringify(stack.resolve(value));
const pathOf = (construct: IConstruct) => `'${construct.node.path}'`;

const SHARED_SETTINGS: SharedSetting[] = [
  {
    prop: 'approvalTimeout',
    identity: s => String(s.approvalTimeoutSeconds),
    describe: s => `${s.approvalTimeoutSeconds} seconds`,
  },
  {
    prop: 'pollInterval',
    identity: s => String(s.timeouts.queryIntervalSeconds),
    describe: s => `${s.timeouts.queryIntervalSeconds} seconds`,
  },
  {
    prop: 'vpc',
    identity: (s, stack) => (s.vpc ? resolved(stack, s.vpc.vpcId) : 'none'),
    describe: s => (s.vpc ? pathOf(s.vpc) : 'not set'),
  },
  {
    prop: 'vpcSubnets',
    identity: (s, stack) => (s.vpc ? resolved(stack, s.vpc.selectSubnets(s.vpcSubnets).subnetIds) : 'none'),
    describe: s => (s.vpc
      ? `subnets ${s.vpc.selectSubnets(s.vpcSubnets).subnets.map(pathOf).join(', ')}`
      : 'not set'),
  },
  {
    prop: 'securityGroups',
    identity: (s, stack) => (s.securityGroups
      ? s.securityGroups.map(group => resolved(stack, group.securityGroupId)).sort().join(',')
      : 'default'),
    describe: s => (s.securityGroups ? s.securityGroups.map(pathOf).join(', ') : 'not set'),
  },
  {
    prop: 'logEncryptionKey',
    identity: (s, stack) => (s.logEncryptionKey ? resolved(stack, s.logEncryptionKey.keyArn) : 'none'),
    describe: s => (s.logEncryptionKey ? pathOf(s.logEncryptionKey) : 'not set'),
  },
  {
    prop: 'logRetention',
    identity: s => String(s.logRetention),
    describe: s => (s.logRetention === logs.RetentionDays.INFINITE ? 'INFINITE' : `${s.logRetention} days`),
  },
  {
    prop: 'logRemovalPolicy',
    identity: s => String(s.logRemovalPolicy),
    describe: s => `RemovalPolicy.${Object.entries(RemovalPolicy).find(([, value]) => value === s.logRemovalPolicy)?.[0]}`,
  },
];

/** The props whose values must agree across the associations of a stack. */
export const SHARED_SETTING_PROPS = SHARED_SETTINGS.map(setting => setting.prop);

/**
 * Returns why an association cannot share the provider built for another one (naming the
 * prop and both construct paths), or undefined when their provider settings agree.
 */
export function providerSettingsMismatch(
  stack: Stack,
  first: { readonly path: string; readonly settings: ProviderSettings },
  next: { readonly path: string; readonly settings: ProviderSettings },
): string | undefined {
  for (const setting of SHARED_SETTINGS) {
    if (setting.identity(first.settings, stack) === setting.identity(next.settings, stack)) {
      continue;
    }
    return `MpaTeamAssociation at '${next.path}': ${setting.prop} (${setting.describe(next.settings)}) must equal that of ` +
      `'${first.path}' (${setting.describe(first.settings)}): all associations of a stack share one custom-resource provider ` +
      `(its functions, waiter and log groups), so ${setting.prop} is a setting of the stack, not of one association. ` +
      `Give every association of this stack the same ${setting.prop}, or put this association in another stack.`;
  }
  return undefined;
}
