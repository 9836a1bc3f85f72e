import { Token } from 'aws-cdk-lib';
import { DEFAULTS, LIMITS } from '../handler-contract';

/**
 * An AWS Payment Cryptography operation that a Multi-party approval (MPA) team can protect.
 *
 * Use the constants for the operations known when this library was released, and
 * `MpaProtectedOperation.of()` for one that AWS adds later.
 */
export class MpaProtectedOperation {
  /**
   * ImportKey with a root public key certificate (`RootCertificatePublicKey`):
   * once a team is associated, importing a new root certificate needs the team's approval.
   */
  public static readonly IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE = new MpaProtectedOperation(DEFAULTS.ACTION);

  /**
   * An operation by its service name, for operations AWS adds after this library was released.
   *
   * A concrete value must be in upper snake case (for example `IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE`);
   * a token (for example a CfnParameter) is passed through unchecked.
   *
   * @param value the operation name as the AssociateMpaTeam API expects it in `Action`
   */
  public static of(value: string): MpaProtectedOperation {
    if (!Token.isUnresolved(value) && !LIMITS.ACTION_PATTERN.test(value)) {
      throw new Error(
        `MpaProtectedOperation.of(): the operation name must be upper snake case (${LIMITS.ACTION_PATTERN}), ` +
        `for example ${DEFAULTS.ACTION}; got ${JSON.stringify(value)}`);
    }
    return new MpaProtectedOperation(value);
  }

  /** The operation name sent to the service as `Action`. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }

  /** Returns the operation name. */
  public toString(): string {
    return this.value;
  }
}
