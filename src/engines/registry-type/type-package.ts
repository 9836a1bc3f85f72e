import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipArchive } from './zip-archive';

/** Where the package's parts live in this library's npm package. */
const PACKAGE_ROOT = path.join(__dirname, '..', '..', '..');
const REGISTRY_TYPE_DIRECTORY = path.join(PACKAGE_ROOT, 'registry-type');
const HANDLER_BUNDLE = path.join(PACKAGE_ROOT, 'assets', 'lambda', 'registry-type', 'handler', 'index.js');

/** The name of the handler package's file: what `cfn submit` uploads is named after the type too. */
export const PACKAGE_FILE_NAME = 'cdkmpa-paymentcryptography-mpateamassociation.zip';

/** What a registration chooses about the package. */
export interface TypePackageOptions {
  /** The handler's Lambda runtime, written into `.rpdk-config`, e.g. `nodejs20.x`. */
  readonly runtime: string;
  /** Every create, update and delete handler's `timeoutInMinutes`, written into `schema.json`. */
  readonly handlerTimeoutMinutes: number;
}

/**
 * The schema handler package CloudFormation registers (RegisterType's SchemaHandlerPackage),
 * laid out as the CloudFormation CLI's `cfn submit` lays out a TypeScript type's package
 * (cloudformation-cli, src/rpdk/core/project.py): `.rpdk-config` and `schema.json` at the root,
 * and `ResourceProvider.zip`, the handler's code (here the bundle built at build time, as
 * `index.js`, which `.rpdk-config`'s entrypoint `index.handler` names). The sources and
 * `.cfn_metadata.json` that `submit` adds are informational and left out.
 *
 * The bundle is built when the library is built (consumers never bundle): this only zips it,
 * with the schema and settings the registration chose, into a file named by its content under
 * `outdir` (the cloud assembly's directory, so that a synth leaves nothing behind elsewhere), and
 * returns that file's path for an asset.
 */
export function typeHandlerPackage(options: TypePackageOptions, outdir: string): string {
  const archive = typeHandlerPackageArchive(options);
  const hash = createHash('sha256').update(archive).digest('hex').slice(0, 16);
  const directory = path.join(outdir, `.mpa-type-package-${hash}`);
  const file = path.join(directory, PACKAGE_FILE_NAME);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(directory, { recursive: true });
    // Written under a temporary name first: two synths at once never read half a file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, archive);
    fs.renameSync(partial, file);
  }
  return file;
}

/** The package's bytes (the same bytes for the same options and the same library version). */
export function typeHandlerPackageArchive(options: TypePackageOptions): Buffer {
  if (!fs.existsSync(HANDLER_BUNDLE)) {
    throw new Error(`The registry type's handler bundle ${HANDLER_BUNDLE} is missing: the library was not built (npx projen bundle).`);
  }
  const handler = zipArchive([{ name: 'index.js', data: fs.readFileSync(HANDLER_BUNDLE) }]);
  return zipArchive([
    { name: '.rpdk-config', data: json(rpdkConfig(options)) },
    { name: 'schema.json', data: json(schema(options)) },
    { name: 'ResourceProvider.zip', data: handler },
  ]);
}

function rpdkConfig(options: TypePackageOptions): Record<string, unknown> {
  return { ...readJson('.rpdk-config'), runtime: options.runtime };
}

function schema(options: TypePackageOptions): Record<string, any> {
  const document = readJson('schema.json');
  for (const operation of ['create', 'update', 'delete']) {
    document.handlers[operation].timeoutInMinutes = options.handlerTimeoutMinutes;
  }
  return document;
}

function readJson(name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(REGISTRY_TYPE_DIRECTORY, name), 'utf8'));
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, undefined, 2)}\n`, 'utf8');
}
