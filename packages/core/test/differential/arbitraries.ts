/**
 * @module differential/arbitraries
 * fast-check arbitraries for differential testing: random Cedar policy sets (generated as
 * ASTs and printed to Cedar text, so shrinking works on structure), entity graphs, requests
 * and contexts, assembled into cedar-wasm `AuthorizationCall`s.
 *
 * Everything draws from one small vocabulary (a few entity types, ids, attribute and tag
 * names, each attribute with a canonical type) so that policies and data actually meet:
 * `principal.n > 3` finds an `n` most of the time, and `principal in Group::"g"` finds
 * `Group::"g"` among the parents. A few percent of every choice deliberately leaves the
 * canonical path (other types, missing entities, invalid extension strings, cycles) to reach
 * Cedar's error and failure paths. Most calls are schemaless; about one in eleven uses
 * {@link SCHEMA}, one in eleven is about deep group hierarchies ({@link hierarchyCallArb}),
 * and one schemaless call in twenty is malformed on purpose ({@link MUTATIONS}).
 */
import type {
  AuthorizationCall,
  CedarValueJson,
  EntityJson,
  EntityUidJson,
  Policy,
  PolicySet,
  TemplateLink,
} from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Every `oneof` may shrink to its first alternative (the simplest), not only within the one it chose. */
const CROSS = { withCrossShrink: true } as const;

/** One of the values, with weights; shrinks towards the first. */
function weighted<T>(...pairs: ReadonlyArray<readonly [T, number]>): fc.Arbitrary<T> {
  return fc.oneof(CROSS, ...pairs.map(([v, weight]) => ({ arbitrary: fc.constant(v), weight })));
}

/** True with the given percentage; shrinks to false. */
function chance(percent: number): fc.Arbitrary<boolean> {
  // Not `fc.integer(...).map(x => x < p)`: fast-check biases integers towards their bounds.
  if (percent <= 0) return fc.constant(false);
  const w = Math.round(percent * 10);
  return fc.oneof(
    CROSS,
    { arbitrary: fc.constant(false), weight: 1000 - w },
    { arbitrary: fc.constant(true), weight: w },
  );
}

/**
 * A plain object with exactly these own properties, `__proto__` included (an object literal
 * or plain assignment would set the prototype instead).
 */
export function ownRecord<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const arbMemo = new Map<string, fc.Arbitrary<unknown>>();
/** Builds an arbitrary once per key: building them per generated value is slow. */
function memo<T>(key: string, build: () => fc.Arbitrary<T>): fc.Arbitrary<T> {
  let arb = arbMemo.get(key) as fc.Arbitrary<T> | undefined;
  if (!arb) {
    arb = build();
    arbMemo.set(key, arb);
  }
  return arb;
}

/** An optional record entry, present `percent` of the time; shrinks to absent. */
function maybeEntry<V>(
  name: string,
  value: fc.Arbitrary<V>,
  percent: number,
): fc.Arbitrary<readonly [string, V] | undefined> {
  const w = Math.round(percent * 10);
  return fc.oneof(
    CROSS,
    { arbitrary: fc.constant(undefined), weight: 1000 - w },
    { arbitrary: value.map((v) => [name, v] as const), weight: w },
  );
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Entity types that appear in policies and data; the first four are in {@link SCHEMA}. */
export const ENTITY_TYPES = ['User', 'Group', 'Doc', 'Folder', 'Ns::User'] as const;
export const IDS = [
  'alice',
  'bob',
  'g',
  'd',
  'f',
  '',
  '__proto__',
  'constructor',
  'toString',
  'ü',
  'a"b\\c',
  'x y',
] as const;
export const ACTION_IDS = ['view', 'edit', '__proto__', 'readOnly', 'all'] as const;

/** Canonical attribute types: every attribute name means the same type everywhere, mostly. */
export type Ty =
  | { readonly k: 'Long' }
  | { readonly k: 'String' }
  | { readonly k: 'Bool' }
  | { readonly k: 'Entity'; readonly name: string }
  | { readonly k: 'Set'; readonly el: Ty }
  | { readonly k: 'Record'; readonly fields: ReadonlyArray<readonly [string, Ty]> }
  | { readonly k: 'Ext'; readonly name: ExtName };
export type ExtName = 'ipaddr' | 'decimal' | 'datetime' | 'duration';

const LONG: Ty = { k: 'Long' };
const STRING: Ty = { k: 'String' };
const BOOL: Ty = { k: 'Bool' };
const USER: Ty = { k: 'Entity', name: 'User' };
const ext = (name: ExtName): Ty => ({ k: 'Ext', name });

/** Attribute names with their canonical types; records nest the same names. */
export const ATTRS: ReadonlyArray<readonly [string, Ty]> = [
  ['n', LONG],
  ['s', STRING],
  ['b', BOOL],
  ['owner', USER],
  ['tags', { k: 'Set', el: STRING }],
  ['nums', { k: 'Set', el: LONG }],
  ['friends', { k: 'Set', el: USER }],
  ['ip', ext('ipaddr')],
  ['d', ext('decimal')],
  ['t', ext('datetime')],
  ['dur', ext('duration')],
  [
    'r',
    {
      k: 'Record',
      fields: [
        ['n', LONG],
        ['s', STRING],
        ['__proto__', STRING],
        ['r', { k: 'Record', fields: [['n', LONG]] }],
      ],
    },
  ],
  ['__proto__', STRING],
  ['constructor', LONG],
  ['toString', BOOL],
  ['x y', STRING],
  ['', LONG],
];

export const TAG_NAMES = ['x', 's', '__proto__', 'constructor', '', 'ü'] as const;
/** Tag value types per entity type (schemaless data mostly follows them too). */
const TAG_TYPES: ReadonlyMap<string, Ty> = new Map<string, Ty>([
  ['User', STRING],
  ['Doc', LONG],
]);

/** Long literals: small values that meet the data, and the i64 edges that overflow. */
const LONG_LITERALS: ReadonlyArray<readonly [bigint, number]> = [
  [0n, 4],
  [1n, 6],
  [2n, 4],
  [3n, 4],
  [7n, 2],
  [42n, 2],
  [-1n, 3],
  [-42n, 1],
  [2147483647n, 1],
  [3037000499n, 1],
  [3037000500n, 1],
  [4294967296n, 1],
  [9007199254740991n, 1],
  [9007199254740993n, 1],
  [4611686018427387904n, 1],
  [9223372036854775806n, 1],
  [9223372036854775807n, 3],
  [-9223372036854775807n, 1],
  [-9223372036854775808n, 3],
];
/** Long values in JSON data: JS numbers, so only safe integers (cedar-wasm takes no more). */
const LONG_DATA: ReadonlyArray<readonly [number, number]> = [
  [0, 3],
  [1, 4],
  [2, 3],
  [3, 3],
  [7, 2],
  [42, 2],
  [-1, 2],
  [2147483647, 1],
  [3037000500, 1],
  [Number.MAX_SAFE_INTEGER, 1],
  [Number.MIN_SAFE_INTEGER, 1],
];

export const STRINGS = [
  'a',
  'alice',
  '',
  'ab',
  'a*b',
  '*',
  'bob',
  'x',
  's',
  'A',
  'ü',
  'e\u0301',
  'é',
  '\u{1F600}',
  '"',
  '\\',
  'a\nb',
  'x y',
  '__proto__',
  'constructor',
  'toString',
  '1.2.3.4',
  '10.0.0.0/8',
  '1.5',
  '2024-01-01',
  '1h',
] as const;

const LIKE_CHUNKS = ['a', 'b', 'al', 'ice', 'x', '*', '\\', '"', 'ü', 'e\u0301', '\n', ' ', '\u{1F600}'] as const;

export const EXT_STRINGS: Readonly<Record<ExtName, { valid: readonly string[]; invalid: readonly string[] }>> = {
  ipaddr: {
    valid: [
      '1.2.3.4',
      '10.0.0.0/8',
      '10.1.2.3',
      '127.0.0.1',
      '127.0.0.0/8',
      '::1',
      '::',
      'ffee::/64',
      'ffee::11',
      '224.0.0.1',
      'ff02::1',
      '192.168.0.1/24',
      '0.0.0.0/0',
      '1.2.3.4/32',
      '10.1.2.3/32',
      '::1/128',
      '0:0:0:0:0:0:0:1',
      'FFEE::11',
    ],
    invalid: [
      '1.2.3',
      '256.0.0.1',
      '',
      '::ffff:1.2.3.4',
      '1.2.3.4/33',
      '01.2.3.4',
      ' 1.2.3.4',
      '::1%eth0',
      '1.2.3.4/-1',
      'abc',
      '::/129',
    ],
  },
  decimal: {
    valid: [
      '0.0',
      '1.0',
      '1.00',
      '-1.5',
      '-1.50',
      '1.2345',
      '2.5',
      '922337203685477.5807',
      '-922337203685477.5808',
      '0.0001',
      '-0.0',
      '001.5',
    ],
    invalid: ['1.23456', '1', '.5', '1.', 'abc', '922337203685477.5808', '-922337203685477.5809', '+1.0', '1.0e3', ''],
  },
  datetime: {
    valid: [
      '2024-01-01',
      '2024-01-01T12:00:00Z',
      '2024-01-01T12:00:00.123Z',
      '2024-01-01T12:00:00+0100',
      '2024-01-01T12:00:00-2359',
      '1970-01-01',
      '2024-02-29',
      '0001-01-01',
      '9999-12-31T23:59:59.999Z',
      '2024-01-01T11:00:00Z',
      '2024-01-01T11:00:00.000Z',
      '2024-01-02T00:00:00+2359',
    ],
    invalid: [
      '2024-13-01',
      '2024-01-01T25:00:00Z',
      '2024-1-1',
      '',
      '2023-02-29',
      '2024-01-01T12:00:00',
      '2024-01-01T12:00:00+01:00',
      '2024-01-01 12:00:00Z',
      '2024-01-01T12:00:00.12Z',
      '+2024-01-01',
    ],
  },
  duration: {
    valid: [
      '1h',
      '1d2h3m4s5ms',
      '-1d',
      '0ms',
      '90m',
      '24h',
      '-1d12h',
      '1ms',
      '9223372036854775807ms',
      '-9223372036854775808ms',
      '106751991167d',
      '60m',
      '3600s',
      '3600000ms',
      '0d',
    ],
    invalid: [
      '',
      '1',
      '1x',
      '1h1d',
      'h',
      '1.5h',
      '--1h',
      '9223372036854775808ms',
      '1d-2h',
      ' 1h',
      '1H',
      '106751991168d',
    ],
  },
};
const EXT_CONSTRUCTOR: Readonly<Record<ExtName, string>> = {
  ipaddr: 'ip',
  decimal: 'decimal',
  datetime: 'datetime',
  duration: 'duration',
};

// ---------------------------------------------------------------------------------------------
// Policy AST and printer

export type BinOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '+' | '-' | '*' | 'in';
export type PatElem = { readonly w: true } | { readonly lit: string };
export type Var = 'principal' | 'action' | 'resource' | 'context';
export interface Uid {
  readonly type: string;
  readonly id: string;
}

export type Expr =
  | { readonly k: 'lit'; readonly v: boolean | bigint | string }
  | { readonly k: 'uid'; readonly uid: Uid }
  | { readonly k: 'var'; readonly name: Var }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'neg'; readonly e: Expr }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'if'; readonly c: Expr; readonly t: Expr; readonly e: Expr }
  | { readonly k: 'has'; readonly e: Expr; readonly path: readonly string[] }
  | { readonly k: 'get'; readonly e: Expr; readonly attr: string; readonly bracket: boolean }
  | { readonly k: 'like'; readonly e: Expr; readonly pat: readonly PatElem[] }
  | { readonly k: 'is'; readonly e: Expr; readonly type: string; readonly in?: Expr | undefined }
  | { readonly k: 'set'; readonly items: readonly Expr[] }
  | { readonly k: 'rec'; readonly fields: ReadonlyArray<readonly [string, Expr]> }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly k: 'method'; readonly recv: Expr; readonly name: string; readonly args: readonly Expr[] };

