/**
 * @module scope
 * Delegated scope along a chain. Each hop may state what it was delegated (OAuth `scope`);
 * authority only narrows, so a hop can never hold a scope that an earlier hop — the one that
 * delegated to it, or any before — was not delegated. A chain that claims otherwise is an
 * escalation attempt and is refused outright ({@link checkScopes}), rather than quietly
 * narrowed: a caller that assembles such a chain has a bug or is being attacked, and either
 * way must hear about it.
 *
 * The chain's effective scope ({@link effectiveScope}) is the intersection of every stated
 * scope; it reaches policies as `context.chain.scopes`.
 */
import type { AgentHop } from './chain.js';
import { ChainError } from './errors.js';

/**
 * Throw {@link ChainError} of kind `scope` when a hop holds a scope that was not delegated to
 * the hops before it. Hops that state no scope (`undefined`) neither widen nor narrow.
 */
export function checkScopes(hops: readonly AgentHop[]): void {
  let held: Set<string> | undefined;
  let heldBy = '';
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i] as AgentHop;
    if (hop.scope === undefined) continue;
    if (held !== undefined) {
      const widened = hop.scope.find((s) => !(held as Set<string>).has(s));
      if (widened !== undefined)
        throw new ChainError(
          'scope',
          `agent \`${hop.id}\` holds scope \`${widened}\` that its delegator \`${heldBy}\` was not delegated (authority only narrows)`,
          `hops[${i}].scope`,
        );
    }
    held = new Set(hop.scope);
    heldBy = hop.id;
  }
}

/**
 * The scope the chain's actor may use: the intersection of every hop's stated scope, sorted;
 * `undefined` when no hop states one (the chain's source said nothing about scope).
 */
export function effectiveScope(chain: { readonly hops: readonly AgentHop[] }): readonly string[] | undefined {
  let scope: Set<string> | undefined;
  for (const hop of chain.hops) {
    if (hop.scope === undefined) continue;
    const own = new Set(hop.scope);
    scope = scope === undefined ? own : new Set([...scope].filter((s) => own.has(s)));
  }
  return scope === undefined ? undefined : Object.freeze([...scope].sort());
}
