'use strict';
/**
 * `npm run demo` starts here. The demo loads some hundred TypeScript files (the
 * construct, the handler sources, the harness, the fake); ts-node's compiler
 * takes seconds to transpile them, esbuild (already here to bundle the handler)
 * a fraction of that. Types are checked by `npx projen typecheck:test`, not here.
 */
const fs = require('node:fs');
const esbuild = require('esbuild');

process.setSourceMapsEnabled(true);

require.extensions['.ts'] = (module, filename) => {
  const { code } = esbuild.transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcefile: filename,
    sourcemap: 'inline',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
  });
  module._compile(code, filename);
};

require('./npm-banner.ts').eraseNpmBanner(process.stdout, process.env);
require('./run-demo.ts').main(process.argv.slice(2));
