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
  // `import.meta.url` (createRequire for cedar-wasm) must still work in the CJS build.
  shims: true,
  // cedar-wasm instantiates its wasm at load: never bundle it, load it from node_modules.
  external: [/^@cedar-policy\/cedar-wasm(\/.*)?$/],
});
