import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * An account and region have one MPA team association per protected operation. Two
 * associations of one action in one stack are refused when the second is created (see
 * MpaTeamAssociationProvider.register); this guards the same across the stacks of an app,
 * which only the whole construct tree can see: every association registers with its app's
 * registry, and each checks the others of its action when the app is synthesized.
 */

interface Registration {
  readonly association: IConstruct;
  readonly stack: Stack;
  readonly action: string;
}

/** The associations of each app (keyed by the construct tree's root). */
const registries = new WeakMap<IConstruct, Registration[]>();
/** The action of each association of a stack, whatever its engine. */
const stackActions = new WeakMap<Stack, Array<{ readonly association: IConstruct; readonly action: string }>>();

/**
 * Registers an association with its app, and adds a synth-time validation that fails when
 * another stack of the app manages the same action in the same account and region. Warns
 * instead when the check cannot be made: the stack's account or region, or the action, is
 * unresolved until deployment.
 */
export function guardActionAcrossStacks(association: IConstruct, action: string): void {
  const stack = Stack.of(association);
  guardActionInStack(association, stack, action);
  if (Token.isUnresolved(action)) {
    Annotations.of(association).addWarningV2('cdk-mpa-team-association:actionUnchecked',
      'action is a token, so the synth cannot check that no other association of this app manages the same action in ' +
      'the same account and region. Make sure of it yourself: two associations of one action replace each other\'s team.');
    return;
  }
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    Annotations.of(association).addWarningV2('cdk-mpa-team-association:environmentUnchecked',
      `Stack '${stack.stackName}' has no concrete account and region (env), so the synth cannot check that no other ` +
      `stack of this app manages ${action} in the same account and region. Give the stack an env, or make sure of it ` +
      'yourself: two associations of one action replace each other\'s team.');
    return;
  }

  const root = association.node.root;
  const registry = registries.get(root) ?? [];
  registries.set(root, registry);
  registry.push({ association, stack, action });

  association.node.addValidation({
    validate: () => registry
      .filter(other => other.stack !== stack && other.action === action
        && other.stack.account === stack.account && other.stack.region === stack.region)
      .map(other => `MpaTeamAssociation at '${association.node.path}': action ${action} is also managed by ` +
        `'${other.association.node.path}' in stack '${other.stack.stackName}', in the same account (${stack.account}) ` +
        `and region (${stack.region}): an account and region have one association per action, so the two stacks ` +
        'would replace each other\'s team. Manage each action from one stack.'),
  });
}

/**
 * Two associations of one action in one stack, on any engines (the custom resource's provider
 * refuses two of its own first): refused when the second is created.
 */
function guardActionInStack(association: IConstruct, stack: Stack, action: string): void {
  const actions = stackActions.get(stack) ?? [];
  stackActions.set(stack, actions);
  const other = Token.isUnresolved(action) ? undefined : actions.find(a => a.action === action);
  if (other !== undefined) {
    throw new Error(`MpaTeamAssociation at '${association.node.path}': action ${action} is already managed by ` +
      `'${other.association.node.path}' in the same stack: an account and region have one association per action. ` +
      'Manage each action from one MpaTeamAssociation.');
  }
  actions.push({ association, action });
}