export type Slot = '?principal' | '?resource';
export type ScopeTarget = { readonly uid: Uid } | { readonly slot: Slot };
export type Scope =
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly t: ScopeTarget }
  | { readonly op: 'in'; readonly t: ScopeTarget }
  | { readonly op: 'is'; readonly type: string; readonly in?: ScopeTarget | undefined };
export type ActionScope =
  | { readonly op: 'all' }
  | { readonly op: '=='; readonly uid: Uid }
  | { readonly op: 'in'; readonly uid: Uid }
  | { readonly op: 'inList'; readonly uids: readonly Uid[] };
export interface Condition {
  readonly kind: 'when' | 'unless';
  readonly body: Expr;
}
export interface PolicyAst {
  readonly effect: 'permit' | 'forbid';
  readonly principal: Scope;
  readonly action: ActionScope;
  readonly resource: Scope;
  readonly conditions: readonly Condition[];
  readonly annotation?: string | undefined;
}

const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', '__cedar']);
export function isIdent(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !RESERVED.has(s);
}

/** A Cedar string literal; `star` escapes `*` too (for `like` patterns). */
export function quote(s: string, star = false, escapeNonAscii = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (star && ch === '*') out += '\\*';
    else if (cp < 0x20 || cp === 0x7f || (escapeNonAscii && cp > 0x7f)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Ids are printed with `\u{…}` escapes for non-ASCII (string literals keep them raw): both spellings get tested. */
export function printUid(u: Uid): string {
  return `${u.type}::${quote(u.id, false, true)}`;
}

/** Expressions that can be an operand or a receiver without parentheses. */
function isPrimary(e: Expr): boolean {
  switch (e.k) {
    case 'lit':
      return typeof e.v !== 'bigint';
    case 'uid':
    case 'var':
    case 'set':
    case 'rec':
    case 'call':
    case 'method':
    case 'get':
      return true;
    default:
      return false;
  }
}

function operand(e: Expr): string {
  return isPrimary(e) ? printExpr(e) : `(${printExpr(e)})`;
}

export function printExpr(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return typeof e.v === 'string' ? quote(e.v) : String(e.v);
    case 'uid':
      return printUid(e.uid);
    case 'var':
      return e.name;
    case 'not':
      return `!${operand(e.e)}`;
    case 'neg':
      // `-5` is read by Cedar as the literal -5; `-(-5)` and `-x` are negations.
      if (e.e.k === 'lit' && typeof e.e.v === 'bigint' && e.e.v >= 0n) return `-${e.e.v}`;
      return `-${operand(e.e)}`;
    case 'bin':
      return `${operand(e.l)} ${e.op} ${operand(e.r)}`;
    case 'if':
      return `if ${printExpr(e.c)} then ${printExpr(e.t)} else ${printExpr(e.e)}`;
    case 'has': {
      if (e.path.every(isIdent)) return `${operand(e.e)} has ${e.path.join('.')}`;
      return `${operand(e.e)} has ${quote(e.path[0] ?? '')}`;
    }
    case 'get':
      return !e.bracket && isIdent(e.attr) ? `${operand(e.e)}.${e.attr}` : `${operand(e.e)}[${quote(e.attr)}]`;
    case 'like':
      return `${operand(e.e)} like "${e.pat.map((p) => ('w' in p ? '*' : quote(p.lit, true).slice(1, -1))).join('')}"`;
    case 'is':
      return `${operand(e.e)} is ${e.type}${e.in ? ` in ${operand(e.in)}` : ''}`;
    case 'set':
      return `[${e.items.map(printExpr).join(', ')}]`;
    case 'rec':
      return `{${e.fields.map(([k, v]) => `${isIdent(k) ? k : quote(k)}: ${printExpr(v)}`).join(', ')}}`;
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'method':
      return `${operand(e.recv)}.${e.name}(${e.args.map(printExpr).join(', ')})`;
  }
}

function printTarget(t: ScopeTarget): string {
  return 'slot' in t ? t.slot : printUid(t.uid);
}

function printScope(v: 'principal' | 'resource', s: Scope): string {
  switch (s.op) {
    case 'all':
      return v;
    case '==':
    case 'in':
      return `${v} ${s.op} ${printTarget(s.t)}`;
    case 'is':
      return `${v} is ${s.type}${s.in ? ` in ${printTarget(s.in)}` : ''}`;
  }
}

function printActionScope(s: ActionScope): string {
  switch (s.op) {
    case 'all':
      return 'action';
    case '==':
    case 'in':
      return `action ${s.op} ${printUid(s.uid)}`;
    case 'inList':
      return `action in [${s.uids.map(printUid).join(', ')}]`;
  }
}

export function printPolicy(p: PolicyAst): string {
  const ann = p.annotation === undefined ? '' : `@id(${quote(p.annotation)})\n`;
  const conds = p.conditions.map((c) => `\n${c.kind} { ${printExpr(c.body)} }`).join('');
  return `${ann}${p.effect} (\n  ${printScope('principal', p.principal)},\n  ${printActionScope(p.action)},\n  ${printScope('resource', p.resource)}\n)${conds};`;
}

function scopeSlots(s: Scope): Slot[] {
  if (s.op === '==' || s.op === 'in') return 'slot' in s.t ? [s.t.slot] : [];
  if (s.op === 'is' && s.in) return 'slot' in s.in ? [s.in.slot] : [];
  return [];
}
export function policySlots(p: PolicyAst): Slot[] {
  return [...scopeSlots(p.principal), ...scopeSlots(p.resource)];
}

// ---------------------------------------------------------------------------------------------
// Entity uids and their order (parents point upwards in this order, so graphs are acyclic
// unless a case asks for a wild edge)

const TYPE_RANK: ReadonlyMap<string, number> = new Map([
  ['User', 0],
  ['Doc', 0],
  ['Ns::User', 0],
  ['Group', 1],
  ['Folder', 1],
  ['Action', 2],
]);
function rank(u: Uid): number {
  const ids: readonly string[] = u.type === 'Action' ? ACTION_IDS : IDS;
  return (TYPE_RANK.get(u.type) ?? 0) * 100 + Math.max(0, ids.indexOf(u.id));
}

const idArb: fc.Arbitrary<string> = weighted<string>(
  ['alice', 5],
  ['bob', 2],
  ['g', 3],
  ['d', 3],
  ['f', 2],
  ['', 1],
  ['__proto__', 1],
  ['constructor', 1],
  ['toString', 1],
  ['ü', 1],
  ['a"b\\c', 1],
  ['x y', 1],
);
const typeArb: fc.Arbitrary<string> = weighted<string>(
  ['User', 4],
  ['Group', 3],
  ['Doc', 3],
  ['Folder', 2],
  ['Ns::User', 1],
);
const actionIdArb: fc.Arbitrary<string> = weighted<string>(
  ['view', 5],
  ['edit', 3],
  ['readOnly', 2],
  ['all', 1],
  ['__proto__', 1],
);

/** Uids that tend to be the interesting ones: the request's usual principal/resource and their parents. */
const uidArb: fc.Arbitrary<Uid> = fc.oneof(
  CROSS,
  { arbitrary: fc.constant<Uid>({ type: 'User', id: 'alice' }), weight: 4 },
  { arbitrary: fc.constant<Uid>({ type: 'Group', id: 'g' }), weight: 3 },
  { arbitrary: fc.constant<Uid>({ type: 'Doc', id: 'd' }), weight: 3 },
  { arbitrary: fc.constant<Uid>({ type: 'Folder', id: 'f' }), weight: 2 },
  { arbitrary: fc.record({ type: typeArb, id: idArb }), weight: 5 },
);
const actionUidArb: fc.Arbitrary<Uid> = fc.oneof(
  CROSS,
  { arbitrary: actionIdArb.map((id): Uid => ({ type: 'Action', id })), weight: 12 },
  { arbitrary: fc.constant<Uid>({ type: 'Ns::Action', id: 'view' }), weight: 1 },
);
const anyUidArb: fc.Arbitrary<Uid> = fc.oneof(
  CROSS,
  { arbitrary: uidArb, weight: 5 },
  { arbitrary: actionUidArb, weight: 1 },
);

/** The request's principal and resource: usually `User::"alice"` and `Doc::"d"`. */
const principalArb: fc.Arbitrary<Uid> = fc.oneof(
  CROSS,
  { arbitrary: fc.constant<Uid>({ type: 'User', id: 'alice' }), weight: 6 },
  { arbitrary: fc.constant<Uid>({ type: 'User', id: 'bob' }), weight: 1 },
  { arbitrary: uidArb, weight: 2 },
);
const resourceArb: fc.Arbitrary<Uid> = fc.oneof(
  CROSS,
  { arbitrary: fc.constant<Uid>({ type: 'Doc', id: 'd' }), weight: 6 },
  { arbitrary: fc.constant<Uid>({ type: 'Folder', id: 'f' }), weight: 1 },
  { arbitrary: uidArb, weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// Expressions, generated by the kind of value they should produce

export type Kind =
  | 'bool'
  | 'long'
  | 'string'
  | 'entity'
  | 'setS'
  | 'setL'
  | 'setE'
  | 'record'
  | 'ipaddr'
  | 'decimal'
  | 'datetime'
  | 'duration';
const KINDS: readonly Kind[] = [
  'bool',
  'long',
  'string',
  'entity',
  'setS',
  'setL',
  'setE',
  'record',
  'ipaddr',
  'decimal',
  'datetime',
  'duration',
];

function kindOf(t: Ty): Kind {
  switch (t.k) {
    case 'Long':
      return 'long';
    case 'String':
      return 'string';
    case 'Bool':
      return 'bool';
    case 'Entity':
      return 'entity';
    case 'Record':
      return 'record';
    case 'Ext':
      return t.name;
    case 'Set':
      return t.el.k === 'Long' ? 'setL' : t.el.k === 'Entity' ? 'setE' : 'setS';
  }
}

function attrsOf(kind: Kind): string[] {
  return ATTRS.filter(([, t]) => kindOf(t) === kind).map(([n]) => n);
}
const ALL_ATTR_NAMES = ATTRS.map(([n]) => n);
const ODD_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'toString']);
/** Paths for `has a.b.c`: identifiers only. */
const HAS_PATHS: ReadonlyArray<readonly string[]> = [
  ['r', 'n'],
  ['r', 'r'],
  ['r', 'r', 'n'],
  ['r', '__proto__'],
  ['owner', 'n'],
  ['n', 'n'],
];

const lit = (v: boolean | bigint | string): Expr => ({ k: 'lit', v });
const bin = (op: BinOp, l: Expr, r: Expr): Expr => ({ k: 'bin', op, l, r });
const method = (recv: Expr, name: string, ...args: Expr[]): Expr => ({ k: 'method', recv, name, args });

const longLitArb: fc.Arbitrary<Expr> = weighted(...LONG_LITERALS).map(lit);
const stringLitArb: fc.Arbitrary<Expr> = fc.constantFrom(...STRINGS).map(lit);
const uidLitArb: fc.Arbitrary<Expr> = anyUidArb.map((uid): Expr => ({ k: 'uid', uid }));
/** An extension constructor string, invalid `invalidPercent` of the time. */
const extStringArb = (name: ExtName, invalidPercent: number): fc.Arbitrary<string> =>
  fc.oneof(
    CROSS,
    { arbitrary: fc.constantFrom(...EXT_STRINGS[name].valid), weight: Math.round(1000 - invalidPercent * 10) },
    { arbitrary: fc.constantFrom(...EXT_STRINGS[name].invalid), weight: Math.round(invalidPercent * 10) },
  );
const likePatternArb: fc.Arbitrary<PatElem[]> = fc.array(
  fc.oneof(
    CROSS,
    { arbitrary: fc.constant<PatElem>({ w: true }), weight: 2 },
    { arbitrary: fc.constantFrom(...LIKE_CHUNKS).map((lit): PatElem => ({ lit })), weight: 3 },
  ),
  { maxLength: 4 },
);

type Opt = { arbitrary: fc.Arbitrary<Expr>; weight: number };

/**
 * Expression arbitraries by kind and depth, memoized: `of(kind, d)` builds from `of(_, d-1)`,
 * so the construction terminates and the tree depth is bounded by d.
 */
class ExprArbs {
  private readonly memo = new Map<string, fc.Arbitrary<Expr>>();

  of(kind: Kind, depth: number): fc.Arbitrary<Expr> {
    const key = `${kind}:${depth}`;
    let arb = this.memo.get(key);
    if (!arb) {
      const opts = depth <= 0 ? this.leaves(kind) : [...this.leaves(kind), ...this.composites(kind, depth - 1)];
      // A few percent of the time, a value of some other kind: the source of type errors.
      const others = KINDS.filter((k) => k !== kind);
      const wrongKind = fc
        .constantFrom(...others)
        .chain((k) => (depth <= 0 ? fc.oneof(CROSS, ...this.leaves(k)) : this.of(k, depth - 1)));
      const total = opts.reduce((s, o) => s + o.weight, 0);
      arb = fc.oneof(CROSS, ...opts, { arbitrary: wrongKind, weight: Math.max(1, Math.round(total / 40)) });
      this.memo.set(key, arb);
    }
    return arb;
  }

  /** Something with attributes: an entity or a record. */
  private receiver(depth: number): fc.Arbitrary<Expr> {
    if (depth < 0) {
      return fc.oneof(
        CROSS,
        {
          arbitrary: fc.constantFrom<Var>('principal', 'resource', 'context').map((name): Expr => ({ k: 'var', name })),
          weight: 8,
        },
        { arbitrary: uidLitArb, weight: 1 },
        { arbitrary: fc.constant<Expr>({ k: 'var', name: 'action' }), weight: 1 },
      );
    }
    return fc.oneof(
      CROSS,
      { arbitrary: this.of('entity', depth), weight: 3 },
      { arbitrary: this.of('record', depth), weight: 2 },
    );
  }

  private attrAccess(kind: Kind, depth: number): fc.Arbitrary<Expr> {
    const names = attrsOf(kind);
    return fc
      .tuple(this.receiver(depth), fc.constantFrom(...names), chance(25))
      .map(([e, attr, bracket]): Expr => ({ k: 'get', e, attr, bracket }));
  }

  private leaves(kind: Kind): Opt[] {
    const access = (w: number): Opt[] =>
      attrsOf(kind).length ? [{ arbitrary: this.attrAccess(kind, -1), weight: w }] : [];
    switch (kind) {
      case 'bool':
        return [
          { arbitrary: fc.boolean().map(lit), weight: 1 },
          ...access(2),
          {
            arbitrary: fc
              .tuple(this.receiver(-1), fc.constantFrom(...ALL_ATTR_NAMES))
              .map(([e, a]): Expr => ({ k: 'has', e, path: [a] })),
            weight: 2,
          },
        ];
      case 'long':
        return [{ arbitrary: longLitArb, weight: 3 }, ...access(3)];
      case 'string':
        return [{ arbitrary: stringLitArb, weight: 3 }, ...access(2)];
      case 'entity':
        return [
          {
            arbitrary: fc
              .constantFrom<Var>('principal', 'resource', 'action')
              .map((name): Expr => ({ k: 'var', name })),
            weight: 4,
          },
          { arbitrary: uidLitArb, weight: 3 },
          ...access(1),
        ];
      case 'setS':
        return [
          {
            arbitrary: fc.array(stringLitArb, { maxLength: 3 }).map((items): Expr => ({ k: 'set', items })),
            weight: 2,
          },
          ...access(2),
        ];
      case 'setL':
        return [
          { arbitrary: fc.array(longLitArb, { maxLength: 3 }).map((items): Expr => ({ k: 'set', items })), weight: 2 },
          ...access(2),
        ];
      case 'setE':
        return [
          { arbitrary: fc.array(uidLitArb, { maxLength: 3 }).map((items): Expr => ({ k: 'set', items })), weight: 2 },
          ...access(2),
        ];
      case 'record':
        return [
          { arbitrary: fc.constant<Expr>({ k: 'var', name: 'context' }), weight: 4 },
          ...access(2),
          {
            arbitrary: fc
              .uniqueArray(
                fc.tuple(fc.constantFrom('n', 's', '__proto__', 'x y'), fc.oneof(CROSS, longLitArb, stringLitArb)),
                {
                  maxLength: 2,
                  selector: ([k]) => k,
                },
              )
              .map((fields): Expr => ({ k: 'rec', fields })),
            weight: 1,
          },
        ];
      case 'ipaddr':
      case 'decimal':
      case 'datetime':
      case 'duration':
        return [
          {
            arbitrary: extStringArb(kind, 10).map(
              (s): Expr => ({ k: 'call', fn: EXT_CONSTRUCTOR[kind], args: [lit(s)] }),
            ),
            weight: 3,
          },
          ...access(2),
        ];
    }
  }

  private composites(kind: Kind, d: number): Opt[] {
    const ite: Opt = {
      arbitrary: fc
        .tuple(this.of('bool', d), this.of(kind, d), this.of(kind, d))
        .map(([c, t, e]): Expr => ({ k: 'if', c, t, e })),
      weight: 1,
    };
    const access: Opt = { arbitrary: this.attrAccess(kind, d), weight: 2 };
    const accessOpts = attrsOf(kind).length ? [access] : [];
    switch (kind) {
      case 'bool':
        return [...accessOpts, ite, ...this.boolComposites(d)];
      case 'long':
        return [
          ...accessOpts,
          ite,
          {
            arbitrary: fc
              .tuple(fc.constantFrom<BinOp>('+', '-', '*'), this.of('long', d), this.of('long', d))
              .map(([op, l, r]) => bin(op, l, r)),
            weight: 4,
          },
          { arbitrary: this.of('long', d).map((e): Expr => ({ k: 'neg', e })), weight: 1 },
          { arbitrary: this.tagAccess(d), weight: 1 },
          {
            arbitrary: fc
              .tuple(
                this.of('duration', d),
                fc.constantFrom('toMilliseconds', 'toSeconds', 'toMinutes', 'toHours', 'toDays'),
              )
              .map(([r, m]) => method(r, m)),
            weight: 1,
          },
        ];
      case 'string':
        return [...accessOpts, ite, { arbitrary: this.tagAccess(d), weight: 1 }];
      case 'entity':
        return [...accessOpts, ite];
      case 'setS':
      case 'setL':
      case 'setE': {
        const el: Kind = kind === 'setS' ? 'string' : kind === 'setL' ? 'long' : 'entity';
        return [
          ...accessOpts,
          ite,
          {
            arbitrary: fc.array(this.of(el, d), { maxLength: 3 }).map((items): Expr => ({ k: 'set', items })),
            weight: 2,
          },
        ];
      }
      case 'record':
        return [
          ...accessOpts,
          ite,
          {
            arbitrary: fc
              .uniqueArray(
                fc.constantFrom(...ATTRS).chain(([name, t]) => this.of(kindOf(t), d).map((e) => [name, e] as const)),
                { maxLength: 3, selector: ([k]) => k },
              )
              .map((fields): Expr => ({ k: 'rec', fields })),
            weight: 2,
          },
        ];
      case 'ipaddr':
      case 'decimal':
        return [
          ...accessOpts,
          ite,
          {
            arbitrary: this.of('string', d).map((s): Expr => ({ k: 'call', fn: EXT_CONSTRUCTOR[kind], args: [s] })),
            weight: 1,
          },
        ];
      case 'datetime':
        return [
          ...accessOpts,
          ite,
          {
            arbitrary: fc.tuple(this.of('datetime', d), this.of('duration', d)).map(([a, b]) => method(a, 'offset', b)),
            weight: 2,
          },
          { arbitrary: this.of('datetime', d).map((a) => method(a, 'toDate')), weight: 1 },
          { arbitrary: this.of('string', d).map((s): Expr => ({ k: 'call', fn: 'datetime', args: [s] })), weight: 1 },
        ];
      case 'duration':
        return [
          ...accessOpts,
          ite,
          {
            arbitrary: fc
              .tuple(this.of('datetime', d), this.of('datetime', d))
              .map(([a, b]) => method(a, 'durationSince', b)),
            weight: 2,
          },
          { arbitrary: this.of('datetime', d).map((a) => method(a, 'toTime')), weight: 1 },
          { arbitrary: this.of('string', d).map((s): Expr => ({ k: 'call', fn: 'duration', args: [s] })), weight: 1 },
        ];
    }
  }

  /** `e.getTag(t)`; Doc tags are Longs and User tags Strings in the data, so either kind may meet. */
  private tagAccess(d: number): fc.Arbitrary<Expr> {
    return fc.tuple(this.of('entity', d), this.tagName(d)).map(([e, t]) => method(e, 'getTag', t));
  }

  private tagName(d: number): fc.Arbitrary<Expr> {
    return fc.oneof(
      CROSS,
      { arbitrary: fc.constantFrom(...TAG_NAMES).map(lit), weight: 6 },
      { arbitrary: this.of('string', d), weight: 1 },
    );
  }

  private boolComposites(d: number): Opt[] {
    const B = this.of('bool', d);
    const same = (kinds: ReadonlyArray<readonly [Kind, number]>): fc.Arbitrary<readonly [Expr, Expr]> =>
      fc.oneof(CROSS, ...kinds.map(([k, weight]) => ({ arbitrary: fc.tuple(this.of(k, d), this.of(k, d)), weight })));
    const eqKinds: ReadonlyArray<readonly [Kind, number]> = [
      ['long', 4],
      ['string', 3],
      ['entity', 4],
      ['bool', 1],
      ['setS', 1],
      ['setL', 1],
      ['setE', 1],
      ['record', 1],
      ['ipaddr', 1],
      ['decimal', 1],
      ['datetime', 1],
      ['duration', 1],
    ];
    const cmpKinds: ReadonlyArray<readonly [Kind, number]> = [
      ['long', 8],
      ['datetime', 2],
      ['duration', 2],
      ['decimal', 1],
      ['string', 1],
    ];
    const setOf = (el: Kind): Kind => (el === 'string' ? 'setS' : el === 'long' ? 'setL' : 'setE');
    const elKind = weighted<Kind>(['string', 2], ['long', 1], ['entity', 2]);
    return [
      { arbitrary: B.map((e): Expr => ({ k: 'not', e })), weight: 2 },
      {
        arbitrary: fc.tuple(fc.constantFrom<BinOp>('&&', '||'), B, B).map(([op, l, r]) => bin(op, l, r)),
        weight: 5,
      },
      {
        arbitrary: fc.tuple(fc.constantFrom<BinOp>('==', '!='), same(eqKinds)).map(([op, [l, r]]) => bin(op, l, r)),
        weight: 6,
      },
      {
        arbitrary: fc
          .tuple(fc.constantFrom<BinOp>('<', '<=', '>', '>='), same(cmpKinds))
          .map(([op, [l, r]]) => bin(op, l, r)),
        weight: 4,
      },
      {
        arbitrary: fc.tuple(this.of('string', d), likePatternArb).map(([e, pat]): Expr => ({ k: 'like', e, pat })),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(
            this.of('entity', d),
            fc.oneof(
              CROSS,
              { arbitrary: this.of('entity', d), weight: 3 },
              { arbitrary: this.of('setE', d), weight: 1 },
            ),
          )
          .map(([l, r]) => bin('in', l, r)),
        weight: 4,
      },
      {
        arbitrary: fc
          .tuple(
            this.of('entity', d),
            fc.constantFrom(...ENTITY_TYPES, 'Action'),
            fc.option(fc.oneof(CROSS, this.of('entity', d), this.of('setE', d)), { nil: undefined, freq: 2 }),
          )
          .map(([e, type, inn]): Expr => ({ k: 'is', e, type, in: inn })),
        weight: 2,
      },
      {
        arbitrary: elKind
          .chain((el) => fc.tuple(this.of(setOf(el), d), this.of(el, d)))
          .map(([s, x]) => method(s, 'contains', x)),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom('containsAll', 'containsAny'),
            elKind.chain((el) => fc.tuple(this.of(setOf(el), d), this.of(setOf(el), d))),
          )
          .map(([m, [a, b]]) => method(a, m, b)),
        weight: 3,
      },
      {
        arbitrary: fc
          .constantFrom<Kind>('setS', 'setL', 'setE')
          .chain((k) => this.of(k, d))
          .map((s) => method(s, 'isEmpty')),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(this.of('entity', d), this.tagName(d)).map(([e, t]) => method(e, 'hasTag', t)),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(
            this.receiver(d),
            fc.oneof(
              CROSS,
              { arbitrary: fc.constantFrom(...ALL_ATTR_NAMES).map((a) => [a]), weight: 3 },
              { arbitrary: fc.constantFrom(...HAS_PATHS), weight: 1 },
            ),
          )
          .map(([e, path]): Expr => ({ k: 'has', e, path })),
        weight: 3,
      },
      // The idiom that keeps attribute access error-free: `e has a && e.a OP v`.
      {
        arbitrary: fc
          .tuple(this.receiver(d), fc.constantFrom(...ATTRS), chance(20))
          .chain(([e, [attr, t], bracket]) => {
            const k = kindOf(t);
            const get: Expr = { k: 'get', e, attr, bracket };
            const ops: BinOp[] =
              k === 'long' || k === 'datetime' || k === 'duration' ? ['==', '!=', '<', '<=', '>', '>='] : ['==', '!='];
            const test: fc.Arbitrary<Expr> =
              k === 'bool'
                ? fc.constant(get)
                : fc.tuple(fc.constantFrom(...ops), this.of(k, d)).map(([op, v]) => bin(op, get, v));
            return test.map((t2) => bin('&&', { k: 'has', e, path: [attr] }, t2));
          }),
        weight: 4,
      },
      {
        arbitrary: fc
          .tuple(this.of('ipaddr', d), fc.constantFrom('isIpv4', 'isIpv6', 'isLoopback', 'isMulticast'))
          .map(([ip, m]) => method(ip, m)),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(this.of('ipaddr', d), this.of('ipaddr', d)).map(([a, b]) => method(a, 'isInRange', b)),
        weight: 1,
      },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom('lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'),
            this.of('decimal', d),
            this.of('decimal', d),
          )
          .map(([m, a, b]) => method(a, m, b)),
        weight: 1,
      },
    ];
  }
}

