/**
 * @module test/semantics/semantics.test
 * The shared semantic suite: every engine × every hand-written case. On the oracle
 * (cedar-wasm) a failing case is a bug in the case; on Mandate's engines it is a bug in
 * the engine.
 */
import { describe, expect, it } from 'vitest';
import { ALL_GROUPS } from './cases/index.js';
import { loadEngines, type Outcome } from './engines.js';
import { type Expected, isFailure } from './types.js';

const engines = await loadEngines();

type Comparable = { failure: true } | { decision: string; reasons: string[]; errors: string[] };

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function comparableOutcome(o: Outcome): Comparable {
  return 'failure' in o
    ? { failure: true }
    : { decision: o.decision, reasons: sorted(o.reasons), errors: sorted(o.errors) };
}

function comparableExpected(e: Expected): Comparable {
  return isFailure(e)
    ? { failure: true }
    : { decision: e.decision, reasons: sorted(e.reasons), errors: sorted(e.errors) };
}

describe.each(engines)('$name', (engine) => {
  const { run } = engine;
  if (run === undefined) {
    // Every engine of the repo exists: a missing one is a failure, not a skip.
    it('is available', () => {
      expect.fail(`engine not available: ${engine.loadError ?? engine.skip ?? 'unknown reason'}`);
    });
    return;
  }
  describe.each(ALL_GROUPS)('$topic', ({ cases }) => {
    for (const c of cases) {
      // Not applicable, so not registered: integers beyond 2^53 on the oracle (cedar-wasm cannot
      // take them; their expectations are written from Cedar's semantics), and cedar-wasm
      // call-shape details on engines with another API.
      const inapplicable =
        (engine.isOracle && c.oracle === false) || (!engine.compatibleApi && c.compatibleApiOnly === true);
      if (inapplicable) continue;
      it(c.name, () => {
        const got = run(c);
        const detail = 'failure' in got ? `refused: ${got.failure}` : '';
        expect(comparableOutcome(got), detail).toEqual(comparableExpected(c.expect));
      });
    }
  });
});
