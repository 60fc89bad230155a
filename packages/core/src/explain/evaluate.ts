/**
 * @module explain/evaluate
 * A tree-walking evaluator over the IR that records what every node came to. It owns no
 * Cedar semantics: `&&`, `||`, `!` and `if` use the runtime's `asBool` (their short-circuit
 * structure is what a trace must show), and every other node is evaluated by compiling that
 * one node with its operands replaced by the literal values they came to and running it — so
 * each step is, by construction, exactly what the compiled policy does.
 *
 * Operands are evaluated left to right and the first error stops the node, as in the
 * compiled closures (which evaluate `f(a(env), b(env))`).
 */
import type { EvalEnv } from '../compile/env.js';
import { compileExpression } from '../compile/expression.js';
import { asBool } from '../compile/runtime.js';
import { childNodes, type Node } from '../ir/nodes.js';
import type { Value } from '../values/value.js';

/** What a node came to: a value, or what its evaluation threw. */
export type Result = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly error: unknown };

export interface Trace {
  readonly node: Node;
  readonly result: Result;
  /** Whether the error (if any) arose in this node rather than in an operand. */
  readonly origin: boolean;
  /** The operands' traces by position (see {@link childNodes}); undefined: not evaluated. */
  readonly children: readonly (Trace | undefined)[];
}

/** The node with its operands replaced (same positions as {@link childNodes}). */
function withOperands(n: Node, ops: readonly Node[]): Node {
  const [a, b] = ops as [Node, Node];
  switch (n.k) {
    case 'lit':
    case 'var':
    case 'slot':
      return n;
    case 'not':
    case 'neg':
    case 'isEmpty':
      return { k: n.k, a };
    case 'get':
    case 'has':
      return { k: n.k, a, attr: n.attr };
    case 'like':
      return { k: 'like', a, pattern: n.pattern };
    case 'is':
      return { k: 'is', a, type: n.type };
    case 'bin':
      return { k: 'bin', op: n.op, a, b };
    case 'and':
    case 'or':
      return { k: n.k, a, b };
    case 'if':
      return { k: 'if', c: a, t: b, e: ops[2] as Node };
    case 'set':
      return { k: 'set', items: ops };
    case 'record':
      return { k: 'record', entries: n.entries.map(([key], i) => [key, ops[i] as Node] as const) };
    case 'ext':
      return { k: 'ext', fn: n.fn, args: ops };
  }
}

const ok = (node: Node, children: readonly (Trace | undefined)[], value: Value): Trace => ({
  node,
  result: { ok: true, value },
  origin: false,
  children,
});
const failed = (node: Node, children: readonly (Trace | undefined)[], error: unknown, origin: boolean): Trace => ({
  node,
  result: { ok: false, error },
  origin,
  children,
});

/** Evaluate `node` in `env`, recording every node reached. Never throws for Cedar errors. */
export function trace(node: Node, env: EvalEnv): Trace {
  switch (node.k) {
    case 'and':
    case 'or': {
      const a = trace(node.a, env);
      if (!a.result.ok) return failed(node, [a, undefined], a.result.error, false);
      let left: boolean;
      try {
        left = asBool(a.result.value);
      } catch (e) {
        return failed(node, [a, undefined], e, true);
      }
      // `false && …` and `true || …` never look at the right operand.
      if (node.k === 'and' ? !left : left) return ok(node, [a, undefined], left);
      const b = trace(node.b, env);
      if (!b.result.ok) return failed(node, [a, b], b.result.error, false);
      try {
        return ok(node, [a, b], asBool(b.result.value));
      } catch (e) {
        return failed(node, [a, b], e, true);
      }
    }
    case 'if': {
      const c = trace(node.c, env);
      if (!c.result.ok) return failed(node, [c, undefined, undefined], c.result.error, false);
      let test: boolean;
      try {
        test = asBool(c.result.value);
      } catch (e) {
        return failed(node, [c, undefined, undefined], e, true);
      }
      const branch = trace(test ? node.t : node.e, env);
      const children = test ? [c, branch, undefined] : [c, undefined, branch];
      return branch.result.ok
        ? ok(node, children, branch.result.value)
        : failed(node, children, branch.result.error, false);
    }
    case 'lit':
      return ok(node, [], node.v);
    default: {
      const ops = childNodes(node);
      const children: (Trace | undefined)[] = ops.map(() => undefined);
      const values: Node[] = [];
      for (let i = 0; i < ops.length; i++) {
        const t = trace(ops[i] as Node, env);
        children[i] = t;
        if (!t.result.ok) return failed(node, children, t.result.error, false);
        values.push({ k: 'lit', v: t.result.value });
      }
      try {
        return ok(node, children, compileExpression(withOperands(node, values))(env));
      } catch (e) {
        return failed(node, children, e, true);
      }
    }
  }
}
