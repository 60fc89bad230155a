/**
 * @module bench/main
 * `pnpm bench`: Mandate's hot path side by side with cedar-wasm, in one process, on the same
 * requests, checked for identical decisions before anything is timed. See bench/README.md.
 *
 *   pnpm bench                      quick mode (default; under 3 minutes on a 2-core machine)
 *   pnpm bench -- --full            the whole grid (policies 10…10k × entities 10…100k)
 *   pnpm bench -- --json FILE       also write the machine-readable summary to FILE
 *   pnpm bench -- --only decide,compile   run only some sections
 *   pnpm bench -- --only ops        what @mandate/ops's DecisionPoint (log, shadow) adds to a decision
 *   pnpm bench -- --seed 7          another deterministic workload
 *
 * Runs TypeScript sources through tsx with the `mandate-source` condition, so Mandate is measured from
 * packages/core/src with no build step. Needs `--expose-gc` (memory deltas),
 * `--no-turbo-inline-js-wasm-calls` (see README: a V8 11.3 crash when compiling ~10k policies)
 * and `--conditions=mandate-source`; when started without them it restarts itself with them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  boundaryCost,
  boundaryFloor,
  cacheKeyCost,
  candidatesByAction,
  indexKeyCost,
  valueMemory,
} from './src/diagnostics.js';
import { calibrateTimer, hasGc, referenceLoopNs, timerOverhead } from './src/measure.js';
import { opsOverhead } from './src/ops.js';
import {
  detailTable,
  fmtMs,
  fmtNs,
  fmtRatio,
  type Measurement,
  machine,
  measurementJson,
  measurementTable,
  type Overhead,
  overheadTable,
  type SideBySide,
  type Summary,
  sideBySideTable,
  type TargetCheck,
  targetTable,
} from './src/report.js';
import {
  adversarial,
  batch,
  type Config,
  coldStartMeasurement,
  compileMeasurements,
  decideGrid,
  entityMeasurements,
  freshCompile,
  Lab,
  poolSize,
  schemaGrid,
  statelessGrid,
  updateMeasurements,
} from './src/scenarios.js';
import { fmtCount } from './src/workload.js';

const REQUIRED_FLAGS = ['--expose-gc', '--no-turbo-inline-js-wasm-calls', '--conditions=mandate-source'];
const SECTIONS = [
  'entities',
  'update',
  'compile',
  'decide',
  'schema',
  'stateless',
  'adversarial',
  'batch',
  'ops',
  'coldstart',
  'diagnostics',
] as const;
type Section = (typeof SECTIONS)[number];

const HELP = `mandate bench — Mandate vs cedar-wasm, side by side

  pnpm bench [-- options]

  --quick          quick mode (default): a subset of the grid, about 3 minutes
  --full           full mode: policies 10/100/1k/10k × entities 10/1k/100k, more samples
  --json FILE      write the JSON summary to FILE (always also bench/results/latest.json)
  --only LIST      comma-separated sections: ${SECTIONS.join(', ')}
  --seed N         workload seed (default 1)
  --help           this text
`;

interface Args {
  mode: 'quick' | 'full';
  json: string | undefined;
  only: Set<Section>;
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'quick', json: undefined, only: new Set(SECTIONS), seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--') continue;
    else if (a === '--quick') args.mode = 'quick';
    else if (a === '--full') args.mode = 'full';
    else if (a === '--json') args.json = value();
    else if (a.startsWith('--json=')) args.json = a.slice(7);
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--only') {
      const list = value().split(',').filter(Boolean);
      for (const s of list) if (!(SECTIONS as readonly string[]).includes(s)) fail(`unknown section \`${s}\``);
      args.only = new Set(list as Section[]);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else fail(`unknown option \`${a}\``);
  }
  if (!Number.isInteger(args.seed)) fail('--seed must be an integer');
  return args;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${HELP}`);
  process.exit(2);
}

/** The commit measured, and how many files of packages/core/src (and packages/ops/src, for `ops`) were uncommitted. */
function gitState(withOps: boolean): Record<string, unknown> {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const count = (dir: string) => {
    const changed = git('status', '--porcelain', '--', dir);
    return changed ? changed.split('\n').length : 0;
  };
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    coreSrcUncommitted: count('packages/core/src'),
    ...(withOps ? { opsSrcUncommitted: count('packages/ops/src') } : {}),
  };
}

