/**
 * Runs cdk-nag's AwsSolutions, PCI DSS 3.2.1 and NIST 800-53 R5 packs under both majors on a
 * stack, and reads the acknowledgements this library wrote, so that tests can compare what
 * was found, what was acknowledged, and what an acknowledgement matched.
 *
 * Findings are written `<rule id>` or, for granular rules, `<rule id>[<finding>]`, with the
 * construct path of the CloudFormation resource that carries them.
 */
import { Aspects, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as nag3 from 'cdk-nag';
import * as nag2 from 'cdk-nag-v2';
import { IConstruct } from 'constructs';

export interface Finding {
  readonly rule: string;
  readonly path: string;
}

export type NagMajor = 'cdk-nag 2' | 'cdk-nag 3';
export const NAG_MAJORS: NagMajor[] = ['cdk-nag 2', 'cdk-nag 3'];

/** What one run of the three packs found. */
export interface NagRun {
  /** Findings no acknowledgement covers. */
  readonly unacknowledged: Finding[];
  /** Every finding, acknowledged or not. */
  readonly all: Finding[];
  /** Rules that threw while checking a resource (cdk-nag reports them as findings too). */
  readonly errors: Finding[];
}

const byRuleAndPath = (a: Finding, b: Finding) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`);
const ruleOf = (ruleId: string, findingId: string) => (findingId ? `${ruleId}[${findingId}]` : ruleId);

/** cdk-nag 3: the packs validate the construct tree directly (no synth). */
export function runNag3(stack: Stack): NagRun {
  const packs = () => [new nag3.AwsSolutionsChecks(), new nag3.PCIDSS321Checks(), new nag3.NIST80053R5Checks()];
  const run = (ignoreAcknowledgements: boolean) => packs().flatMap(pack => {
    if (ignoreAcknowledgements) {
      // A test-only view of every finding: cdk-nag 3 consults this private method per finding.
      (pack as any).isAcknowledged = () => false;
    }
    return pack.validateScope(stack).violations.flatMap(violation => violation.violatingResources.map(resource => ({
      rule: violation.ruleName,
      path: resource.constructPath ?? '',
      error: violation.description.startsWith('Rule threw an error'),
    })));
  });
  const unacknowledged = run(false);
  return {
    unacknowledged: unacknowledged.filter(f => !f.error).map(({ rule, path }) => ({ rule, path })).sort(byRuleAndPath),
    all: run(true).map(({ rule, path }) => ({ rule, path })).sort(byRuleAndPath),
    errors: unacknowledged.filter(f => f.error).map(({ rule, path }) => ({ rule, path })).sort(byRuleAndPath),
  };
}

/** cdk-nag 2: the packs are aspects, run when the app synthesizes; a logger collects what they decide. */
export function runNag2(stack: Stack): NagRun {
  const unacknowledged: Finding[] = [];
  const all: Finding[] = [];
  const errors: Finding[] = [];
  const finding = (data: { resource: CfnResource; ruleId: string }, findingId = '') => ({ rule: ruleOf(data.ruleId, findingId), path: data.resource.node.path });
  const logger: nag2.INagLogger = {
    onCompliance: () => undefined,
    onNotApplicable: () => undefined,
    onNonCompliance: data => {
      unacknowledged.push(finding(data, data.findingId));
      all.push(finding(data, data.findingId));
    },
    onSuppressed: data => all.push(finding(data, data.findingId)),
    onError: data => errors.push(finding(data)),
    onSuppressedError: () => undefined,
  };
  const props = { additionalLoggers: [logger], reports: false };
  for (const pack of [new nag2.AwsSolutionsChecks(props), new nag2.PCIDSS321Checks(props), new nag2.NIST80053R5Checks(props)]) {
    Aspects.of(stack).add(pack);
  }
  Stage.of(stack)!.synth({ force: true });
  return { unacknowledged: unacknowledged.sort(byRuleAndPath), all: all.sort(byRuleAndPath), errors: errors.sort(byRuleAndPath) };
}

export function runNag(major: NagMajor, stack: Stack): NagRun {
  return major === 'cdk-nag 2' ? runNag2(stack) : runNag3(stack);
}

/** One acknowledgement this library wrote: the rule (granular where it names findings), where, and why. */
export interface Acknowledgement extends Finding {
  readonly reason: string;
  /** cdk-nag 2 only: a suppression without applies_to covers every finding of its rule. */
  readonly coversEveryFinding: boolean;
}

/** The acknowledgements in the form the given major reads them. */
export function acknowledgements(major: NagMajor, stack: Stack): Acknowledgement[] {
  const constructs = stack.node.findAll();
  if (major === 'cdk-nag 3') {
    return constructs.flatMap(c => c.node.metadata
      .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap(entry => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
        rule: id.replace(/^annotation::/i, ''),
        path: c.node.path,
        reason,
        coversEveryFinding: false,
      }))));
  }
  return constructs.filter((c): c is CfnResource => CfnResource.isCfnResource(c)).flatMap(resource => {
    const suppressions = (resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as Array<{ id: string; reason: string; applies_to?: string[] }>;
    return suppressions.flatMap((s): Acknowledgement[] => (s.applies_to
      ? s.applies_to.map(findingId => ({ rule: ruleOf(s.id, findingId), path: resource.node.path, reason: s.reason, coversEveryFinding: false }))
      : [{ rule: s.id, path: resource.node.path, reason: s.reason, coversEveryFinding: true }]));
  });
}

/** Whether an acknowledgement covers a finding: same resource (or, for cdk-nag 3, a resource below it) and rule. */
export function covers(acknowledgement: Acknowledgement, finding: Finding): boolean {
  const samePlace = finding.path === acknowledgement.path || finding.path.startsWith(`${acknowledgement.path}/`);
  const sameRule = finding.rule === acknowledgement.rule
    || (acknowledgement.coversEveryFinding && finding.rule.startsWith(`${acknowledgement.rule}[`));
  return samePlace && sameRule;
}

/** Keeps the findings on the resources of this library (the provider and the associations), not the app's. */
export function onLibraryResources<T extends Finding>(findings: T[], associations: IConstruct[]): T[] {
  const prefixes = [`${Stack.of(associations[0]).node.path}/MpaTeamAssociationProvider/`, ...associations.map(a => `${a.node.path}/`)];
  return findings.filter(f => prefixes.some(prefix => f.path.startsWith(prefix)));
}
