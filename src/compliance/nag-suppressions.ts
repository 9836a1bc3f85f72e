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
 * Acknowledges cdk-nag findings on one CloudFormation resource, the one that carries them,
 * so that an acknowledgement never covers a resource it was not written for (and a test can
 * tell when one matches nothing):
 *
 * - cdk-nag 3 reads acknowledgements from `Validations.of(resource).acknowledge()`
 *   (aws-cdk-lib's own API), matching granular findings as `<id>[<finding>]`;
 * - cdk-nag 2 reads the `cdk_nag` metadata of the resource
 *   (`rules_to_suppress: [{ id, reason, applies_to }]`).
 *
 * `construct` is the CfnResource itself or an L2 construct whose default child it is.
 */
export function suppressNagRules(construct: IConstruct, suppressions: NagRuleSuppression[]): void {
  const resource = cfnResourceOf(construct);
  for (const suppression of suppressions) {
    const ids = suppression.appliesTo
      ? suppression.appliesTo.map(finding => `${suppression.id}[${finding}]`)
      : [suppression.id];
    Validations.of(resource).acknowledge(...ids.map(id => ({ id, reason: suppression.reason })));
  }

  const entries = suppressions.map(s => ({
    id: s.id,
    reason: s.reason,
    ...(s.appliesTo ? { applies_to: s.appliesTo } : {}),
  }));
  const existing = resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined;
  resource.addMetadata('cdk_nag', {
    ...existing,
    rules_to_suppress: [...(existing?.rules_to_suppress ?? []), ...entries],
  });
}

function cfnResourceOf(construct: IConstruct): CfnResource {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (resource === undefined || !CfnResource.isCfnResource(resource)) {
    throw new Error(`cdk-nag acknowledgements need a CloudFormation resource; '${construct.node.path}' has none as its default child`);
  }
  return resource;
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
