/**
 * @module ir/lower
 * EST (Cedar's JSON policy format, as cedar-wasm produces it) → IR.
 *
 * The input has already been accepted by Cedar's parser, so lowering only has to be faithful,
 * not forgiving; anything it does not recognise is refused with a {@link PolicyError} of kind
 * `unsupported` rather than guessed at. Nesting is bounded so that a pathological policy is
 * a clear error, not a stack overflow.
 */
import type { PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyError } from '../errors.js';
import { constructExtensionValue, EXTENSION_FUNCTIONS } from '../extensions/index.js';
import { EvaluationError } from '../values/errors.js';
import { CedarRecord, CedarSet, EntityUID, type Value } from '../values/value.js';
import type {
  ActionConstraint,
  HeadConstraint,
  LikePattern,
  Node,
  PolicyIR,
  ScopeTarget,
  SlotName,
  Var,
} from './nodes.js';

/**
 * Deepest expression nesting the compiler accepts. Cedar's parser takes deeper `||`/`&&` chains
 * (cedar-wasm's evaluator overflows its stack at a few hundred); beyond this bound the policy is
 * refused with a clear error rather than risking the JS stack at decision time.
 */
export const MAX_EXPRESSION_DEPTH = 1000;

type Json = unknown;
const isObj = (x: Json): x is Record<string, Json> => x !== null && typeof x === 'object' && !Array.isArray(x);
const own = (o: Record<string, Json>, k: string): Json => (Object.hasOwn(o, k) ? o[k] : undefined);

class Lowering {
  constructor(readonly policyId: string) {}

  fail(message: string): never {
    throw new PolicyError('unsupported', `policy \`${this.policyId}\`: ${message}`, { policyId: this.policyId });
  }

  uid(x: Json): EntityUID {
    const e = isObj(x) && isObj(own(x, '__entity')) ? (own(x, '__entity') as Record<string, Json>) : x;
    if (!isObj(e) || typeof own(e, 'type') !== 'string' || typeof own(e, 'id') !== 'string') {
      return this.fail(`expected an entity reference, got \`${JSON.stringify(x)}\``);
    }
    return new EntityUID(own(e, 'type') as string, own(e, 'id') as string);
  }

  /** A literal in an EST `Value` node. */
  literal(x: Json, depth: number): Value {
    if (depth > MAX_EXPRESSION_DEPTH) this.fail('literal nested too deeply');
    switch (typeof x) {
      case 'boolean':
      case 'string':
        return x;
      case 'bigint':
        return x;
      case 'number':
        if (!Number.isSafeInteger(x)) this.fail(`integer literal \`${x}\` is not exact`);
        return BigInt(x);
    }
    if (Array.isArray(x)) return CedarSet.of(x.map((y) => this.literal(y, depth + 1)));
    if (isObj(x)) {
      const keys = Object.keys(x);
      if (keys.length === 1 && keys[0] === '__entity') return this.uid(x);
      if (keys.length === 1 && keys[0] === '__extn') {
        const ext = own(x, '__extn');
        if (isObj(ext) && typeof own(ext, 'fn') === 'string' && typeof own(ext, 'arg') === 'string') {
          try {
            return constructExtensionValue(own(ext, 'fn') as string, own(ext, 'arg') as string);
          } catch (e) {
            if (e instanceof EvaluationError) this.fail(e.message);
            throw e;
          }
        }
        this.fail(`malformed extension literal \`${JSON.stringify(x)}\``);
      }
      return new CedarRecord(new Map(keys.map((k) => [k, this.literal(x[k], depth + 1)] as const)));
    }
    return this.fail(`unsupported literal \`${String(x)}\``);
  }

