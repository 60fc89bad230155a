/**
 * @module coverage/coverage
 * Which policies, and which conditions inside them, a test run exercised. Every policy of
 * every policy set the run loaded is listed (from `policyOutline`), so what no test reached
 * shows up as well as what it did. The goals, for the percentage:
 * - each policy is satisfied ("fires") in at least one case;
 * - each predicate — a clause body and every operand of `&&`, `||`, `!` and an `if` test
 *   (`predicate` nodes of an explanation) — is seen true and seen false.
 */
import type { Explanation, ExprExplanation, PolicyExplanation } from '@mandate/core';

export interface PredicateCoverage {
  /** The node's path in its policy (see `ExprExplanation.path`). */
  readonly path: string;
  /** Cedar text of the predicate. */
  readonly text: string;
  /** For a whole clause, `when` or `unless`. */
  readonly clause?: 'when' | 'unless';
  /** How many evaluations came to true, to false, to an error. */
  readonly true: number;
  readonly false: number;
  readonly error: number;
}

export interface PolicyCoverage {
  /** The policies file (absolute path), when the set came from one. */
  readonly file?: string;
  /** 1-based line of the policy in that file, when known. */
  readonly line?: number;
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  /** Cases whose request matched the policy's scope. */
  readonly matched: number;
  readonly satisfied: number;
  readonly unsatisfied: number;
  readonly errored: number;
  /** Whether the policy was satisfied in at least one case. */
  readonly fired: boolean;
  readonly predicates: readonly PredicateCoverage[];
  /** Goals met / goals, as a percentage (0..100). */
  readonly percent: number;
}

export interface CoverageReport {
  /** Goals met over all policies, as a percentage (0..100; 100 when there is nothing to cover). */
  readonly percent: number;
  readonly goals: number;
  readonly met: number;
  readonly policies: readonly PolicyCoverage[];
}

interface PredicateTally {
  path: string;
  text: string;
  clause?: 'when' | 'unless';
  true: number;
  false: number;
  error: number;
}

interface PolicyTally {
  file?: string;
  line?: number;
  id: string;
  effect: 'permit' | 'forbid';
  matched: number;
  satisfied: number;
  unsatisfied: number;
  errored: number;
  predicates: Map<string, PredicateTally>;
}

function predicates(n: ExprExplanation, out: ExprExplanation[]): ExprExplanation[] {
  if (n.predicate) out.push(n);
  for (const c of n.children) predicates(c, out);
  return out;
}

/** Accumulates explanations into a {@link CoverageReport}. */
export class CoverageCollector {
  readonly #sets = new Map<string, PolicyTally[]>();

  /**
   * Register a policy set (its outline: every policy, nothing evaluated) under a key, e.g.
   * its file; registering the same key again changes nothing. Policies are matched by
   * position, so one file loaded with Cedar's ids and with `@id` ids counts as one set.
   */
  addPolicySet(key: string, outline: readonly PolicyExplanation[], file?: string): void {
    if (this.#sets.has(key)) return;
    const policies: PolicyTally[] = [];
    for (const p of outline) {
      const tally: PolicyTally = {
        ...(file === undefined ? {} : { file }),
        ...(p.source === undefined ? {} : { line: p.source.line }),
        id: p.id,
        effect: p.effect,
        matched: 0,
        satisfied: 0,
        unsatisfied: 0,
        errored: 0,
        predicates: new Map(),
      };
      for (const c of p.conditions) {
        for (const n of predicates(c.expression, [])) {
          tally.predicates.set(n.path, {
            path: n.path,
            text: n.text,
            ...(n.path === c.expression.path ? { clause: c.kind } : {}),
            true: 0,
            false: 0,
            error: 0,
          });
        }
      }
      policies.push(tally);
    }
    this.#sets.set(key, policies);
  }

  /** Count one explained decision against the policy set registered under `key`. */
  record(key: string, explanation: Explanation): void {
    const policies = this.#sets.get(key);
    // A set that changed since registration (e.g. linked further) is not the registered one.
    if (policies === undefined || policies.length !== explanation.policies.length) return;
    for (const [i, p] of explanation.policies.entries()) {
      const t = policies[i] as PolicyTally;
      if (p.scope.matched) t.matched++;
      if (p.outcome === 'satisfied') t.satisfied++;
      else if (p.outcome === 'unsatisfied') t.unsatisfied++;
      else if (p.outcome === 'error') t.errored++;
      for (const c of p.conditions) {
        for (const n of predicates(c.expression, [])) {
          const pt = t.predicates.get(n.path);
          if (pt === undefined) continue;
          if (n.outcome === 'true') pt.true++;
          else if (n.outcome === 'false') pt.false++;
          else if (n.outcome === 'error') pt.error++;
        }
      }
    }
  }

  report(): CoverageReport {
    let goals = 0;
    let met = 0;
    const policies: PolicyCoverage[] = [];
    for (const set of this.#sets.values()) {
      for (const t of set) {
        const preds = [...t.predicates.values()].map((p) => ({ ...p }));
        const g = 1 + 2 * preds.length;
        const m = (t.satisfied > 0 ? 1 : 0) + preds.reduce((n, p) => n + (p.true > 0 ? 1 : 0) + (p.false > 0 ? 1 : 0), 0);
        goals += g;
        met += m;
        const { predicates: _, ...rest } = t;
        policies.push({ ...rest, fired: t.satisfied > 0, predicates: preds, percent: (100 * m) / g });
      }
    }
    return { percent: goals === 0 ? 100 : (100 * met) / goals, goals, met, policies };
  }
}
