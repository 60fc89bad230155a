/**
 * @module bench/diagnostics
 * Measurements that explain the headline numbers: each isolates one cost seen in profiles of
 * `authorize` and reproduces it with the same data shapes, so a fix can be judged by
 * re-running `pnpm bench -- --only diagnostics`. (They do not call Mandate internals: the
 * patterns are re-enacted here, with the file and function they mirror named in the output.)
 */
import {
  Authorizer,
  CedarRecord,
  CedarSet,
  type EntityStore,
  EntityUID,
  PolicySet,
  parseContext,
  type Value,
} from '@mandate/core';
import { deepHierarchy } from './adversarial.js';
import { toEntityUid } from './engines.js';
import { medianNsPer, retainedHeap } from './measure.js';
import { fmtBytes, fmtNs, type Measurement, type SideBySide } from './report.js';
import { type Lab, poolSize } from './scenarios.js';
import { buildWorkload, fmtCount, LEAF_ACTIONS, type RequestSpec, T } from './workload.js';

const nsPer = (fn: () => unknown, units: number, ms = 60) => medianNsPer(fn, units, ms);

/**
 * compile/scope-index.ts `#collectUid`/`#collectType` look up `dim + key` for the request's
 * uid and every ancestor: a fresh concatenated string, flattened and hashed on every lookup.
 * Keyed per dimension, the lookup would hash nothing (uid keys and ancestor keys are stored
 * strings whose hash V8 caches).
 */
export function indexKeyCost(lab: Lab): Measurement {
  const values: Record<string, string | number> = {};
  const cases: [string, readonly RequestSpec[], (r: RequestSpec) => string[][], PolicySet, EntityStore][] = [];
  const { store } = lab.store(1000);
  const keysOf = (u: EntityUID, s = store) => [u.key, ...(s.getEntity(u)?.ancestors ?? [])];
  const w = buildWorkload(10, 1000, 256, lab.cfg.seed);
  cases.push([
    'agent workload (groups ≤ 5 deep)',
    w.requests,
    (q) => [toEntityUid(q.principal), toEntityUid(q.action), toEntityUid(q.resource)].map((u) => keysOf(u)),
    PolicySet.compile(w.policies),
    store,
  ]);
  const deep = deepHierarchy(lab.cfg.seed, 1000, 16);
  const deepStore = retainedHeap(() => lab.storeFromJson(deep.entities)).value;
  cases.push([
    '1,000-deep hierarchy',
    deep.requests,
    (q) => [toEntityUid(q.principal), toEntityUid(q.action), toEntityUid(q.resource)].map((u) => keysOf(u, deepStore)),
    PolicySet.compile(deep.policies),
    deepStore,
  ]);
  for (const [label, requests, keysFor, ps, st] of cases) {
    const envs = requests.map((q) => ({
      principal: toEntityUid(q.principal),
      action: toEntityUid(q.action),
      resource: toEntityUid(q.resource),
      context: CedarRecord.EMPTY,
      entities: st,
    }));
    let j = 0;
    const realIndex = (_: readonly RequestSpec[]) =>
      nsPer(() => ps.candidates(envs[j++ % envs.length] as (typeof envs)[number]), 1);
    const perReq = requests.map(keysFor);
    const dims = ['p', 'a', 'r'];
    const concat = new Map<string, number[]>();
    const split = dims.map(() => new Map<string, number[]>());
    // Every key is present (a hit costs what a miss does: the string must be hashed either way).
    for (const ks of perReq) {
      ks.forEach((list, d) => {
        for (const k of list) {
          concat.set((dims[d] as string) + k, [1]);
          (split[d] as Map<string, number[]>).set(k, [1]);
        }
      });
    }
    const lookups = perReq.reduce((n, ks) => n + ks.reduce((m, l) => m + l.length, 0), 0) / perReq.length;
    let i = 0;
    const viaConcat = nsPer(() => {
      const ks = perReq[i++ % perReq.length] as string[][];
      let hits = 0;
      for (let d = 0; d < 3; d++) for (const k of ks[d] as string[]) if (concat.get((dims[d] as string) + k)) hits++;
      return hits;
    }, 1);
    i = 0;
    const viaSplit = nsPer(() => {
      const ks = perReq[i++ % perReq.length] as string[][];
      let hits = 0;
      for (let d = 0; d < 3; d++) {
        const m = split[d] as Map<string, number[]>;
        for (const k of ks[d] as string[]) if (m.get(k)) hits++;
      }
      return hits;
    }, 1);
    values[`${label}: lookups per request`] = lookups.toFixed(1);
    if (realIndex)
      values[`${label}: PolicySet.candidates(env) per request (the real index)`] = fmtNs(realIndex(requests));
    values[`${label}: \`map.get(dim + key)\` per request`] = fmtNs(viaConcat);
    values[`${label}: per-dimension maps, \`map.get(key)\``] = fmtNs(viaSplit);
  }
  return {
    id: 'diagnostic/scope-index-keys',
    title: 'scope index lookups per request',
    values,
    notes: [
      'mirrors packages/core/src/compile/scope-index.ts #collectUid / #collectType (`dim + key` on every lookup)',
    ],
  };
}

