/**
 * @module differential/differential.test
 * Differential property test: random policy sets, entity graphs and requests
 * (`arbitraries.ts`) judged by cedar-wasm (the oracle) and by the engine under test
 * (`harness.ts`, `MANDATE_DIFF_ENGINE`); decision, determining policies and erroring policies
 * must be equal, and where cedar-wasm answers `failure` the engine must fail too. On a
 * mismatch fast-check shrinks the case and the message shows policies, entities, request,
 * both answers and a ready-to-paste entry for `regressions.test.ts`.
 *
 *   npx vitest run packages/core/test/differential                       # 10,000 cases
 *   MANDATE_DIFF_RUNS=1000000 npx vitest run packages/core/test/differential
 *   MANDATE_DIFF_SEED=42 MANDATE_DIFF_PATH="12:3:0" …                    # replay a failure
 *   npx tsx packages/core/test/differential/run.ts --runs 1000000 --workers 2   # with progress
 *
 * Knobs: `MANDATE_DIFF_ENGINE` (auto | mandate | wasm | module path), `MANDATE_DIFF_SCHEMA=0`,
 * `MANDATE_DIFF_MUTATIONS=0` (leave out schema calls / malformed inputs while known mismatches
 * there would hide everything else). 10,000 cases take ~50 s on an idle 2-core machine.
 * Mandate's main API (`Authorizer`) is checked the same way on a fifth as many cases.
 */
import type { AuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { callArbitrary } from './arbitraries.js';
import {
  authorizerAsIsAuthorized,
  difference,
  formatCase,
  type IsAuthorized,
  judge,
  loadEngine,
  OutcomeTally,
  oracle,
  toVerdict,
} from './harness.js';

const RUNS = Number(process.env.MANDATE_DIFF_RUNS ?? 10_000);
const SEED = process.env.MANDATE_DIFF_SEED === undefined ? undefined : Number(process.env.MANDATE_DIFF_SEED);
const PATH = process.env.MANDATE_DIFF_PATH;
/**
 * `MANDATE_DIFF_SCHEMA=0` leaves out the calls with a schema (one in ten otherwise),
 * `MANDATE_DIFF_MUTATIONS=0` the malformed inputs (one in twenty schemaless calls).
 */
const ARB = callArbitrary({
  schema: process.env.MANDATE_DIFF_SCHEMA !== '0',
  mutations: process.env.MANDATE_DIFF_MUTATIONS !== '0',
});
/** Generous: ~6 ms a case for both engines on a slow core, plus time to shrink. */
const timeoutFor = (runs: number) => 120_000 + runs * 20;

const engine = await loadEngine();
const tally = new OutcomeTally();
let mainPropertyPassed = false;

/**
 * Runs the differential property; on a mismatch, throws with the shrunk case (not fast-check's
 * default report, which would print the whole call once more as one long line).
 */
function checkAgainstOracle(fn: IsAuthorized, name: string, numRuns: number, count: boolean): void {
  const property = fc.property(ARB, (call: AuthorizationCall) => {
    const expected = toVerdict(oracle(call));
    if (count) tally.add(expected);
    const actual = judge(fn, call);
    const diff = difference(expected, actual);
    if (diff !== undefined) throw new Error(`${diff}\n${formatCase(call, expected, actual, name)}`);
  });
  const out = fc.check(property, {
    numRuns,
    ...(SEED === undefined ? {} : { seed: SEED }),
    ...(PATH === undefined ? {} : { path: PATH }),
  });
  if (out.failed) {
    const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
    throw new Error(
      `${name} differs from cedar-wasm after ${out.numRuns} cases (shrunk ${out.numShrinks} times); ` +
        `replay with MANDATE_DIFF_SEED=${out.seed} MANDATE_DIFF_PATH="${out.counterexamplePath}"\n${cause}`,
    );
  }
}

describe(`differential: ${engine.name} vs cedar-wasm`, () => {
  afterAll(() => {
    if (tally.total > 0) console.log(`[differential] outcomes (cedar-wasm): ${tally}`);
  });

  test(`isAuthorized agrees with cedar-wasm on ${RUNS} random calls`, { timeout: timeoutFor(RUNS) }, () => {
    checkAgainstOracle(engine.isAuthorized, engine.name, RUNS, true);
    mainPropertyPassed = true;
  });

  const Authorizer = engine.Authorizer;
  const authorizerRuns = Math.max(1, Math.floor(RUNS / 5));
  test.skipIf(Authorizer === undefined)(
    `Authorizer agrees with cedar-wasm on ${authorizerRuns} random calls`,
    { timeout: timeoutFor(authorizerRuns) },
    () => {
      if (Authorizer === undefined) return;
      checkAgainstOracle(
        authorizerAsIsAuthorized(Authorizer, engine.PolicySet),
        `${engine.name} Authorizer`,
        authorizerRuns,
        false,
      );
    },
  );

  // Guards the generators: if most cases were trivially denied (or rejected), the property
  // above would pass while testing little. Only meaningful with enough cases.
  test.runIf(RUNS >= 2000)('generated outcomes stay balanced', (ctx) => {
    if (!mainPropertyPassed) ctx.skip('the differential run stopped early');
    expect(tally.fraction('allow', 'allow+errors')).toBeGreaterThan(0.15);
    expect(tally.fraction('deny', 'deny+errors')).toBeGreaterThan(0.3);
    expect(tally.fraction('allow+errors', 'deny+errors')).toBeGreaterThan(0.15);
    expect(tally.fraction('failure')).toBeGreaterThan(0.01);
    expect(tally.fraction('failure')).toBeLessThan(0.2);
  });
});
