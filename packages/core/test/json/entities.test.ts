/**
 * Entities files, with and without a schema, case by case against cedar-wasm's
 * `checkParseEntities`: accept ⇔ accept. Cycles are the one deliberate difference (the
 * entity store rejects them, after this parser); they have their own test below.
 */
import { describe, expect, it } from 'vitest';
import { InputError, parseEntities } from '../../src/json/index.js';
import { Schema } from '../../src/schema/index.js';
import type { CedarRecord, EntityUID } from '../../src/values/value.js';
import { disagreement, mine, wasmEntities } from './oracle.js';

type Entities = unknown;
const U = (type: string, id: string) => ({ type, id });
const ent = (uid: unknown, attrs: unknown = {}, parents: unknown = [], tags?: unknown) =>
  tags === undefined ? { uid, attrs, parents } : { uid, attrs, parents, tags };

const SCHEMA = `
entity G;
entity En enum ["a", "b"];
entity T in [G, En] = {
  b?: Bool, l?: Long, s?: String, e?: G, ee?: En, ip?: ipaddr, d?: decimal, dt?: datetime, du?: duration,
  set?: Set<Long>, r?: { x: Long, "y"?: String }, es?: Set<G>, "__entity"?: String,
  rr?: { "__entity": { type: String, id: String } }, re?: { "__extn": String }, anyrec?: {},
  "__proto__"?: Long, "constructor"?: { "toString": Bool }
} tags Long;
entity Req = { b: Bool };
entity NoTags = { a?: Long };
entity Empty;
entity SetTags tags Set<ipaddr>;
action a0;
action a1 in [a0];
action a2 in [a1];
action "a3" in [a2, a0];
action act appliesTo { principal: T, resource: G, context: { n: Long } };
`;

const T = (attrs: Record<string, unknown>, extra: Record<string, unknown> = {}) => [
  { uid: U('T', 't'), attrs, parents: [], ...extra },
];
const A = (id: string, parents: string[] = [], attrs: unknown = {}) =>
  ent(
    U('Action', id),
    attrs,
    parents.map((p) => U('Action', p)),
  );

