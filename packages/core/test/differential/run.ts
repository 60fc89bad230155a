/**
 * @module differential/run
 * Standalone differential runner for long runs, with progress: the same property as
 * `differential.test.ts`, in chunks of fresh seeds, optionally over several processes, and it
 * keeps going after a mismatch (each one shrunk and printed) so one run yields a list.
 *
 *   npx tsx packages/core/test/differential/run.ts --runs 1000000 --workers 2
 *
 * Options (environment variables in brackets):
 *   --runs N          cases in total [MANDATE_DIFF_RUNS], default 1,000,000
 *   --seed S          base seed; chunk i uses S + i [MANDATE_DIFF_SEED], default random
 *   --chunk N         cases per seed, default 2,000
 *   --workers N       processes, default 1 (use 2 on 2 cores)
 *   --engine E        auto | mandate | wasm | path [MANDATE_DIFF_ENGINE]
 *   --api A           isAuthorized (default) | authorizer: the drop-in, or the main API
 *                     (`Authorizer`, seen through the same call/answer shapes)
 *   --no-schema       schemaless calls only [MANDATE_DIFF_SCHEMA=0]
 *   --no-mutations    no malformed inputs [MANDATE_DIFF_MUTATIONS=0]
 *   --max-failures N  stop after N mismatches, default 20
 *   --stop            stop at the first mismatch
 * Ends with `N passed, N failed` (cases); exit status 1 when any case differed. A chunk stops
 * at its first mismatch (fast-check shrinks that one), so the rest of that chunk's cases are
 * not run and not counted: a run with mismatches counts fewer than `--runs` cases.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { callArbitrary } from './arbitraries.js';
import {
  authorizerAsIsAuthorized,
  difference,
  formatCase,
  judge,
  loadEngine,
  type Outcome,
  OutcomeTally,
  oracle,
  toVerdict,
} from './harness.js';

interface Options {
  runs: number;
  seed: number;
  chunk: number;
  workers: number;
  engine: string;
  api: 'isAuthorized' | 'authorizer';
  schema: boolean;
  mutations: boolean;
  maxFailures: number;
  stop: boolean;
  /** Set in child processes: this worker's index. */
  worker: number | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = {
    runs: Number(process.env.MANDATE_DIFF_RUNS ?? 1_000_000),
    seed:
      process.env.MANDATE_DIFF_SEED === undefined
        ? Math.floor(Math.random() * 2 ** 31)
        : Number(process.env.MANDATE_DIFF_SEED),
    chunk: 2000,
    workers: 1,
    engine: process.env.MANDATE_DIFF_ENGINE ?? 'auto',
    api: 'isAuthorized',
    schema: process.env.MANDATE_DIFF_SCHEMA !== '0',
    mutations: process.env.MANDATE_DIFF_MUTATIONS !== '0',
    maxFailures: 20,
    stop: false,
    worker: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`missing value after \`${a}\``);
      return v;
    };
    if (a === '--runs') opts.runs = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--chunk') opts.chunk = Number(next());
    else if (a === '--workers') opts.workers = Number(next());
    else if (a === '--engine') opts.engine = next();
    else if (a === '--api') {
      const v = next();
      if (v !== 'isAuthorized' && v !== 'authorizer')
        throw new Error(`--api takes \`isAuthorized\` or \`authorizer\`, not \`${v}\``);
      opts.api = v;
    } else if (a === '--no-schema') opts.schema = false;
    else if (a === '--no-mutations') opts.mutations = false;
    else if (a === '--max-failures') opts.maxFailures = Number(next());
    else if (a === '--stop') opts.stop = true;
    else if (a === '--worker') opts.worker = Number(next());
    else throw new Error(`unknown option \`${a}\``);
  }
  return opts;
}

/** Messages from a worker to the parent. */
type Report =
  | { kind: 'progress'; cases: number; outcomes: Array<[Outcome, number]> }
  | { kind: 'mismatch'; text: string }
  | { kind: 'done' };

