import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgements, covers, NAG_MAJORS, NagMajor, onLibraryResources, runNag } from './nag-runner';
import { deploymentWithoutVpc, privateDeployment } from '../construct-helpers/deployments';

/** The acknowledgements this library wrote (aws-cdk-lib writes some of its own for the app's resources). */
const onLibraryAcknowledgements = (major: NagMajor, stack: Stack, associations: IConstruct[]) =>
  onLibraryResources(acknowledgements(major, stack), associations);

/*
 * A PCI DSS or NIST 800-53 pipeline runs cdk-nag's AwsSolutions, PCIDSS321Checks and
 * NIST80053R5Checks, under cdk-nag 2 or 3. Every finding on this library's resources is fixed
 * or acknowledged, per resource and rule, with a reason (src/engines/custom-resource/provider-nag-acknowledgements.ts,
 * handler-permissions.ts, network-access.ts), and no acknowledgement covers anything else.
 */

const FUNCTIONS = [
  'TestStack/MpaTeamAssociationProvider/IsCompleteHandler/Resource',
  'TestStack/MpaTeamAssociationProvider/OnEventHandler/Resource',
  'TestStack/MpaTeamAssociationProvider/Provider/framework-isComplete/Resource',
  'TestStack/MpaTeamAssociationProvider/Provider/framework-onEvent/Resource',
  'TestStack/MpaTeamAssociationProvider/Provider/framework-onTimeout/Resource',
];

describe.each(NAG_MAJORS)('under %s', (major: NagMajor) => {
  describe('with vpc and logEncryptionKey', () => {
    const { stack, associations } = privateDeployment();
    const run = runNag(major, stack);

    test('AwsSolutions, PCI DSS 3.2.1 and NIST 800-53 R5 find nothing unacknowledged on the library\'s resources', () => {
      expect(onLibraryResources(run.unacknowledged, associations)).toEqual([]);
      expect(onLibraryResources(run.errors, associations)).toEqual([]);
    });

    test('every acknowledgement matches a finding', () => {
      const unmatched = onLibraryAcknowledgements(major, stack, associations).filter(ack => !run.all.some(finding => covers(ack, finding)));
      expect(unmatched.map(({ rule, path: where }) => ({ rule, path: where }))).toEqual([]);
    });
  });

  describe('with logEncryptionKey but without vpc', () => {
    const { stack, associations } = deploymentWithoutVpc();
    const run = runNag(major, stack);

    test('only the findings that ask for a VPC remain: LambdaInsideVPC on the five functions, under PCI DSS and NIST', () => {
      expect(onLibraryResources(run.unacknowledged, associations)).toEqual([
        ...FUNCTIONS.map(fn => ({ rule: 'NIST.800.53.R5-LambdaInsideVPC', path: fn })),
        ...FUNCTIONS.map(fn => ({ rule: 'PCI.DSS.321-LambdaInsideVPC', path: fn })),
      ].sort((a, b) => `${a.path} ${a.rule}`.localeCompare(`${b.path} ${b.rule}`)));
    });

    test('every acknowledgement matches a finding', () => {
      const unmatched = onLibraryAcknowledgements(major, stack, associations).filter(ack => !run.all.some(finding => covers(ack, finding)));
      expect(unmatched.map(({ rule, path: where }) => ({ rule, path: where }))).toEqual([]);
    });
  });

  test('the acknowledgements are specific: a wildcard grant of the application is still reported', () => {
    const { stack } = privateDeployment();
    const role = new iam.Role(stack, 'ApplicationRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['mpa:GetSession'],
      resources: ['arn:aws:mpa:us-east-1:111111111111:session/*'],
    }));

    const run = runNag(major, stack);
    expect(run.unacknowledged.filter(f => f.path.startsWith('TestStack/ApplicationRole/'))).toContainEqual({
      rule: 'AwsSolutions-IAM5[Resource::arn:aws:mpa:us-east-1:111111111111:session/*]',
      path: 'TestStack/ApplicationRole/DefaultPolicy/Resource',
    });
  });
});

test('every reason given to an assessor is listed in the README\'s Regulated accounts section', () => {
  const { stack, associations } = privateDeployment();
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Regulated accounts\n'), readme.indexOf('\n## ', readme.indexOf('\n## Regulated accounts\n') + 1));
  expect(section.length).toBeGreaterThan(1000);
  const docs = section.replace(/\s+/g, ' ').replace(/`/g, '');

  const reasons = new Set(NAG_MAJORS.flatMap(major => onLibraryAcknowledgements(major, stack, associations).map(ack => ack.reason)));
  expect(reasons.size).toBeGreaterThan(5);
  expect([...reasons].filter(reason => !docs.includes(reason.replace(/`/g, '')))).toEqual([]);
});

// aws-cdk-lib's own template validation, which a pipeline runs too, is test/compliance/template-validation.test.ts's.
test('cdk-nag 3 as a validation plugin of the app (as a pipeline runs it) lets a compliant app synthesize', () => {
  const { stack } = deploymentWithoutVpc();
  const app = Stage.of(stack)!;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  expect(() => app.synth({ force: true })).not.toThrow();
});