const SCHEMALESS: [string, Entities][] = [
  ['empty file', []],
  ['not an array', {}],
  ['null', null],
  ['one entity', [ent(U('A', 'a'), { x: 1 }, [U('B', 'b')])]],
  ['entity is null', [null]],
  ['entity is a string', ['A::"a"']],
  ['entity as a 3-element array (serde reads structs from sequences)', [[U('A', 'a'), {}, []]]],
  ['entity as a 4-element array', [[U('A', 'a'), {}, [], { t: 1 }]]],
  ['entity as a 5-element array', [[U('A', 'a'), {}, [], {}, 1]]],
  ['entity as an empty array', [[]]],
  ['missing uid', [{ attrs: {}, parents: [] }]],
  ['missing attrs', [{ uid: U('A', 'a'), parents: [] }]],
  ['missing parents', [{ uid: U('A', 'a'), attrs: {} }]],
  ['attrs null', [ent(U('A', 'a'), null)]],
  ['attrs array', [ent(U('A', 'a'), [])]],
  ['parents object', [ent(U('A', 'a'), {}, {})]],
  ['parents null', [ent(U('A', 'a'), {}, null)]],
  ['tags null', [{ uid: U('A', 'a'), attrs: {}, parents: [], tags: null }]],
  ['tags array', [ent(U('A', 'a'), {}, [], [])]],
  ['tags undefined (absent)', [{ uid: U('A', 'a'), attrs: {}, parents: [], tags: undefined }]],
  ['tags', [ent(U('A', 'a'), {}, [], { t: 1, __proto__: 2 })]],
  ['tag null', [ent(U('A', 'a'), {}, [], { t: null })]],
  ['tag fraction', [ent(U('A', 'a'), {}, [], { t: 1.5 })]],
  ['extra key on the entity (ignored, even a fraction)', [{ uid: U('A', 'a'), attrs: {}, parents: [], foo: [1.5] }]],
  ['extra null key on the entity', [{ uid: U('A', 'a'), attrs: {}, parents: [], foo: null }]],
  ['uid __entity', [ent({ __entity: U('A', 'a') })]],
  ['uid __entity with a key beside it', [ent({ __entity: U('A', 'a'), y: 1 })]],
  ['uid with an extra fraction (ignored)', [ent({ ...U('A', 'a'), z: 1.5 })]],
  ['uid with an extra null', [ent({ ...U('A', 'a'), z: null })]],
  [
    'uid __entity wins over type/id',
    [ent({ __entity: U('A', 'a'), ...U('B', 'b') }, { x: 1 }), ent(U('A', 'a'), { x: 2 })],
  ],
  ['uid bad __entity falls back to type/id', [ent({ __entity: { type: 1 }, ...U('A', 'a') })]],
  ['uid __entity string falls back to type/id', [ent({ __entity: 'x', ...U('A', 'a') })]],
  ['uid __expr', [ent({ __expr: 'A::"a"' })]],
  ['uid __expr beside type/id', [ent({ __expr: 'x', ...U('A', 'a') })]],
  ['uid __expr number beside type/id', [ent({ __expr: 1, ...U('A', 'a') })]],
  ['uid as a string', [ent('A::"a"')]],
  ['uid with a numeric type', [ent({ type: 1, id: 'a' })]],
  ['uid with a numeric id', [ent({ type: 'A', id: 1 })]],
  ['uid with a reserved type', [ent(U('if', 'a'))]],
  ['uid with a __cedar type', [ent(U('__cedar::A', 'a'))]],
  ['uid with an empty id', [ent(U('A', ''))]],
  ['uid __proto__ id', [ent(U('A', '__proto__'))]],
  ['parent __entity', [ent(U('A', 'a'), {}, [{ __entity: U('B', 'b') }])]],
  ['parent __entity with a key beside it', [ent(U('A', 'a'), {}, [{ __entity: U('B', 'b'), z: 1 }])]],
  ['parent with an extra key', [ent(U('A', 'a'), {}, [{ ...U('B', 'b'), z: 1 }])]],
  ['parent as a string', [ent(U('A', 'a'), {}, ['B::"b"'])]],
  ['parent with a bad type', [ent(U('A', 'a'), {}, [U('B b', 'b')])]],
  ['duplicate parents', [ent(U('A', 'a'), {}, [U('B', 'b'), U('B', 'b')])]],
  ['identical duplicate entities are accepted', [ent(U('A', 'a')), ent(U('A', 'a'))]],
  ['duplicates with different attributes', [ent(U('A', 'a'), { x: 1 }), ent(U('A', 'a'), { x: 2 })]],
  ['duplicates equal up to set order', [ent(U('A', 'a'), { s: [1, 2] }), ent(U('A', 'a'), { s: [2, 1, 1] })]],
  [
    'duplicates equal up to parent order',
    [ent(U('A', 'a'), {}, [U('B', 'b'), U('C', 'c')]), ent(U('A', 'a'), {}, [U('C', 'c'), U('B', 'b'), U('B', 'b')])],
  ],
  ['duplicates with different parents', [ent(U('A', 'a'), {}, [U('B', 'b')]), ent(U('A', 'a'))]],
  ['duplicates: no tags vs empty tags', [ent(U('A', 'a'), {}, [], {}), ent(U('A', 'a'))]],
  ['duplicates: tags differ', [ent(U('A', 'a'), {}, [], { t: 1 }), ent(U('A', 'a'))]],
  [
    'duplicates: equal ips (10.0.0.1 = 10.0.0.1/32)',
    [
      ent(U('A', 'a'), { i: { __extn: { fn: 'ip', arg: '10.0.0.1' } } }),
      ent(U('A', 'a'), { i: { __extn: { fn: 'ip', arg: '10.0.0.1/32' } } }),
    ],
  ],
  [
    'duplicates: equal decimals',
    [
      ent(U('A', 'a'), { d: { __extn: { fn: 'decimal', arg: '1.0' } } }),
      ent(U('A', 'a'), { d: { __extn: { fn: 'decimal', arg: '1.00' } } }),
    ],
  ],
  ['duplicates: attribute undefined vs absent', [ent(U('A', 'a'), { x: undefined }), ent(U('A', 'a'))]],
  ['duplicates: 1 vs "1"', [ent(U('A', 'a'), { x: 1 }), ent(U('A', 'a'), { x: '1' })]],
  ['action entity with attributes, no schema', [ent(U('Action', 'a'), { x: 1 })]],
];

