/**
 * @module frontend/cedar-wasm
 * The one door to cedar-wasm. It is loaded lazily, on the first parse or validation, so that
 * a process deciding from a compiled bundle never instantiates wasm at all.
 */
import { spawnSync } from 'node:child_process';
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

const isTrap = (e: unknown): e is Error =>
  e instanceof RangeError || (e instanceof Error && e.constructor.name === 'RuntimeError');

function dropInstance(): void {
  const require = createRequire(import.meta.url);
  delete require.cache[require.resolve(MODULE)];
  cached = undefined;
}

/** Functions of cedar-wasm that take JSON-serialisable arguments and return JSON answers. */
type JsonMethod = {
  [K in keyof CedarWasm]: CedarWasm[K] extends (...args: infer _A) => infer _R ? K : never;
}[keyof CedarWasm];

/** Native stack (KB) for the retry of a call that overflowed; the main thread has 8 MB here. */
const RETRY_STACK_KB = 6000;

/**
 * Call a cedar-wasm function. Cedar's parser and validator recurse once per level of nesting;
 * a policy a few hundred levels deep is near the default V8 stack (and whether it fits depends
 * on how far the wasm code has tiered up, so the same input can pass or trap). A trap leaves
 * the instance's memory in an unknown state, so the instance is dropped (the next call loads a
 * fresh one) and the call is retried once in a child process with a larger stack. Only when
 * that fails too is a {@link CedarWasmTrap} thrown.
 */
export function callCedarWasm<K extends JsonMethod>(
  method: K,
  ...args: Parameters<CedarWasm[K]>
): ReturnType<CedarWasm[K]> {
  try {
    const fn = cedarWasm()[method] as (...a: unknown[]) => unknown;
    return fn(...args) as ReturnType<CedarWasm[K]>;
  } catch (e) {
    if (!isTrap(e)) throw e;
    dropInstance();
    return retryWithLargerStack(method, args, e) as ReturnType<CedarWasm[K]>;
  }
}

function retryWithLargerStack(method: string, args: readonly unknown[], first: Error): unknown {
  const require = createRequire(import.meta.url);
  const script =
    'const w = require(process.argv[1]); let input = "";' +
    'process.stdin.on("data", (d) => { input += d; });' +
    'process.stdin.on("end", () => { const { method, args } = JSON.parse(input);' +
    ' process.stdout.write(JSON.stringify(w[method](...args))); });';
  const run = spawnSync(process.execPath, [`--stack-size=${RETRY_STACK_KB}`, '-e', script, require.resolve(MODULE)], {
    input: JSON.stringify({ method, args }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (run.status === 0 && run.stdout) return JSON.parse(run.stdout);
  throw new CedarWasmTrap(`cedar-wasm trapped: ${first.message} (and again with a larger stack)`);
}

/** Whether cedar-wasm has been loaded in this process (for tests of the bundle path). */
export function isCedarWasmLoaded(): boolean {
  return cached !== undefined;
}
