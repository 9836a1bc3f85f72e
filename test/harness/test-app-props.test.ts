import { Annotations, App, CfnResource, Stack } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { newAssemblyDirectory } from './assembly-directory';
import { testAppProps } from './test-app-props';

interface Traces {
  /** Whether an L1 construct records the stack that created it. */
  readonly creationStack: boolean;
  /** Whether a warning carries the stack that added it. */
  readonly warningTrace: boolean;
}

/** The stack traces construct metadata records in `app`. */
function tracesIn(app: App): Traces {
  const resource = new CfnResource(new Stack(app, 'Stack'), 'Topic', { type: 'AWS::SNS::Topic' });
  Annotations.of(resource).addWarningV2('test:warning', 'a warning');
  const metadata = resource.node.metadata;
  return {
    creationStack: metadata.some(entry => entry.type === cxschema.ArtifactMetadataEntryType.CREATION_STACK),
    warningTrace: metadata.some(entry => entry.type === cxschema.ArtifactMetadataEntryType.WARN && entry.trace !== undefined),
  };
}

test('an app with aws-cdk-lib\'s defaults records stack traces in construct metadata (what testAppProps turns off)', () => {
  expect(tracesIn(new App({ outdir: newAssemblyDirectory() }))).toEqual({ creationStack: true, warningTrace: true });
});

test('an app built with testAppProps records none, writes to a directory from newAssemblyDirectory(), and keeps the context given', () => {
  // Constructed at all: test/jest.setup.ts refuses an App whose outdir is not from newAssemblyDirectory().
  const app = new App(testAppProps({ context: { 'some:flag': true } }));

  expect(tracesIn(app)).toEqual({ creationStack: false, warningTrace: false });
  expect(app.node.tryGetContext('some:flag')).toBe(true);
});