const exprs = new ExprArbs();

/** A boolean condition body, up to the given nesting depth. */
export function conditionArb(depth = 3): fc.Arbitrary<Expr> {
  return fc.oneof(
    CROSS,
    { arbitrary: exprs.of('bool', 1), weight: 3 },
    { arbitrary: exprs.of('bool', 2), weight: 3 },
    { arbitrary: exprs.of('bool', depth), weight: 2 },
  );
}

/** An expression of the given kind, up to the given depth. */
export function exprArb(kind: Kind, depth: number): fc.Arbitrary<Expr> {
  return exprs.of(kind, depth);
}

// ---------------------------------------------------------------------------------------------
// Policies

function targetArb(v: 'principal' | 'resource', template: boolean): fc.Arbitrary<ScopeTarget> {
  // Biased towards the request's usual principal/resource, so that scopes match often.
  const uid = fc
    .oneof({ arbitrary: v === 'principal' ? principalArb : resourceArb, weight: 3 }, { arbitrary: uidArb, weight: 1 })
    .map((u): ScopeTarget => ({ uid: u }));
  if (!template) return uid;
  const slot: Slot = v === 'principal' ? '?principal' : '?resource';
  return fc.oneof(CROSS, { arbitrary: fc.constant<ScopeTarget>({ slot }), weight: 2 }, { arbitrary: uid, weight: 1 });
}

