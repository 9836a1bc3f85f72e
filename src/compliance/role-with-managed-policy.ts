import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * An IAM role whose permissions live in one customer-managed policy (AWS::IAM::ManagedPolicy)
 * instead of an inline default policy, so that PCI DSS and NIST 800-53 rule packs
 * (IAMNoInlinePolicy) find no inline policy on the roles this library owns.
 *
 * Grants made to the role (`grantInvoke`, `grants.write`, `addToPrincipalPolicy`) land in
 * that policy. The policy is a child of the role, so whatever depends on the role (a Lambda
 * function using it) also waits for its permissions.
 */
export class RoleWithManagedPolicy extends iam.Role {
  private managedPolicy: iam.ManagedPolicy | undefined;

  /** The customer-managed policy that holds the role's permissions, once one was granted. */
  public get permissionsPolicy(): iam.ManagedPolicy | undefined {
    return this.managedPolicy;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (this.managedPolicy === undefined) {
      this.managedPolicy = new iam.ManagedPolicy(this, 'Policy', { roles: [this] });
    }
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}

/**
 * Moves the inline default policy that aws-cdk-lib created on `role` into a customer-managed
 * policy attached to the same role, for roles this library cannot create itself (the Provider
 * framework's waiter state machine role). Both policies share one policy document, so a
 * statement added to the role later still lands in the managed policy. Call it after every
 * grant that the role's creator makes.
 */
export function moveDefaultPolicyToManagedPolicy(role: iam.Role): iam.ManagedPolicy {
  const inline = role.node.tryFindChild('DefaultPolicy');
  if (!(inline instanceof iam.Policy)) {
    throw new Error(`Expected an inline DefaultPolicy on '${role.node.path}' (aws-cdk-lib's Provider framework changed?)`);
  }
  const managed = new iam.ManagedPolicy(role, 'Policy', { document: inline.document, roles: [role] });
  role.node.tryRemoveChild(inline.node.id);
  return managed;
}
