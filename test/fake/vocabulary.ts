/**
 * World `vocabulary: 'extended'`: answers carry members the models do not define, as a
 * newer service version would send them. A reader that is as lenient as the generated
 * SDK ignores them; one that insists on an exact shape breaks here. The values mix JSON
 * types (string, number, object, array, null) on purpose.
 */

/** Added at the top level of every output. */
export const UNKNOWN_TOP_LEVEL_MEMBERS: Readonly<Record<string, unknown>> = {
  ResponseSchemaVersion: '2026-11-30',
  Warnings: [{ Code: 'FUTURE_FIELD', Detail: null }],
};

/** Added inside MpaTeamAssociation. */
export const UNKNOWN_ASSOCIATION_MEMBERS: Readonly<Record<string, unknown>> = {
  LastUpdatedDate: 1_764_000_000.25,
  AssociationId: 'mpa-association-0f1e2d3c',
};

/** Added inside MpaStatus. */
export const UNKNOWN_STATUS_MEMBERS: Readonly<Record<string, unknown>> = {
  StatusCode: 'AWAITING_APPROVERS',
  ApprovalProgress: { Received: 0, Required: null },
};

/** A control-plane output (`{}` or `{ MpaTeamAssociation }`) with unknown members at every level. */
export function extendAssociationOutput(output: Record<string, unknown>): Record<string, unknown> {
  const association = output.MpaTeamAssociation as Record<string, unknown> | undefined;
  if (!association) return { ...output, ...UNKNOWN_TOP_LEVEL_MEMBERS };
  const status = association.MpaStatus as Record<string, unknown> | undefined;
  return {
    ...output,
    ...UNKNOWN_TOP_LEVEL_MEMBERS,
    MpaTeamAssociation: {
      ...association,
      ...UNKNOWN_ASSOCIATION_MEMBERS,
      ...(status && { MpaStatus: { ...status, ...UNKNOWN_STATUS_MEMBERS } }),
    },
  };
}

/** Any other output (MPA's): unknown members at the top level. */
export function extendOutput(output: Record<string, unknown>): Record<string, unknown> {
  return { ...output, ...UNKNOWN_TOP_LEVEL_MEMBERS };
}