function scopeArb(v: 'principal' | 'resource', template: boolean): fc.Arbitrary<Scope> {
  const t = targetArb(v, template);
  return fc.oneof(
    CROSS,
    { arbitrary: fc.constant<Scope>({ op: 'all' }), weight: 12 },
    { arbitrary: t.map((x): Scope => ({ op: '==', t: x })), weight: 2 },
    { arbitrary: t.map((x): Scope => ({ op: 'in', t: x })), weight: 2 },
    {
      arbitrary: fc
        .tuple(
          fc.oneof(
            CROSS,
            { arbitrary: fc.constant(v === 'principal' ? 'User' : 'Doc'), weight: 2 },
            { arbitrary: fc.constantFrom(...ENTITY_TYPES), weight: 1 },
          ),
          fc.option(t, { nil: undefined, freq: 2 }),
        )
        .map(([type, inn]): Scope => ({ op: 'is', type, in: inn })),
      weight: 2,
    },
  );
}

const actionScopeArb: fc.Arbitrary<ActionScope> = fc.oneof(
  CROSS,
  { arbitrary: fc.constant<ActionScope>({ op: 'all' }), weight: 12 },
  { arbitrary: actionUidArb.map((uid): ActionScope => ({ op: '==', uid })), weight: 2 },
  { arbitrary: actionUidArb.map((uid): ActionScope => ({ op: 'in', uid })), weight: 2 },
  {
    arbitrary: fc.array(actionUidArb, { maxLength: 3 }).map((uids): ActionScope => ({ op: 'inList', uids })),
    weight: 2,
  },
);

