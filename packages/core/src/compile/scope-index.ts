/**
 * @module compile/scope-index
 * Candidate policies for a request, from an index on the policies' scopes, so that the cost
 * of a decision follows the policies that can match rather than the size of the set.
 *
 * A large principal or resource bucket (a group many policies name) is split again by the
 * policies' action constraint.
 *
 * Each policy is filed under one anchor, the most selective constraint it has: principal
 * `==`/`in` an entity, then resource `==`/`in` an entity, then a context constant (below), then
 * action `==`/`in`, then principal `is` a type, then resource `is` a type; a policy with none of
 * these is always a candidate. A request looks up, per dimension, its own uid and every
 * ancestor's (that is what `==` and `in` can match), its entity types and its context values.
 *
 * Context anchors (`compile/context-anchors`): a policy whose first `when` clause starts
 * (leftmost conjunct) with `context.a == <literal>` or an ordering of `context.a` against a Long
 * literal is filed under `a`. Type-wide agent policies ("any agent, any tool, when context.tool
 * == …", "… when context.risk < 40") then cost nothing for the requests they cannot match.
 *
 * Exactness: a policy is skipped only when it cannot be satisfied *and* evaluating it could not
 * error. A scope that does not match short-circuits before any condition runs. For a context
 * anchor, once the scope matches the first thing evaluated is the anchoring comparison: the
 * policy is skipped only when the context has `a` and the comparison is certainly false without
 * error (see `compile/context-anchors`). So decisions, reasons and errors are unchanged.
 * Candidates are evaluated in policy-set order.
 */
import type { EntityStore } from '../entities/store.js';
import type { EntityUID } from '../values/value.js';
import { type ContextAnchor, ContextAnchors, contextAnchor } from './context-anchors.js';
import type { EvalEnv } from './env.js';
import type { CompiledPolicy } from './policy.js';

/** Uid key (`Type::"id"`) or entity type → indices of the policies anchored there. */
type Buckets = Map<string, number[]>;

/**
 * A large principal or resource bucket (a group that many policies name) split again by the
 * policies' action constraint, so that a request only takes the policies of its own action.
 */
interface ActionSplit {
  /** Policies with no action constraint. */
  readonly any: number[];
  /** Action uid key (`==`, or each member of `in [...]`) → policies. */
  readonly byAction: Buckets;
}
type Splits = Map<string, ActionSplit>;

/** Buckets larger than this are split by action. */
const SPLIT_ABOVE = 16;

function splitByAction(policies: readonly CompiledPolicy[], buckets: Buckets): Splits {
  const splits: Splits = new Map();
  for (const [key, list] of buckets) {
    if (list.length <= SPLIT_ABOVE) continue;
    const split: ActionSplit = { any: [], byAction: new Map() };
    for (const i of list) {
      const a = (policies[i] as CompiledPolicy).scope.action;
      if (a.op === 'any') split.any.push(i);
      else if (a.op === '==') file(split.byAction, a.uid.key, i);
      else for (const u of a.uids) file(split.byAction, u.key, i);
    }
    splits.set(key, split);
  }
  return splits;
}

