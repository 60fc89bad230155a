/**
 * @module compile/expression
 * IR → closures. Each node becomes one small function; the common shapes of agent policies
 * (`principal.attr`, `context.x == "lit"`, `resource in Group::"g"`) get specialised closures
 * so that a decision is a handful of calls with no allocation. Constant sub-expressions
 * (literal sets, extension constructors on literal strings) are evaluated once, here — and if
 * such a constant errors, the closure raises that same error when (and only if) it is reached.
 */
import { EXTENSION_FUNCTIONS } from '../extensions/index.js';
import type { Node } from '../ir/nodes.js';
import { EvaluationError } from '../values/errors.js';
import { CedarRecord, CedarSet, EntityUID, type Value, valueEquals } from '../values/value.js';
import type { EvalEnv, Evaluator } from './env.js';
import { compileLike } from './like.js';
import * as rt from './runtime.js';

/** The value of a node if it is a constant that evaluates without error. */
function constantOf(node: Node, ev: Evaluator): { value: Value } | undefined {
  if (!isConstant(node)) return undefined;
  try {
    return { value: ev(undefined as unknown as EvalEnv) };
  } catch {
    return undefined;
  }
}

function isConstant(node: Node): boolean {
  switch (node.k) {
    case 'lit':
      return true;
    case 'set':
      return node.items.every(isConstant);
    case 'record':
      return node.entries.every(([, n]) => isConstant(n));
    case 'ext':
      return node.args.every(isConstant);
    case 'neg':
      return isConstant(node.a);
    default:
      return false;
  }
}

export function compileExpression(node: Node): Evaluator {
  const ev = compileNode(node);
  // Fold constants once; a constant that errors keeps its closure so the error is raised lazily.
  const c = constantOf(node, ev);
  if (c !== undefined && node.k !== 'lit') {
    const v = c.value;
    return () => v;
  }
  return ev;
}

function compileNode(node: Node): Evaluator {
  switch (node.k) {
    case 'lit': {
      const v = node.v;
      return () => v;
    }
    case 'var':
      switch (node.name) {
        case 'principal':
          return (env) => env.principal;
        case 'action':
          return (env) => env.action;
        case 'resource':
          return (env) => env.resource;
        case 'context':
          return (env) => env.context;
      }
      break;
    case 'slot':
      return () => {
        throw new EvaluationError('type', `template slot \`${node.name}\` is not linked`);
      };
    case 'not': {
      const a = compileExpression(node.a);
      return (env) => !rt.asBool(a(env));
    }
    case 'neg': {
      const a = compileExpression(node.a);
      return (env) => rt.neg(a(env));
    }
    case 'isEmpty': {
      const a = compileExpression(node.a);
      return (env) => rt.asSet(a(env)).size === 0;
    }
    case 'and': {
      const a = compileExpression(node.a);
      const b = compileExpression(node.b);
      return (env) => rt.asBool(a(env)) && rt.asBool(b(env));
    }
    case 'or': {
      const a = compileExpression(node.a);
      const b = compileExpression(node.b);
      return (env) => rt.asBool(a(env)) || rt.asBool(b(env));
    }
    case 'if': {
      const c = compileExpression(node.c);
      const t = compileExpression(node.t);
      const e = compileExpression(node.e);
      return (env) => (rt.asBool(c(env)) ? t(env) : e(env));
    }
    case 'get':
      return compileGet(node.a, node.attr);
    case 'has': {
      const a = compileExpression(node.a);
      const attr = node.attr;
      return (env) => rt.hasAttr(env, a(env), attr);
    }
    case 'like': {
      const a = compileExpression(node.a);
      const m = compileLike(node.pattern);
      return (env) => m(rt.asString(a(env)));
    }
    case 'is': {
      const a = compileExpression(node.a);
      const type = node.type;
      return (env) => rt.asEntity(a(env)).type === type;
    }
    case 'set': {
      const items = node.items.map(compileExpression);
      return (env) => CedarSet.of(items.map((f) => f(env)));
    }
    case 'record': {
      const entries = node.entries.map(([k, n]) => [k, compileExpression(n)] as const);
      return (env) => new CedarRecord(new Map(entries.map(([k, f]) => [k, f(env)] as const)));
    }
    case 'ext':
      return compileExt(node.fn, node.args);
    case 'bin':
      return compileBinary(node);
  }
  throw new Error(`unreachable: unknown IR node ${(node as Node).k}`);
}