export function policyArb(template = false): fc.Arbitrary<PolicyAst> {
  return fc
    .record({
      effect: weighted<'permit' | 'forbid'>(['permit', 4], ['forbid', 1]),
      principal: scopeArb('principal', template),
      action: actionScopeArb,
      resource: scopeArb('resource', template),
      conditions: fc.oneof(
        CROSS,
        { arbitrary: fc.constant([]), weight: 1 },
        {
          arbitrary: fc.array(
            fc.record({ kind: weighted<'when' | 'unless'>(['when', 3], ['unless', 1]), body: conditionArb() }),
            { minLength: 1, maxLength: 2 },
          ),
          weight: 3,
        },
      ),
      annotation: fc.option(fc.constantFrom('policy1', 'x', '__proto__'), { nil: undefined, freq: 12 }),
    })
    .map((p): PolicyAst => {
      // A template must have a slot; a forced one goes in the principal scope.
      if (!template || policySlots(p).length > 0) return p;
      return { ...p, principal: { op: '==', t: { slot: '?principal' } } };
    });
}

// ---------------------------------------------------------------------------------------------
// JSON values for entities and context

export type Mode = 'schemaless' | 'schema';

function uidKey(u: EntityUidJson): string {
  const t = '__entity' in u ? u.__entity : u;
  return JSON.stringify([t.type, t.id]);
}

/** A uid as JSON: `{type, id}`, or the escaped form `{"__entity": {type, id}}` that Cedar accepts too. */
function uidJson(u: Uid, escaped = false): EntityUidJson {
  return escaped ? { __entity: { type: u.type, id: u.id } } : { type: u.type, id: u.id };
}

/** A JSON value of the canonical type; `schema` mode may use the schema-directed shorthands. */
function valueArb(t: Ty, mode: Mode): fc.Arbitrary<CedarValueJson> {
  return memo(`value|${mode}|${JSON.stringify(t)}`, () => buildValueArb(t, mode));
}
function buildValueArb(t: Ty, mode: Mode): fc.Arbitrary<CedarValueJson> {
  switch (t.k) {
    case 'Long':
      return weighted(...LONG_DATA);
    case 'String':
      return fc.constantFrom(...STRINGS);
    case 'Bool':
      return fc.boolean();
    case 'Entity': {
      const id = fc.oneof(CROSS, { arbitrary: fc.constant('alice'), weight: 2 }, { arbitrary: idArb, weight: 2 });
      return fc.tuple(id, chance(mode === 'schema' ? 40 : 0)).map(([i, bare]): CedarValueJson => {
        const uid = { type: t.name, id: i };
        return bare ? uid : { __entity: uid };
      });
    }
    case 'Set':
      return fc.array(valueArb(t.el, mode), { maxLength: 3 });
    case 'Record':
      return fc
        .tuple(...t.fields.map(([n, ft]) => maybeEntry(n, valueArb(ft, mode), 60)))
        .map((entries) => ownRecord<CedarValueJson>(entries.filter((e) => e !== undefined)));
    case 'Ext':
      return fc
        .tuple(extStringArb(t.name, 0.1), chance(mode === 'schema' ? 50 : 0))
        .map(([arg, bare]): CedarValueJson => (bare ? arg : { __extn: { fn: EXT_CONSTRUCTOR[t.name], arg } }));
  }
}

/** A value of any canonical type, or (rarely) something Cedar rejects outright. */
function anyValueArb(mode: Mode): fc.Arbitrary<CedarValueJson> {
  return memo(`any|${mode}`, () => buildAnyValueArb(mode));
}
function buildAnyValueArb(mode: Mode): fc.Arbitrary<CedarValueJson> {
  const tys: Ty[] = [...new Map(ATTRS.map(([, t]) => [JSON.stringify(t), t])).values()];
  return fc.oneof(
    CROSS,
    ...tys.map((t) => ({ arbitrary: valueArb(t, mode), weight: 20 })),
    // A bare `{type, id}` is a record in schemaless data, not an entity reference.
    { arbitrary: uidArb.map((u): CedarValueJson => ({ type: u.type, id: u.id })), weight: 20 },
    { arbitrary: fc.constantFrom<CedarValueJson>(null, 1.5, { __extn: { fn: 'nope', arg: 'x' } }), weight: 1 },
  );
}

/** A record of vocabulary attributes, canonically typed except `offPercent` of the time. */
function attrsArb(mode: Mode, offPercent: number): fc.Arbitrary<Record<string, CedarValueJson>> {
  return memo(`attrs|${mode}|${offPercent}`, () =>
    // Dense enough that `principal.n` usually finds an `n`: the ordinary names are present
    // most of the time, the odd ones (`__proto__`, `""`, …) less often.
    fc
      .tuple(
        ...ATTRS.map(([name, t]) => {
          const w = Math.round(offPercent * 10);
          const value = fc.oneof(
            CROSS,
            { arbitrary: valueArb(t, mode), weight: 1000 - w },
            { arbitrary: anyValueArb(mode), weight: w },
          );
          return maybeEntry(name, value, isIdent(name) && !ODD_NAMES.has(name) ? 85 : 40);
        }),
      )
      .map((entries) => ownRecord<CedarValueJson>(entries.filter((e) => e !== undefined))),
  );
}

function tagsArb(type: string, mode: Mode): fc.Arbitrary<Record<string, CedarValueJson> | undefined> {
  return memo(`tags|${mode}|${type}`, () => buildTagsArb(type, mode));
}
function buildTagsArb(type: string, mode: Mode): fc.Arbitrary<Record<string, CedarValueJson> | undefined> {
  const t = TAG_TYPES.get(type);
  if (mode === 'schema' && !t) return fc.constant(undefined);
  const value = t ? valueArb(t, mode) : anyValueArb(mode);
  return fc.option(
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...TAG_NAMES), value), { maxLength: 3, selector: ([k]) => k })
      .map((entries) => ownRecord<CedarValueJson>(entries)),
    { nil: undefined, freq: 3 },
  );
}