const WITH_SCHEMA: [string, Entities][] = [
  ['conforming', T({ b: true })],
  ['undeclared attribute', T({ zz: 1 })],
  ['wrong type: Bool given a string', T({ b: 'true' })],
  ['Long given a string', T({ l: '5' })],
  ['String given a number', T({ s: 5 })],
  ['Long given a fraction', T({ l: 1.5 })],
  ['Long given 2^63', T({ l: 2 ** 63 })],
  ['String given null', T({ s: null })],
  ['attribute bound to undefined is absent', T({ l: undefined })],
  ['Long given an entity', T({ l: { __entity: U('G', 'g') } })],
  ['String given an extension value', T({ s: { __extn: { fn: 'ip', arg: '1.2.3.4' } } })],
  ['String given an invalid extension value', T({ s: { __extn: { fn: 'ip', arg: 'zz' } } })],
  ['String given a record holding a fraction', T({ s: { a: 1.5 } })],
  ['String given __expr', T({ s: { __expr: 'x' } })],
  ['entity as {type, id}', T({ e: U('G', 'g') })],
  ['entity as __entity', T({ e: { __entity: U('G', 'g') } })],
  ['entity of the wrong type', T({ e: U('T', 'g') })],
  ['entity of an undeclared type', T({ e: U('Zzz', 'g') })],
  ['entity of an action type', T({ e: U('Action', 'a0') })],
  ['entity with an extra key', T({ e: { ...U('G', 'g'), z: 1 } })],
  ['entity with an extra fraction (ignored where an entity is due)', T({ e: { ...U('G', 'g'), z: 1.5 } })],
  ['entity with an extra null', T({ e: { ...U('G', 'g'), z: null } })],
  ['entity __entity with a key beside it', T({ e: { __entity: U('G', 'g'), y: 1 } })],
  ['entity: __entity wins over type/id', T({ e: { ...U('T', 't'), __entity: U('G', 'g') } })],
  ['entity as a string', T({ e: 'G::"g"' })],
  ['entity as a bool', T({ e: true })],
  ['entity with a numeric id', T({ e: { type: 'G', id: 1 } })],
  ['entity with a reserved type name', T({ e: U('if', 'g') })],
  ['entity as __expr', T({ e: { __expr: 'G::"g"' } })],
  ['enum entity, valid id', T({ ee: U('En', 'a') })],
  ['enum entity, invalid id', T({ ee: U('En', 'zz') })],
  ['ipaddr as a string', T({ ip: '10.0.0.1' })],
  ['ipaddr as an invalid string', T({ ip: '10.0.0.' })],
  ['ipaddr as ip("…") text', T({ ip: 'ip("1.2.3.4")' })],
  ['ipaddr as __extn', T({ ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } } })],
  ['ipaddr as __extn with a key beside it', T({ ip: { __extn: { fn: 'ip', arg: '1.2.3.4' }, z: 1 } })],
  ['ipaddr given a decimal __extn', T({ ip: { __extn: { fn: 'decimal', arg: '1.0' } } })],
  ['ipaddr as a bare {fn, arg}', T({ ip: { fn: 'ip', arg: '10.0.0.1' } })],
  ['ipaddr as a bare {fn, args}', T({ ip: { fn: 'ip', args: ['1.2.3.4'] } })],
  ['ipaddr as a bare {fn, arg} with an extra key', T({ ip: { fn: 'ip', arg: '1.2.3.4', z: 1 } })],
  ['ipaddr as a bare decimal {fn, arg}', T({ ip: { fn: 'decimal', arg: '1.0' } })],
  ['ipaddr with an unknown function', T({ ip: { fn: 'foo', arg: '1.2.3.4' } })],
  ['ipaddr as {fn, arg: number}', T({ ip: { fn: 'ip', arg: 1 } })],
  [
    'ipaddr as an isIpv4 call (a bool)',
    T({ ip: { __extn: { fn: 'isIpv4', arg: { __extn: { fn: 'ip', arg: '1.2.3.4' } } } } }),
  ],
  ['ipaddr as {arg} only', T({ ip: { arg: '1.2.3.4' } })],
  ['ipaddr with an unreadable arg falls back to args', T({ ip: { fn: 'ip', arg: 1.5, args: ['1.2.3.4'] } })],
  [
    'ipaddr as __extn with an extra fraction (ignored here)',
    T({ ip: { __extn: { fn: 'ip', arg: '1.2.3.4', z: 1.5 } } }),
  ],
  ['decimal as a string', T({ d: '1.5' })],
  ['decimal as a number', T({ d: 1 })],
  ['decimal as a bool', T({ d: true })],
  ['decimal as a set', T({ d: ['1.0'] })],
  ['decimal as a record', T({ d: { a: 1 } })],
  ['decimal as an entity', T({ d: { __entity: U('G', 'g') } })],
  ['decimal with five places', T({ d: '1.23456' })],
  ['datetime as a string', T({ dt: '2024-01-01' })],
  ['invalid datetime string', T({ dt: '2024-02-30' })],
  ['duration as a string', T({ du: '1h' })],
  ['set of Longs with duplicates', T({ set: [1, 2, 2] })],
  ['set with a bad element', T({ set: [1, 'x'] })],
  ['set element a fraction', T({ set: [1.5] })],
  ['set given a number', T({ set: 1 })],
  ['set given an entity', T({ set: [{ __entity: U('G', 'g') }] })],
  ['set of entities as {type, id}', T({ es: [U('G', 'g'), U('G', 'h')] })],
  ['record', T({ r: { x: 1 } })],
  ['record missing a required attribute', T({ r: {} })],
  ['record with an undeclared attribute', T({ r: { x: 1, z: 1 } })],
  ['record with a null', T({ r: { x: null } })],
  ['record given __entity (read as a record)', T({ r: { __entity: U('G', 'g') } })],
  ['record given __expr (read as a record)', T({ r: { __expr: 'x' } })],
  ['record given a number', T({ r: 1 })],
  ['record given an array', T({ r: [] })],
  ['attribute named __entity', T({ __entity: 'x' })],
  ['record with an __entity attribute', T({ rr: { __entity: U('G', 'g') } })],
  ['record with an __extn attribute', T({ re: { __extn: 'x' } })],
  ['record with an __extn attribute given an object', T({ re: { __extn: { fn: 'ip', arg: '1.2.3.4' } } })],
  ['empty record type', T({ anyrec: {} })],
  ['empty record type given an attribute', T({ anyrec: { a: 1 } })],
  ['empty record type given a null attribute', T({ anyrec: { a: null } })],
  ['attributes named __proto__ and constructor', T(JSON.parse('{"__proto__": 1, "constructor": {"toString": true}}'))],
  ['__proto__ of the wrong type', T(JSON.parse('{"__proto__": "1"}'))],
  ['required attribute present', [ent(U('Req', 'r'), { b: true })]],
  ['required attribute missing', [ent(U('Req', 'r'))]],
  ['parent of an allowed type', [ent(U('T', 't'), {}, [U('G', 'g')])]],
  ['parent of an enum type, valid id', [ent(U('T', 't'), {}, [U('En', 'a')])]],
  ['parent of an enum type, invalid id', [ent(U('T', 't'), {}, [U('En', 'q')])]],
  ['parent of a type not in memberOfTypes', [ent(U('T', 't'), {}, [U('Empty', 'g')])]],
  ['parent of an undeclared type', [ent(U('T', 't'), {}, [U('Zzz', 'g')])]],
  ['parent is a declared action', [ent(U('T', 't'), {}, [U('Action', 'a0')])]],
  ['parent is an undeclared action', [ent(U('G', 'g'), {}, [U('Foo::Action', 'y')])]],
  ['duplicate parents', [ent(U('T', 't'), {}, [U('G', 'g'), U('G', 'g')])]],
  ['entity of an undeclared type', [ent(U('Zzz', 'z'))]],
  ['entity of a type named like an action type', [ent(U('ActionX', 'x'))]],
  ['enum entity in the data', [ent(U('En', 'a'))]],
  ['enum entity with an invalid id', [ent(U('En', 'q'))]],
  ['enum entity with attributes', [ent(U('En', 'a'), { x: 1 })]],
  ['enum entity with a parent', [ent(U('En', 'a'), {}, [U('G', 'g')])]],
  ['tags', T({}, { tags: { a: 1, __proto__: 2 } })],
  ['tag of the wrong type', T({}, { tags: { a: 'x' } })],
  ['tag null', T({}, { tags: { a: null } })],
  ['tags where the type declares none', [ent(U('NoTags', 'n'), {}, [], { a: 1 })]],
  ['empty tags where the type declares none', [ent(U('NoTags', 'n'), {}, [], {})]],
  ['typed tags: set of ipaddr as strings', [ent(U('SetTags', 's'), {}, [], { a: ['1.2.3.4', '::1'] })]],
  ['typed tags: bad ipaddr', [ent(U('SetTags', 's'), {}, [], { a: ['1.2.3'] })]],
  ['attributes where the type declares none', [ent(U('Empty', 'n'), { a: 1 })]],
  ['action as the schema has it', [A('a1', ['a0'])]],
  ['action without its group', [A('a1')]],
  ['action with an extra group', [A('a1', ['a0', 'act'])]],
  ['action with attributes', [A('a1', ['a0'], { a: 1 })]],
  ['action with tags', [{ ...A('a1', ['a0']), tags: { a: 1 } }]],
  ['action with empty tags', [{ ...A('a1', ['a0']), tags: {} }]],
  ['action with only its direct group (needs the transitive ones)', [A('a2', ['a1'])]],
  ['action with direct and transitive groups', [A('a2', ['a1', 'a0'])]],
  ['action whose groups are given transitively in the data', [A('a2', ['a1']), A('a1', ['a0'])]],
  ['action a3: two groups', [A('a3', ['a2', 'a0'])]],
  ['action a3: every group', [A('a3', ['a2', 'a0', 'a1'])]],
  ['action given twice', [A('a1', ['a0']), A('a1', ['a0'])]],
  ['undeclared action', [A('nope')]],
  ['action of another namespace', [ent(U('Foo::Action', 'x'))]],
  ['action with a non-action parent', [ent(U('Action', 'a0'), {}, [U('G', 'g')])]],
  ['action with a cycle in the data', [A('a1', ['a0']), A('a0', ['a1'])]],
  ['identical duplicates', [...T({ l: 1 }), ...T({ l: 1 })]],
  ['different duplicates', [...T({ l: 1 }), ...T({ l: 2 })]],
  ['duplicates equal as decimals', [...T({ d: '1.0' }), ...T({ d: '1.00' })]],
  ['duplicates: typed entity vs __entity', [...T({ e: U('G', 'g') }), ...T({ e: { __entity: U('G', 'g') } })]],
];

