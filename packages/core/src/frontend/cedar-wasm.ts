/**
 * @module frontend/cedar-wasm
 * The one door to cedar-wasm. It is loaded lazily, on the first parse or validation, so that
 * a process deciding from a compiled bundle never instantiates wasm at all.
 */
import { createRequire } from 'node:module';

export type CedarWasm = typeof import('@cedar-policy/cedar-wasm/nodejs');

let cached: CedarWasm | undefined;

/** cedar-wasm's nodejs build (CommonJS; it instantiates its wasm module when required). */
export function cedarWasm(): CedarWasm {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    cached = require('@cedar-policy/cedar-wasm/nodejs') as CedarWasm;
  }
  return cached;
}

/** Whether cedar-wasm has been loaded in this process (for tests of the bundle path). */
export function isCedarWasmLoaded(): boolean {
  return cached !== undefined;
}