function compileGet(target: Node, attr: string): Evaluator {
  if (target.k === 'var' && target.name === 'context') {
    return (env) => {
      const x = env.context.get(attr);
      if (x === undefined) {
        throw new EvaluationError('missing-attribute', `record does not have the attribute \`${attr}\``);
      }
      return x;
    };
  }
  const a = compileExpression(target);
  return (env) => rt.getAttr(env, a(env), attr);
}

function compileExt(fnName: string, argNodes: readonly Node[]): Evaluator {
  const fn = EXTENSION_FUNCTIONS.get(fnName);
  if (fn === undefined) {
    return () => {
      throw new EvaluationError('extension', `unknown extension function \`${fnName}\``);
    };
  }
  const args = argNodes.map(compileExpression);
  if (args.length !== fn.arity) {
    const message = `wrong number of arguments provided to extension function \`${fnName}\`: expected ${fn.arity}, got ${args.length}`;
    return (env) => {
      for (const a of args) a(env); // arguments are evaluated first, and may error first
      throw new EvaluationError('extension', message);
    };
  }
  if (args.length === 1) {
    const [a] = args as [Evaluator];
    return (env) => fn.call([a(env)]);
  }
  if (args.length === 2) {
    const [a, b] = args as [Evaluator, Evaluator];
    return (env) => fn.call([a(env), b(env)]);
  }
  return (env) => fn.call(args.map((f) => f(env)));
}

function compileBinary(node: Extract<Node, { k: 'bin' }>): Evaluator {
  const a = compileExpression(node.a);
  const b = compileExpression(node.b);
  switch (node.op) {
    case '==':
    case '!=': {
      const negate = node.op === '!=';
      const lit = node.b.k === 'lit' ? node.b.v : node.a.k === 'lit' ? node.a.v : undefined;
      const other = node.b.k === 'lit' ? a : b;
      if (lit !== undefined && typeof lit !== 'object') {
        // primitives: `===` is Cedar equality (bigint compares by value)
        return negate ? (env) => other(env) !== lit : (env) => other(env) === lit;
      }
      if (lit instanceof EntityUID) {
        const key = lit.key;
        return negate
          ? (env) => {
              const x = other(env);
              return !(x instanceof EntityUID && x.key === key);
            }
          : (env) => {
              const x = other(env);
              return x instanceof EntityUID && x.key === key;
            };
      }
      return negate ? (env) => !valueEquals(a(env), b(env)) : (env) => valueEquals(a(env), b(env));
    }
    case '<':
      return (env) => rt.compare(a(env), b(env)) < 0;
    case '<=':
      return (env) => rt.compare(a(env), b(env)) <= 0;
    case '>':
      return (env) => rt.compare(a(env), b(env)) > 0;
    case '>=':
      return (env) => rt.compare(a(env), b(env)) >= 0;
    case '+':
      return (env) => rt.add(a(env), b(env));
    case '-':
      return (env) => rt.sub(a(env), b(env));
    case '*':
      return (env) => rt.mul(a(env), b(env));
    case 'in':
      if (node.b.k === 'lit' && node.b.v instanceof EntityUID) {
        const target = node.b.v;
        return (env) => env.entities.isIn(rt.asEntity(a(env)), target);
      }
      return (env) => rt.isIn(env, a(env), b(env));
    case 'contains':
      return (env) => rt.contains(a(env), b(env));
    case 'containsAll':
      return (env) => rt.containsAll(a(env), b(env));
    case 'containsAny':
      return (env) => rt.containsAny(a(env), b(env));
    case 'getTag':
      return (env) => rt.getTag(env, a(env), b(env));
    case 'hasTag':
      return (env) => rt.hasTag(env, a(env), b(env));
  }
}
