import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { testAppProps } from './test-app-props';

/** A CloudFormation template, as far as the stack simulator reads it. */
export interface CfnTemplate {
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | readonly string[];
  readonly DeletionPolicy?: 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
  readonly UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  readonly Condition?: string;
  readonly Metadata?: unknown;
}

/** A synthesized stack: its template, and where each file asset (by S3 object key) lies on disk. */
export interface StackTemplate {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly assets: ReadonlyMap<string, string>;
}

/** The account and region simulated stacks are synthesized for (the simulation's defaults). */
export const SIMULATED_ENV = { account: '123456789012', region: 'us-east-1' } as const;

/**
 * A fresh app and stack for a simulated deployment. aws-cdk-lib's built-in
 * template validation is off: it compiles a WebAssembly validator on every
 * synth (seconds), and the stack simulator reads the template itself.
 */
export function newSimulatedStack(stackName: string, props: StackProps = {}): Stack {
  const app = new App(testAppProps({ builtinCloudFormationValidation: false }));
  return new Stack(app, stackName, { env: SIMULATED_ENV, ...props });
}

/** Synthesizes the app of `stack` and returns `stack`'s template and file assets. */
export function synthesize(stack: Stack): StackTemplate {
  const app = stack.node.root as Construct;
  if (!App.isApp(app)) throw new Error('synthesize: the stack must belong to an App');
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const assets = new Map<string, string>();
  for (const dependency of artifact.dependencies) {
    const manifestFile = (dependency as { file?: string }).file;
    if (!manifestFile || !manifestFile.endsWith('.assets.json')) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, path.basename(manifestFile)), 'utf8')) as AssetManifest;
    for (const file of Object.values(manifest.files ?? {})) {
      for (const destination of Object.values(file.destinations)) {
        assets.set(destination.objectKey, path.join(assembly.directory, file.source.path));
      }
    }
  }
  return { stackName: stack.stackName, template: artifact.template as CfnTemplate, assets };
}

interface AssetManifest {
  readonly files?: Record<string, {
    readonly source: { readonly path: string; readonly packaging?: string };
    readonly destinations: Record<string, { readonly objectKey: string }>;
  }>;
}