/** Entities with namespaces and common types, to exercise name resolution. */
const NS_SCHEMA = `
type Top = { n: Long };
entity Glob;
namespace App {
  type Addr = { ip: ipaddr, tags?: Set<String> };
  type L = __cedar::Long;
  entity User in [Group, Glob] = { addr: Addr, top: Top, l: L, g?: Group, glob?: Glob, other?: Other::Thing };
  entity Group;
  entity Kind enum ["x", "y"];
  action "read" appliesTo { principal: User, resource: Group, context: { k: Kind } };
  action "all";
  action "sub" in ["all"];
}
namespace Other {
  entity Thing in [App::Group];
  action "ext" in [App::Action::"all"];
}
`;

const U1 = (attrs: Record<string, unknown>, parents: unknown[] = []) => [ent(U('App::User', 'u'), attrs, parents)];
const BASE = { addr: { ip: '1.2.3.4' }, top: { n: 1 }, l: 2 };

const NS_CASES: [string, Entities][] = [
  ['conforming', U1(BASE)],
  ['common type record with optional set', U1({ ...BASE, addr: { ip: '1.2.3.4', tags: ['a'] } })],
  ['common type record missing a field', U1({ ...BASE, addr: {} })],
  ['empty-namespace common type from a namespace', U1({ ...BASE, top: { n: 'x' } })],
  ['__cedar::Long via a common type', U1({ ...BASE, l: 'x' })],
  ['unqualified entity reference resolves in the namespace', U1({ ...BASE, g: U('App::Group', 'g') })],
  ['unqualified name is not the empty namespace type', U1({ ...BASE, g: U('Group', 'g') })],
  ['empty-namespace entity type from a namespace', U1({ ...BASE, glob: U('Glob', 'g') })],
  ['cross-namespace entity type', U1({ ...BASE, other: U('Other::Thing', 't') })],
  ['parents in both namespaces', U1(BASE, [U('App::Group', 'g'), U('Glob', 'x')])],
  ['parent type from another namespace', [ent(U('Other::Thing', 't'), {}, [U('App::Group', 'g')])]],
  ['parent type not allowed', [ent(U('Other::Thing', 't'), {}, [U('Glob', 'g')])]],
  ['namespaced action', [ent(U('App::Action', 'sub'), {}, [U('App::Action', 'all')])]],
  ['namespaced action unqualified', [ent(U('Action', 'sub'), {}, [U('Action', 'all')])]],
  ['action in another namespace group', [ent(U('Other::Action', 'ext'), {}, [U('App::Action', 'all')])]],
  ['action in another namespace group, missing', [ent(U('Other::Action', 'ext'))]],
  ['enum in a namespace', [ent(U('App::Kind', 'x'))]],
  ['enum in a namespace, bad id', [ent(U('App::Kind', 'z'))]],
];

