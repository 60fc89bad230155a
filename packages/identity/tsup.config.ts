import { defineConfig } from 'tsup';

export default defineConfig({
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
  // Dependencies load from node_modules: the core (and through it cedar-wasm, which
  // instantiates its wasm at load), jose and zod are never bundled.
  external: [/^@mandate\/core$/, /^@cedar-policy\/cedar-wasm(\/.*)?$/, /^jose$/, /^zod(\/.*)?$/],
});
