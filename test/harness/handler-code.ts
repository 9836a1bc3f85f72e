import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import './install-request-tagging';
import { isolatedCode, moduleCode, type FunctionCode, type LambdaHandler } from './function-code';
import * as handlerModule from '../../lambda/custom-resource/handler';

/** Where `npx projen bundle` writes the handler asset that the construct deploys. */
export const HANDLER_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'lambda', 'custom-resource', 'handler');

/**
 * Which code runs as the construct's handler functions: the TypeScript sources
 * of lambda/ (loaded by jest, with coverage) or the bundled asset the package
 * ships (loaded as Lambda loads it, in a module instance per function).
 */
export type HandlerCodeChoice = 'source' | 'bundled';

/** The user functions of a Provider, as code to run. */
export interface UserFunctions {
  readonly onEvent: LambdaHandler;
  readonly isComplete: LambdaHandler;
}

/** The handler sources' entry points (lambda/custom-resource/handler.ts, loaded by jest once per test file). */
export const HANDLER_SOURCES: UserFunctions = {
  onEvent: handlerModule.onEvent as LambdaHandler,
  isComplete: handlerModule.isComplete as LambdaHandler,
};

/** The code of the handler function `entryPoint` (`Handler: index.<entryPoint>`). */
export function handlerCode(choice: HandlerCodeChoice | UserFunctions, entryPoint: 'onEvent' | 'isComplete',
  assetDirectory: string = HANDLER_ASSET_DIR): FunctionCode {
  if (typeof choice === 'object') return moduleCode(choice[entryPoint], `test-provided ${entryPoint}`);
  if (choice === 'source') return moduleCode(HANDLER_SOURCES[entryPoint], `lambda/custom-resource/handler.ts#${entryPoint}`);
  const file = path.join(assetDirectory, 'index.js');
  if (!fs.existsSync(file)) {
    throw new Error(`The bundled handler ${file} does not exist: run \`npx projen bundle\` first.`);
  }
  return isolatedCode(file, entryPoint);
}

/** Whether `directory` (a function's code asset) is this library's handler bundle. */
export function isHandlerAsset(directory: string): boolean {
  // Asked on every authorized call; a synthesized asset directory is named by its content's hash and never changes.
  let known = handlerAssets.get(directory);
  if (known === undefined) {
    const file = path.join(directory, 'index.js');
    const built = path.join(HANDLER_ASSET_DIR, 'index.js');
    known = fs.existsSync(file) && fs.existsSync(built) && sha256(file) === sha256(built);
    handlerAssets.set(directory, known);
  }
  return known;
}

const handlerAssets = new Map<string, boolean>();

/** Hashes by path, size and modification time: asked on every authorized call, the files rarely change. */
const hashes = new Map<string, { readonly key: string; readonly hash: string }>();

function sha256(file: string): string {
  const stat = fs.statSync(file);
  const key = `${stat.size}:${stat.mtimeMs}`;
  const known = hashes.get(file);
  if (known?.key === key) return known.hash;
  const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  hashes.set(file, { key, hash });
  return hash;
}