function compare(name: string, entities: Entities, schemaText?: string): void {
  const schema = schemaText === undefined ? undefined : Schema.parse(schemaText);
  const ours = mine(() => parseEntities(entities, { schema }));
  const theirs = wasmEntities(entities, schemaText);
  if (!ours.ok || theirs.ok || !/cycle/.test(theirs.message)) {
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
  }
}

describe('entities without a schema agree with cedar-wasm', () => {
  it.each(SCHEMALESS)('%s', (name, entities) => compare(name, entities));
});

describe('entities with a schema agree with cedar-wasm', () => {
  it.each(WITH_SCHEMA)('%s', (name, entities) => compare(name, entities, SCHEMA));
});

describe('entities with namespaces and common types agree with cedar-wasm', () => {
  it.each(NS_CASES)('%s', (name, entities) => compare(name, entities, NS_SCHEMA));
});

describe('what the entities parser produces', () => {
  const schema = Schema.parse(SCHEMA);

  it('adds the schema action entities, with their transitive groups as parents', () => {
    const out = parseEntities([], { schema });
    const byKey = new Map(out.map((e) => [e.uid.key, e]));
    expect([...byKey.keys()].sort()).toEqual([
      'Action::"a0"',
      'Action::"a1"',
      'Action::"a2"',
      'Action::"a3"',
      'Action::"act"',
    ]);
    const keys = (us: readonly EntityUID[]) => us.map((u) => u.key).sort();
    expect(keys(byKey.get('Action::"a3"')?.parents ?? [])).toEqual(['Action::"a0"', 'Action::"a1"', 'Action::"a2"']);
    expect(keys(byKey.get('Action::"a0"')?.parents ?? [])).toEqual([]);
  });

  it('keeps one copy of identical duplicates and of an action the data repeats', () => {
    const out = parseEntities([...T({ l: 1 }), ...T({ l: 1 }), A('a1', ['a0'])], { schema });
    expect(out.filter((e) => e.uid.key === 'T::"t"')).toHaveLength(1);
    expect(out.filter((e) => e.uid.key === 'Action::"a1"')).toHaveLength(1);
  });

  it('reads typed values: strings as extension values, {type, id} as entities', () => {
    const [t] = parseEntities(T({ ip: '10.0.0.1', e: U('G', 'g'), set: [1, 1, 2], r: { x: 3 } }, { tags: { k: 7 } }), {
      schema,
    });
    if (t === undefined) throw new Error('no entity');
    expect(String(t.attrs.get('ip'))).toBe('ip("10.0.0.1")');
    expect(String(t.attrs.get('e'))).toBe('G::"g"');
    expect((t.attrs.get('r') as CedarRecord).get('x')).toBe(3n);
    expect(t.tags.get('k')).toBe(7n);
  });

  it('leaves the hierarchy open: a cycle is accepted here and left to the entity store', () => {
    const cyc = [ent(U('A', 'a'), {}, [U('A', 'b')]), ent(U('A', 'b'), {}, [U('A', 'a')])];
    expect(parseEntities(cyc)).toHaveLength(2);
    expect(wasmEntities(cyc).ok).toBe(false);
  });

  it('names the entity, the kind of problem and the path', () => {
    const check = (entities: unknown, kind: string, path: (string | number)[], message: RegExp) => {
      try {
        parseEntities(entities, { schema });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        const err = e as InputError;
        expect([err.kind, err.path, err.message]).toEqual([kind, path, expect.stringMatching(message)]);
      }
    };
    check(
      T({ l: '5' }),
      'schema',
      [0, 'attrs', 'l'],
      /^in attribute `l` on `T::"t"`, type mismatch: value was expected to have type long, but it actually has type string: `"5"`$/,
    );
    check(
      T({ r: { x: 1, z: 2 } }),
      'schema',
      [0, 'attrs', 'r', 'z'],
      /record attribute `z` should not exist according to the schema/,
    );
    check(T({ set: [1, 'x'] }), 'schema', [0, 'attrs', 'set', 1], /expected to have type long/);
    check(
      [ent(U('Zzz', 'z'))],
      'schema',
      [0, 'uid'],
      /entity `Zzz::"z"` has type `Zzz` which is not declared in the schema/,
    );
    check(
      [ent(U('T', 't'), {}, [U('Empty', 'e')])],
      'schema',
      [0, 'parents', 0],
      /`T::"t"` is not allowed to have an ancestor of type `Empty`/,
    );
    check(
      [ent(U('NoTags', 'n'), {}, [], { a: 1 })],
      'schema',
      [0, 'tags', 'a'],
      /found a tag `a` on `NoTags::"n"`, but no tags should exist/,
    );
    check(
      [ent(U('En', 'q'))],
      'schema',
      [0, 'uid'],
      /`En::"q"` is of an enumerated entity type, but `"q"` is not declared as a valid eid/,
    );
    check(
      [A('a2', ['a1'])],
      'action',
      [0],
      /definition of action `Action::"a2"` does not match its schema declaration/,
    );
    check([A('zz')], 'action', [0], /found action entity `Action::"zz"`, but it was not declared/);
    check([...T({ l: 1 }), ...T({ l: 2 })], 'duplicate', [1], /^duplicate entity entry `T::"t"`$/);
    check(T({ ip: 'nope' }), 'extension', [0, 'attrs', 'ip'], /^in attribute `ip` on `T::"t"`, .*invalid IP/);
    check([ent(U('if', 'x'))], 'name', [0, 'uid'], /reserved identifier/);
    check([{ uid: U('A', 'a'), attrs: {} }], 'json', [0], /missing field `parents`/);
    check([ent({ __expr: 'x' })], 'escape', [0, 'uid'], /`__expr` escape is no longer supported/);
  });
});
