/**
 * @module compile/scope-index
 * Candidate policies for a request, from an index on the policies' scopes, so that the cost
 * of a decision follows the policies that can match rather than the size of the set.
 *
 * Each policy is filed under one anchor, the most selective constraint of its scope:
 * principal `==`/`in` an entity, then action `==`/`in`, then resource `==`/`in`, then
 * principal `is` a type, then resource `is` a type; a policy with none of these (an
 * unconstrained scope) is always a candidate. A request looks up, per dimension, its own uid
 * and every ancestor's (that is what `==` and `in` can match) and its entity types.
 *
 * Exactness: a policy is skipped only when its scope cannot match, and a policy whose scope
 * does not match is never evaluated by Cedar either (the scope short-circuits before any
 * condition could error) — so decisions, reasons and errors are unchanged. Candidates are
 * evaluated in policy-set order.
 */
import type { EntityStore } from '../entities/store.js';
import type { EntityUID } from '../values/value.js';
import type { EvalEnv } from './env.js';
import type { CompiledPolicy } from './policy.js';

type Dim = 'p' | 'a' | 'r';

const NONE: readonly number[] = [];

export class ScopeIndex {
  readonly #policies: readonly CompiledPolicy[];
  /** `dim + uid key` → indices of policies anchored there. */
  readonly #byUid = new Map<string, number[]>();
  /** `dim + entity type` → indices of policies anchored on an `is` constraint. */
  readonly #byType = new Map<string, number[]>();
  readonly #always: readonly number[];
  /** Whether any policy is anchored on each dimension (skips needless lookups). */
  readonly #uidDims = new Set<Dim>();
  readonly #typeDims = new Set<Dim>();

  constructor(policies: readonly CompiledPolicy[]) {
    this.#policies = policies;
    const always: number[] = [];
    const file = (map: Map<string, number[]>, key: string, i: number) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [i]);
      else list.push(i);
    };
    policies.forEach((p, i) => {
      const { principal, action, resource } = p.scope;
      if ((principal.op === '==' || principal.op === 'in') && 'uid' in principal.target) {
        file(this.#byUid, `p${principal.target.uid.key}`, i);
        this.#uidDims.add('p');
      } else if (action.op === '==') {
        file(this.#byUid, `a${action.uid.key}`, i);
        this.#uidDims.add('a');
      } else if (action.op === 'in') {
        // One anchor per listed action; a request matching several must not see the policy twice.
        for (const u of new Set(action.uids.map((x) => x.key))) file(this.#byUid, `a${u}`, i);
        this.#uidDims.add('a');
      } else if ((resource.op === '==' || resource.op === 'in') && 'uid' in resource.target) {
        file(this.#byUid, `r${resource.target.uid.key}`, i);
        this.#uidDims.add('r');
      } else if (principal.op === 'is') {
        file(this.#byType, `p${principal.type}`, i);
        this.#typeDims.add('p');
      } else if (resource.op === 'is') {
        file(this.#byType, `r${resource.type}`, i);
        this.#typeDims.add('r');
      } else always.push(i);
    });
    this.#always = always;
  }

  /** Policies whose scope may match, in policy-set order, each once. */
  candidates(env: EvalEnv): CompiledPolicy[] {
    const found: number[] = [...this.#always];
    const seenAction = this.#collectUid(found, 'a', env.action, env.entities, true);
    this.#collectUid(found, 'p', env.principal, env.entities, false);
    this.#collectUid(found, 'r', env.resource, env.entities, false);
    this.#collectType(found, 'p', env.principal);
    this.#collectType(found, 'r', env.resource);
    if (seenAction) dedupe(found);
    else found.sort((x, y) => x - y);
    const out: CompiledPolicy[] = new Array(found.length);
    for (let i = 0; i < found.length; i++) out[i] = this.#policies[found[i] as number] as CompiledPolicy;
    return out;
  }

  #collectUid(found: number[], dim: Dim, uid: EntityUID, store: EntityStore, multi: boolean): boolean {
    if (!this.#uidDims.has(dim)) return false;
    let hits = 0;
    const own = this.#byUid.get(dim + uid.key);
    if (own) {
      for (const i of own) found.push(i);
      hits++;
    }
    const e = store.get(uid.key);
    if (e !== undefined) {
      for (const a of e.ancestors) {
        const list = this.#byUid.get(dim + a);
        if (list) {
          for (const i of list) found.push(i);
          hits++;
        }
      }
    }
    return multi && hits > 1;
  }

  #collectType(found: number[], dim: Dim, uid: EntityUID): void {
    if (!this.#typeDims.has(dim)) return;
    for (const i of this.#byType.get(dim + uid.type) ?? NONE) found.push(i);
  }
}

/** Sort and drop duplicates in place. */
function dedupe(xs: number[]): void {
  xs.sort((x, y) => x - y);
  let w = 0;
  for (let r = 0; r < xs.length; r++) if (r === 0 || xs[r] !== xs[r - 1]) xs[w++] = xs[r] as number;
  xs.length = w;
}
