/**
 * @module authorizer/decide
 * Cedar's decision rules over a compiled policy set: default deny; a satisfied `forbid`
 * overrides every `permit`; a policy whose evaluation errors is skipped and reported. The
 * determining policies are the satisfied forbids when any, else the satisfied permits.
 *
 * Fail-closed (Mandate's option, off by default so results stay exactly Cedar's): an erroring
 * `forbid` — every one, or those annotated `@failClosed` — denies as if it were satisfied.
 */
import type { EvalEnv } from '../compile/env.js';
import type { CompiledPolicy } from '../compile/policy.js';
import { EvaluationError } from '../values/errors.js';

export interface AuthorizationError {
  readonly policyId: string;
  readonly message: string;
}

export interface DecisionCore {
  readonly decision: 'allow' | 'deny';
  /** Ids of the determining policies. */
  readonly reasons: string[];
  /** Policies whose evaluation errored (they were skipped). */
  readonly errors: AuthorizationError[];
}

export type FailClosedMode = 'off' | 'annotated' | 'all';

/** Annotation that makes one forbid fail closed when fail-closed mode is `annotated`. */
export const FAIL_CLOSED_ANNOTATION = 'failClosed';

function errorMessage(e: unknown): string {
  if (e instanceof EvaluationError) return e.message;
  // Not Cedar's: a defect or a resource limit. Still contained to this policy.
  if (e instanceof RangeError) return `evaluation exceeded a limit: ${e.message}`;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}

/** {@link decide}, with the determining policies themselves rather than their ids. */
export interface DetailedDecision {
  readonly decision: 'allow' | 'deny';
  readonly determining: CompiledPolicy[];
  readonly errors: AuthorizationError[];
}

/**
 * Decide over `policies`. With `scopeMatched`, their scopes are known to match the request
 * (see `PolicySet.matching`) and only their conditions are evaluated.
 */
export function decideDetailed(
  policies: readonly CompiledPolicy[],
  env: EvalEnv,
  failClosed: FailClosedMode = 'off',
  scopeMatched = false,
): DetailedDecision {
  const permits: CompiledPolicy[] = [];
  const forbids: CompiledPolicy[] = [];
  const errors: AuthorizationError[] = [];
  for (let i = 0; i < policies.length; i++) {
    const p = policies[i] as CompiledPolicy;
    let satisfied: boolean;
    try {
      satisfied = (scopeMatched || p.matchesScope(env)) && p.satisfiesConditions(env);
    } catch (e) {
      errors.push({ policyId: p.id, message: errorMessage(e) });
      if (
        p.effect === 'forbid' &&
        (failClosed === 'all' || (failClosed === 'annotated' && Object.hasOwn(p.annotations, FAIL_CLOSED_ANNOTATION)))
      ) {
        forbids.push(p);
      }
      continue;
    }
    if (satisfied) {
      if (p.effect === 'forbid') forbids.push(p);
      else permits.push(p);
    }
  }
  if (forbids.length > 0) return { decision: 'deny', determining: forbids, errors };
  if (permits.length > 0) return { decision: 'allow', determining: permits, errors };
  return { decision: 'deny', determining: permits, errors };
}

export function decide(
  policies: readonly CompiledPolicy[],
  env: EvalEnv,
  failClosed: FailClosedMode = 'off',
  scopeMatched = false,
): DecisionCore {
  const d = decideDetailed(policies, env, failClosed, scopeMatched);
  return { decision: d.decision, reasons: d.determining.map((p) => p.id), errors: d.errors };
}
