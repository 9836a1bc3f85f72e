import type { IMpaTeamAssociationType } from './registry-type/mpa-team-association-type';

/**
 * What an `MpaTeamAssociation` runs on: the custom resource (the stack's own provider, up to an
 * hour's wait) or the registry resource type (registered once per account and region, up to a
 * day's wait). Both keep the same ownership records, so switching an association from one to
 * the other hands the action over without asking the approvers.
 */
export class MpaTeamAssociationEngine {
  /**
   * A custom resource backed by the stack's shared provider (Lambda functions and a Step
   * Functions waiter in the stack): `approvalTimeout` up to 55 minutes.
   */
  public static customResource(): MpaTeamAssociationEngine {
    return new MpaTeamAssociationEngine(undefined);
  }

  /**
   * The registry resource type `CdkMpa::PaymentCryptography::MpaTeamAssociation`, registered by
   * an `MpaTeamAssociationType` in another stack: `approvalTimeout` up to an MPA session's 24 hours.
   *
   * Experimental until it has run against a real account: run the README's smoke test in a
   * non-production account before relying on it.
   *
   * @experimental
   * @param type the registration (or `MpaTeamAssociationType.fromTypeAttributes()`)
   */
  public static registryType(type: IMpaTeamAssociationType): MpaTeamAssociationEngine {
    return new MpaTeamAssociationEngine(type);
  }

  /** The registered type, on the registry engine; undefined on the custom resource. */
  public readonly type?: IMpaTeamAssociationType;

  private constructor(type: IMpaTeamAssociationType | undefined) {
    this.type = type;
  }
}
