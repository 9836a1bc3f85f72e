import * as fs from 'node:fs';
import * as path from 'node:path';
import * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledgements, covers, Finding, NAG_MAJORS, NagMajor, runNag } from './nag-runner';
import { MpaTeamAssociationType } from '../../src';
import { associationOnType } from '../construct-helpers/registry-engine';
import { newStack } from '../construct-helpers/stacks';

/*
 * The registry engine under the packs a PCI DSS or NIST 800-53 pipeline runs (AwsSolutions,
 * PCIDSS321Checks, NIST80053R5Checks; cdk-nag 2 and 3): the registration stack and a stack that
 * uses the type. Every finding on the library's resources is fixed or acknowledged per resource
 * and rule, with a reason, and no acknowledgement covers anything else.
 */

const under = (prefix: string) => <T extends Finding>(findings: T[]) => findings.filter(f => f.path.startsWith(prefix));

/** A registration whose log group is encrypted with a key of the app. */
function encryptedRegistration() {
  const stack = newStack({ id: 'MpaTypeRegistration' });
  const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
  new MpaTeamAssociationType(stack, 'MpaTeamAssociationType', { logEncryptionKey: key });
  return stack;
}

describe.each(NAG_MAJORS)('under %s', (major: NagMajor) => {
  const library = under('MpaTypeRegistration/MpaTeamAssociationType/');

  test('the registration with logEncryptionKey: nothing unacknowledged, and every acknowledgement matches a finding', () => {
    const stack = encryptedRegistration();
    const run = runNag(major, stack);
    expect(library(run.unacknowledged)).toEqual([]);
    expect(run.errors).toEqual([]);
    const unmatched = library(acknowledgements(major, stack)).filter(ack => !run.all.some(finding => covers(ack, finding)));
    expect(unmatched).toEqual([]);
    expect(library(acknowledgements(major, stack)).length).toBeGreaterThanOrEqual(4);
  });

  test('the registration without logEncryptionKey: only the findings that ask for a key remain, under PCI DSS and NIST', () => {
    const { registration } = associationOnType();
    expect(library(runNag(major, registration).unacknowledged)).toEqual([
      { rule: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', path: 'MpaTypeRegistration/MpaTeamAssociationType/LogGroup/Resource' },
      { rule: 'PCI.DSS.321-CloudWatchLogGroupEncrypted', path: 'MpaTypeRegistration/MpaTeamAssociationType/LogGroup/Resource' },
    ]);
  });

  test('a stack that uses the type: no finding at all', () => {
    const { stack } = associationOnType();
    const run = runNag(major, stack);
    expect([run.all, run.errors]).toEqual([[], []]);
  });
});

test('every reason the registration gives an assessor is listed in the README\'s Regulated accounts section', () => {
  const stack = encryptedRegistration();
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Regulated accounts\n');
  const docs = readme.slice(start, readme.indexOf('\n## ', start + 1)).replace(/\s+/g, ' ').replace(/`/g, '');
  const reasons = new Set(NAG_MAJORS.flatMap(major => under('MpaTypeRegistration/MpaTeamAssociationType/')(acknowledgements(major, stack)).map(a => a.reason)));
  expect(reasons.size).toBeGreaterThanOrEqual(4);
  expect([...reasons].filter(reason => !docs.includes(reason.replace(/`/g, '')))).toEqual([]);
});