/** Parent types the schema allows, for schema mode. */
const MEMBER_OF: ReadonlyMap<string, readonly string[]> = new Map([
  ['User', ['Group']],
  ['Group', ['Group']],
  ['Doc', ['Folder']],
  ['Folder', ['Folder']],
]);

function entityArb(mode: Mode, uidOverride?: fc.Arbitrary<Uid>): fc.Arbitrary<EntityJson> {
  const types = mode === 'schema' ? (['User', 'Group', 'Doc', 'Folder'] as const) : undefined;
  const ownUid: fc.Arbitrary<Uid> =
    uidOverride ?? (types ? fc.record({ type: fc.constantFrom(...types), id: idArb }) : uidArb);
  return ownUid.chain((uid) =>
    fc
      .record({
        attrs: attrsArb(mode, mode === 'schema' ? 0.5 : 5),
        parents: fc.array(mode === 'schema' ? uidArb : anyUidArb, { maxLength: 3 }),
        tags: tagsArb(uid.type, mode),
        // Rarely, parents ignore the order (cycles) or the schema's memberOf.
        wild: chance(mode === 'schema' ? 1 : 2),
        escaped: chance(15),
      })
      .map(({ attrs, parents, tags, wild, escaped }): EntityJson => {
        const allowed = MEMBER_OF.get(uid.type);
        const ps = wild
          ? parents
          : parents.filter((p) => rank(p) > rank(uid) && (mode === 'schemaless' || (allowed ?? []).includes(p.type)));
        const e: EntityJson = {
          uid: uidJson(uid, escaped),
          attrs,
          parents: uniqueBy(ps, (p) => printUid(p)).map((p) => uidJson(p, escaped)),
        };
        if (tags !== undefined) e.tags = tags;
        return e;
      }),
  );
}

/** Action entities (schemaless only: with a schema, actions come from the schema). */
const actionEntityArb: fc.Arbitrary<EntityJson> = fc
  .tuple(actionIdArb, fc.subarray(['readOnly', 'all'] as const))
  .map(([id, ps]): EntityJson => {
    const self: Uid = { type: 'Action', id };
    return {
      uid: uidJson(self),
      attrs: {},
      parents: ps
        .map((p): Uid => ({ type: 'Action', id: p }))
        .filter((p) => rank(p) > rank(self))
        .map((p) => uidJson(p)),
    };
  });

export function entitiesArb(mode: Mode): fc.Arbitrary<EntityJson[]> {
  const core = (uid: Uid) => fc.option(entityArb(mode, fc.constant(uid)), { nil: undefined, freq: 8 });
  return fc
    .tuple(
      // The usual principal and resource are present most of the time, with some others.
      core({ type: 'User', id: 'alice' }),
      core({ type: 'Doc', id: 'd' }),
      fc.uniqueArray(entityArb(mode), { maxLength: 4, selector: (e) => uidKey(e.uid) }),
      mode === 'schema'
        ? fc.constant<EntityJson[]>([])
        : fc.uniqueArray(actionEntityArb, { maxLength: 2, selector: (e) => uidKey(e.uid) }),
      chance(mode === 'schema' ? 0 : 1),
    )
    .map(([alice, d, others, actions, duplicate]) => {
      const all = uniqueBy([...(alice ? [alice] : []), ...(d ? [d] : []), ...others, ...actions], (e) => uidKey(e.uid));
      // Rarely the same uid twice, which Cedar rejects.
      const first = all[0];
      if (duplicate && first) all.push({ ...first, attrs: {} });
      return all;
    });
}

// ---------------------------------------------------------------------------------------------
// The schema used by schema-mode calls

function tyText(t: Ty): string {
  switch (t.k) {
    case 'Long':
    case 'String':
    case 'Bool':
      return t.k;
    case 'Entity':
      return t.name;
    case 'Set':
      return `Set<${tyText(t.el)}>`;
    case 'Record':
      return `{ ${t.fields.map(([n, ft]) => `${quote(n)}?: ${tyText(ft)}`).join(', ')} }`;
    case 'Ext':
      return t.name;
  }
}

const ATTRS_TEXT = tyText({ k: 'Record', fields: ATTRS });

/** A small fixed schema covering the vocabulary; every attribute optional. */
export const SCHEMA = `type Attrs = ${ATTRS_TEXT};
entity Group in [Group] = ${ATTRS_TEXT};
entity User in [Group] = ${ATTRS_TEXT} tags String;
entity Folder in [Folder] = ${ATTRS_TEXT};
entity Doc in [Folder] = ${ATTRS_TEXT} tags Long;
action readOnly;
action all;
action view in [readOnly, all] appliesTo { principal: [User, Group], resource: [Doc, Folder], context: Attrs };
action edit in [all] appliesTo { principal: [User], resource: [Doc], context: Attrs };
action "__proto__" appliesTo { principal: [User], resource: [Doc, Folder], context: Attrs };
`;

// ---------------------------------------------------------------------------------------------
// Requests and whole calls

interface LinkSpec {
  readonly template: number;
  readonly principal: Uid;
  readonly resource: Uid;
  /** Pass uids as `{"__entity": {type, id}}` rather than `{type, id}`. */
  readonly escaped: boolean;
}
const linkSpecArb: fc.Arbitrary<LinkSpec> = fc.record({
  template: fc.nat(3),
  principal: principalArb,
  resource: resourceArb,
  escaped: chance(20),
});

/** Policy ids for the map form of `staticPolicies`; some are JS-hazardous. */
const POLICY_IDS = ['p0', '__proto__', 'constructor', 'policy1', 'a b', 'toString', ''] as const;

export interface PolicySetParts {
  readonly statics: readonly PolicyAst[];
  readonly templates: readonly PolicyAst[];
  readonly links: readonly LinkSpec[];
  /**
   * How static policies are passed: one text (ids policy0, policy1, …), an id → text map, or an
   * id → JSON (EST, from cedar-wasm's `policyToJson`) map.
   */
  readonly form: 'text' | 'idMap' | 'json';
}

export const policySetPartsArb: fc.Arbitrary<PolicySetParts> = fc.record({
  statics: fc.array(policyArb(false), { minLength: 1, maxLength: 4 }),
  templates: fc.oneof(
    CROSS,
    { arbitrary: fc.constant<PolicyAst[]>([]), weight: 3 },
    { arbitrary: fc.array(policyArb(true), { minLength: 1, maxLength: 2 }), weight: 1 },
  ),
  links: fc.array(linkSpecArb, { maxLength: 3 }),
  form: weighted<PolicySetParts['form']>(['text', 16], ['idMap', 2], ['json', 2]),
});

/**
 * The EST of a policy, or its text when Cedar cannot parse it or when it has integer literals
 * beyond 2^53 (a JS number cannot carry them; that is tested through the text form).
 */
function policyJsonOrText(text: string): Policy {
  if (/\d{16,}/.test(text)) return text;
  const r = cedar.policyToJson(text);
  return r.type === 'success' ? r.json : text;
}

export function buildPolicySet(parts: PolicySetParts): PolicySet {
  const ps: PolicySet = {};
  const texts = parts.statics.map(printPolicy);
  const id = (i: number) => POLICY_IDS[i % POLICY_IDS.length] ?? `p${i}`;
  ps.staticPolicies =
    parts.form === 'text'
      ? texts.join('\n\n')
      : ownRecord<Policy>(texts.map((t, i) => [id(i), parts.form === 'json' ? policyJsonOrText(t) : t]));
  if (parts.templates.length > 0) {
    ps.templates = ownRecord(parts.templates.map((t, i) => [`t${i}`, printPolicy(t)]));
    const links: TemplateLink[] = parts.links.map((l, i) => {
      const idx = l.template % parts.templates.length;
      const slots = policySlots(parts.templates[idx] as PolicyAst);
      const values = ownRecord(
        slots.map((s) => [s, uidJson(s === '?principal' ? l.principal : l.resource, l.escaped)] as const),
      );
      return { templateId: `t${idx}`, newId: `link${i}`, values };
    });
    if (links.length > 0) ps.templateLinks = links;
  }
  return ps;
}

function contextArb(mode: Mode): fc.Arbitrary<Record<string, CedarValueJson>> {
  return attrsArb(mode, mode === 'schema' ? 0.5 : 5);
}

// ---------------------------------------------------------------------------------------------
// Malformed inputs: what the JSON front end must reject (or accept) exactly as Cedar does

/** Loosely typed view of a call, for mutations that break its declared shape. */
type Loose = Record<string, unknown> & { entities: Array<Record<string, unknown>>; policies: Record<string, unknown> };

const DT = { __extn: { fn: 'datetime', arg: '2024-01-01' } };
const DUR = { __extn: { fn: 'duration', arg: '1h' } };

function set(key: string, value: unknown): (c: Loose) => void {
  return (c) => {
    c[key] = structuredClone(value);
  };
}
function setFirstEntity(key: string, value: unknown): (c: Loose) => void {
  return (c) => {
    const e = c.entities[0];
    if (e) e[key] = structuredClone(value);
  };
}
function deleteFromFirstEntity(key: string): (c: Loose) => void {
  return (c) => {
    const e = c.entities[0];
    if (e) delete e[key];
  };
}

