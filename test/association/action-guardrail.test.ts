import { Stack, Stage } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match } from 'aws-cdk-lib/assertions';
import { MpaProtectedOperation, MpaTeamAssociation } from '../../src';
import { CROSS_ACCOUNT_TEAM_ARN, newApp, STACK_ENV, TEAM_ARN } from '../construct-helpers/stacks';

const ROOT_CERTIFICATE = MpaProtectedOperation.IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE;

function associate(stack: Stack, id = 'RootCertificateApproval', action = ROOT_CERTIFICATE): MpaTeamAssociation {
  return new MpaTeamAssociation(stack, id, { mpaTeamArn: TEAM_ARN, action });
}

describe('one action managed from two stacks of an app', () => {
  test('in the same account and region fails the synth, naming both associations', () => {
    const app = newApp();
    associate(new Stack(app, 'PaymentsKeys', { env: STACK_ENV }));
    associate(new Stack(app, 'Platform', { env: STACK_ENV }), 'InheritedApproval');

    expect(() => app.synth()).toThrow(new RegExp(
      "MpaTeamAssociation at 'PaymentsKeys/RootCertificateApproval': action IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is also managed by " +
      "'Platform/InheritedApproval' in stack 'Platform', in the same account \\(111111111111\\) and region \\(eu-west-1\\)"));
    expect(() => app.synth()).toThrow(/'Platform\/InheritedApproval': action IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is also managed by 'PaymentsKeys\/RootCertificateApproval'/);
  });

  test('in stages of one app that share an account and region fails too', () => {
    const app = newApp();
    for (const stageId of ['Blue', 'Green']) {
      associate(new Stack(new Stage(app, stageId, { env: STACK_ENV }), 'PaymentsKeys'));
    }

    expect(() => app.synth()).toThrow(/'Blue\/PaymentsKeys\/RootCertificateApproval': action IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE is also managed by 'Green\/PaymentsKeys\/RootCertificateApproval'/);
  });

  test.each([
    ['another region', { ...STACK_ENV, region: 'eu-central-1' }],
    ['another account', { ...STACK_ENV, account: '222222222222' }],
  ])('in %s is allowed', (_case, otherEnv) => {
    const app = newApp();
    associate(new Stack(app, 'Ireland', { env: STACK_ENV }));
    associate(new Stack(app, 'Elsewhere', { env: otherEnv }));

    expect(() => app.synth()).not.toThrow();
  });

  test('different actions in the same account and region are allowed', () => {
    const app = newApp();
    associate(new Stack(app, 'PaymentsKeys', { env: STACK_ENV }));
    associate(new Stack(app, 'Platform', { env: STACK_ENV }), 'FutureApproval', MpaProtectedOperation.of('SOME_FUTURE_OPERATION'));

    expect(() => app.synth()).not.toThrow();
  });
});

describe('a stack without a concrete account and region', () => {
  test('synthesizes with a warning that the check across stacks could not be made', () => {
    const app = newApp();
    const agnostic = new Stack(app, 'Agnostic');
    associate(agnostic);
    associate(new Stack(app, 'Concrete', { env: STACK_ENV }));

    expect(() => app.synth()).not.toThrow();
    AssertAnnotations.fromStack(agnostic).hasWarning('/Agnostic/RootCertificateApproval', Match.stringLikeRegexp(
      "^Stack 'Agnostic' has no concrete account and region \\(env\\), so the synth cannot check that no other stack of this app " +
      'manages IMPORT_ROOT_PUBLIC_KEY_CERTIFICATE'));
  });

  test('with only a region still warns (the account decides too)', () => {
    const stack = new Stack(newApp(), 'RegionOnly', { env: { region: 'eu-west-1' } });
    new MpaTeamAssociation(stack, 'RootCertificateApproval', { mpaTeamArn: CROSS_ACCOUNT_TEAM_ARN });

    AssertAnnotations.fromStack(stack).hasWarning('/RegionOnly/RootCertificateApproval', Match.stringLikeRegexp('no concrete account and region'));
  });
});
