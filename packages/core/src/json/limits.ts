/**
 * @module json/limits
 * Bounds on input shape. Nesting is counted in arrays/objects from the root of the input
 * document (an entities array is level 1, each entity 2, its `attrs` 3; a context object is
 * level 1). The default, 126, is exactly what cedar-wasm accepts — its JSON reader stops at
 * 128 levels, two of which its call envelope uses — so every input Cedar reads is read here,
 * and nesting that would make Cedar fail is refused with a clear error, not a stack overflow.
 */

export const DEFAULT_MAX_DEPTH = 126;

export interface LimitOptions {
  /** Deepest nesting of arrays/objects accepted (default {@link DEFAULT_MAX_DEPTH}). */
  readonly maxDepth?: number | undefined;
}

export function maxDepthOf(opts: LimitOptions | undefined): number {
  const d = opts?.maxDepth;
  return d === undefined ? DEFAULT_MAX_DEPTH : Math.max(1, Math.floor(d));
}