/** Named mutations of an otherwise valid call; each a small, deterministic change. */
export const MUTATIONS: ReadonlyArray<readonly [string, (c: Loose) => void]> = [
  ['principal type empty', set('principal', { type: '', id: 'alice' })],
  ['principal type with trailing ::', set('principal', { type: 'User::', id: 'alice' })],
  ['principal type is a reserved word', set('principal', { type: 'if', id: 'alice' })],
  ['principal type with a space', set('principal', { type: 'User ', id: 'alice' })],
  ['principal type in __cedar', set('principal', { type: '__cedar::User', id: 'alice' })],
  ['principal type with spaces around ::', set('principal', { type: 'Ns :: User', id: 'alice' })],
  ['principal id a number', set('principal', { type: 'User', id: 1 })],
  ['principal without id', set('principal', { type: 'User' })],
  ['principal escape with an extra key', set('principal', { __entity: { type: 'User', id: 'alice' }, x: 1 })],
  ['principal a string', set('principal', 'User::"alice"')],
  ['resource null', set('resource', null)],
  ['context an array', set('context', [])],
  ['context an entity escape', set('context', { __entity: { type: 'User', id: 'alice' } })],
  ['context with an extension escape', set('context', { __extn: { fn: 'ip', arg: '1.2.3.4' } })],
  ['context with offset(datetime, duration)', set('context', { t: { __extn: { fn: 'offset', args: [DT, DUR] } } })],
  ['context with decimal via args', set('context', { d: { __extn: { fn: 'decimal', args: ['1.5'] } } })],
  ['context with an extension of a number', set('context', { i: { __extn: { fn: 'ip', arg: 1 } } })],
  ['context with an entity lacking id', set('context', { e: { __entity: { type: 'User' } } })],
  [
    'context with an entity escape with extra key',
    set('context', { e: { __entity: { type: 'User', id: 'alice' }, x: 1 } }),
  ],
  ['context with 2^53 + 2', set('context', { n: 2 ** 53 + 2 })],
  ['context with -0', set('context', { n: -0 })],
  ['context with a nested __proto__ record', set('context', JSON.parse('{"r": {"__proto__": {"n": 1}}, "n": 1}'))],
  ['entity without parents', deleteFromFirstEntity('parents')],
  ['entity without attrs', deleteFromFirstEntity('attrs')],
  ['entity with an unknown field', setFirstEntity('extra', 1)],
  ['entity with parents an object', setFirstEntity('parents', {})],
  ['entity with tags null', setFirstEntity('tags', null)],
  ['entity with uid a string', setFirstEntity('uid', 'User::"alice"')],
  ['entity with a parent of type ""', setFirstEntity('parents', [{ type: '', id: 'g' }])],
  [
    'entity that is its own parent',
    (c) => {
      const e = c.entities[0];
      if (e) e.parents = [e.uid];
    },
  ],
  ['entities not an array', set('entities', {})],
  [
    'action entity with a non-action parent',
    (c) => {
      c.entities.push({ uid: { type: 'Action', id: 'view' }, attrs: {}, parents: [{ type: 'Group', id: 'g' }] });
    },
  ],
  [
    'non-action entity with an action parent',
    (c) => {
      c.entities.push({ uid: { type: 'Group', id: 'zz' }, attrs: {}, parents: [{ type: 'Action', id: 'view' }] });
    },
  ],
  [
    'static policies empty',
    (c) => {
      c.policies.staticPolicies = '';
    },
  ],
  [
    'static policies with a syntax error',
    (c) => {
      c.policies.staticPolicies = 'permit(principal, action, resource) when { 1 + };';
    },
  ],
  [
    'static policies holding a template',
    (c) => {
      c.policies.staticPolicies = 'permit(principal == ?principal, action, resource);';
    },
  ],
  [
    'a template id equal to a static id',
    (c) => {
      c.policies.staticPolicies = 'permit(principal, action, resource);';
      c.policies.templates = { policy0: 'permit(principal == ?principal, action, resource);' };
    },
  ],
  [
    'a link to an unknown template',
    (c) => {
      c.policies.templateLinks = [
        { templateId: 'nope', newId: 'l', values: { '?principal': { type: 'User', id: 'alice' } } },
      ];
    },
  ],
  [
    'a link with a slot the template lacks',
    (c) => {
      c.policies.templates = { t: 'permit(principal == ?principal, action, resource);' };
      c.policies.templateLinks = [
        {
          templateId: 't',
          newId: 'l',
          values: { '?principal': { type: 'User', id: 'alice' }, '?resource': { type: 'Doc', id: 'd' } },
        },
      ];
    },
  ],
  [
    'a link missing a slot',
    (c) => {
      c.policies.templates = { t: 'permit(principal == ?principal, action, resource == ?resource);' };
      c.policies.templateLinks = [
        { templateId: 't', newId: 'l', values: { '?principal': { type: 'User', id: 'alice' } } },
      ];
    },
  ],
  [
    'a link id equal to a static id',
    (c) => {
      c.policies.staticPolicies = 'forbid(principal, action, resource) when { false };';
      c.policies.templates = { t: 'permit(principal == ?principal, action, resource);' };
      c.policies.templateLinks = [
        { templateId: 't', newId: 'policy0', values: { '?principal': { type: 'User', id: 'alice' } } },
      ];
    },
  ],
  [
    'a template with annotations and is-in slot',
    (c) => {
      c.policies.templates = { t: '@id("x") @reason("y") permit(principal is User in ?principal, action, resource);' };
      c.policies.templateLinks = [
        { templateId: 't', newId: 'l', values: { '?principal': { type: 'User', id: 'alice' } } },
      ];
    },
  ],
  ['validateRequest without a schema', set('validateRequest', true)],
  ['entity uid type a reserved word', setFirstEntity('uid', { type: 'if', id: 'alice' })],
  ['entity uid with an extra key', setFirstEntity('uid', { type: 'User', id: 'alice', x: 1 })],
  ['entity parents null', setFirstEntity('parents', null)],
  ['entity attrs null', setFirstEntity('attrs', null)],
  ['entity attrs an array', setFirstEntity('attrs', [])],
  ['entity attr an entity of type ""', setFirstEntity('attrs', { e: { __entity: { type: '', id: 'x' } } })],
  ['entity attr an entity of type "if"', setFirstEntity('attrs', { e: { __entity: { type: 'if', id: 'x' } } })],
  ['entity attr `__entity` a number', setFirstEntity('attrs', { e: { __entity: 1 } })],
  ['entity attr extension without arg', setFirstEntity('attrs', { e: { __extn: { fn: 'ip' } } })],
  [
    'entity attr extension with an extra key',
    setFirstEntity('attrs', { e: { __extn: { fn: 'ip', arg: '1.2.3.4', x: 1 } } }),
  ],
  [
    'entity attr record with __extn and more keys',
    setFirstEntity('attrs', { e: { __extn: { fn: 'ip', arg: '1.2.3.4' }, y: 1 } }),
  ],
  ['entity attr record with `__expr`', setFirstEntity('attrs', { e: { __expr: '1 + 1' } })],
  [
    'entity attr a nested set of sets',
    setFirstEntity('attrs', {
      e: [
        [1, 2],
        [2, 1],
      ],
    }),
  ],
  ['entity attr a float', setFirstEntity('attrs', { e: 1.5 })],
  ['entity attr NaN', setFirstEntity('attrs', { e: Number.NaN })],
  ['entity attr a bigint-sized integer', setFirstEntity('attrs', { e: 2 ** 63 })],
  ['entity id with a NUL', setFirstEntity('uid', { type: 'User', id: 'a\0b' })],
  ['entity tags an array', setFirstEntity('tags', [])],
  [
    'action entity with tags',
    (c) => {
      c.entities.push({ uid: { type: 'Action', id: 'view' }, attrs: {}, parents: [], tags: { x: 1 } });
    },
  ],
  [
    'action entity with attrs',
    (c) => {
      c.entities.push({ uid: { type: 'Action', id: 'view' }, attrs: { n: 1 }, parents: [] });
    },
  ],
  [
    'namespaced action entity with a parent in another namespace',
    (c) => {
      c.entities.push({ uid: { type: 'Ns::Action', id: 'view' }, attrs: {}, parents: [{ type: 'Action', id: 'all' }] });
    },
  ],
  ['action type with a trailing space', set('action', { type: 'Action ', id: 'view' })],
  [
    'link value with type ""',
    (c) => {
      c.policies.templates = { t: 'permit(principal == ?principal, action, resource);' };
      c.policies.templateLinks = [{ templateId: 't', newId: 'l', values: { '?principal': { type: '', id: 'alice' } } }];
    },
  ],
  [
    'link value a string',
    (c) => {
      c.policies.templates = { t: 'permit(principal == ?principal, action, resource);' };
      c.policies.templateLinks = [{ templateId: 't', newId: 'l', values: { '?principal': 'User::"alice"' } }];
    },
  ],
  [
    'link slot name without ?',
    (c) => {
      c.policies.templates = { t: 'permit(principal == ?principal, action, resource);' };
      c.policies.templateLinks = [
        { templateId: 't', newId: 'l', values: { principal: { type: 'User', id: 'alice' } } },
      ];
    },
  ],
  [
    'static policies an array',
    (c) => {
      c.policies.staticPolicies = [
        'permit(principal, action, resource);',
        'forbid(principal, action, resource) when { context.nope };',
      ];
    },
  ],
  [
    'static policy map holding two policies in one text',
    (c) => {
      c.policies.staticPolicies = { a: 'permit(principal, action, resource); permit(principal, action, resource);' };
    },
  ],
  [
    'static policy map holding a template',
    (c) => {
      c.policies.staticPolicies = { a: 'permit(principal == ?principal, action, resource);' };
    },
  ],
  [
    'templates given as text with two templates',
    (c) => {
      c.policies.templates = {
        t: 'permit(principal == ?principal, action, resource); permit(principal == ?principal, action, resource);',
      };
    },
  ],
  [
    'a template without slots',
    (c) => {
      c.policies.templates = { t: 'permit(principal, action, resource);' };
    },
  ],
  ['policies null', set('policies', null)],
  [
    'policies with an unknown key',
    (c) => {
      c.policies.other = 1;
    },
  ],
];