/** Which requests pay for the candidates at 10k policies: candidates by action (scope index). */
export function candidatesByAction(lab: Lab, policies: number, entities: number, pool: number): Measurement {
  const c = lab.compiled(policies, entities, pool);
  const { store } = lab.store(entities);
  const by = new Map<string, { n: number; cand: number; match: number }>();
  for (const q of c.workload.requests) {
    const env = {
      principal: toEntityUid(q.principal),
      action: toEntityUid(q.action),
      resource: toEntityUid(q.resource),
      context: CedarRecord.EMPTY,
      entities: store,
    };
    const cand = c.policySet.candidates(env).length;
    let match = 0;
    for (const p of c.policySet.policies) if (p.matchesScope(env)) match++;
    const row = by.get(q.action.id) ?? { n: 0, cand: 0, match: 0 };
    row.n++;
    row.cand += cand;
    row.match += match;
    by.set(q.action.id, row);
  }
  const values: Record<string, string> = {};
  for (const a of LEAF_ACTIONS) {
    const r = by.get(a);
    if (r)
      values[`${a} (${r.n} requests)`] =
        `${(r.cand / r.n).toFixed(0)} candidates, ${(r.match / r.n).toFixed(1)} match their scope`;
  }
  return {
    id: `diagnostic/candidates-by-action/${fmtCount(policies)}x${fmtCount(entities)}`,
    title: `scope index candidates by action, ${fmtCount(policies)} policies × ${fmtCount(entities)} entities`,
    values,
    notes: [
      'a policy is filed under principal ==/in first, then action, then resource: `permit(principal, action == X, resource == Tool::"t")` lands in the bucket of action X, which every X request scans',
    ],
  };
}

/** Memory of the value shapes the entity store holds per entity. */
export function valueMemory(): Measurement {
  const n = 100_000;
  const setOf = retainedHeap(() => Array.from({ length: n }, (_, i) => CedarSet.of([`fs${i % 7}`, 'net'])));
  const arrays = retainedHeap(() => Array.from({ length: n }, (_, i) => [`fs${i % 7}`, 'net']));
  const uidEach = retainedHeap(() => Array.from({ length: n }, (_, i) => new EntityUID(T.group, `g${i % 100}`)));
  const shared = Array.from({ length: 100 }, (_, i) => new EntityUID(T.group, `g${i}`));
  const uidShared = retainedHeap(() => Array.from({ length: n }, (_, i) => shared[i % 100]));
  const bigints = retainedHeap(() => Array.from({ length: n }, (_, i) => BigInt(i % 6)));
  const record = retainedHeap(() =>
    Array.from(
      { length: n },
      (_, i) =>
        new CedarRecord(
          new Map<string, Value>([
            ['sensitivity', BigInt(i % 6)],
            ['egress', false],
            ['readOnly', true],
            ['server', 'server 3'],
          ]),
        ),
    ),
  );
  const per = (b: number) => fmtBytes(b / n);
  return {
    id: 'diagnostic/value-memory',
    title: 'memory of entity value shapes (per item, 100k items)',
    values: {
      'CedarSet.of of 2 strings (no index until needed)': per(setOf.bytes),
      'plain 2-element array, for comparison': per(arrays.bytes),
      'new EntityUID per reference (parents, attrs: not interned)': per(uidEach.bytes),
      'shared EntityUID per reference': per(uidShared.bytes),
      'BigInt per Long attribute value': per(bigints.bytes),
      'CedarRecord of 4 attributes (Map)': per(record.bytes),
    },
    notes: [
      'values/value.ts CedarSet.of builds its Map index eagerly only for sets of more than 8 items or of non-primitives (smaller primitive sets, and sets read by json/fast.ts, build it on first need); json/fast.ts hands back a cached EntityUID for a uid seen before (by id), so repeated references share one',
    ],
  };
}

