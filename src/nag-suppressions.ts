import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * One cdk-nag rule that a construct of this library breaks on purpose, and why.
 *
 * cdk-nag is not a dependency of this library: the acknowledgement is recorded in
 * the two forms cdk-nag reads, so that an application checking itself with cdk-nag
 * sees no finding that this library has already justified.
 */
export interface NagRuleSuppression {
  /** Rule id, for example `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is acceptable here. */
  readonly reason: string;
  /**
   * For granular rules (IAM4, IAM5): the findings acknowledged, in cdk-nag's
   * format (`Resource::<resource>`, `Action::<action>`, `Policy::<policy>`).
   * Without it every finding of the rule is acknowledged.
   */
  readonly appliesTo?: string[];
}

/**
 * Acknowledges cdk-nag rules on `scope` and every CloudFormation resource below it.
 *
 * - cdk-nag 3 reads acknowledgements from `Validations.of(scope).acknowledge()`
 *   (aws-cdk-lib's own API), matching granular findings as `<id>[<finding>]`.
 * - cdk-nag 2 reads the `cdk_nag` metadata of each CfnResource
 *   (`rules_to_suppress: [{ id, reason, applies_to }]`).
 *
 * Call it after the resources below `scope` exist: the metadata is written to
 * the CfnResources present at the time of the call.
 */
export function suppressNagRules(scope: IConstruct, suppressions: NagRuleSuppression[]): void {
  for (const suppression of suppressions) {
    const ids = suppression.appliesTo
      ? suppression.appliesTo.map(finding => `${suppression.id}[${finding}]`)
      : [suppression.id];
    Validations.of(scope).acknowledge(...ids.map(id => ({ id, reason: suppression.reason })));
  }

  const entries = suppressions.map(s => ({
    id: s.id,
    reason: s.reason,
    ...(s.appliesTo ? { applies_to: s.appliesTo } : {}),
  }));
  for (const construct of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) {
      continue;
    }
    const existing = construct.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined;
    construct.addMetadata('cdk_nag', {
      ...existing,
      rules_to_suppress: [...(existing?.rules_to_suppress ?? []), ...entries],
    });
  }
}

/**
 * The text cdk-nag shows for a policy resource in a granular finding
 * (`Resource::<this>`): the resolved value, with `Fn::Join` joined, `Ref` and
 * `Fn::GetAtt` written `<Name>` and `<Name.Attribute>`, `${X}` of `Fn::Sub`
 * written `<X>`, and any other intrinsic as its JSON. It mirrors cdk-nag's
 * `flattenCfnReference`, because both versions of cdk-nag match findings by
 * this exact text.
 */
export function nagResourceFinding(scope: IConstruct, resource: string): string {
  return `Resource::${flattenReference(Stack.of(scope).resolve(resource))}`;
}

function flattenReference(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const intrinsic = node as Record<string, any>;
  if (intrinsic['Fn::Join']) {
    const [delimiter, items] = intrinsic['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (intrinsic['Fn::Sub']) {
    return flattenReference(intrinsic['Fn::Sub']);
  }
  if (intrinsic['Fn::GetAtt']) {
    const [resource, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (intrinsic['Fn::ImportValue']) {
    return flattenReference(intrinsic['Fn::ImportValue']);
  }
  if (intrinsic.Ref) {
    return `<${flattenReference(intrinsic.Ref)}>`;
  }
  return JSON.stringify(node);
}
