/**
 * @module cedar-wasm
 * cedar-wasm for the one thing the core does not wrap: Cedar's policy formatter. It is a
 * dependency of `@mandate/core`, not of this package, so it is resolved from the core's own
 * location first (what a strict pnpm install can see), then from here. Loaded only by
 * `mandate format`, so other commands never pay for instantiating wasm they do not use.
 */
import { createRequire } from 'node:module';

const MODULE = '@cedar-policy/cedar-wasm/nodejs';

/** The subset of cedar-wasm's API used here (its `formatPolicies`). */
export interface CedarFormatter {
  formatPolicies(call: { policyText: string; lineWidth?: number; indentWidth?: number }):
    | { type: 'success'; formatted_policy: string }
    | {
        type: 'failure';
        errors: {
          message: string;
          help?: string | null;
          sourceLocations?: { start: number; end: number; label?: string | null }[];
        }[];
      };
}

let cached: CedarFormatter | undefined;

export function cedarFormatter(): CedarFormatter {
  if (cached !== undefined) return cached;
  const bases: string[] = [];
  try {
    bases.push(import.meta.resolve('@mandate/core'));
  } catch {
    // not resolvable as ESM from here (e.g. a bundler without import.meta.resolve)
  }
  bases.push(import.meta.url);
  let last: unknown;
  for (const base of bases) {
    try {
      cached = createRequire(base)(MODULE) as CedarFormatter;
      return cached;
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`cannot load \`${MODULE}\`: ${last instanceof Error ? last.message : String(last)}`);
}
