/**
 * @module explain/print
 * IR → Cedar text, for naming sub-expressions in explanations. Cedar's JSON policy format
 * carries no source spans below the policy, so each node is shown as Cedar text rendered from
 * the IR: the same expression, in canonical layout (lowering's desugarings show through:
 * `e has a.b` reads `e has a && e.a has b`, `e is T in g` reads `e is T && e in g`).
 * Parentheses follow Cedar's precedence, so the text parses back to the same tree.
 */
import { EXTENSION_FUNCTIONS } from '../extensions/index.js';
import type { ActionConstraint, HeadConstraint, LikePattern, Node, ScopeTarget } from '../ir/nodes.js';
import { quoteCedarString, valueToCedar } from '../values/value.js';

/** Binding strength, loosest first (Cedar's grammar: Expr > Or > And > Relation > Add > Mult > Unary > Member). */
const Prec = { If: 0, Or: 1, And: 2, Relation: 3, Add: 4, Mult: 5, Unary: 6, Member: 7 } as const;
type Prec = (typeof Prec)[keyof typeof Prec];

/** Words Cedar reserves; an attribute with one of these names is written `e["name"]`. */
const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', '__cedar']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPlainIdent(name: string): boolean {
  return IDENT.test(name) && !RESERVED.has(name);
}

/** A `like` pattern as Cedar text: literal `*` escaped, wildcards bare. */
export function printPattern(p: LikePattern): string {
  const body = p.segments.map((s) => quoteCedarString(s).slice(1, -1).replaceAll('*', '\\*')).join('*');
  return `"${body}"`;
}

function precOf(n: Node): Prec {
  switch (n.k) {
    case 'if':
      return Prec.If;
    case 'or':
      return Prec.Or;
    case 'and':
      return Prec.And;
    case 'has':
    case 'like':
    case 'is':
      return Prec.Relation;
    case 'bin':
      switch (n.op) {
        case '==':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
        case 'in':
          return Prec.Relation;
        case '+':
        case '-':
          return Prec.Add;
        case '*':
          return Prec.Mult;
        default:
          return Prec.Member; // method calls
      }
    case 'not':
    case 'neg':
      return Prec.Unary;
    case 'lit':
      // a negative number literal starts with `-`, so it binds like a unary minus
      return typeof n.v === 'bigint' && n.v < 0n ? Prec.Unary : Prec.Member;
    default:
      return Prec.Member;
  }
}

/** Cedar text of an expression. */
export function printExpr(n: Node): string {
  return print(n);
}

function at(n: Node, min: Prec): string {
  const s = print(n);
  return precOf(n) < min ? `(${s})` : s;
}

function print(n: Node): string {
  switch (n.k) {
    case 'lit':
      return valueToCedar(n.v);
    case 'var':
      return n.name;
    case 'slot':
      return n.name;
    case 'not':
      return `!${at(n.a, Prec.Member)}`;
    case 'neg':
      return `-${at(n.a, Prec.Member)}`;
    case 'isEmpty':
      return `${at(n.a, Prec.Member)}.isEmpty()`;
    case 'and':
      return `${at(n.a, Prec.And)} && ${at(n.b, Prec.Relation)}`;
    case 'or':
      return `${at(n.a, Prec.Or)} || ${at(n.b, Prec.And)}`;
    case 'if':
      return `if ${print(n.c)} then ${print(n.t)} else ${print(n.e)}`;
    case 'get':
      return isPlainIdent(n.attr)
        ? `${at(n.a, Prec.Member)}.${n.attr}`
        : `${at(n.a, Prec.Member)}[${quoteCedarString(n.attr)}]`;
    case 'has':
      return `${at(n.a, Prec.Add)} has ${isPlainIdent(n.attr) ? n.attr : quoteCedarString(n.attr)}`;
    case 'like':
      return `${at(n.a, Prec.Add)} like ${printPattern(n.pattern)}`;
    case 'is':
      return `${at(n.a, Prec.Add)} is ${n.type}`;
    case 'set':
      return `[${n.items.map(print).join(', ')}]`;
    case 'record':
      return `{${n.entries.map(([k, v]) => `${isPlainIdent(k) ? k : quoteCedarString(k)}: ${print(v)}`).join(', ')}}`;
    case 'ext': {
      const fn = EXTENSION_FUNCTIONS.get(n.fn);
      if (fn?.isMethod && n.args.length > 0) {
        const [recv, ...rest] = n.args as [Node, ...Node[]];
        return `${at(recv, Prec.Member)}.${n.fn}(${rest.map(print).join(', ')})`;
      }
      return `${n.fn}(${n.args.map(print).join(', ')})`;
    }
    case 'bin':
      switch (n.op) {
        case '==':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
        case 'in':
          return `${at(n.a, Prec.Add)} ${n.op} ${at(n.b, Prec.Add)}`;
        case '+':
        case '-':
          return `${at(n.a, Prec.Add)} ${n.op} ${at(n.b, Prec.Mult)}`;
        case '*':
          return `${at(n.a, Prec.Mult)} * ${at(n.b, Prec.Unary)}`;
        default:
          return `${at(n.a, Prec.Member)}.${n.op}(${print(n.b)})`;
      }
  }
}

function printTarget(t: ScopeTarget): string {
  return 'slot' in t ? t.slot : t.uid.key;
}

/** A principal or resource scope constraint as Cedar text (`principal in Group::"g"`; `principal` when unconstrained). */
export function printHead(v: 'principal' | 'resource', c: HeadConstraint): string {
  switch (c.op) {
    case 'any':
      return v;
    case '==':
    case 'in':
      return `${v} ${c.op} ${printTarget(c.target)}`;
    case 'is':
      return c.in === undefined ? `${v} is ${c.type}` : `${v} is ${c.type} in ${printTarget(c.in)}`;
  }
}

/** The action scope constraint as Cedar text. */
export function printAction(c: ActionConstraint): string {
  switch (c.op) {
    case 'any':
      return 'action';
    case '==':
      return `action == ${c.uid.key}`;
    case 'in':
      return c.uids.length === 1 ? `action in ${c.uids[0]?.key}` : `action in [${c.uids.map((u) => u.key).join(', ')}]`;
  }
}