function file(map: Buckets, key: string, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

export class ScopeIndex {
  readonly #policies: readonly CompiledPolicy[];
  readonly #principalUid: Buckets = new Map();
  readonly #resourceUid: Buckets = new Map();
  readonly #actionUid: Buckets = new Map();
  readonly #principalType: Buckets = new Map();
  readonly #resourceType: Buckets = new Map();
  /** Policies filed under a context anchor (see `compile/context-anchors`). */
  readonly #context = new ContextAnchors();
  readonly #always: readonly number[];
  /** The context anchor each policy is filed under, if any. */
  readonly #anchors: (ContextAnchor | undefined)[];
  readonly #principalSplits: Splits;
  readonly #resourceSplits: Splits;
  /** Per entity store: the scope-matched policies of each (principal, action, resource). */
  readonly #memos = new WeakMap<EntityStore, ScopeMemo>();
  #lastStore: EntityStore | undefined;
  #lastMemo: ScopeMemo | undefined;

  constructor(policies: readonly CompiledPolicy[]) {
    this.#policies = policies;
    const always: number[] = [];
    this.#anchors = new Array(policies.length);
    policies.forEach((p, i) => {
      const { principal, action, resource } = p.scope;
      if ((principal.op === '==' || principal.op === 'in') && 'uid' in principal.target) {
        file(this.#principalUid, principal.target.uid.key, i);
      } else if ((resource.op === '==' || resource.op === 'in') && 'uid' in resource.target) {
        file(this.#resourceUid, resource.target.uid.key, i);
      } else if (contextAnchor(p) !== undefined) {
        const anchor = contextAnchor(p) as ContextAnchor;
        this.#anchors[i] = anchor;
        this.#context.add(anchor, i);
      } else if (action.op === '==') {
        file(this.#actionUid, action.uid.key, i);
      } else if (action.op === 'in') {
        // One entry per listed action; a request matching several is deduplicated below.
        for (const u of action.uids) file(this.#actionUid, u.key, i);
      } else if (principal.op === 'is') {
        file(this.#principalType, principal.type, i);
      } else if (resource.op === 'is') {
        file(this.#resourceType, resource.type, i);
      } else always.push(i);
    });
    this.#always = always;
    this.#context.seal();
    this.#principalSplits = splitByAction(policies, this.#principalUid);
    this.#resourceSplits = splitByAction(policies, this.#resourceUid);
  }

  /**
   * The policies whose scope matches this request and whose context anchor does not rule
   * them out, in policy-set order: only their conditions remain to be evaluated.
   *
   * Which scopes match depends only on the request's principal, action and resource and on
   * the entity store (an immutable version), and agents repeat the same few triples, so the
   * scope-matched policies of each triple are remembered per store (bounded); the context
   * anchors are applied per request on top.
   */
  matching(env: EvalEnv): readonly CompiledPolicy[] {
    const store = env.entities;
    let memo = this.#lastMemo;
    if (store !== this.#lastStore || memo === undefined) {
      memo = this.#memos.get(store);
      if (memo === undefined) {
        memo = new ScopeMemo();
        this.#memos.set(store, memo);
      }
      this.#lastStore = store;
      this.#lastMemo = memo;
    }
    let entry = memo.get(env.principal.key, env.action.key, env.resource.key);
    if (entry === undefined) {
      entry = this.#scopeMatched(env);
      memo.set(env.principal.key, env.action.key, env.resource.key, entry);
    }
    if (entry.anchored === undefined) return entry.policies;
    const found = entry.base.slice();
    entry.anchored.collect(found, env.context);
    sortUnique(found);
    return this.#toPolicies(found);
  }

  /** Every policy whose scope matches (context anchors aside), split into anchored and not. */
  #scopeMatched(env: EvalEnv): MemoEntry {
    const found: number[] = this.#always.length === 0 ? [] : this.#always.slice();
    this.#collectScope(found, env);
    this.#context.pushAll(found);
    sortUnique(found);
    const base: number[] = [];
    let anchored: ContextAnchors | undefined;
    for (const i of found) {
      const p = this.#policies[i] as CompiledPolicy;
      if (!p.matchesScope(env)) continue;
      const anchor = this.#anchors[i];
      if (anchor === undefined) base.push(i);
      else {
        anchored ??= new ContextAnchors();
        anchored.add(anchor, i);
      }
    }
    return { base, policies: this.#toPolicies(base), anchored: anchored?.seal() };
  }

  #toPolicies(indices: readonly number[]): CompiledPolicy[] {
    const out: CompiledPolicy[] = new Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = this.#policies[indices[i] as number] as CompiledPolicy;
    return out;
  }

  /** Push the buckets of the uid and type dimensions; returns how many lists were pushed. */
  #collectScope(found: number[], env: EvalEnv): number {
    let buckets = 0;
    buckets += collectUid(found, this.#principalUid, env.principal, env, this.#principalSplits);
    buckets += collectUid(found, this.#resourceUid, env.resource, env, this.#resourceSplits);
    buckets += collectUid(found, this.#actionUid, env.action, env, undefined);
    buckets += collect(found, this.#principalType, env.principal.type);
    buckets += collect(found, this.#resourceType, env.resource.type);
    return buckets;
  }

  /** Policies whose scope may match, in policy-set order, each once. */
  candidates(env: EvalEnv): CompiledPolicy[] {
    const found: number[] = this.#always.length === 0 ? [] : this.#always.slice();
    let buckets = this.#collectScope(found, env);
    if (this.#context.size > 0) buckets += this.#context.collect(found, env.context);
    // Each bucket is sorted and a policy sits in one dimension; only several buckets (and
    // `action in [...]` lists) can interleave or repeat.
    if (buckets > 1 || (buckets === 1 && this.#always.length > 0)) sortUnique(found);
    return this.#toPolicies(found);
  }
}

interface MemoEntry {
  /** Scope-matched policies with no context anchor (indices, ascending). */
  readonly base: readonly number[];
  /** The same as policies, handed out as is when nothing is anchored. */
  readonly policies: readonly CompiledPolicy[];
  /** Scope-matched anchored policies. */
  readonly anchored: ContextAnchors | undefined;
}

/** Memo entries by principal, action and resource key; cleared when it holds too many. */
class ScopeMemo {
  static readonly MAX_ENTRIES = 4096;
  readonly #byPrincipal = new Map<string, Map<string, Map<string, MemoEntry>>>();
  #size = 0;
  get(principal: string, action: string, resource: string): MemoEntry | undefined {
    return this.#byPrincipal.get(principal)?.get(action)?.get(resource);
  }
  set(principal: string, action: string, resource: string, entry: MemoEntry): void {
    if (this.#size >= ScopeMemo.MAX_ENTRIES) {
      this.#byPrincipal.clear();
      this.#size = 0;
    }
    let byAction = this.#byPrincipal.get(principal);
    if (byAction === undefined) {
      byAction = new Map();
      this.#byPrincipal.set(principal, byAction);
    }
    let byResource = byAction.get(action);
    if (byResource === undefined) {
      byResource = new Map();
      byAction.set(action, byResource);
    }
    byResource.set(resource, entry);
    this.#size++;
  }
}

function collect(found: number[], map: Buckets, key: string): number {
  if (map.size === 0) return 0;
  const list = map.get(key);
  if (list === undefined) return 0;
  for (const i of list) found.push(i);
  return 1;
}

/** Push one bucket (through its action split, if it has one); returns the lists pushed. */
function pushBucket(found: number[], key: string, list: number[], env: EvalEnv, splits: Splits | undefined): number {
  const split = splits?.get(key);
  if (split === undefined) {
    for (const i of list) found.push(i);
    return 1;
  }
  let n = 0;
  if (split.any.length > 0) {
    for (const i of split.any) found.push(i);
    n++;
  }
  n += collect(found, split.byAction, env.action.key);
  const a = env.entities.get(env.action.key);
  if (a !== undefined) for (const g of a.ancestors) n += collect(found, split.byAction, g);
  return n;
}

/** Buckets of the uid itself and of each of its ancestors (what `==` and `in` can match). */
function collectUid(found: number[], map: Buckets, uid: EntityUID, env: EvalEnv, splits: Splits | undefined): number {
  if (map.size === 0) return 0;
  let n = 0;
  const own = map.get(uid.key);
  if (own !== undefined) n += pushBucket(found, uid.key, own, env, splits);
  const e = env.entities.get(uid.key);
  if (e === undefined || e.ancestors.size === 0) return n;
  if (e.ancestors.size <= map.size) {
    for (const a of e.ancestors) {
      const list = map.get(a);
      if (list !== undefined) n += pushBucket(found, a, list, env, splits);
    }
  } else {
    // Fewer anchors than ancestors (a deep hierarchy): walk the anchors instead.
    for (const [key, list] of map) if (e.ancestors.has(key)) n += pushBucket(found, key, list, env, splits);
  }
  return n;
}

/** Sort ascending and drop duplicates, in place. */
function sortUnique(xs: number[]): void {
  if (xs.length <= 16) {
    // insertion sort: no comparator calls, no allocation, fastest for the usual few candidates
    for (let i = 1; i < xs.length; i++) {
      const v = xs[i] as number;
      let j = i - 1;
      while (j >= 0 && (xs[j] as number) > v) {
        xs[j + 1] = xs[j] as number;
        j--;
      }
      xs[j + 1] = v;
    }
  } else xs.sort((x, y) => x - y);
  let w = 0;
  for (let r = 0; r < xs.length; r++) if (r === 0 || xs[r] !== xs[r - 1]) xs[w++] = xs[r] as number;
  xs.length = w;
}
