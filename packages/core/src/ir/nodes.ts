/**
 * @module ir/nodes
 * The small intermediate representation every policy is lowered to. The EST (Cedar's JSON
 * policy format) has one node per surface construct; the IR folds the scope into the
 * condition, desugars nested `has`, `is … in` and literals, and keeps only what the
 * evaluator must distinguish. The scope is also kept apart, for indexing and explanations.
 */
import type { PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { EntityUID, Value } from '../values/value.js';

export type Var = 'principal' | 'action' | 'resource' | 'context';
export type SlotName = '?principal' | '?resource';

export type BinaryOp =
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | 'in'
  | 'contains'
  | 'containsAll'
  | 'containsAny'
  | 'getTag'
  | 'hasTag';

/** A `like` pattern: literal runs separated by wildcards; `segments.length === wildcards + 1`. */
export interface LikePattern {
  readonly segments: readonly string[];
}

export type Node =
  | { readonly k: 'lit'; readonly v: Value }
  | { readonly k: 'var'; readonly name: Var }
  | { readonly k: 'slot'; readonly name: SlotName }
  | { readonly k: 'not' | 'neg' | 'isEmpty'; readonly a: Node }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly a: Node; readonly b: Node }
  | { readonly k: 'and' | 'or'; readonly a: Node; readonly b: Node }
  | { readonly k: 'if'; readonly c: Node; readonly t: Node; readonly e: Node }
  | { readonly k: 'get' | 'has'; readonly a: Node; readonly attr: string }
  | { readonly k: 'like'; readonly a: Node; readonly pattern: LikePattern }
  | { readonly k: 'is'; readonly a: Node; readonly type: string }
  | { readonly k: 'set'; readonly items: readonly Node[] }
  | { readonly k: 'record'; readonly entries: readonly (readonly [string, Node])[] }
  | { readonly k: 'ext'; readonly fn: string; readonly args: readonly Node[] };

/** An entity in a scope constraint: a literal uid or a template slot. */
export type ScopeTarget = { readonly uid: EntityUID } | { readonly slot: SlotName };

/** principal / resource constraint, normalized. */
export type HeadConstraint =
  | { readonly op: 'any' }
  | { readonly op: '=='; readonly target: ScopeTarget }
  | { readonly op: 'in'; readonly target: ScopeTarget }
  | { readonly op: 'is'; readonly type: string; readonly in?: ScopeTarget };

export type ActionConstraint =
  | { readonly op: 'any' }
  | { readonly op: '=='; readonly uid: EntityUID }
  | { readonly op: 'in'; readonly uids: readonly EntityUID[] };

export interface PolicyScope {
  readonly principal: HeadConstraint;
  readonly action: ActionConstraint;
  readonly resource: HeadConstraint;
}

export interface PolicyIR {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly annotations: Readonly<Record<string, string>>;
  readonly scope: PolicyScope;
  /** The `when`/`unless` clauses, in order; `unless` bodies are negated (`!body`). */
  readonly conditions: readonly { readonly kind: 'when' | 'unless'; readonly body: Node }[];
  readonly isTemplate: boolean;
  /** The policy in Cedar's JSON format, as lowered (kept for bundles). */
  readonly est: PolicyJson;
}

/** A node's operands, in evaluation order. */
export function childNodes(n: Node): readonly Node[] {
  switch (n.k) {
    case 'lit':
    case 'var':
    case 'slot':
      return [];
    case 'not':
    case 'neg':
    case 'isEmpty':
    case 'get':
    case 'has':
    case 'like':
    case 'is':
      return [n.a];
    case 'bin':
    case 'and':
    case 'or':
      return [n.a, n.b];
    case 'if':
      return [n.c, n.t, n.e];
    case 'set':
      return n.items;
    case 'record':
      return n.entries.map(([, v]) => v);
    case 'ext':
      return n.args;
  }
}
