/**
 * @module bench/coldstart
 * Cold start in fresh processes: `import` of the engine to its first decision.
 *
 * Mandate is measured as it ships: packages/core/src is bundled with esbuild into one ESM
 * file the way tsup builds dist (cedar-wasm external), under bench/results/.cold/, so the
 * numbers do not depend on whether dist is up to date and carry no tsx transpile cost. The
 * child process imports it, builds an `Authorizer` from Cedar text (this loads cedar-wasm to
 * parse) and decides one request. cedar-wasm is measured the same way: require, preparse,
 * first `statefulIsAuthorized`. Also reported: an empty `node` process, as the floor.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Workload } from './workload.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const coldDir = join(benchDir, 'results', '.cold');

export async function bundleCore(): Promise<string> {
  mkdirSync(coldDir, { recursive: true });
  const outfile = join(coldDir, 'mandate-core.mjs');
  await build({
    entryPoints: [join(benchDir, '..', 'packages', 'core', 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    external: ['@cedar-policy/cedar-wasm', '@cedar-policy/cedar-wasm/*'],
    logLevel: 'error',
  });
  return outfile;
}

const MANDATE_CHILD = `
import { readFileSync } from 'node:fs';
const input = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
const t0 = performance.now();
const m = await import(process.env.MANDATE_CORE_URL);
const t1 = performance.now();
const authz = new m.Authorizer({ policies: input.policies, entities: input.entities });
const t2 = performance.now();
const d = authz.authorize(input.request);
const t3 = performance.now();
process.stdout.write(JSON.stringify({ import_ms: t1 - t0, authorizer_ms: t2 - t1, first_decision_ms: t3 - t2,
  import_to_decision_ms: t3 - t0, process_to_decision_ms: t3, decision: d.decision }));
`;

/** From a bundle: no Cedar text parsed; reports whether cedar-wasm was loaded at all. */
const BUNDLE_CHILD = `
import { readFileSync } from 'node:fs';
const input = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
const bundle = readFileSync(process.env.BENCH_BUNDLE, 'utf8');
const t0 = performance.now();
const m = await import(process.env.MANDATE_CORE_URL);
const t1 = performance.now();
const { policySet } = m.readBundle(bundle);
const tb = performance.now();
// BENCH_SLICE: only the request's entities (its principal, action, resource and ancestors).
const authz = new m.Authorizer({ policies: policySet, entities: process.env.BENCH_SLICE ? input.slice : input.entities });
const t2 = performance.now();
const d = authz.authorize(input.request);
const t3 = performance.now();
process.stdout.write(JSON.stringify({ import_ms: t1 - t0, read_bundle_ms: tb - t1, authorizer_ms: t2 - t1, first_decision_ms: t3 - t2,
  import_to_decision_ms: t3 - t0, after_import_ms: t3 - t1, process_to_decision_ms: t3, decision: d.decision, wasm_loaded: m.isCedarWasmLoaded() }));
`;

const CEDAR_CHILD = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const input = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
const t0 = performance.now();
const cedar = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs');
const t1 = performance.now();
const r = cedar.preparsePolicySet('p', { staticPolicies: input.policies });
if (r.type !== 'success') throw new Error('preparse failed');
const t2 = performance.now();
const q = input.request;
const a = cedar.statefulIsAuthorized({ ...q, preparsedPolicySetId: 'p', entities: input.slice });
const t3 = performance.now();
process.stdout.write(JSON.stringify({ import_ms: t1 - t0, authorizer_ms: t2 - t1, first_decision_ms: t3 - t2,
  import_to_decision_ms: t3 - t0, process_to_decision_ms: t3, decision: a.type === 'success' ? a.response.decision : 'failure' }));
