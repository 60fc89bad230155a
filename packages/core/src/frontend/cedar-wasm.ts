/**
 * @module frontend/cedar-wasm
 * The one door to cedar-wasm. It is loaded lazily, on the first parse or validation, so that
 * a process deciding from a compiled bundle never instantiates wasm at all.
 */
import { createRequire } from 'node:module';

export type CedarWasm = typeof import('@cedar-policy/cedar-wasm/nodejs');

const MODULE = '@cedar-policy/cedar-wasm/nodejs';
let cached: CedarWasm | undefined;

/** cedar-wasm's nodejs build (CommonJS; it instantiates its wasm module when required). */
export function cedarWasm(): CedarWasm {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    cached = require(MODULE) as CedarWasm;
  }
  return cached;
}

/** cedar-wasm trapped (typically a stack overflow on a deeply nested input). */
export class CedarWasmTrap extends Error {
  override readonly name = 'CedarWasmTrap';
}

/**
 * Run `fn` against cedar-wasm. A wasm trap (stack overflow, out-of-bounds access) leaves the
 * instance's memory in an unknown state and every later call failing, so on a trap the instance
 * is dropped — the next call loads a fresh one — and a {@link CedarWasmTrap} is thrown.
 */
export function withCedarWasm<T>(fn: (wasm: CedarWasm) => T): T {
  try {
    return fn(cedarWasm());
  } catch (e) {
    if (e instanceof RangeError || (e instanceof Error && e.constructor.name === 'RuntimeError')) {
      const require = createRequire(import.meta.url);
      delete require.cache[require.resolve(MODULE)];
      cached = undefined;
      throw new CedarWasmTrap(`cedar-wasm trapped: ${e.message}`);
    }
    throw e;
  }
}

/** Whether cedar-wasm has been loaded in this process (for tests of the bundle path). */
export function isCedarWasmLoaded(): boolean {
  return cached !== undefined;
}