function relaunchWithFlags(): void {
  const missing = REQUIRED_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missing.length === 0 && hasGc()) return;
  const r = spawnSync(
    process.execPath,
    [...missing, ...process.execArgv, process.argv[1] as string, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

function config(args: Args, log: (s: string) => void): Config {
  const full = args.mode === 'full';
  const grid: [number, number][] = full
    ? [10, 100, 1000, 10000].flatMap((p) => [10, 1000, 100000].map((e) => [p, e] as [number, number]))
    : [
        [10, 1000],
        [100, 1000],
        [1000, 1000],
        [10, 100000],
        [10000, 100000],
      ];
  return {
    mode: args.mode,
    seed: args.seed,
    rounds: full ? 4 : 2,
    fast: {
      ms: full ? 2000 : 500,
      minSamples: 5000,
      maxSamples: full ? 3_000_000 : 1_000_000,
      warmupMs: full ? 300 : 150,
    },
    slow: { ms: full ? 4000 : 1200, minSamples: 30, maxSamples: 200_000, warmupMs: 0 },
    grid,
    schemaGrid: full
      ? [
          [10, 1000],
          [1000, 1000],
          [10, 100000],
        ]
      : [[10, 1000]],
    stateless: full ? [10, 100, 1000] : [10, 100],
    compile: [1000, 10000],
    entityScale: 100000,
    coldRuns: full ? 9 : 7,
    freshCompileRuns: full ? 5 : 1,
    log,
  };
}

function num(m: Measurement | undefined, key: string): number | undefined {
  const v = m?.values[key];
  return typeof v === 'number' ? v : undefined;
}

/** The smaller of wall-clock and CPU time: the best estimate of the unloaded time on a shared machine. */
function best(m: Measurement | undefined, key: string): number | undefined {
  const wall = num(m, `${key}_ms`);
  const cpu = num(m, `${key}_cpu_ms`);
  if (wall === undefined) return cpu;
  return cpu === undefined ? wall : Math.min(wall, cpu);
}

function evaluateTargets(sides: readonly SideBySide[], ms: readonly Measurement[]): TargetCheck[] {
  const side = (id: string) => sides.find((s) => s.id === id);
  const meas = (id: string) => ms.find((m) => m.id === id);
  const out: TargetCheck[] = [];
  const check = (target: string, value: number | undefined, ok: (v: number) => boolean, show: (v: number) => string) =>
    out.push(
      value === undefined || Number.isNaN(value)
        ? { target, measured: 'not measured in this run', met: null }
        : { target, measured: show(value), met: ok(value) },
    );
  const small = side('decide/10x1k');
  const big = side('decide/10kx100k');
  const bigBase = side('decide/10x100k');
  check('10 pol / 1k ent: p50 ≤ 500 ns', small?.engines.mandate?.p50_ns, (v) => v <= 500, fmtNs);
  check('10 pol / 1k ent: p99 ≤ 3 µs', small?.engines.mandate?.p99_ns, (v) => v <= 3000, fmtNs);
  check('10 pol / 1k ent: ≥ 500× cedar-wasm stateful (p50)', small?.ratio.p50, (v) => v >= 500, fmtRatio);
  check('10k pol / 100k ent: p50 ≤ 5 µs', big?.engines.mandate?.p50_ns, (v) => v <= 5000, fmtNs);
  check('10k pol / 100k ent: p99 ≤ 50 µs', big?.engines.mandate?.p99_ns, (v) => v <= 50000, fmtNs);
  check(
    'p50 at 10k policies ≤ 10× p50 at 10 (100k ent)',
    big && bigBase
      ? (big.engines.mandate?.p50_ns ?? Number.NaN) / (bigBase.engines.mandate?.p50_ns ?? Number.NaN)
      : undefined,
    (v) => v <= 10,
    fmtRatio,
  );
  check(
    'compile 10k policies ≤ 1 s beyond cedar-wasm parse',
    best(meas('compile/10k'), 'beyond_parse'),
    (v) => v <= 1000,
    fmtMs,
  );
  check(
    'first decision from a bundle ≤ 10 ms after import (1k entities JSON)',
    num(meas('coldstart/10x1k'), 'mandate_bundle_after_import_ms'),
    (v) => v <= 10,
    fmtMs,
  );
  check(
    "first decision from a bundle ≤ 10 ms after import (the request's entities)",
    num(meas('coldstart/10x1k'), 'mandate_bundle_slice_after_import_ms'),
    (v) => v <= 10,
    fmtMs,
  );
  const stateless = sides.filter((s) => s.kind === 'stateless');
  check(
    'drop-in isAuthorized ≥ 20× cedar-wasm isAuthorized (p50, worst case)',
    stateless.length ? Math.min(...stateless.map((s) => s.ratio.p50)) : undefined,
    (v) => v >= 20,
    fmtRatio,
  );
  check('100k entities build ≤ 0.5 s', best(meas('entities/100k'), 'build'), (v) => v <= 500, fmtMs);
  check(
    '100k entities ≤ 1 KB each',
    num(meas('entities/100k'), 'bytes_per_entity'),
    (v) => v <= 1024,
    (v) => `${v} B`,
  );
  const u100k = best(meas('update/100k'), 'leaf_update');
  const u1k = best(meas('update/1k'), 'leaf_update');
  check(
    'update of one entity does not rebuild the store (cost ratio 100k vs 1k store ≪ 100)',
    u100k !== undefined && u1k !== undefined ? u100k / Math.max(u1k, 1e-3) : undefined,
    (v) => v < 10,
    (v) => `${fmtRatio(v)} (${fmtMs(u100k ?? 0)} vs ${fmtMs(u1k ?? 0)})`,
  );
  return out;
}

async function main(): Promise<void> {
  relaunchWithFlags();
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
  const cfg = config(args, log);
  const meta: Record<string, unknown> = {
    date: new Date().toISOString(),
    mode: args.mode,
    seed: args.seed,
    ...machine(),
    nodeFlags: process.execArgv,
    mandate:
      'packages/core/src through tsx (--conditions=mandate-source); cold start and fresh-process compile use an esbuild bundle of the same sources',
    cedarWasm: '@cedar-policy/cedar-wasm 4.13.0 (nodejs build)',
  };
  if (args.only.has('ops'))
    meta.ops =
      'packages/ops/src imported by path through tsx (not a bench dependency); its @mandate/core is the same source';
  meta.git = gitState(args.only.has('ops'));
  const overhead = calibrateTimer();
  meta.timerOverheadNs = Math.round(overhead * 10) / 10;
  meta.referenceLoopNs = Math.round(referenceLoopNs() * 10) / 10;
  log(`${args.mode} mode, seed ${args.seed}; timer overhead ${timerOverhead().toFixed(1)} ns subtracted per sample`);
  const la = loadavg()[0] ?? 0;
  if (la > 1.5)
    log(`warning: load average ${la.toFixed(2)} on ${machine().cores} cores — other processes will add noise`);

  const lab = new Lab(cfg);
  lab.warmUp();
  const sides: SideBySide[] = [];
  const overheads: Overhead[] = [];
  const measurements: Measurement[] = [];
  const on = (s: Section) => args.only.has(s);

  if (on('entities')) measurements.push(entityMeasurements(lab, cfg.entityScale));
  if (on('update')) {
    measurements.push(updateMeasurements(lab, 1000));
    measurements.push(updateMeasurements(lab, cfg.entityScale));
  }
  if (on('compile')) {
    const cells = cfg.compile.map((p) => [p, p >= 10000 ? cfg.entityScale : 1000] as const);
    measurements.push(...compileMeasurements(lab, cells));
    if (cfg.freshCompileRuns > 0) measurements.push(await freshCompile(lab, 10000, cfg.entityScale));
  }
  if (on('decide')) sides.push(...(await decideGrid(lab)));
  if (on('schema')) sides.push(...(await schemaGrid(lab)));
  if (on('stateless')) sides.push(...(await statelessGrid(lab)));
  if (on('adversarial')) {
    const r = await adversarial(lab);
    sides.push(...r.sides);
    measurements.push(...r.measurements);
  }
  if (on('batch')) sides.push(await batch(lab, 100));
  if (on('ops')) overheads.push(await opsOverhead(lab, 10, 1000));
  if (on('coldstart')) measurements.push(await coldStartMeasurement(lab));
  if (on('diagnostics')) {
    log('diagnostics');
    const boundary = boundaryCost(sides);
    if (boundary) measurements.push(boundary);
    measurements.push(boundaryFloor(lab, sides));
    measurements.push(indexKeyCost(lab));
    for (const [p, e] of cfg.grid) {
      if (p >= 1000 && lab.hasCompiled(p, e, poolSize(cfg, p))) {
        measurements.push(candidatesByAction(lab, p, e, poolSize(cfg, p)));
      }
    }
    measurements.push(valueMemory());
    measurements.push(cacheKeyCost(lab));
  }

  const targets = evaluateTargets(sides, measurements);
  meta.loadavgAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  meta.durationS = Math.round((performance.now() - started) / 100) / 10;
  const summary: Summary = {
    meta,
    sideBySide: sides,
    overheads,
    measurements: measurements.map(measurementJson),
    targets,
  };

  const out = process.stdout;
  out.write(`\nMandate vs cedar-wasm — ${args.mode} mode, seed ${args.seed}\n`);
  out.write(
    `${meta.cpu} × ${meta.cores}, ${meta.node} (V8 ${meta.v8}), load ${JSON.stringify(meta.loadavgAtStart)} → ${JSON.stringify(meta.loadavgAtEnd)}, ${meta.durationS} s, git ${JSON.stringify(meta.git)}\n`,
  );
  out.write(
    `reference loop (Map.get of a stored string key): ${meta.referenceLoopNs} ns/op — compare across runs: a higher figure means a busier machine\n\n`,
  );
  if (sides.length) {
    out.write('Decisions (per call; ratio = cedar-wasm ÷ Mandate, higher is better for Mandate)\n\n');
    out.write(`${sideBySideTable(sides)}\n\n`);
    out.write('All engines and percentiles\n\n');
    out.write(`${detailTable(sides)}\n\n`);
  }
  if (overheads.length) {
    out.write('DecisionPoint on the deciding call (ops; + = variant − baseline, × = variant ÷ baseline)\n\n');
    out.write(`${overheadTable(overheads)}\n\n`);
  }
  if (measurements.length) out.write(`${measurementTable(measurements)}\n\n`);
  out.write(`${targetTable(targets)}\n`);

  const benchDir = dirname(fileURLToPath(import.meta.url));
  const latest = join(benchDir, 'results', 'latest.json');
  mkdirSync(dirname(latest), { recursive: true });
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  writeFileSync(latest, text);
  if (args.json !== undefined) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), args.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    out.write(`\nJSON summary: ${file}\n`);
  } else out.write(`\nJSON summary: ${latest}\n`);
  out.write(
    `${sides.length} side-by-side scenarios, ${overheads.length} overhead comparisons, ${measurements.length} measurements, all decisions agreed\n`,
  );
  log(`done in ${fmtCount(Math.round((performance.now() - started) / 1000))} s`);
}

main().catch((e: unknown) => {
  process.stderr.write(`\nbench: FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