  expr(x: Json, depth: number): Node {
    if (depth > MAX_EXPRESSION_DEPTH) this.fail(`expression nested deeper than ${MAX_EXPRESSION_DEPTH}`);
    if (!isObj(x)) return this.fail(`malformed expression \`${JSON.stringify(x)}\``);
    const keys = Object.keys(x);
    if (keys.length !== 1) return this.fail(`malformed expression with keys ${keys.join(', ')}`);
    const key = keys[0] as string;
    const body = x[key];
    const d = depth + 1;
    const un = (k: 'not' | 'neg' | 'isEmpty'): Node => {
      if (!isObj(body)) this.fail(`malformed \`${key}\``);
      return { k, a: this.expr(own(body, 'arg'), d) };
    };
    const two = (): [Node, Node] => {
      if (!isObj(body)) this.fail(`malformed \`${key}\``);
      return [this.expr(own(body, 'left'), d), this.expr(own(body, 'right'), d)];
    };
    switch (key) {
      case 'Value':
        return { k: 'lit', v: this.literal(body, d) };
      case 'Var':
        if (body === 'principal' || body === 'action' || body === 'resource' || body === 'context') {
          return { k: 'var', name: body as Var };
        }
        return this.fail(`unknown variable \`${String(body)}\``);
      case 'Slot':
        if (body === '?principal' || body === '?resource') return { k: 'slot', name: body };
        return this.fail(`unknown slot \`${String(body)}\``);
      case '!':
        return un('not');
      case 'neg':
        return un('neg');
      case 'isEmpty':
        return un('isEmpty');
      case '&&':
      case '||': {
        const [a, b] = two();
        return { k: key === '&&' ? 'and' : 'or', a, b };
      }
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '+':
      case '-':
      case '*':
      case 'in':
      case 'contains':
      case 'containsAll':
      case 'containsAny':
      case 'getTag':
      case 'hasTag': {
        const [a, b] = two();
        return { k: 'bin', op: key, a, b };
      }
      case '.': {
        if (!isObj(body) || typeof own(body, 'attr') !== 'string') return this.fail('malformed attribute access');
        return { k: 'get', a: this.expr(own(body, 'left'), d), attr: own(body, 'attr') as string };
      }
      case 'has': {
        if (!isObj(body)) return this.fail('malformed `has`');
        const attr = own(body, 'attr');
        const path = typeof attr === 'string' ? [attr] : attr;
        if (!Array.isArray(path) || path.length === 0 || !path.every((p) => typeof p === 'string')) {
          return this.fail('malformed `has` attribute path');
        }
        // `e has a.b.c` is `e has a && e.a has b && e.a.b has c` (Cedar's desugaring).
        let base = this.expr(own(body, 'left'), d);
        let out: Node | undefined;
        for (const p of path as string[]) {
          const test: Node = { k: 'has', a: base, attr: p };
          out = out === undefined ? test : { k: 'and', a: out, b: test };
          base = { k: 'get', a: base, attr: p };
        }
        return out as Node;
      }
      case 'like': {
        if (!isObj(body) || !Array.isArray(own(body, 'pattern'))) return this.fail('malformed `like`');
        return { k: 'like', a: this.expr(own(body, 'left'), d), pattern: this.pattern(own(body, 'pattern') as Json[]) };
      }
      case 'is': {
        if (!isObj(body) || typeof own(body, 'entity_type') !== 'string') return this.fail('malformed `is`');
        const a = this.expr(own(body, 'left'), d);
        const test: Node = { k: 'is', a, type: own(body, 'entity_type') as string };
        const inner = own(body, 'in');
        if (inner === undefined) return test;
        return { k: 'and', a: test, b: { k: 'bin', op: 'in', a, b: this.expr(inner, d) } };
      }
      case 'if-then-else': {
        if (!isObj(body)) return this.fail('malformed `if`');
        return {
          k: 'if',
          c: this.expr(own(body, 'if'), d),
          t: this.expr(own(body, 'then'), d),
          e: this.expr(own(body, 'else'), d),
        };
      }
      case 'Set':
        if (!Array.isArray(body)) return this.fail('malformed set literal');
        return { k: 'set', items: body.map((y) => this.expr(y, d)) };
      case 'Record': {
        if (!isObj(body)) return this.fail('malformed record literal');
        return { k: 'record', entries: Object.keys(body).map((k) => [k, this.expr(body[k], d)] as const) };
      }
      default: {
        const fn = EXTENSION_FUNCTIONS.get(key);
        if (fn === undefined || !Array.isArray(body)) return this.fail(`unknown function or operator \`${key}\``);
        // A wrong argument count parses in Cedar and errors when evaluated; the compiler
        // keeps it for the closure to raise.
        return { k: 'ext', fn: key, args: body.map((y) => this.expr(y, d)) };
      }
    }
  }