/** What the drop-in `isAuthorized` does per call to find its cached policy set. */
export function cacheKeyCost(lab: Lab): Measurement {
  const values: Record<string, string> = {};
  for (const p of [10, 100, 1000, 10000]) {
    const text = buildWorkload(p, 10, 1, lab.cfg.seed).policies;
    const m = new Map<string, number>([[`t${text}`, 1]]);
    values[`${fmtCount(p)} policies (${fmtBytes(text.length)} of text)`] = fmtNs(nsPer(() => m.get(`t${text}`), 1, 40));
  }
  return {
    id: 'diagnostic/isAuthorized-cache-key',
    title: 'drop-in cache lookup `Map.get("t" + policyText)` per call',
    values,
    notes: [
      'authorizer/is-authorized.ts keyOf(): a new concatenated string of the whole policy text is hashed on every call (JSON.stringify of the whole set when policies are objects)',
    ],
  };
}

/** The request boundary (JSON → values) as the gap between JSON and prebuilt requests. */
export function boundaryCost(sides: readonly SideBySide[]): Measurement | undefined {
  const values: Record<string, string> = {};
  for (const s of sides) {
    const json = s.engines.mandate;
    const pre = s.engines['mandate (prebuilt inputs)'];
    if (!json || !pre) continue;
    const share = ((json.p50_ns - pre.p50_ns) / json.p50_ns) * 100;
    values[s.title] =
      `${fmtNs(json.p50_ns - pre.p50_ns)} of ${fmtNs(json.p50_ns)} p50 (${share.toFixed(0)}%); cpu mean ${fmtNs((json.cpu_mean_ns ?? 0) - (pre.cpu_mean_ns ?? 0))}`;
  }
  if (Object.keys(values).length === 0) return undefined;
  return {
    id: 'diagnostic/request-boundary',
    title: 'JSON request → values, per call (mandate − prebuilt)',
    values,
    notes: [
      'authorizer/inputs.ts reads the context through json/fast.ts (a for…in walk; records from name/value arrays, small Longs from a table, uids from a cache by id), falling back to the full reader only for shapes the fast path declines; the 3 uids come from the same cache. See diagnostic/request-boundary-floor for what that walk costs at the least',
    ],
  };
}

/** Shared Longs for small integers, as json/fast.ts keeps them (`BigInt(n)` allocates). */
const SMALL_MIN = -128;
const SMALL_LONGS = Array.from({ length: 1152 }, (_, i) => BigInt(i + SMALL_MIN));
/** for…in + `hasOwnProperty.call` is V8 11.3's fastest own-key walk (`Object.hasOwn` is ~5× slower inside for…in). */
const ownKey = Object.prototype.hasOwnProperty;
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Every value checked as Cedar requires, nothing built: no reader can do less. */
function walk(v: unknown): boolean {
  switch (typeof v) {
    case 'boolean':
      return true;
    case 'string':
      return wellFormed(v);
    case 'number':
      return Number.isSafeInteger(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!walk(v[i])) return false;
    return true;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) if (!ownKey.call(o, k) || !wellFormed(k) || !walk(o[k])) return false;
  return true;
}

/** The least a result can be: a record's names and values as arrays, a set's items as an array. */
class MiniRecord {
  constructor(
    readonly names: string[],
    readonly values: unknown[],
  ) {}
}
class MiniSet {
  constructor(readonly items: unknown[]) {}
}
const MINI_UIDS = new Map<string, EntityUID>();

/**
 * {@link walk} building {@link MiniRecord}/{@link MiniSet}s, Longs from a table and uids from a
 * cache by id. It skips what Mandate must also do (set deduplication, exact escape shapes,
 * depth limits, prototype checks), so it is a lower bound on building values.
 */
function miniConvert(v: unknown): unknown {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return wellFormed(v) ? v : undefined;
    case 'number':
      if (!Number.isSafeInteger(v)) return undefined;
      return v >= SMALL_MIN && v < SMALL_MIN + SMALL_LONGS.length ? SMALL_LONGS[v - SMALL_MIN] : BigInt(v);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    const items: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const x = miniConvert(v[i]);
      if (x === undefined) return undefined;
      items.push(x);
    }
    return new MiniSet(items);
  }
  const o = v as Record<string, unknown>;
  const names: string[] = [];
  const values: unknown[] = [];
  for (const k in o) {
    if (!ownKey.call(o, k)) return undefined;
    if (k === '__entity') return miniUid(o[k]);
    if (!wellFormed(k)) return undefined;
    const x = miniConvert(o[k]);
    if (x === undefined) return undefined;
    names.push(k);
    values.push(x);
  }
  return new MiniRecord(names, values);
}

