/**
 * @module explain/explain
 * `explain(authorizer, request)`: the decision `authorize` makes, replayed step by step over
 * every policy — each scope constraint, each clause, each sub-expression — with the values
 * that decided it.
 *
 * Nothing here re-implements Cedar. Scope constraints are matched by compiling each one alone
 * (the compiler's own matchers); expressions are traced by `explain/evaluate`, which runs the
 * compiler's closures node by node; the decision rules are `decideDetailed` itself, fed with
 * each policy's traced outcome. And since an explanation that disagreed with the decision
 * would be a security defect, `explain` also asks `authorize` and throws an
 * {@link ExplainError} if the two differ in anything (decision, reasons, errors, failure).
 */
import type { AuthorizationRequest, Authorizer, Decision } from '../authorizer/authorizer.js';
import { decideDetailed } from '../authorizer/decide.js';
import type { EvalEnv } from '../compile/env.js';
import type { CompiledPolicy } from '../compile/policy.js';
import { compilePolicy } from '../compile/policy.js';
import type { PolicySet } from '../compile/policy-set.js';
import { asBool } from '../compile/runtime.js';
import { messageOf } from '../errors.js';
import {
  childNodes,
  type HeadConstraint,
  type Node,
  type PolicyIR,
  type ScopeTarget,
  type SlotName,
} from '../ir/nodes.js';
import { EvaluationError } from '../values/errors.js';
import { valueToCedar } from '../values/value.js';
import { type Trace, trace } from './evaluate.js';
import { printAction, printExpr, printHead } from './print.js';
import { policySources } from './source.js';
import {
  type ConditionExplanation,
  ExplainError,
  type Explanation,
  type ExprExplanation,
  type PolicyExplanation,
  type ScopeConstraintExplanation,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Expressions

const OPS: Readonly<Record<Node['k'], string>> = {
  lit: 'literal',
  var: 'var',
  slot: 'slot',
  not: '!',
  neg: 'neg',
  isEmpty: 'isEmpty',
  and: '&&',
  or: '||',
  if: 'if',
  get: '.',
  has: 'has',
  like: 'like',
  is: 'is',
  set: 'set',
  record: 'record',
  ext: 'ext',
  bin: 'bin',
};

function opOf(n: Node): string {
  if (n.k === 'bin') return n.op;
  if (n.k === 'ext') return n.fn;
  return OPS[n.k];
}

const isStructural = (n: Node): boolean => n.k === 'and' || n.k === 'or' || n.k === 'not' || n.k === 'if';

/** The operands of a `&&` or `||` chain, flattened, each with its trace (undefined: not reached). */
function chainOperands(n: Node, t: Trace | undefined, out: [Node, Trace | undefined][]): void {
  if (n.k !== 'and' && n.k !== 'or') throw new Error('unreachable: not a chain');
  const [a, b] = [n.a, n.b];
  const [ta, tb] = [t?.children[0], t?.children[1]];
  if (a.k === n.k) chainOperands(a, ta, out);
  else out.push([a, ta]);
  if (b.k === n.k) chainOperands(b, tb, out);
  else out.push([b, tb]);
}

/**
 * A node's explanation from its trace (undefined: not evaluated). `expand`: show its operands
 * (chains, `!` and `if` always show theirs, recursively).
 */
function build(n: Node, t: Trace | undefined, path: string, predicate: boolean, expand: boolean): ExprExplanation {
  let children: ExprExplanation[] = [];
  if (n.k === 'and' || n.k === 'or') {
    const ops: [Node, Trace | undefined][] = [];
    chainOperands(n, t, ops);
    children = ops.map(([c, ct], i) => build(c, ct, `${path}.${i}`, true, true));
  } else if (n.k === 'not') {
    children = [build(n.a, t?.children[0], `${path}.0`, true, true)];
  } else if (n.k === 'if') {
    children = [
      build(n.c, t?.children[0], `${path}.0`, true, true),
      build(n.t, t?.children[1], `${path}.1`, predicate, true),
      build(n.e, t?.children[2], `${path}.2`, predicate, true),
    ];
  } else if (expand) {
    // One level of operands: the values a comparison was made on, not how each was reached.
    children = childNodes(n).map((c, i) => build(c, t?.children[i], `${path}.${i}`, false, isStructural(c)));
  }
  const base = { path, text: printExpr(n), op: opOf(n), predicate, children };
  if (t === undefined) return { ...base, outcome: 'skipped' };
  if (!t.result.ok) return { ...base, outcome: 'error', error: errorMessage(t.result.error), errorOrigin: t.origin };
  const v = t.result.value;
  return { ...base, outcome: v === true ? 'true' : v === false ? 'false' : 'value', value: valueToCedar(v) };
}

/** The message `authorize` reports for what a policy's evaluation threw (see `authorizer/decide`). */
function errorMessage(e: unknown): string {
  if (e instanceof EvaluationError) return e.message;
  if (e instanceof RangeError) return `evaluation exceeded a limit: ${e.message}`;
  return `internal error: ${messageOf(e)}`;
}

// ---------------------------------------------------------------------------------------------
// Scope

interface ScopeMatchers {
  readonly principal: (env: EvalEnv) => boolean;
  readonly action: (env: EvalEnv) => boolean;
  readonly resource: (env: EvalEnv) => boolean;
}

const scopeMatchers = new WeakMap<CompiledPolicy, ScopeMatchers>();

/** Each scope constraint compiled alone, by the compiler itself, so that matching is its own. */
function matchersOf(p: CompiledPolicy): ScopeMatchers {
  let m = scopeMatchers.get(p);
  if (m === undefined) {
    const only = (scope: PolicyIR['scope']) =>
      compilePolicy({
        id: p.id,
        effect: p.effect,
        annotations: p.annotations,
        scope,
        conditions: [],
        isTemplate: false,
        est: {} as PolicyIR['est'],
      }).matchesScope;
    const any = { op: 'any' } as const;
    m = {
      principal: only({ principal: p.scope.principal, action: any, resource: any }),
      action: only({ principal: any, action: p.scope.action, resource: any }),
      resource: only({ principal: any, action: any, resource: p.scope.resource }),
    };
    scopeMatchers.set(p, m);
  }
  return m;
}

function headOp(c: HeadConstraint): ScopeConstraintExplanation['op'] {
  return c.op === 'is' && c.in !== undefined ? 'is-in' : c.op;
}

/** The slot a template's head constraint takes its entity from, if any. */
function slotOf(c: HeadConstraint | undefined): SlotName | undefined {
  if (c === undefined) return undefined;
  const target: ScopeTarget | undefined = c.op === '==' || c.op === 'in' ? c.target : c.op === 'is' ? c.in : undefined;
  return target !== undefined && 'slot' in target ? target.slot : undefined;
}

function scopeOf(
  p: CompiledPolicy,
  template: PolicyIR | undefined,
  env: EvalEnv | undefined,
): PolicyExplanation['scope'] {
  const m = env === undefined ? undefined : matchersOf(p);
  const head = (variable: 'principal' | 'resource'): ScopeConstraintExplanation => {
    const c = p.scope[variable];
    const slot = slotOf(template?.scope[variable]);
    return {
      variable,
      op: headOp(c),
      text: printHead(variable, c),
      ...(slot === undefined ? {} : { slot }),
      ...(env === undefined || m === undefined ? {} : { value: env[variable].key, matched: m[variable](env) }),
    };
  };
  const principal = head('principal');
  const resource = head('resource');
  const action: ScopeConstraintExplanation = {
    variable: 'action',
    op: p.scope.action.op,
    text: printAction(p.scope.action),
    ...(env === undefined || m === undefined ? {} : { value: env.action.key, matched: m.action(env) }),
  };
  if (env === undefined) return { principal, action, resource };
  return { principal, action, resource, matched: p.matchesScope(env) };
}

// ---------------------------------------------------------------------------------------------
// Policies

interface Replay {
  readonly explanation: Omit<PolicyExplanation, 'determining' | 'outcome' | 'error'>;
  readonly scopeMatched: boolean;
  /** What evaluating the clauses threw, if anything. */
  readonly thrown?: { readonly error: unknown };
  readonly satisfied: boolean;
}

function replayPolicy(p: CompiledPolicy, set: PolicySet, env: EvalEnv | undefined): Replay {
  const template = p.templateId === undefined ? undefined : set.templates.get(p.templateId);
  const source = policySources(set).get(p.templateId ?? p.id);
  const scope = scopeOf(p, template, env);
  const parts = [scope.principal, scope.action, scope.resource];
  if (scope.matched !== undefined && scope.matched !== parts.every((c) => c.matched)) {
    throw new ExplainError(
      'inconsistent',
      `policy \`${p.id}\`: the scope constraints matched one by one disagree with the whole scope`,
    );
  }
  const scopeMatched = scope.matched === true;
  const conditions: ConditionExplanation[] = [];
  let thrown: { error: unknown } | undefined;
  let satisfied = scopeMatched;
  p.conditions.forEach((c, index) => {
    const path = String(index);
    const reached = scopeMatched && satisfied && thrown === undefined && env !== undefined;
    if (!reached) {
      conditions.push({
        kind: c.kind,
        index,
        outcome: 'skipped',
        expression: build(c.body, undefined, path, true, true),
      });
      return;
    }
    const t = trace(c.body, env);
    const expression = build(c.body, t, path, true, true);
    if (!t.result.ok) {
      thrown = { error: t.result.error };
      conditions.push({ kind: c.kind, index, outcome: 'error', error: errorMessage(t.result.error), expression });
      return;
    }
    let value: boolean;
    try {
      // A clause body must be a boolean, as the compiled policy checks.
      value = asBool(t.result.value);
    } catch (e) {
      thrown = { error: e };
      conditions.push({ kind: c.kind, index, outcome: 'error', error: errorMessage(e), expression });
      return;
    }
    const ok = value === (c.kind === 'when');
    if (!ok) satisfied = false;
    conditions.push({ kind: c.kind, index, outcome: ok ? 'satisfied' : 'unsatisfied', expression });
  });
  return {
    explanation: {
      id: p.id,
      effect: p.effect,
      annotations: p.annotations,
      ...(p.templateId === undefined ? {} : { templateId: p.templateId }),
      ...(source === undefined ? {} : { source }),
      scope,
      conditions,
    },
    scopeMatched,
    ...(thrown === undefined ? {} : { thrown }),
    satisfied: satisfied && thrown === undefined,
  };
}

/**
 * Every policy of the authorizer's set as an explanation with nothing evaluated: the full
 * list of policies, scope constraints and clause sub-expressions (with their paths), e.g. to
 * report the ones a test suite never reached.
 */
export function policyOutline(authorizer: Authorizer): PolicyExplanation[] {
  const set = authorizer.policySet;
  return set.policies.map((p) => ({
    ...replayPolicy(p, set, undefined).explanation,
    outcome: 'skipped',
    determining: false,
  }));
}

// ---------------------------------------------------------------------------------------------
// The decision

function sameAnswer(d: Decision, e: Explanation): string | undefined {
  if (d.decision !== e.decision) return `decision \`${d.decision}\` vs \`${e.decision}\``;
  if (d.reasons.join('\0') !== e.reasons.join('\0'))
    return `reasons \`${d.reasons.join(', ')}\` vs \`${e.reasons.join(', ')}\``;
  const errs = (xs: readonly { policyId: string; message: string }[]) =>
    JSON.stringify(xs.map((x) => [x.policyId, x.message]));
  if (errs(d.errors) !== errs(e.errors)) return `errors \`${errs(d.errors)}\` vs \`${errs(e.errors)}\``;
  if (d.failure?.message !== e.failure?.message)
    return `failure \`${d.failure?.message ?? ''}\` vs \`${e.failure?.message ?? ''}\``;
  return undefined;
}

/** Why `authorizer.authorize(request)` decides as it does. Throws only {@link ExplainError} (a defect). */
export function explain(authorizer: Authorizer, request: AuthorizationRequest): Explanation {
  const explanation = replay(authorizer, request);
  const actual = authorizer.authorize(request);
  const diff = sameAnswer(actual, explanation);
  if (diff !== undefined) {
    throw new ExplainError('inconsistent', `the explanation disagrees with the decision: ${diff}`);
  }
  return explanation;
}

function replay(authorizer: Authorizer, request: AuthorizationRequest): Explanation {
  const set = authorizer.policySet;
  let env: EvalEnv;
  try {
    env = authorizer.requestEnv(request);
  } catch (e) {
    return {
      decision: 'deny',
      reasons: [],
      errors: [],
      determining: [],
      failure: { message: messageOf(e) },
      policies: policyOutline(authorizer),
    };
  }
  const replays = set.policies.map((p) => replayPolicy(p, set, env));
  // Cedar's decision rules, not a copy of them: each policy stands in with its traced outcome.
  const standIns: CompiledPolicy[] = set.policies.map((p, i) => {
    const r = replays[i] as Replay;
    return {
      ...p,
      matchesScope: () => r.scopeMatched,
      satisfiesConditions: () => {
        if (r.thrown !== undefined) throw r.thrown.error;
        return r.satisfied;
      },
    };
  });
  const d = decideDetailed(standIns, env, authorizer.failClosedMode);
  const determining = new Set(d.determining.map((p) => p.id));
  const errorsById = new Map(d.errors.map((e) => [e.policyId, e.message]));
  const policies: PolicyExplanation[] = replays.map((r) => {
    const id = r.explanation.id;
    const error = errorsById.get(id);
    const outcome = !r.scopeMatched
      ? 'not-applicable'
      : error !== undefined
        ? 'error'
        : r.satisfied
          ? 'satisfied'
          : 'unsatisfied';
    return { ...r.explanation, outcome, determining: determining.has(id), ...(error === undefined ? {} : { error }) };
  });
  return {
    decision: d.decision,
    reasons: d.determining.map((p) => p.id),
    errors: d.errors,
    determining: d.determining.map((p) => p.descriptor),
    request: {
      principal: env.principal.key,
      action: env.action.key,
      resource: env.resource.key,
      context: valueToCedar(env.context),
    },
    policies,
  };
}