async function runWorker(opts: Options, index: number, send: (r: Report) => void): Promise<void> {
  const engine = await loadEngine(opts.engine);
  let decide = engine.isAuthorized;
  if (opts.api === 'authorizer') {
    if (engine.Authorizer === undefined) throw new Error(`engine \`${engine.name}\` has no Authorizer`);
    decide = authorizerAsIsAuthorized(engine.Authorizer, engine.PolicySet);
  }
  const arb = callArbitrary({ schema: opts.schema, mutations: opts.mutations });
  let mismatches = 0;
  // Chunks are dealt round-robin to the workers: chunk c uses seed + c.
  const chunks = Math.ceil(opts.runs / opts.chunk);
  for (let c = index; c < chunks; c += opts.workers) {
    const tally = new OutcomeTally();
    const numRuns = Math.min(opts.chunk, opts.runs - c * opts.chunk);
    const property = fc.property(arb, (call: AuthorizationCall) => {
      const expected = toVerdict(oracle(call));
      tally.add(expected);
      const actual = judge(decide, call);
      const diff = difference(expected, actual);
      if (diff !== undefined) throw new Error(`${diff}\n${formatCase(call, expected, actual, engine.name)}`);
    });
    const seed = (opts.seed + c) | 0;
    const out = fc.check(property, { numRuns, seed });
    if (out.failed) {
      mismatches++;
      const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
      send({
        kind: 'mismatch',
        text: `seed ${seed}, path ${out.counterexamplePath}, shrunk ${out.numShrinks} times\n${cause}`,
      });
      if (opts.stop || mismatches >= opts.maxFailures) break;
    }
    // Shrinking re-runs the property: count only the cases of the chunk proper.
    send({ kind: 'progress', cases: out.failed ? out.numRuns : numRuns, outcomes: [...tally.counts] });
  }
  send({ kind: 'done' });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.worker !== undefined) {
    const send = (r: Report) => process.send?.(r);
    await runWorker(opts, opts.worker, send);
    return;
  }

  const started = performance.now();
  const total = new OutcomeTally();
  let cases = 0;
  let failures = 0;
  let lastPrint = 0;
  const onReport = (r: Report) => {
    if (r.kind === 'mismatch') {
      failures++;
      console.log(`\n=== MISMATCH ${failures} ===\n${r.text}\n`);
    } else if (r.kind === 'progress') {
      cases += r.cases;
      for (const [o, n] of r.outcomes) total.counts.set(o, (total.counts.get(o) ?? 0) + n);
      total.total += r.outcomes.reduce((s, [, n]) => s + n, 0);
      const now = performance.now();
      if (now - lastPrint > 5000 || cases >= opts.runs) {
        lastPrint = now;
        const rate = cases / ((now - started) / 1000);
        const eta = (opts.runs - cases) / rate;
        console.log(
          `[${new Date().toISOString().slice(11, 19)}] ${cases}/${opts.runs} cases, ${rate.toFixed(0)}/s, ` +
            `ETA ${(eta / 60).toFixed(1)} min, ${failures} mismatches | ${total}`,
        );
      }
    }
  };

  console.log(
    `differential run: ${opts.runs} cases, base seed ${opts.seed}, ${opts.workers} worker(s), engine ${opts.engine}, api ${opts.api}` +
      `${opts.schema ? '' : ', schemaless only'}${opts.mutations ? '' : ', no malformed inputs'}`,
  );
  if (opts.workers <= 1) {
    await runWorker(opts, 0, onReport);
  } else {
    const self = fileURLToPath(import.meta.url);
    const argv = process.argv.slice(2);
    await Promise.all(
      Array.from(
        { length: opts.workers },
        (_, i) =>
          new Promise<void>((resolveWorker, reject) => {
            const child = fork(self, [...argv, '--seed', String(opts.seed), '--worker', String(i)], {
              execArgv: process.execArgv,
            });
            child.on('message', (r: Report) => onReport(r));
            child.on('error', reject);
            child.on('exit', (code) =>
              code === 0 ? resolveWorker() : reject(new Error(`worker ${i} exited with ${code}`)),
            );
          }),
      ),
    );
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`\nfinished in ${(secs / 60).toFixed(1)} min; outcomes (cedar-wasm): ${total}`);
  console.log(`${cases - failures} passed, ${failures} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
}

await main();
