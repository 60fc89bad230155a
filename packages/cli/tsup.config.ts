import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.base.js';

// Two builds: the library (ESM + CJS with declarations; `shims` gives the CJS build the
// `import.meta.url` that cedar-wasm is located from) and the `mandate` executable (ESM only:
// it uses top-level await and is only ever run, never required). `packageConfig` returns
// tsup's `defineConfig` union; these calls always pass an object, so that is what comes back.
const library = packageConfig({ shims: true }) as Options;
const executable = packageConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  clean: false,
  banner: { js: '#!/usr/bin/env node' },
}) as Options;

export default [library, executable];
