/**
 * @module bench/diagnostics
 * Measurements that explain the headline numbers: each isolates one cost seen in profiles of
 * `authorize` and reproduces it with the same data shapes, so a fix can be judged by
 * re-running `pnpm bench -- --only diagnostics`. (They do not call Mandate internals: the
 * patterns are re-enacted here, with the file and function they mirror named in the output.)
 */
import { CedarRecord, CedarSet, type EntityStore, EntityUID, PolicySet, type Value } from '@mandate/core';
import { deepHierarchy } from './adversarial.js';
import { toEntityUid } from './engines.js';
import { medianNsPer, retainedHeap } from './measure.js';
import { fmtBytes, fmtNs, type Measurement, type SideBySide } from './report.js';
import type { Lab } from './scenarios.js';
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
      'CedarSet.of of 2 strings (builds its index Map eagerly)': per(setOf.bytes),
      'plain 2-element array, for comparison': per(arrays.bytes),
      'new EntityUID per reference (parents, attrs: not interned)': per(uidEach.bytes),
      'shared EntityUID per reference': per(uidShared.bytes),
      'BigInt per Long attribute value': per(bigints.bytes),
      'CedarRecord of 4 attributes (Map)': per(record.bytes),
    },
    notes: [
      'values/value.ts CedarSet.of always builds a Map index; authorizer/inputs.ts builds a new EntityUID (and key string) for every uid occurrence',
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
      'authorizer/inputs.ts converts the whole context eagerly on every call (new Maps, BigInts, CedarSet indexes) and builds 3 new EntityUIDs whose keys are re-quoted and re-hashed',
    ],
  };
}