const mutationArb: fc.Arbitrary<number | undefined> = fc.oneof(
  CROSS,
  { arbitrary: fc.constant(undefined), weight: 19 },
  { arbitrary: fc.nat(MUTATIONS.length - 1), weight: 1 },
);

/** Applies mutation `index` of {@link MUTATIONS} to a copy of the call. */
export function mutate(call: AuthorizationCall, index: number): AuthorizationCall {
  const mutated = structuredClone(call) as unknown as Loose;
  MUTATIONS[index]?.[1](mutated);
  return mutated as unknown as AuthorizationCall;
}

/** A schemaless call: the bulk of the differential run. One in twenty is mutated (see {@link MUTATIONS}) unless `mutations` is false. */
function schemaless(mutations: boolean): fc.Arbitrary<AuthorizationCall> {
  return fc
    .record({
      parts: policySetPartsArb,
      entities: entitiesArb('schemaless'),
      principal: principalArb,
      action: actionUidArb,
      resource: resourceArb,
      context: contextArb('schemaless'),
      escaped: chance(15),
      mutation: mutations ? mutationArb : fc.constant(undefined),
    })
    .map((c): AuthorizationCall => {
      const call: AuthorizationCall = {
        principal: uidJson(c.principal, c.escaped),
        action: uidJson(c.action, c.escaped),
        resource: uidJson(c.resource, c.escaped),
        context: c.context,
        policies: buildPolicySet(c.parts),
        entities: c.entities,
      };
      return c.mutation === undefined ? call : mutate(call, c.mutation);
    });
}
export const schemalessCallArb: fc.Arbitrary<AuthorizationCall> = schemaless(true);

/** A call with {@link SCHEMA}: schema-directed parsing of entities/context, request validation. */
export const schemaCallArb: fc.Arbitrary<AuthorizationCall> = fc
  .record({
    parts: policySetPartsArb,
    entities: entitiesArb('schema'),
    principal: fc.oneof(
      CROSS,
      { arbitrary: principalArb.filter((u) => u.type !== 'Ns::User'), weight: 20 },
      { arbitrary: principalArb, weight: 1 },
    ),
    action: weighted<Uid>(
      [{ type: 'Action', id: 'view' }, 6],
      [{ type: 'Action', id: 'edit' }, 3],
      [{ type: 'Action', id: '__proto__' }, 1],
      [{ type: 'Action', id: 'readOnly' }, 1],
    ),
    resource: resourceArb,
    context: contextArb('schema'),
    validateRequest: fc.constantFrom<boolean | undefined>(undefined, true, false),
    escaped: chance(15),
  })
  .map((c): AuthorizationCall => {
    const call: AuthorizationCall = {
      principal: uidJson(c.principal, c.escaped),
      action: uidJson(c.action, c.escaped),
      resource: uidJson(c.resource, c.escaped),
      context: c.context,
      policies: buildPolicySet(c.parts),
      entities: c.entities,
      schema: SCHEMA,
    };
    if (c.validateRequest !== undefined) call.validateRequest = c.validateRequest;
    return call;
  });

// ---------------------------------------------------------------------------------------------
// Deep hierarchies: `in` through long chains, diamonds and missing links

const GROUP_COUNT = 8;
const groupUid = (i: number): Uid => ({ type: 'Group', id: `g${i}` });
const groupLit = (i: number): Expr => ({ k: 'uid', uid: groupUid(i) });
const groupIndexArb = fc.nat(GROUP_COUNT - 1);

/** A boolean test about membership in the group graph. */
const hierarchyTestArb: fc.Arbitrary<Expr> = fc.oneof(
  CROSS,
  {
    arbitrary: fc
      .tuple(fc.constantFrom<Var>('principal', 'resource'), groupIndexArb)
      .map(([v, i]) => bin('in', { k: 'var', name: v }, groupLit(i))),
    weight: 4,
  },
  { arbitrary: fc.tuple(groupIndexArb, groupIndexArb).map(([i, j]) => bin('in', groupLit(i), groupLit(j))), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<Var>('principal', 'resource'), fc.array(groupIndexArb, { maxLength: 3 }))
      .map(([v, is]) => bin('in', { k: 'var', name: v }, { k: 'set', items: is.map(groupLit) })),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...ENTITY_TYPES), groupIndexArb)
      .map(([t, i]): Expr => ({ k: 'is', e: { k: 'var', name: 'principal' }, type: t, in: groupLit(i) })),
    weight: 1,
  },
);

const hierarchyPolicyArb: fc.Arbitrary<PolicyAst> = fc
  .record({
    effect: weighted<'permit' | 'forbid'>(['permit', 3], ['forbid', 1]),
    principalIn: fc.option(groupIndexArb, { nil: undefined, freq: 2 }),
    resourceIn: fc.option(groupIndexArb, { nil: undefined, freq: 2 }),
    conditions: fc.array(
      fc.record({
        kind: weighted<'when' | 'unless'>(['when', 3], ['unless', 1]),
        body: fc
          .array(hierarchyTestArb, { minLength: 1, maxLength: 3 })
          .chain((ts) => fc.constantFrom<BinOp>('&&', '||').map((op) => ts.reduce((l, r) => bin(op, l, r)))),
      }),
      { maxLength: 2 },
    ),
  })
  .map(
    (p): PolicyAst => ({
      effect: p.effect,
      principal: p.principalIn === undefined ? { op: 'all' } : { op: 'in', t: { uid: groupUid(p.principalIn) } },
      action: { op: 'all' },
      resource: p.resourceIn === undefined ? { op: 'all' } : { op: 'in', t: { uid: groupUid(p.resourceIn) } },
      conditions: p.conditions,
    }),
  );

/** Group i's parents are among the groups after it (a DAG); some groups are left out of the data. */
const hierarchyEntitiesArb: fc.Arbitrary<EntityJson[]> = fc
  .tuple(
    fc.array(fc.tuple(fc.subarray([...Array(GROUP_COUNT).keys()]), chance(85)), {
      minLength: GROUP_COUNT,
      maxLength: GROUP_COUNT,
    }),
    fc.subarray([...Array(GROUP_COUNT).keys()], { maxLength: 3 }),
    fc.subarray([...Array(GROUP_COUNT).keys()], { maxLength: 3 }),
  )
  .map(([groups, aliceIn, docIn]) => {
    const out: EntityJson[] = [];
    groups.forEach(([parents, present], i) => {
      if (!present) return;
      const ps = parents.filter((j) => j > i && (j - i <= 2 || j % 3 === 0));
      out.push({ uid: uidJson(groupUid(i)), attrs: {}, parents: ps.map((j) => uidJson(groupUid(j))) });
    });
    out.push({ uid: { type: 'User', id: 'alice' }, attrs: {}, parents: aliceIn.map((j) => uidJson(groupUid(j))) });
    out.push({ uid: { type: 'Doc', id: 'd' }, attrs: {}, parents: docIn.map((j) => uidJson(groupUid(j))) });
    return out;
  });

/** Calls about group membership only, over graphs deeper than the general generator makes. */
export const hierarchyCallArb: fc.Arbitrary<AuthorizationCall> = fc
  .record({
    statics: fc.array(hierarchyPolicyArb, { minLength: 1, maxLength: 4 }),
    entities: hierarchyEntitiesArb,
  })
  .map(
    (c): AuthorizationCall => ({
      principal: { type: 'User', id: 'alice' },
      action: { type: 'Action', id: 'view' },
      resource: { type: 'Doc', id: 'd' },
      context: {},
      policies: { staticPolicies: c.statics.map(printPolicy).join('\n') },
      entities: c.entities,
    }),
  );

/** Any call: mostly schemaless, one in eleven with the schema, one in eleven about deep hierarchies. */
export const callArb: fc.Arbitrary<AuthorizationCall> = callArbitrary();

/**
 * The call arbitrary with parts switched off: `schema: false` leaves out the schema calls,
 * `mutations: false` the malformed inputs (useful while the front end has known mismatches
 * that would hide everything else).
 */
export function callArbitrary(opts: { schema?: boolean; mutations?: boolean } = {}): fc.Arbitrary<AuthorizationCall> {
  const { schema = true, mutations = true } = opts;
  return memo(`call|${schema}|${mutations}`, () => {
    const plain = mutations ? schemalessCallArb : schemaless(false);
    return fc.oneof(
      CROSS,
      { arbitrary: plain, weight: 9 },
      { arbitrary: hierarchyCallArb, weight: 1 },
      ...(schema ? [{ arbitrary: schemaCallArb, weight: 1 }] : []),
    );
  });
}