function miniUid(e: unknown): EntityUID | undefined {
  const { type, id } = e as { type?: unknown; id?: unknown };
  if (typeof type !== 'string' || typeof id !== 'string') return undefined;
  const hit = MINI_UIDS.get(id);
  if (hit !== undefined && hit.type === type) return hit;
  if (!wellFormed(type) || !wellFormed(id)) return undefined;
  const uid = new EntityUID(type, id);
  MINI_UIDS.set(id, uid);
  return uid;
}

/**
 * How far below the 500 ns p50 the JSON boundary can go, on the `decide` 10 × 1k
 * workload's own request contexts (cycled, as `authorize` sees them): the bare validation
 * walk, the same walk building minimal values, Mandate's reader, and Mandate reading the
 * three uids. With `sides`, set against that scenario's JSON and prebuilt p50.
 */
export function boundaryFloor(lab: Lab, sides: readonly SideBySide[]): Measurement {
  const { workload } = lab.compiled(10, 1000, poolSize(lab.cfg, 10));
  const authz = new Authorizer({ policies: PolicySet.EMPTY, entities: lab.store(1000).store });
  const contexts = workload.requests.map((q) => q.context);
  // toUid is not exported: the uids are read through requestEnv with an empty context, less
  // the same call on prebuilt EntityUIDs (which reads that context and builds the env too).
  const uidsOnly = workload.requests.map((q) => ({
    principal: q.principal,
    action: q.action,
    resource: q.resource,
    context: {},
  }));
  const uidsPrebuilt = workload.requests.map((q) => ({
    principal: toEntityUid(q.principal),
    action: toEntityUid(q.action),
    resource: toEntityUid(q.resource),
    context: {},
  }));
  for (const c of contexts) {
    if (!walk(c) || miniConvert(c) === undefined) throw new Error('bench: a workload context fails the bare walk');
    parseContext(c);
  }
  const cycle = <I>(inputs: readonly I[], fn: (x: I) => unknown) => {
    let i = 0;
    return nsPer(() => fn(inputs[i++ % inputs.length] as I), 1);
  };
  const walkNs = cycle(contexts, walk);
  const convertNs = cycle(contexts, miniConvert);
  const readerNs = cycle(contexts, (c) => parseContext(c));
  const envNs = cycle(uidsOnly, (q) => authz.requestEnv(q));
  const envPrebuiltNs = cycle(uidsPrebuilt, (q) => authz.requestEnv(q));
  const uidsNs = Math.max(0, envNs - envPrebuiltNs);
  const notes = [
    'per call, cycling through the request pool of decide/10x1k; walk: typeof switch, isWellFormed strings (keys too), Number.isSafeInteger, arrays by index, objects by for…in + hasOwnProperty.call — the least a reader checking every value as Cedar requires must do',
    "minimal convert skips set deduplication, exact escape shapes, depth limits and prototype checks: a lower bound on building values, not a reader; Mandate's reader is parseContext(context) with no schema, as authorize calls it for this workload",
    '3 uids: toUid is not exported from @mandate/core, so they are requestEnv of the same requests with context {} less requestEnv of those requests with prebuilt EntityUIDs (both read the empty context and build the env object)',
  ];
  const s = sides.find((x) => x.id === 'decide/10x1k');
  const json = s?.engines.mandate?.p50_ns;
  const pre = s?.engines['mandate (prebuilt inputs)']?.p50_ns;
  if (json !== undefined && pre !== undefined)
    notes.push(
      `decide/10x1k: p50 ${fmtNs(json)} with JSON, ${fmtNs(pre)} prebuilt; a 500 ns p50 leaves the whole boundary (context + 3 uids) ${fmtNs(500 - pre)}, against a floor of ${fmtNs(walkNs + uidsNs)} (bare walk + 3 uids) and ${fmtNs(readerNs + uidsNs)} for Mandate's reader + 3 uids`,
    );
  else
    notes.push(
      'a 500 ns p50 leaves the boundary 500 ns minus the decision on prebuilt inputs (decide/10x1k, `mandate (prebuilt inputs)` p50): compare that with walk + 3 uids (with --only decide,diagnostics it is computed here)',
    );
  return {
    id: 'diagnostic/request-boundary-floor',
    title: "what reading a JSON context costs at the least, on this workload's contexts",
    values: {
      'walk (validate every value, allocate nothing)': fmtNs(walkNs),
      'minimal convert (walk + smallest result objects)': fmtNs(convertNs),
      "Mandate's reader: parseContext(context)": fmtNs(readerNs),
      'authz.requestEnv({ principal, action, resource, context: {} })': fmtNs(envNs),
      'the same with prebuilt EntityUIDs': fmtNs(envPrebuiltNs),
      '3 uids (the difference)': fmtNs(uidsNs),
    },
    notes,
  };
}
