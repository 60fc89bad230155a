/**
 * @module
 * The one tsup configuration every workspace package builds with: ESM + CJS with their own
 * declaration files, Node 20, dependencies loaded from node_modules (tsup externalizes
 * `dependencies` and `peerDependencies`; the patterns below also cover subpath imports).
 */
import { defineConfig, type Options } from 'tsup';

const ALWAYS_EXTERNAL = [/^@mandate\//, /^@cedar-policy\/cedar-wasm(\/.*)?$/, /^jose$/, /^zod(\/.*)?$/];

export function packageConfig(options: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // Emits index.d.ts for the ESM build and index.d.cts for the CJS build.
    dts: true,
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
    clean: true,
    sourcemap: true,
    splitting: false,
    ...options,
    external: [...ALWAYS_EXTERNAL, ...(options.external ?? [])],
  });
}
