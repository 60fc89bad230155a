/**
 * @module bench/scenarios
 * Every scenario of the benchmark. A {@link Lab} caches what scenarios share (entity stores,
 * compiled and preparsed policy sets) so that each expensive thing is built once per run.
 */
import type { AuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import { Authorizer, EntityStore, type EntityUID, PolicySet, writeBundle } from '@mandate/core';
import { deepHierarchy, typeWide, wideContext } from './adversarial.js';
import { coldStart, compileInFreshProcess, type FreshCompile } from './coldstart.js';
import {
  candidateCounts,
  cedarPreparse,
  cedarPreparseSchema,
  cedarWasm,
  checkAgreement,
  engines,
  prepareRequests,
  statelessCalls,
  toEntityInput,
  toEntityUid,
  verdictOfAnswer,
  verdictOfMandate,
  withoutActions,
} from './engines.js';
import {
  compare,
  contender,
  cpuMs,
  gc,
  medianNsPer,
  retainedHeap,
  type SampleBudget,
  timeRepeated,
} from './measure.js';
import { fmtBytes, fmtMs, fmtNs, fmtPerUnit, fmtRetained, type Measurement, type SideBySide } from './report.js';
import { WORKLOAD_SCHEMA } from './schema.js';
import { buildWorkload, type EntityJson, fmtCount, getStore, type RequestSpec, type Workload } from './workload.js';

export interface Config {
  readonly mode: 'quick' | 'full';
  readonly seed: number;
  /** Interleaved measuring rounds per side-by-side scenario. */
  readonly rounds: number;
  /** Budget for Mandate (fast) and cedar-wasm (slow) contenders. */
  readonly fast: SampleBudget;
  readonly slow: SampleBudget;
  /** (policies, entities) cells of the decision grid. */
  readonly grid: readonly (readonly [number, number])[];
  /** (policies, entities) cells decided again with the workload schema. */
  readonly schemaGrid: readonly (readonly [number, number])[];
  /** Policy counts of the stateless (drop-in `isAuthorized`) comparison, over 1k entities. */
  readonly stateless: readonly number[];
  /** Policy counts of the compile measurements. */
  readonly compile: readonly number[];
  readonly entityScale: number;
  readonly coldRuns: number;
  /** Fresh processes compiling 10k policies with V8's default flags (0: skip). */
  readonly freshCompileRuns: number;
  readonly log: (line: string) => void;
}

/** Request pool size per policy count: every request is checked on both engines before timing. */
export function poolSize(cfg: Config, policies: number): number {
  const full = cfg.mode === 'full';
  if (policies <= 100) return full ? 512 : 256;
  if (policies <= 1000) return full ? 256 : 128;
  return full ? 96 : 48;
}

function statelessPool(cfg: Config, policies: number): number {
  const full = cfg.mode === 'full';
  if (policies <= 10) return full ? 256 : 128;
  if (policies <= 100) return full ? 96 : 48;
  return full ? 24 : 12;
}

interface Compiled {
  readonly workload: Workload;
  readonly policySet: PolicySet;
  readonly cedarId: string;
  readonly compileMs: number;
  readonly compileCpuMs: number;
  readonly preparseMs: number;
  readonly preparseCpuMs: number;
}

export class Lab {
  readonly cfg: Config;
  readonly #stores = new Map<number, { store: EntityStore; buildMs: number; buildCpuMs: number; bytes: number }>();
  readonly #compiled = new Map<string, Compiled>();

  constructor(cfg: Config) {
    this.cfg = cfg;
  }

  /**
   * Load cedar-wasm and run the compile path once on a small set, so that compile timings
   * measure throughput, not wasm instantiation and first-call JIT (cold start has its own section).
   */
  warmUp(): void {
    const w = buildWorkload(50, 100, 1, this.cfg.seed + 99);
    PolicySet.compile(w.policies);
    cedarPreparse(w.policies);
    for (const s of w.policyList) cedarWasm().policyToJson(s);
  }

  /** Mandate's entity store for `n` entities, loaded from entities JSON through `Authorizer`. */
  store(n: number): { store: EntityStore; buildMs: number; buildCpuMs: number; bytes: number } {
    let s = this.#stores.get(n);
    if (s === undefined) {
      const json = getStore(n, this.cfg.seed).entities;
      const r = retainedHeap(() => new Authorizer({ policies: PolicySet.EMPTY, entities: json as unknown[] }).entities);
      s = { store: r.value, buildMs: r.ms, buildCpuMs: r.cpu_ms, bytes: r.bytes };
      this.#stores.set(n, s);
    }
    return s;
  }

  /** A store from entities JSON, through `Authorizer` (not cached). */
  storeFromJson(json: readonly EntityJson[]): EntityStore {
    return new Authorizer({ policies: PolicySet.EMPTY, entities: json as unknown[] }).entities;
  }

  /** Whether a workload is already compiled (diagnostics reuse, never build, the big ones). */
  hasCompiled(policies: number, entities: number, pool: number): boolean {
    return this.#compiled.has(`${policies}x${entities}x${pool}`);
  }

  compiled(policies: number, entities: number, pool: number): Compiled {
    const key = `${policies}x${entities}x${pool}`;
    let c = this.#compiled.get(key);
    if (c === undefined) {
      const workload = buildWorkload(policies, entities, pool, this.cfg.seed);
      gc();
      let c0 = cpuMs();
      let t0 = performance.now();
      const policySet = PolicySet.compile(workload.policies);
      const compileMs = performance.now() - t0;
      const compileCpuMs = cpuMs() - c0;
      c0 = cpuMs();
      t0 = performance.now();
      const cedarId = cedarPreparse(workload.policies);
      const preparseMs = performance.now() - t0;
      const preparseCpuMs = cpuMs() - c0;
      c = { workload, policySet, cedarId, compileMs, compileCpuMs, preparseMs, preparseCpuMs };
      this.#compiled.set(key, c);
    }
    return c;
  }
}

function ratioOf(stats: SideBySide['engines'], subject: string, reference: string): SideBySide['ratio'] {
  const m = stats[subject];
  const c = stats[reference];
  if (!m || !c) return { p50: Number.NaN, p99: Number.NaN };
  return { p50: c.p50_ns / Math.max(m.p50_ns, 1), p99: c.p99_ns / Math.max(m.p99_ns, 1) };
}

/** Authorizer vs cedar-wasm stateful on one workload: check every request, then time. */
async function authorizerVsStateful(
  lab: Lab,
  id: string,
  kind: SideBySide['kind'],
  w: Workload,
  policySet: PolicySet,
  store: EntityStore,
  cedarId: string,
  notes: string[] = [],
  slow: SampleBudget = lab.cfg.slow,
  schema?: { readonly authorizer: Authorizer; readonly cedarName: string },
): Promise<SideBySide> {
  const { cfg } = lab;
  const authz = schema?.authorizer ?? new Authorizer({ policies: policySet, entities: store });
  const prep = prepareRequests(w.requests, cedarId, schema?.cedarName);
  const mandate = engines.mandateAuthorize(authz);
  const cedar = engines.cedarStateful();
  const n = w.requests.length;
  const agree = checkAgreement(
    `${id} (${w.label})`,
    n,
    { name: 'mandate', verdict: (i) => verdictOfMandate(mandate(prep.mandate[i] as (typeof prep.mandate)[number])) },
    {
      name: 'cedar-wasm',
      verdict: (i) => verdictOfAnswer(cedar(prep.cedarStateful[i] as (typeof prep.cedarStateful)[number])),
    },
  );
  // A prebuilt CedarRecord context skips the schema's context parsing: only compare it schemaless.
  if (!schema)
    checkAgreement(
      `${id} (${w.label}), JSON vs prebuilt inputs`,
      n,
      { name: 'mandate', verdict: (i) => verdictOfMandate(mandate(prep.mandate[i] as (typeof prep.mandate)[number])) },
      {
        name: 'mandate (prebuilt inputs)',
        verdict: (i) => verdictOfMandate(mandate(prep.mandatePrebuilt[i] as (typeof prep.mandatePrebuilt)[number])),
      },
    );
  const candidates = candidateCounts(authz.policySet, authz.entities, w.requests);
  const contenders = [
    contender({ name: 'mandate', fn: mandate, inputs: prep.mandate, budget: cfg.fast, mitata: true }),
    ...(schema
      ? []
      : [
          contender({
            name: 'mandate (prebuilt inputs)',
            fn: mandate,
            inputs: prep.mandatePrebuilt,
            budget: cfg.fast,
            mitata: true,
          }),
        ]),
    contender({ name: 'cedar-wasm', fn: cedar, inputs: prep.cedarStateful, budget: slow, mitata: true }),
  ];
  const stats = await compare(contenders, cfg.rounds);
  cfg.log(
    `  ${id}: mandate p50 ${fmtNs(stats.mandate?.p50_ns)} p99 ${fmtNs(stats.mandate?.p99_ns)} | cedar-wasm p50 ${fmtNs(stats['cedar-wasm']?.p50_ns)} p99 ${fmtNs(stats['cedar-wasm']?.p99_ns)} | ${candidates.mean.toFixed(1)} candidates/request`,
  );
  return {
    id,
    kind,
    title: w.label,
    policies: w.policyCount,
    entities: w.entityCount,
    requests: n,
    allowRate: agree.allow / n,
    errorRate: agree.errors / n,
    candidates,
    subject: 'mandate',
    reference: 'cedar-wasm',
    engines: stats,
    ratio: ratioOf(stats, 'mandate', 'cedar-wasm'),
    notes,
  };
}

// ---------------------------------------------------------------------------------------------

export async function decideGrid(lab: Lab): Promise<SideBySide[]> {
  const out: SideBySide[] = [];
  for (const [p, e] of lab.cfg.grid) {
    lab.cfg.log(`decide: ${fmtCount(p)} policies × ${fmtCount(e)} entities`);
    const c = lab.compiled(p, e, poolSize(lab.cfg, p));
    const { store } = lab.store(e);
    out.push(
      await authorizerVsStateful(
        lab,
        `decide/${fmtCount(p)}x${fmtCount(e)}`,
        'decide',
        c.workload,
        c.policySet,
        store,
        c.cedarId,
      ),
    );
  }
  return out;
}

/**
 * The decision grid's cells again with the workload schema: Mandate parses entities and
 * context against it and validates each request; cedar-wasm gets the schema preparsed and
 * `validateRequest: true`. Policies are validated against the schema when the authorizer is built.
 */
export async function schemaGrid(lab: Lab): Promise<SideBySide[]> {
  const out: SideBySide[] = [];
  cedarPreparseSchema('bench-schema', WORKLOAD_SCHEMA);
  for (const [p, e] of lab.cfg.schemaGrid) {
    lab.cfg.log(`decide with schema: ${fmtCount(p)} policies × ${fmtCount(e)} entities`);
    const c = lab.compiled(p, e, poolSize(lab.cfg, p));
    const t0 = performance.now();
    const authorizer = new Authorizer({
      policies: c.policySet,
      schema: WORKLOAD_SCHEMA,
      entities: withoutActions(c.workload.entities),
    });
    const buildMs = performance.now() - t0;
    out.push(
      await authorizerVsStateful(
        lab,
        `schema/${fmtCount(p)}x${fmtCount(e)}`,
        'schema',
        { ...c.workload, label: `${c.workload.label}, schema` },
        c.policySet,
        authorizer.entities,
        c.cedarId,
        [
          'entities and context parsed against the schema; requests validated (cedar-wasm: validateRequest)',
          `Authorizer with schema built in ${fmtMs(buildMs)} (policy validation included)`,
        ],
        lab.cfg.slow,
        { authorizer, cedarName: 'bench-schema' },
      ),
    );
  }
  return out;
}

export async function statelessGrid(lab: Lab): Promise<SideBySide[]> {
  const { cfg } = lab;
  const out: SideBySide[] = [];
  for (const p of cfg.stateless) {
    const e = 1000;
    cfg.log(`stateless isAuthorized: ${fmtCount(p)} policies, entity slice from ${fmtCount(e)} entities`);
    const w = buildWorkload(p, e, statelessPool(cfg, p), cfg.seed + 1);
    const calls = statelessCalls(w.requests, w.policies);
    const mandate = engines.mandateIsAuthorized();
    const cedar = engines.cedarIsAuthorized();
    const agree = checkAgreement(
      `stateless/${fmtCount(p)} (${w.label})`,
      calls.length,
      { name: 'mandate isAuthorized', verdict: (i) => verdictOfAnswer(mandate(calls[i] as AuthorizationCall)) },
      { name: 'cedar-wasm isAuthorized', verdict: (i) => verdictOfAnswer(cedar(calls[i] as AuthorizationCall)) },
    );
    const stats = await compare(
      [
        contender({
          name: 'mandate isAuthorized',
          fn: mandate,
          inputs: calls,
          budget: { ...cfg.fast, minSamples: 500 },
          mitata: true,
        }),
        contender({ name: 'cedar-wasm isAuthorized', fn: cedar, inputs: calls, budget: cfg.slow, mitata: true }),
      ],
      cfg.rounds,
    );
    const r: SideBySide = {
      id: `stateless/${fmtCount(p)}`,
      kind: 'stateless',
      title: `isAuthorized, ${fmtCount(p)} policies, slice`,
      policies: p,
      entities: e,
      requests: calls.length,
      allowRate: agree.allow / calls.length,
      errorRate: agree.errors / calls.length,
      subject: 'mandate isAuthorized',
      reference: 'cedar-wasm isAuthorized',
      engines: stats,
      ratio: ratioOf(stats, 'mandate isAuthorized', 'cedar-wasm isAuthorized'),
      notes: [
        'same AuthorizationCall objects for both: policies as text, the entity slice as entities JSON',
        'Mandate caches the compiled policy set by content; cedar-wasm parses policies on every call',
      ],
    };
    cfg.log(
      `  mandate p50 ${fmtNs(stats['mandate isAuthorized']?.p50_ns)} | cedar-wasm p50 ${fmtNs(stats['cedar-wasm isAuthorized']?.p50_ns)}`,
    );
    out.push(r);
  }
  return out;
}

/** Compile measurements for (policies, entities) workloads (entities only shape the id universe). */
export function compileMeasurements(lab: Lab, cells: readonly (readonly [number, number])[]): Measurement[] {
  const out: Measurement[] = [];
  const wasm = cedarWasm();
  for (const [p, entities] of cells) {
    lab.cfg.log(`compile: ${fmtCount(p)} policies`);
    const c = lab.compiled(p, entities, poolSize(lab.cfg, p));
    const list = c.workload.policyList;
    // Cedar's own parse, statement by statement, to EST (what Mandate's front end asks cedar-wasm for).
    gc();
    const c0 = cpuMs();
    const t0 = performance.now();
    const ests = list.map((s, i) => {
      const r = wasm.policyToJson(s);
      if (r.type !== 'success') throw new Error(`policyToJson failed on policy${i}`);
      return r.json;
    });
    const estMs = performance.now() - t0;
    const estCpuMs = cpuMs() - c0;
    const parsed: Parameters<typeof PolicySet.fromParsed>[0] = {
      policies: ests.map((est, i) => ({ id: `policy${i}`, isTemplate: false, est })),
      links: [],
    };
    const lowered = retainedHeap(() => PolicySet.fromParsed(parsed));
    const ps = lowered.value;
    // The scope index is built lazily, on the first decision.
    const probe = c.workload.requests[0] as RequestSpec;
    const env = {
      principal: toEntityUid(probe.principal),
      action: toEntityUid(probe.action),
      resource: toEntityUid(probe.resource),
      context: undefined as never,
      entities: lab.store(entities).store,
    };
    const index = retainedHeap(() => ps.candidates(env));
    const fromIR = timeRepeated(() => PolicySet.fromIR(ps.staticIR), lab.cfg.mode === 'full' || p <= 1000 ? 3 : 1);
    const beyond = c.compileMs - estMs;
    const beyondCpu = c.compileCpuMs - estCpuMs;
    out.push({
      id: `compile/${fmtCount(p)}`,
      title: `compile ${fmtCount(p)} policies (${fmtBytes(c.workload.policies.length)} of Cedar)`,
      values: {
        'Mandate PolicySet.compile(text), end to end': wallCpu(c.compileMs, c.compileCpuMs),
        'cedar-wasm preparsePolicySet(text) (its own parse of the set)': wallCpu(c.preparseMs, c.preparseCpuMs),
        'cedar-wasm policyToJson per policy (parse to EST)': wallCpu(estMs, estCpuMs),
        'Mandate lowering + closure compile (PolicySet.fromParsed)': wallCpu(lowered.ms, lowered.cpu_ms),
        'Mandate closure compile from IR (PolicySet.fromIR)': wallCpu(fromIR.median_ms, fromIR.cpu_ms),
        'scope index build (first decision)': wallCpu(index.ms, index.cpu_ms),
        'compile beyond cedar-wasm parse (end to end − policyToJson)': wallCpu(beyond, beyondCpu),
        'memory per compiled policy (IR + closures)': fmtBytes(lowered.bytes / p),
        'memory per policy in the scope index': fmtPerUnit(index.bytes, p),
        compile_ms: round(c.compileMs),
        cedar_preparse_ms: round(c.preparseMs),
        cedar_policyToJson_ms: round(estMs),
        lower_compile_ms: round(lowered.ms),
        fromIR_ms: round(fromIR.median_ms),
        index_ms: round(index.ms),
        beyond_parse_ms: round(beyond),
        beyond_parse_cpu_ms: round(beyondCpu),
        lower_compile_cpu_ms: round(lowered.cpu_ms),
        bytes_per_policy: Math.round(lowered.bytes / p),
        index_bytes_per_policy: Math.round(index.bytes / p),
      },
    });
  }
  return out;
}

export async function freshCompile(lab: Lab, p: number, entities: number): Promise<Measurement> {
  const runs = lab.cfg.freshCompileRuns;
  lab.cfg.log(`compile: ${fmtCount(p)} policies in ${runs} fresh process(es), V8 default flags`);
  const c = lab.compiled(p, entities, poolSize(lab.cfg, p));
  const outcomes = [];
  for (let i = 0; i < runs; i++) outcomes.push(await compileInFreshProcess(c.workload.policies, []));
  const crashed = outcomes.filter((o) => !o.ok);
  const times = outcomes.flatMap((o) => (o.ms === null ? [] : [o.ms]));
  const values: Record<string, string | number | boolean | null> = {
    'PolicySet.compile in node with default flags': `${crashed.length} of ${runs} runs died${crashed.length ? `: ${(crashed[0] as FreshCompile).outcome}` : ''}`,
    'time of the runs that finished': times.length ? times.map(fmtMs).join(', ') : '—',
    default_flags_runs: runs,
    default_flags_crashes: crashed.length,
  };
  // In full mode, show that the flag is the whole difference.
  if (lab.cfg.mode === 'full') {
    const safe = await compileInFreshProcess(c.workload.policies, ['--no-turbo-inline-js-wasm-calls']);
    values['same, node --no-turbo-inline-js-wasm-calls'] = safe.outcome;
  }
  return {
    id: `compile/${fmtCount(p)}/fresh-process`,
    title: `compile ${fmtCount(p)} policies, fresh process (bundled core)`,
    values,
    notes: [
      'intermittent: V8 11.3 (Node 20) can abort in Deoptimizer::DoComputeBuiltinContinuation while lazily deoptimizing',
      'frontend/parse.ts parsePolicyText with JS→Wasm call inlining on; this process runs with --no-turbo-inline-js-wasm-calls',
    ],
  };
}

export function entityMeasurements(lab: Lab, n: number): Measurement {
  lab.cfg.log(`entities: ${fmtCount(n)} entities`);
  const json = getStore(n, lab.cfg.seed).entities;
  const viaJson = lab.store(n);
  const inputs = json.map(toEntityInput);
  const storeOnly = retainedHeap(() => EntityStore.from(inputs));
  const reps = lab.cfg.mode === 'full' ? 3 : 1;
  const rebuild = timeRepeated(
    () => new Authorizer({ policies: PolicySet.EMPTY, entities: json as unknown[] }).entities,
    reps,
  );
  // `in` is one Set lookup per call: time it over agent → group pairs.
  const store = viaJson.store;
  const pairs: [EntityUID, EntityUID][] = [];
  for (const e of json) {
    if (e.uid.type.endsWith('Agent') && e.parents.length > 0)
      pairs.push([toEntityUid(e.uid), toEntityUid(e.parents[0] as EntityJson['uid'])]);
    if (pairs.length >= 1024) break;
  }
  const isInNs = nsPerCall(() => {
    let k = 0;
    for (const [a, b] of pairs) if (store.isIn(a, b)) k++;
    return k;
  }, pairs.length);
  const total = json.length;
  return {
    id: `entities/${fmtCount(n)}`,
    title: `entity store, ${fmtCount(n)} entities (+10 actions)`,
    values: {
      'build from entities JSON (Authorizer), first': wallCpu(viaJson.buildMs, viaJson.buildCpuMs),
      'build from entities JSON, median of repeats': wallCpu(rebuild.median_ms, rebuild.cpu_ms),
      'EntityStore.from(parsed inputs) (ancestor closure only)': wallCpu(storeOnly.ms, storeOnly.cpu_ms),
      'retained memory per entity (JSON → store)': fmtBytes(viaJson.bytes / total),
      'of which store structure (EntityStore.from over parsed values)': fmtBytes(storeOnly.bytes / total),
      'entities JSON size per entity (for scale)': fmtBytes(JSON.stringify(json).length / total),
      'isIn(agent, group) per call': fmtNs(isInNs),
      build_ms: round(Math.min(viaJson.buildMs, rebuild.median_ms)),
      build_cpu_ms: round(Math.min(viaJson.buildCpuMs, rebuild.cpu_ms)),
      store_from_cpu_ms: round(storeOnly.cpu_ms),
      store_from_ms: round(storeOnly.ms),
      bytes_per_entity: Math.round(viaJson.bytes / total),
      store_bytes_per_entity: Math.round(storeOnly.bytes / total),
      isIn_ns: round(isInNs),
    },
  };
}

export function updateMeasurements(lab: Lab, n: number): Measurement {
  lab.cfg.log(`entity update: one entity in a store of ${fmtCount(n)}`);
  const json = getStore(n, lab.cfg.seed).entities;
  const { store, buildMs } = lab.store(n);
  const agent = json.find((e) => e.uid.type.endsWith('::Agent')) as EntityJson;
  const group = json.find((e) => e.uid.type.endsWith('::Group') && e.parents.length === 0) as EntityJson;
  const leaf = toEntityInput({ ...agent, attrs: { ...agent.attrs, clearance: 9 } });
  const moved = toEntityInput({ ...group, parents: [{ type: group.uid.type, id: 'new-root' }] });
  const fresh = toEntityInput({
    uid: { type: agent.uid.type, id: 'fresh-agent' },
    attrs: { clearance: 1 },
    parents: agent.parents,
  });
  const reps = lab.cfg.mode === 'full' ? 9 : 5;
  const leafT = timeRepeated(() => store.with([leaf]), reps);
  const movedT = timeRepeated(() => store.with([moved]), reps);
  const insertT = timeRepeated(() => store.with([fresh]), reps);
  const removeT = timeRepeated(() => store.with([], [leaf.uid]), reps);
  const updated = store.with([leaf]);
  if (updated.getEntity(leaf.uid)?.attrs.get('clearance') !== 9n)
    throw new Error('EntityStore.with: update not visible');
  if (updated.size !== store.size) throw new Error('EntityStore.with: size changed on update');
  // Memory a new version costs while the old one is alive (what sharing entities should keep small).
  const extra = retainedHeap(() => store.with([leaf]));
  let descendants = 0;
  for (const e of store.entities()) if (e.ancestors.has(moved.uid.key)) descendants++;
  return {
    id: `update/${fmtCount(n)}`,
    title: `EntityStore.with, one entity of ${fmtCount(n)}`,
    values: {
      'attribute change of one agent (leaf)': wallCpu(leafT.median_ms, leafT.cpu_ms),
      [`re-parent one root group (${descendants} descendants)`]: wallCpu(movedT.median_ms, movedT.cpu_ms),
      'insert one agent': wallCpu(insertT.median_ms, insertT.cpu_ms),
      'remove one agent': wallCpu(removeT.median_ms, removeT.cpu_ms),
      'full rebuild from JSON, for comparison': fmtMs(buildMs),
      'heap retained by the new version (old one alive)': fmtRetained(extra.bytes),
      leaf_update_ms: round(leafT.median_ms),
      leaf_update_cpu_ms: round(leafT.cpu_ms),
      group_move_ms: round(movedT.median_ms),
      insert_ms: round(insertT.median_ms),
      remove_ms: round(removeT.median_ms),
      new_version_bytes: extra.bytes,
    },
  };
}

const fmtRange = ([lo, hi]: readonly [number, number]): string => `${fmtMs(lo)}–${fmtMs(hi)}`;

export async function coldStartMeasurement(lab: Lab): Promise<Measurement> {
  lab.cfg.log('cold start: fresh processes');
  const c = lab.compiled(10, 1000, poolSize(lab.cfg, 10));
  const r = await coldStart(c.workload, lab.cfg.coldRuns, writeBundle(PolicySet.compile(c.workload.policies)));
  if (r.mandate.decision !== r.cedar.decision || r.fromBundle.decision !== r.cedar.decision) {
    throw new Error(
      `cold start: mandate ${r.mandate.decision}, from a bundle ${r.fromBundle.decision}, cedar-wasm ${r.cedar.decision}`,
    );
  }
  if (r.fromBundle.wasm_loaded) throw new Error('cold start: deciding from a bundle loaded cedar-wasm');
  return {
    id: 'coldstart/10x1k',
    title: `cold start, 10 policies + 1k entities (median of ${lab.cfg.coldRuns})`,
    values: {
      'mandate: import @mandate/core (bundled, as dist)': fmtMs(r.mandate.import_ms),
      'mandate: new Authorizer (Cedar text → cedar-wasm parse, entities)': fmtMs(r.mandate.authorizer_ms),
      'mandate: first decision': fmtMs(r.mandate.first_decision_ms),
      'mandate: import → first decision': fmtMs(r.mandate.import_to_decision_ms),
      'mandate: process start → first decision': fmtMs(r.mandate.process_to_decision_ms),
      'cedar-wasm: require (instantiates wasm)': fmtMs(r.cedar.import_ms),
      'cedar-wasm: preparsePolicySet': fmtMs(r.cedar.authorizer_ms),
      'cedar-wasm: first statefulIsAuthorized': fmtMs(r.cedar.first_decision_ms),
      'cedar-wasm: import → first decision': fmtMs(r.cedar.import_to_decision_ms),
      'empty node process (spawn to exit)': fmtMs(r.emptyNodeMs),
      'from a bundle: readBundle (policies; no Cedar text, no wasm)': fmtMs(r.fromBundle.read_bundle_ms),
      'from a bundle: readBundle + new Authorizer (1k entities JSON)': fmtMs(r.fromBundle.authorizer_ms),
      'from a bundle: import → first decision': fmtMs(r.fromBundle.import_to_decision_ms),
      'from a bundle: after import → first decision (1k entities JSON)': `${fmtMs(r.fromBundle.after_import_ms)} (runs: ${fmtRange(r.fromBundle.after_import_range_ms)})`,
      "from a bundle: after import → first decision (the request's entity slice)": `${fmtMs(r.fromBundleSliceAfterImportMs)} (runs: ${fmtRange(r.fromBundleSliceAfterImportRangeMs)})`,
      mandate_bundle_import_to_decision_ms: round(r.fromBundle.import_to_decision_ms),
      mandate_bundle_after_import_ms: round(r.fromBundle.after_import_ms),
      mandate_bundle_slice_after_import_ms: round(r.fromBundleSliceAfterImportMs),
      mandate_import_to_decision_ms: round(r.mandate.import_to_decision_ms),
      mandate_import_ms: round(r.mandate.import_ms),
      cedar_import_to_decision_ms: round(r.cedar.import_to_decision_ms),
    },
  };
}

export async function adversarial(lab: Lab): Promise<{ sides: SideBySide[]; measurements: Measurement[] }> {
  const { cfg } = lab;
  const sides: SideBySide[] = [];
  const measurements: Measurement[] = [];
  const run = async (id: string, w: Workload, store: EntityStore, slow: SampleBudget, notes: string[] = []) => {
    cfg.log(`adversarial: ${w.label}`);
    const ps = PolicySet.compile(w.policies);
    const cedarId = cedarPreparse(w.policies);
    sides.push(await authorizerVsStateful(lab, id, 'adversarial', w, ps, store, cedarId, notes, slow));
  };
  const tw = typeWide(cfg.seed, 1000, 1000, cfg.mode === 'full' ? 256 : 96);
  await run('adversarial/type-wide-1k', tw, lab.store(1000).store, cfg.slow, [
    '1,000 `permit(principal is Agent, action, resource) when {…}`: every request evaluates all of them',
  ]);
  const wc = wideContext(cfg.seed, 1000, cfg.mode === 'full' ? 256 : 128);
  await run('adversarial/context-200', wc, lab.store(1000).store, cfg.slow, [
    'context JSON of 200 attributes parsed per request',
  ]);
  const dh = deepHierarchy(cfg.seed, 1000, cfg.mode === 'full' ? 48 : 16);
  const deep = retainedHeap(
    () => new Authorizer({ policies: PolicySet.EMPTY, entities: dh.entities as unknown[] }).entities,
  );
  // cedar-wasm takes ~0.5 s per call here (it rebuilds the 1,000-deep hierarchy from the slice each call).
  await run('adversarial/deep-1000', dh, deep.value, { ...cfg.slow, minSamples: cfg.mode === 'full' ? 20 : 8 }, [
    'agents under a 1,000-deep chain of groups; cedar-wasm slice carries all 1,000 ancestors',
  ]);
  const bottom = toEntityUid({ type: dh.entities[0]?.uid.type as string, id: 'g999' });
  const agent = toEntityUid(dh.requests[0]?.principal as EntityJson['uid']);
  const top = toEntityUid({ type: bottom.type, id: 'g0' });
  measurements.push({
    id: 'adversarial/deep-1000/store',
    title: 'entity store, 1,000-deep group chain',
    values: {
      'build from JSON': wallCpu(deep.ms, deep.cpu_ms),
      'retained memory (ancestor sets are per entity: O(depth²))': fmtBytes(deep.bytes),
      'isIn(agent, top of chain) per call': fmtNs(nsPerCall(() => deep.value.isIn(agent, top), 1)),
      'isIn(agent, bottom group) per call': fmtNs(nsPerCall(() => deep.value.isIn(agent, bottom), 1)),
      build_ms: round(deep.ms),
      bytes: deep.bytes,
    },
  });
  return { sides, measurements };
}

export async function batch(lab: Lab, size: number): Promise<SideBySide> {
  const { cfg } = lab;
  cfg.log(`batch: ${size} requests per batch, 100 policies × 1k entities`);
  const c = lab.compiled(100, 1000, poolSize(cfg, 100));
  const { store } = lab.store(1000);
  const authz = new Authorizer({ policies: c.policySet, entities: store });
  const prep = prepareRequests(c.workload.requests, c.cedarId);
  const cedar = engines.cedarStateful();
  const batches = 8;
  const mBatches: (typeof prep.mandate)[] = [];
  const cBatches: (typeof prep.cedarStateful)[] = [];
  const n = prep.mandate.length;
  for (let b = 0; b < batches; b++) {
    const idx = Array.from({ length: size }, (_, i) => (b * 37 + i) % n);
    mBatches.push(idx.map((i) => prep.mandate[i] as (typeof prep.mandate)[number]));
    cBatches.push(idx.map((i) => prep.cedarStateful[i] as (typeof prep.cedarStateful)[number]));
  }
  let agreeAllow = 0;
  for (let b = 0; b < batches; b++) {
    const ms = (mBatches[b] ?? []).map((q) => verdictOfMandate(authz.authorize(q)).decision);
    const cs = (cBatches[b] ?? []).map((q) => verdictOfAnswer(cedar(q)).decision);
    if (ms.join() !== cs.join()) throw new Error(`batch ${b}: decisions differ between mandate and cedar-wasm`);
    agreeAllow += ms.filter((d) => d === 'allow').length;
  }
  const mFn = (qs: typeof prep.mandate) => {
    let allow = 0;
    for (const q of qs) if (authz.authorize(q).decision === 'allow') allow++;
    return allow;
  };
  const cFn = (qs: typeof prep.cedarStateful) => {
    let allow = 0;
    for (const q of qs) {
      const a = cedar(q);
      if (a.type === 'success' && a.response.decision === 'allow') allow++;
    }
    return allow;
  };
  const stats = await compare(
    [
      contender({ name: 'mandate', fn: mFn, inputs: mBatches, budget: { ...cfg.fast, minSamples: 200 }, mitata: true }),
      contender({ name: 'cedar-wasm', fn: cFn, inputs: cBatches, budget: { ...cfg.slow, minSamples: 10 } }),
    ],
    cfg.rounds,
  );
  return {
    id: `batch/${size}`,
    kind: 'batch',
    title: `batch of ${size}, 100 policies × 1k entities`,
    policies: 100,
    entities: 1000,
    requests: size * batches,
    allowRate: agreeAllow / (size * batches),
    errorRate: 0,
    subject: 'mandate',
    reference: 'cedar-wasm',
    engines: stats,
    ratio: ratioOf(stats, 'mandate', 'cedar-wasm'),
    notes: ['latencies are per batch; neither engine has a batch API, so a batch is a loop of single decisions'],
  };
}

function nsPerCall(fn: () => unknown, callsPerRun: number): number {
  return medianNsPer(fn, callsPerRun);
}

/** Wall-clock ms with the process CPU ms beside it (the better estimate on a loaded machine). */
function wallCpu(wall: number, cpu: number): string {
  return `${fmtMs(wall)} (cpu ${fmtMs(cpu)})`;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export type { AuthorizationCall };