  pattern(elems: readonly Json[]): LikePattern {
    const segments: string[] = [''];
    for (const e of elems) {
      if (e === 'Wildcard') segments.push('');
      else if (isObj(e) && typeof own(e, 'Literal') === 'string') {
        segments[segments.length - 1] += own(e, 'Literal') as string;
      } else this.fail(`malformed pattern element \`${JSON.stringify(e)}\``);
    }
    return { segments };
  }

  target(c: Record<string, Json>): ScopeTarget {
    const slot = own(c, 'slot');
    if (slot !== undefined) {
      if (slot !== '?principal' && slot !== '?resource') this.fail(`unknown slot \`${String(slot)}\``);
      return { slot: slot as SlotName };
    }
    return { uid: this.uid(own(c, 'entity')) };
  }

  head(c: Json): HeadConstraint {
    if (!isObj(c)) return this.fail('malformed scope constraint');
    switch (own(c, 'op')) {
      case 'All':
        return { op: 'any' };
      case '==':
        return { op: '==', target: this.target(c) };
      case 'in':
        return { op: 'in', target: this.target(c) };
      case 'is': {
        const type = own(c, 'entity_type');
        if (typeof type !== 'string') return this.fail('malformed `is` constraint');
        const inner = own(c, 'in');
        if (inner === undefined) return { op: 'is', type };
        if (!isObj(inner)) return this.fail('malformed `is … in` constraint');
        return { op: 'is', type, in: this.target(inner) };
      }
      default:
        return this.fail(`unknown scope operator \`${String(own(c, 'op'))}\``);
    }
  }

  action(c: Json): ActionConstraint {
    if (!isObj(c)) return this.fail('malformed action constraint');
    switch (own(c, 'op')) {
      case 'All':
        return { op: 'any' };
      case '==':
        return { op: '==', uid: this.uid(own(c, 'entity')) };
      case 'in': {
        const list = own(c, 'entities');
        if (Array.isArray(list)) return { op: 'in', uids: list.map((u) => this.uid(u)) };
        return { op: 'in', uids: [this.uid(own(c, 'entity'))] };
      }
      default:
        return this.fail(`unknown action scope operator \`${String(own(c, 'op'))}\``);
    }
  }
}

/** Lower one parsed policy (or template) to IR. */
export function lowerPolicy(id: string, est: PolicyJson, isTemplate: boolean): PolicyIR {
  const l = new Lowering(id);
  const raw = est as unknown as Record<string, Json>;
  const effect = own(raw, 'effect');
  if (effect !== 'permit' && effect !== 'forbid') return l.fail(`unknown effect \`${String(effect)}\``);
  const annotations: Record<string, string> = Object.create(null);
  const ann = own(raw, 'annotations');
  if (isObj(ann)) {
    // `@name` without a value means the empty string in Cedar.
    for (const k of Object.keys(ann)) annotations[k] = typeof ann[k] === 'string' ? (ann[k] as string) : '';
  }
  const conditions = own(raw, 'conditions');
  if (!Array.isArray(conditions)) return l.fail('malformed conditions');
  return {
    id,
    effect,
    annotations: Object.freeze(annotations),
    est,
    isTemplate,
    scope: {
      principal: l.head(own(raw, 'principal')),
      action: l.action(own(raw, 'action')),
      resource: l.head(own(raw, 'resource')),
    },
    conditions: conditions.map((c: Json) => {
      if (!isObj(c) || (own(c, 'kind') !== 'when' && own(c, 'kind') !== 'unless')) return l.fail('malformed condition');
      return { kind: own(c, 'kind') as 'when' | 'unless', body: l.expr(own(c, 'body'), 0) };
    }),
  };
}
