/**
 * @module compile/context-anchors
 * The context dimension of the scope index: policies whose first `when` clause starts (its
 * leftmost conjunct) with a comparison of one context attribute to a literal —
 * `context.a == lit` (a primitive or an entity), or `context.a < n`, `<=`, `>`, `>=` a Long
 * (either way round). Type-wide agent policies ("any agent, any tool, when context.tool ==
 * …", "… when context.risk < 40") then cost nothing for the requests they cannot match.
 *
 * Exactness: once the scope matches, that comparison is the first thing the policy
 * evaluates. A policy is skipped only when the context has `a` and the comparison is then
 * certainly false without error: for `==`, any value whose key differs (`==` never errors);
 * for the orderings, only a Long (any other type is a type error, which must be reported, so
 * the policy stays). A context without `a` keeps every policy on `a` (they error).
 */
import type { Node } from '../ir/nodes.js';
import { EntityUID, type Value, valueKey } from '../values/value.js';
import type { CompiledPolicy } from './policy.js';

export type Ordering = '<' | '<=' | '>' | '>=';

export type ContextAnchor =
  | { readonly attr: string; readonly kind: 'eq'; readonly key: string }
  | { readonly attr: string; readonly kind: 'cmp'; readonly op: Ordering; readonly bound: bigint };

/** Literals an equality anchor can use: their `==` is exact by value key and never errors. */
function isIndexable(v: Value): boolean {
  return typeof v !== 'object' || v instanceof EntityUID;
}

/** `lit OP context.a` is `context.a FLIP(OP) lit`. */
const FLIP: Readonly<Record<Ordering, Ordering>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The anchor of a policy, if its first `when` clause starts with one. */
export function contextAnchor(p: CompiledPolicy): ContextAnchor | undefined {
  const first = p.conditions[0];
  if (first === undefined || first.kind !== 'when') return undefined;
  let n: Node = first.body;
  while (n.k === 'and') n = n.a;
  if (n.k !== 'bin') return undefined;
  const op = n.op;
  if (op !== '==' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return undefined;
  const contextFirst = isContextGet(n.a);
  const [get, lit] = contextFirst ? [n.a, n.b] : [n.b, n.a];
  if (!isContextGet(get) || get.k !== 'get' || lit.k !== 'lit') return undefined;
  if (op === '==') return isIndexable(lit.v) ? { attr: get.attr, kind: 'eq', key: valueKey(lit.v) } : undefined;
  if (typeof lit.v !== 'bigint') return undefined;
  return { attr: get.attr, kind: 'cmp', op: contextFirst ? op : FLIP[op], bound: lit.v };
}

function isContextGet(n: Node): boolean {
  return n.k === 'get' && n.a.k === 'var' && n.a.name === 'context';
}

/** Policies under one ordering on one attribute, by ascending bound. */
interface Bounded {
  bounds: bigint[];
  indices: number[];
}

/** The policies anchored on one context attribute. */
interface AttributeAnchors {
  /** `==`: the literal's value key → policies (ascending). */
  readonly eq: Map<string, number[]>;
  readonly cmp: Map<Ordering, Bounded>;
}

/** Anchored policies (by index into a policy list), and their lookup for a request's context. */
export class ContextAnchors {
  readonly #byAttr = new Map<string, AttributeAnchors>();

  get size(): number {
    return this.#byAttr.size;
  }

  /** File policy `i` (indices must be added in ascending order). */
  add(anchor: ContextAnchor, i: number): void {
    let a = this.#byAttr.get(anchor.attr);
    if (a === undefined) {
      a = { eq: new Map(), cmp: new Map() };
      this.#byAttr.set(anchor.attr, a);
    }
    if (anchor.kind === 'eq') {
      const list = a.eq.get(anchor.key);
      if (list === undefined) a.eq.set(anchor.key, [i]);
      else list.push(i);
    } else {
      let b = a.cmp.get(anchor.op);
      if (b === undefined) {
        b = { bounds: [], indices: [] };
        a.cmp.set(anchor.op, b);
      }
      b.bounds.push(anchor.bound);
      b.indices.push(i);
    }
  }

  /** Sort each ordering's policies by bound, once every policy is added. */
  seal(): this {
    for (const a of this.#byAttr.values()) {
      for (const [op, b] of a.cmp) {
        const order = b.indices
          .map((_, j) => j)
          .sort((x, y) => compareBig(b.bounds[x] as bigint, b.bounds[y] as bigint));
        a.cmp.set(op, {
          bounds: order.map((j) => b.bounds[j] as bigint),
          indices: order.map((j) => b.indices[j] as number),
        });
      }
    }
    return this;
  }

  /** Push every anchored policy. */
  pushAll(found: number[]): void {
    for (const a of this.#byAttr.values()) pushEvery(found, a);
  }

  /**
   * Push the policies the context cannot rule out; returns how many runs were pushed, where a
   * run is a list in ascending policy order (so 0 or 1 means `found` needs no sorting).
   */
  collect(found: number[], context: { get(attr: string): Value | undefined }): number {
    let runs = 0;
    for (const [attr, a] of this.#byAttr) {
      const v = context.get(attr);
      if (v === undefined) {
        // `context.attr` errors for these policies: every one of them must be evaluated.
        runs += pushEvery(found, a);
        continue;
      }
      if (a.eq.size > 0 && isIndexable(v)) {
        const list = a.eq.get(valueKey(v));
        if (list !== undefined) {
          for (const i of list) found.push(i);
          runs++;
        }
      }
      // else: a set, record or extension value never equals a primitive or uid literal
      for (const [op, b] of a.cmp) {
        if (typeof v !== 'bigint') {
          // A type error for every one of them: they must be evaluated, to be reported.
          for (const i of b.indices) found.push(i);
          runs += inBoundOrder(b.indices.length);
          continue;
        }
        const [from, to] = satisfying(op, b.bounds, v);
        if (from < to) {
          for (let j = from; j < to; j++) found.push(b.indices[j] as number);
          runs += inBoundOrder(to - from);
        }
      }
    }
    return runs;
  }
}

function pushEvery(found: number[], a: AttributeAnchors): number {
  let runs = 0;
  for (const list of a.eq.values()) {
    for (const i of list) found.push(i);
    runs++;
  }
  for (const b of a.cmp.values()) {
    for (const i of b.indices) found.push(i);
    runs += inBoundOrder(b.indices.length);
  }
  return runs;
}

/** The runs an ordering's list counts for: it is in bound order, so two (sort!) when it has several. */
function inBoundOrder(n: number): number {
  return n > 1 ? 2 : 1;
}

function compareBig(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** First position whose bound is ≥ v (strict: > v). */
function lowerBound(bounds: readonly bigint[], v: bigint, strict: boolean): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const b = bounds[mid] as bigint;
    if (strict ? b <= v : b < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The run `[from, to)` of ascending `bounds` for which `v OP bound` holds. */
function satisfying(op: Ordering, bounds: readonly bigint[], v: bigint): [number, number] {
  switch (op) {
    case '<': // v < b: b > v
      return [lowerBound(bounds, v, true), bounds.length];
    case '<=': // v <= b: b >= v
      return [lowerBound(bounds, v, false), bounds.length];
    case '>': // v > b: b < v
      return [0, lowerBound(bounds, v, false)];
    case '>=': // v >= b: b <= v
      return [0, lowerBound(bounds, v, true)];
  }
}
