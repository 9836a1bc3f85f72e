/**
 * Runs after the integration test app in `npm run integ:snapshot` (and in the
 * deploy command): relabels the cloud assembly the app wrote with the newest
 * schema version that @aws-cdk/integ-runner can read.
 *
 * Why: the newest integ-runner on the registry (2.197.10) embeds a toolkit that
 * reads cloud assembly schema 53 at most, while aws-cdk-lib writes 54 from
 * 2.260.0 on and 55 from 2.276.0 on, and integ-runner refuses the assembly
 * ("Cloud assembly schema version mismatch"). Its toolkit offers no switch to
 * skip that check. The schema only adds fields between majors, and the toolkit
 * does not validate manifests against the schema, so the relabelled assembly
 * synthesizes, compares and deploys the same.
 *
 * Delete this file, and its use in .projenrc.ts, once integ-runner reads the
 * schema that aws-cdk-lib writes.
 */
const fs = require('node:fs');
const path = require('node:path');

/** The newest major version the toolkit inside @aws-cdk/integ-runner 2.197.10 accepts. */
const INTEG_RUNNER_MAX_SCHEMA_MAJOR = 53;

const outdir = process.env.CDK_OUTDIR;
if (!outdir) {
  throw new Error('CDK_OUTDIR is not set: run this after the app, from the integ-runner --app command');
}
const versioned = fs.readdirSync(outdir)
  .filter(file => file === 'manifest.json' || file === 'integ.json' || file.endsWith('.assets.json'));
for (const file of versioned) {
  const manifestPath = path.join(outdir, file);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const major = Number(String(manifest.version ?? '').split('.')[0]);
  if (major > INTEG_RUNNER_MAX_SCHEMA_MAJOR) {
    manifest.version = `${INTEG_RUNNER_MAX_SCHEMA_MAJOR}.0.0`;
    fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, undefined, 2)}\n`);
  }
}