`;

export interface ColdStart {
  readonly import_ms: number;
  readonly authorizer_ms: number;
  readonly first_decision_ms: number;
  readonly import_to_decision_ms: number;
  readonly process_to_decision_ms: number;
  readonly wall_ms: number;
  readonly decision: string;
}

function runChild(file: string, env: Record<string, string>): ColdStart {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [file], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cold start child ${file} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<ColdStart, 'wall_ms'>), wall_ms: wall };
}

function range(xs: readonly number[]): readonly [number, number] {
  return [Math.min(...xs), Math.max(...xs)];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

function medianOf(runs: ColdStart[]): ColdStart {
  const key = <K extends keyof ColdStart>(k: K) => median(runs.map((r) => r[k] as number));
  return {
    import_ms: key('import_ms'),
    authorizer_ms: key('authorizer_ms'),
    first_decision_ms: key('first_decision_ms'),
    import_to_decision_ms: key('import_to_decision_ms'),
    process_to_decision_ms: key('process_to_decision_ms'),
    wall_ms: key('wall_ms'),
    decision: (runs[0] as ColdStart).decision,
  };
}

export async function coldStart(
  w: Workload,
  runs: number,
  bundleText: string,
): Promise<{
  mandate: ColdStart;
  fromBundle: ColdStart & {
    wasm_loaded: boolean;
    read_bundle_ms: number;
    after_import_ms: number;
    /** Fastest and slowest run of `after_import_ms`: fresh processes vary (scavenges, a busy core). */
    after_import_range_ms: readonly [number, number];
  };
  /** From a bundle with only the request's entity slice: import → first decision, minus the import. */
  fromBundleSliceAfterImportMs: number;
  fromBundleSliceAfterImportRangeMs: readonly [number, number];
  cedar: ColdStart;
  emptyNodeMs: number;
}> {
  const core = await bundleCore();
  const mandateFile = join(coldDir, 'child-mandate.mjs');
  const bundleFile = join(coldDir, 'child-bundle.mjs');
  const cedarFile = join(coldDir, 'child-cedar.mjs');
  const policyBundle = join(coldDir, 'policies.bundle.json');
  writeFileSync(mandateFile, MANDATE_CHILD);
  writeFileSync(bundleFile, BUNDLE_CHILD);
  writeFileSync(cedarFile, CEDAR_CHILD);
  writeFileSync(policyBundle, bundleText);
  const q = w.requests[0];
  if (q === undefined) throw new Error('cold start: workload has no request');
  const request = { principal: q.principal, action: q.action, resource: q.resource, context: q.context };
  const inputFile = join(coldDir, 'input.json');
  writeFileSync(inputFile, JSON.stringify({ policies: w.policies, entities: w.entities, request, slice: q.slice }));
  const env = { MANDATE_CORE_URL: pathToFileURL(core).href, BENCH_INPUT: inputFile, BENCH_BUNDLE: policyBundle };
  const m: ColdStart[] = [];
  const b: ColdStart[] = [];
  const bs: number[] = [];
  let wasmLoaded = false;
  const c: ColdStart[] = [];
  const e: number[] = [];
  for (let i = 0; i < runs; i++) {
    m.push(runChild(mandateFile, env));
    const fromBundle = runChild(bundleFile, env) as ColdStart & { wasm_loaded?: boolean };
    wasmLoaded ||= fromBundle.wasm_loaded === true;
    b.push(fromBundle);
    const sliced = runChild(bundleFile, { ...env, BENCH_SLICE: '1' }) as ColdStart & { after_import_ms: number };
    bs.push(sliced.after_import_ms);
    c.push(runChild(cedarFile, env));
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    e.push(performance.now() - t0);
  }
  return {
    mandate: medianOf(m),
    fromBundle: {
      ...medianOf(b),
      read_bundle_ms: median(b.map((x) => (x as ColdStart & { read_bundle_ms: number }).read_bundle_ms)),
      after_import_ms: median(b.map((x) => (x as ColdStart & { after_import_ms: number }).after_import_ms)),
      after_import_range_ms: range(b.map((x) => (x as ColdStart & { after_import_ms: number }).after_import_ms)),
      wasm_loaded: wasmLoaded,
    },
    fromBundleSliceAfterImportMs: median(bs),
    fromBundleSliceAfterImportRangeMs: range(bs),
    cedar: medianOf(c),
    emptyNodeMs: median(e),
  };
}

const COMPILE_CHILD = `
import { readFileSync } from 'node:fs';
const text = readFileSync(process.env.BENCH_INPUT, 'utf8');
const m = await import(process.env.MANDATE_CORE_URL);
const t0 = performance.now();
const ps = m.PolicySet.compile(text);
const t1 = performance.now();
process.stdout.write(JSON.stringify({ ms: t1 - t0, size: ps.size }));
`;

export interface FreshCompile {
  readonly ok: boolean;
  readonly ms: number | null;
  readonly outcome: string;
}

/**
 * `PolicySet.compile(text)` in a fresh process with the given node flags (none: V8's
 * defaults, as an application would run). Reports a crash instead of throwing.
 */
export async function compileInFreshProcess(text: string, nodeFlags: readonly string[]): Promise<FreshCompile> {
  const core = await bundleCore();
  const file = join(coldDir, 'child-compile.mjs');
  const inputFile = join(coldDir, 'policies.cedar');
  writeFileSync(file, COMPILE_CHILD);
  writeFileSync(inputFile, text);
  const r = spawnSync(process.execPath, [...nodeFlags, file], {
    env: { ...process.env, MANDATE_CORE_URL: pathToFileURL(core).href, BENCH_INPUT: inputFile },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status === 0) {
    const out = JSON.parse(r.stdout) as { ms: number; size: number };
    return { ok: true, ms: out.ms, outcome: `ok (${out.size} policies)` };
  }
  const fatal = /Fatal error[^\n]*\n#\s*([^\n]+)/.exec(r.stderr ?? '');
  return {
    ok: false,
    ms: null,
    outcome: `process died (${r.signal ?? `exit ${r.status}`})${fatal ? `: V8 fatal error "${(fatal[1] as string).trim()}"` : ''}`,
  };
}
