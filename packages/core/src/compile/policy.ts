/**
 * @module compile/policy
 * A policy's IR → a compiled policy: a scope test and a condition, both closures. Templates
 * are linked here by substituting slot values before compilation, so a linked policy costs
 * exactly what a static one does.
 */
import { PolicyError } from '../errors.js';
import type {
  ActionConstraint,
  HeadConstraint,
  Node,
  PolicyIR,
  PolicyScope,
  ScopeTarget,
  SlotName,
} from '../ir/nodes.js';
import { EntityUID } from '../values/value.js';
import type { EvalEnv } from './env.js';
import { compileExpression } from './expression.js';
import { asBool } from './runtime.js';

export interface CompiledPolicy {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly annotations: Readonly<Record<string, string>>;
  /** The scope with template slots filled in. */
  readonly scope: PolicyScope;
  readonly conditions: PolicyIR['conditions'];
  /** For a template-linked policy, the template's id. */
  readonly templateId: string | undefined;
  /** Whether principal, action and resource satisfy the scope (never throws). */
  readonly matchesScope: (env: EvalEnv) => boolean;
  /** The `when`/`unless` clauses; throws `EvaluationError` when evaluation errors. */
  readonly satisfiesConditions: (env: EvalEnv) => boolean;
  /** `{ id, effect, annotations }`, made once, handed out with every decision it determines. */
  readonly descriptor: {
    readonly id: string;
    readonly effect: 'permit' | 'forbid';
    readonly annotations: Readonly<Record<string, string>>;
  };
}

type Slots = ReadonlyMap<SlotName, EntityUID>;

function fillTarget(t: ScopeTarget, slots: Slots, id: string): ScopeTarget {
  if ('uid' in t) return t;
  const uid = slots.get(t.slot);
  if (uid === undefined)
    throw new PolicyError('link', `policy \`${id}\`: slot \`${t.slot}\` has no value`, { policyId: id });
  return { uid };
}

function fillHead(c: HeadConstraint, slots: Slots, id: string): HeadConstraint {
  switch (c.op) {
    case 'any':
      return c;
    case '==':
    case 'in':
      return { op: c.op, target: fillTarget(c.target, slots, id) };
    case 'is':
      return c.in === undefined ? c : { op: 'is', type: c.type, in: fillTarget(c.in, slots, id) };
  }
}

function fillNode(n: Node, slots: Slots): Node {
  switch (n.k) {
    case 'slot': {
      const uid = slots.get(n.name);
      return uid === undefined ? n : { k: 'lit', v: uid };
    }
    case 'lit':
    case 'var':
      return n;
    case 'not':
    case 'neg':
    case 'isEmpty':
      return { k: n.k, a: fillNode(n.a, slots) };
    case 'bin':
      return { k: 'bin', op: n.op, a: fillNode(n.a, slots), b: fillNode(n.b, slots) };
    case 'and':
    case 'or':
      return { k: n.k, a: fillNode(n.a, slots), b: fillNode(n.b, slots) };
    case 'if':
      return { k: 'if', c: fillNode(n.c, slots), t: fillNode(n.t, slots), e: fillNode(n.e, slots) };
    case 'get':
    case 'has':
      return { k: n.k, a: fillNode(n.a, slots), attr: n.attr };
    case 'like':
      return { k: 'like', a: fillNode(n.a, slots), pattern: n.pattern };
    case 'is':
      return { k: 'is', a: fillNode(n.a, slots), type: n.type };
    case 'set':
      return { k: 'set', items: n.items.map((x) => fillNode(x, slots)) };
    case 'record':
      return { k: 'record', entries: n.entries.map(([k, x]) => [k, fillNode(x, slots)] as const) };
    case 'ext':
      return { k: 'ext', fn: n.fn, args: n.args.map((x) => fillNode(x, slots)) };
  }
}

const targetUid = (t: ScopeTarget): EntityUID => (t as { uid: EntityUID }).uid;

function headMatcher(c: HeadConstraint, pick: (env: EvalEnv) => EntityUID): (env: EvalEnv) => boolean {
  switch (c.op) {
    case 'any':
      return () => true;
    case '==': {
      const key = targetUid(c.target).key;
      return (env) => pick(env).key === key;
    }
    case 'in': {
      const uid = targetUid(c.target);
      return (env) => env.entities.isIn(pick(env), uid);
    }
    case 'is': {
      const type = c.type;
      if (c.in === undefined) return (env) => pick(env).type === type;
      const uid = targetUid(c.in);
      return (env) => {
        const e = pick(env);
        return e.type === type && env.entities.isIn(e, uid);
      };
    }
  }
}

function actionMatcher(c: ActionConstraint): (env: EvalEnv) => boolean {
  switch (c.op) {
    case 'any':
      return () => true;
    case '==': {
      const key = c.uid.key;
      return (env) => env.action.key === key;
    }
    case 'in': {
      const uids = c.uids;
      if (uids.length === 1) {
        const only = uids[0] as EntityUID;
        return (env) => env.entities.isIn(env.action, only);
      }
      return (env) => {
        for (const u of uids) if (env.entities.isIn(env.action, u)) return true;
        return false;
      };
    }
  }
}

/**
 * Compile a static policy, or link and compile a template (`slots` gives the slot values;
 * `linkId` the linked policy's id).
 */
export function compilePolicy(ir: PolicyIR, link?: { readonly id: string; readonly slots: Slots }): CompiledPolicy {
  const id = link?.id ?? ir.id;
  const slots: Slots = link?.slots ?? new Map();
  const scope: PolicyScope = {
    principal: fillHead(ir.scope.principal, slots, id),
    action: ir.scope.action,
    resource: fillHead(ir.scope.resource, slots, id),
  };
  const conditions = link ? ir.conditions.map((c) => ({ kind: c.kind, body: fillNode(c.body, slots) })) : ir.conditions;
  const p = headMatcher(scope.principal, (env) => env.principal);
  const a = actionMatcher(scope.action);
  const r = headMatcher(scope.resource, (env) => env.resource);
  const clauses = conditions.map((c) => ({ when: c.kind === 'when', f: compileExpression(c.body) }));
  let satisfiesConditions: (env: EvalEnv) => boolean;
  if (clauses.length === 0) satisfiesConditions = () => true;
  else if (clauses.length === 1) {
    const { when, f } = clauses[0] as (typeof clauses)[number];
    satisfiesConditions = when ? (env) => asBool(f(env)) : (env) => !asBool(f(env));
  } else {
    satisfiesConditions = (env) => {
      for (const c of clauses) if (asBool(c.f(env)) !== c.when) return false;
      return true;
    };
  }
  return {
    id,
    effect: ir.effect,
    annotations: ir.annotations,
    scope,
    conditions,
    templateId: link ? ir.id : undefined,
    matchesScope: (env) => p(env) && a(env) && r(env),
    satisfiesConditions,
    descriptor: Object.freeze({ id, effect: ir.effect, annotations: ir.annotations }),
  };
}

export { EntityUID };
