import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeRequire } from './activity';
import { isolatedCode, type FunctionCode } from './function-code';
import type { InvokeRequest, InvokeResult } from './lambda-stand-in';

/**
 * aws-cdk-lib's own provider-framework runtime, the code `custom_resources.Provider`
 * deploys as its framework functions (`framework.onEvent`, `framework.isComplete`,
 * `framework.onTimeout`): framework.js, cfn-response.js, outbound.js, util.js, consts.js.
 */
export const PROVIDER_FRAMEWORK_RUNTIME_DIR = path.join(
  path.dirname(nodeRequire.resolve('aws-cdk-lib/package.json')), 'custom-resources', 'lib', 'provider-framework', 'runtime');

export const PROVIDER_FRAMEWORK_FILES = ['framework.js', 'cfn-response.js', 'outbound.js', 'util.js', 'consts.js'] as const;

/**
 * The physical id cfn-response.js answers a Create with when the Create failed
 * before one was known; the framework then answers the rollback's Delete
 * itself. (A harness test checks it against the runtime's own export.)
 */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/** The three exports of outbound.js that reach AWS, and so the only ones the simulation replaces. */
export interface ProviderFrameworkOutbound {
  invokeFunction(request: InvokeRequest): Promise<InvokeResult>;
  startExecution(request: { stateMachineArn: string; input: string }): Promise<unknown>;
  httpRequest(options: ResponseRequestOptions, body: string): Promise<void>;
}

/** What cfn-response.js passes to `httpRequest` to PUT a response to the presigned ResponseURL. */
export interface ResponseRequestOptions {
  readonly hostname: string | null;
  readonly path: string | null;
  readonly method: string;
  readonly headers: Record<string, string | number>;
}

export type FrameworkEntryPoint = 'onEvent' | 'isComplete' | 'onTimeout';

/**
 * The code of one framework function: framework.js loaded from node_modules in
 * the function's own module instance (so its `process.env` is that function's,
 * as USER_ON_EVENT_FUNCTION_ARN differs per provider), with outbound.js's
 * `invokeFunction`, `startExecution` and `httpRequest` replaced by the
 * simulation's Lambda, Step Functions and ResponseURL stand-ins. Nothing else
 * of the runtime is touched.
 */
export function providerFrameworkCode(entryPoint: FrameworkEntryPoint, outbound: ProviderFrameworkOutbound): FunctionCode {
  return isolatedCode(path.join(PROVIDER_FRAMEWORK_RUNTIME_DIR, 'framework.js'), entryPoint, modules => {
    const outboundExports = modules.load(path.join(PROVIDER_FRAMEWORK_RUNTIME_DIR, 'outbound.js')) as Record<string, unknown>;
    outboundExports.invokeFunction = outbound.invokeFunction;
    outboundExports.startExecution = outbound.startExecution;
    outboundExports.httpRequest = outbound.httpRequest;
  });
}

/** SHA-256 of each runtime file in `directory`. */
export function runtimeFileHashes(directory: string = PROVIDER_FRAMEWORK_RUNTIME_DIR): Record<string, string> {
  return Object.fromEntries(PROVIDER_FRAMEWORK_FILES.map(file =>
    [file, createHash('sha256').update(fs.readFileSync(path.join(directory, file), 'utf8')).digest('hex')]));
}

/** Whether `directory` (a function's code asset) holds the provider-framework runtime. */
export function isProviderFrameworkAsset(directory: string): boolean {
  return PROVIDER_FRAMEWORK_FILES.every(file => fs.existsSync(path.join(directory, file)));
}

/**
 * The synthesized template points the framework functions at a staged copy of
 * the runtime: the simulation loads it from node_modules, so the copy must be
 * the same code.
 */
export function assertSameRuntime(assetDirectory: string): void {
  const staged = runtimeFileHashes(assetDirectory);
  const installed = runtimeFileHashes();
  for (const file of PROVIDER_FRAMEWORK_FILES) {
    if (staged[file] !== installed[file]) {
      throw new Error(`The provider-framework asset ${assetDirectory} differs from ${PROVIDER_FRAMEWORK_RUNTIME_DIR} in ${file}`);
    }
  }
}
