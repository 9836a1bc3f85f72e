import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { newApp, NewAppOptions, STACK_ENV, TEAM_ARN } from './stacks';
import { MpaTeamAssociation, MpaTeamAssociationEngine, MpaTeamAssociationProps, MpaTeamAssociationType, MpaTeamAssociationTypeProps } from '../../src';

/** The registration stack's construct id, and the type's. */
export const REGISTRATION_STACK = 'MpaTypeRegistration';
export const TYPE_ID = 'MpaTeamAssociationType';

/** A registration stack with one MpaTeamAssociationType (and `props`). */
export function registrationStack(props: MpaTeamAssociationTypeProps = {}, options: NewAppOptions = {}) {
  const stack = new Stack(newApp(options), REGISTRATION_STACK, { env: STACK_ENV });
  const type = new MpaTeamAssociationType(stack, TYPE_ID, props);
  return { stack, type };
}

/** A registration stack and a `Payments` stack with one association of TEAM_ARN on the registry type (and `props`). */
export function associationOnType(
  props: Partial<MpaTeamAssociationProps> = {}, typeProps: MpaTeamAssociationTypeProps = {}, options: NewAppOptions = {},
) {
  const { stack: registration, type } = registrationStack(typeProps, options);
  const stack = new Stack(registration.node.scope!, 'Payments', { env: STACK_ENV });
  const association = new MpaTeamAssociation(stack, 'RootCertificateApproval', {
    mpaTeamArn: TEAM_ARN,
    engine: MpaTeamAssociationEngine.registryType(type),
    ...props,
  });
  return { registration, type, stack, association, template: Template.fromStack(stack) };
}
