/**
 * Loading schemas: what is accepted (⇔ cedar-wasm's `checkParseSchema`), how names resolve
 * (checked by parsing typed data against cedar-wasm), the model it yields, and errors.
 */
import { describe, expect, it } from 'vitest';
import { parseEntities } from '../../src/json/index.js';
import { Schema, SchemaError, typeToString } from '../../src/schema/index.js';
import { disagreement, mine, wasm, wasmEntities, wasmSchema } from '../json/oracle.js';
import { dumpSchema } from './dump.js';

const SCHEMAS: [string, unknown][] = [
  ['empty text', ''],
  ['empty JSON', {}],
  ['entity and action', 'entity User; action view appliesTo { principal: User, resource: User };'],
  ['syntax error', 'entity A\n in [B;'],
  ['undeclared parent type', 'entity A in [Zz];'],
  ['undefined common type', 'type A = Zz;'],
  ['common type cycle', 'type A = B; type B = A; entity E {a: A};'],
  ['self-referential common type', 'type A = {a: A}; entity E {a: A};'],
  ['action group cycle', 'action a in [b]; action b in [a];'],
  ['action in itself', 'action a in [a];'],
  ['entity in itself (allowed)', 'entity A in [A];'],
  ['undeclared action group', 'action a in [zz];'],
  ['context not a record', 'type C = Long; action a appliesTo {principal: E, resource: E, context: C}; entity E;'],
  ['context is an entity type', 'action a appliesTo {principal: E, resource: E, context: E}; entity E;'],
  ['empty resource list', 'entity E; action a appliesTo {principal: E, resource: []};'],
  ['missing resource', 'entity E; action a appliesTo {principal: E};'],
  ['duplicate enum ids (allowed)', 'entity E enum ["a", "a"];'],
  ['empty enum', 'entity E enum [];'],
  ['enum with tags', 'entity E enum ["a"] tags Long;'],
  ['common type named Long', 'type Long = String;'],
  ['common type named ipaddr (allowed)', 'type ipaddr = String; entity E { a: ipaddr, b: __cedar::ipaddr };'],
  ['entity named Long (allowed)', 'entity Long; entity E { a: Long };'],
  ['entity named Action', 'entity Action;'],
  ['namespace shadows empty-namespace entity', 'entity X; namespace N { entity X; }'],
  ['namespace common type shadows an entity', 'entity X; namespace N { type X = Long; }'],
  ['namespace action shadows', 'action b; namespace N { action b; }'],
  [
    'common type and entity of one name in a namespace (allowed)',
    'namespace N { type X = Long; entity X; entity E { a: X }; }',
  ],
  ['qualified names are absolute', 'namespace A { entity E { b: B::F }; } namespace A::B { entity F; }'],
  ['qualified names, fully qualified', 'namespace A::B { entity F; } namespace A { entity E { b: A::B::F }; }'],
  ['duplicate action', 'action a; action "a";'],
  ['Boolean is not a text type', 'entity E { a: Boolean };'],
  ['annotations', '@doc("x") entity E; @doc("y") action a;'],
  [
    'JSON: entity and action',
    { '': { entityTypes: { E: {} }, actions: { a: { appliesTo: { principalTypes: ['E'], resourceTypes: ['E'] } } } } },
  ],
  ['JSON: missing actions', { '': { entityTypes: {} } }],
  ['JSON: missing entityTypes', { '': { actions: {} } }],
  ['JSON: not an object', 5],
  ['JSON: null', null],
  [
    'JSON: shape given as a common type (text cannot say this)',
    {
      '': {
        commonTypes: { R: { type: 'Record', attributes: {} } },
        entityTypes: { F: { shape: { type: 'R' } } },
        actions: {},
      },
    },
  ],
  [
    'JSON: shape a common Long',
    { '': { commonTypes: { R: { type: 'Long' } }, entityTypes: { F: { shape: { type: 'R' } } }, actions: {} } },
  ],
  [
    'JSON: shape an entity type',
    { '': { entityTypes: { E: {}, F: { shape: { type: 'Entity', name: 'E' } } }, actions: {} } },
  ],
  [
    'JSON: additionalAttributes',
    {
      '': {
        entityTypes: { E: { shape: { type: 'Record', attributes: {}, additionalAttributes: true } } },
        actions: {},
      },
    },
  ],
  ['JSON: action attributes', { '': { entityTypes: { E: {} }, actions: { a: { attributes: { x: 1 } } } } }],
  ['JSON: unknown field', { '': { entityTypes: { E: { foo: 1 } }, actions: {} } }],
  ['JSON: annotations on the empty namespace', { '': { entityTypes: {}, actions: {}, annotations: { a: 'b' } } }],
  ['JSON: empty enum', { '': { entityTypes: { E: { enum: [] } }, actions: {} } }],
  [
    'JSON: enum and shape',
    { '': { entityTypes: { E: { enum: ['a'], shape: { type: 'Record', attributes: {} } } }, actions: {} } },
  ],
  ['JSON: namespace with a space', { 'a b': { entityTypes: {}, actions: {} } }],
  ['JSON: namespace __cedar', { __cedar: { entityTypes: {}, actions: {} } }],
  ['JSON: namespace Action (allowed)', { Action: { entityTypes: { A: {} }, actions: {} } }],
  ['JSON: entity name with ::', { '': { entityTypes: { 'A::B': {} }, actions: {} } }],
  ['JSON: common type named Bool', { '': { commonTypes: { Bool: { type: 'String' } }, entityTypes: {}, actions: {} } }],
  ['JSON: common type named Set', { '': { commonTypes: { Set: { type: 'String' } }, entityTypes: {}, actions: {} } }],
  [
    'JSON: appliesTo without principalTypes',
    { '': { entityTypes: { E: {} }, actions: { a: { appliesTo: { resourceTypes: ['E'] } } } } },
  ],
  [
    'JSON: appliesTo with empty lists (allowed)',
    { '': { entityTypes: { E: {} }, actions: { a: { appliesTo: { principalTypes: [], resourceTypes: [] } } } } },
  ],
  [
    'JSON: appliesTo Action',
    {
      '': { entityTypes: {}, actions: { a: { appliesTo: { principalTypes: ['Action'], resourceTypes: ['Action'] } } } },
    },
  ],
  [
    'JSON: memberOf a non-action',
    { '': { entityTypes: { G: {} }, actions: { a: { memberOf: [{ id: 'g', type: 'G' }] } } } },
  ],
  [
    'JSON: Set without element',
    { '': { entityTypes: { E: { shape: { type: 'Record', attributes: { a: { type: 'Set' } } } } }, actions: {} } },
  ],
  [
    'JSON: Long with an element',
    {
      '': {
        entityTypes: {
          E: { shape: { type: 'Record', attributes: { a: { type: 'Long', element: { type: 'Long' } } } } },
        },
        actions: {},
      },
    },
  ],
  [
    'JSON: unknown extension',
    {
      '': {
        entityTypes: { E: { shape: { type: 'Record', attributes: { a: { type: 'Extension', name: 'foo' } } } } },
        actions: {},
      },
    },
  ],
  [
    'JSON: __cedar::Boolean',
    {
      '': {
        entityTypes: { E: { shape: { type: 'Record', attributes: { a: { type: '__cedar::Boolean' } } } } },
        actions: {},
      },
    },
  ],
  [
    'JSON: ipaddr reference with an entity named ipaddr',
    {
      '': {
        entityTypes: { ipaddr: {}, E: { shape: { type: 'Record', attributes: { a: { type: 'ipaddr' } } } } },
        actions: {},
      },
    },
  ],
];

describe('which schemas load agrees with checkParseSchema', () => {
  it.each(SCHEMAS)('%s', (name, input) => {
    const ours = mine(() => Schema.parse(input as string));
    const theirs = wasmSchema(input);
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
  });
});

/** A JSON schema with one entity type `E` whose attribute `y` has the given type. */
const attrSchema = (y: unknown, extra: { ct?: object; et?: object } = {}) => ({
  '': {
    commonTypes: extra.ct ?? {},
    entityTypes: { E: { shape: { type: 'Record', attributes: { y } } }, ...(extra.et ?? {}) },
    actions: {},
  },
});

const RESOLUTION: [string, unknown, unknown[], { ct?: object; et?: object }?][] = [
  ['Boolean keyword', { type: 'Boolean' }, [true, 1]],
  ['Bool (a builtin reached as a common-type name)', { type: 'Bool' }, [true, 1]],
  ['ipaddr reference', { type: 'ipaddr' }, ['1.2.3.4', 1]],
  ['Extension ipaddr', { type: 'Extension', name: 'ipaddr' }, ['1.2.3.4', 1]],
  ['__cedar::ipaddr', { type: '__cedar::ipaddr' }, ['1.2.3.4', 1]],
  ['__cedar::Long', { type: '__cedar::Long' }, ['1', 1]],
  ['__cedar::Bool', { type: '__cedar::Bool' }, [true, 1]],
  ['EntityOrCommon Bool', { type: 'EntityOrCommon', name: 'Bool' }, [true, 1]],
  ['EntityOrCommon ipaddr', { type: 'EntityOrCommon', name: 'ipaddr' }, ['1.2.3.4', 1]],
  [
    'EntityOrCommon Long with an entity Long: the entity',
    { type: 'EntityOrCommon', name: 'Long' },
    [1, { type: 'Long', id: 'l' }],
    { et: { Long: {} } },
  ],
  [
    'Long keyword with an entity Long: the primitive',
    { type: 'Long' },
    [1, { type: 'Long', id: 'l' }],
    { et: { Long: {} } },
  ],
  [
    'ipaddr with a common type ipaddr: the common type',
    { type: 'ipaddr' },
    ['1.2.3.4', 1],
    { ct: { ipaddr: { type: 'Long' } } },
  ],
  [
    'EntityOrCommon ipaddr with an entity ipaddr: the entity',
    { type: 'EntityOrCommon', name: 'ipaddr' },
    ['1.2.3.4', { type: 'ipaddr', id: 'x' }],
    { et: { ipaddr: {} } },
  ],
  ['required: false', { type: 'Long', required: false }, [1, '1']],
  ['datetime and duration', { type: 'Set', element: { type: 'datetime' } }, [['2024-01-01'], ['1h']]],
  ['duration', { type: 'duration' }, ['1h', '2024-01-01']],
];

describe('JSON schema name resolution agrees with cedar-wasm (via typed data)', () => {
  for (const [name, y, values, extra] of RESOLUTION) {
    it.each(values.map((v) => [JSON.stringify(v), v]))(`${name}: %s`, (_label, v) => {
      const s = attrSchema(y, extra);
      const data = [{ uid: { type: 'E', id: 'e' }, attrs: { y: v }, parents: [] }];
      const ours = mine(() => parseEntities(data, { schema: Schema.parse(s) }));
      const theirs = wasmEntities(data, s);
      expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
    });
  }

  it('resolves namespaced JSON: fallbacks to the empty namespace, qualified names', () => {
    const s = Schema.parse({
      '': { commonTypes: { C: { type: 'Long' } }, entityTypes: { G: {} }, actions: { b: {} } },
      M: { commonTypes: { D: { type: 'String' }, MC: { type: 'D' } }, entityTypes: {}, actions: {} },
      N: {
        entityTypes: {
          E: {
            memberOfTypes: ['G'],
            shape: {
              type: 'Record',
              attributes: {
                c: { type: 'C' },
                g: { type: 'Entity', name: 'G' },
                m: { type: 'M::MC' },
                e: { type: 'EntityOrCommon', name: 'E' },
              },
            },
          },
        },
        actions: { a: { memberOf: [{ id: 'b' }], appliesTo: { principalTypes: ['E'], resourceTypes: ['G'] } } },
      },
    });
    const e = s.entityType('N::E');
    expect([...(e?.memberOfTypes ?? [])]).toEqual(['G']);
    expect(typeToString(e?.shape ?? { kind: 'Bool' })).toBe(
      '{ "c" => (required) long, "e" => (required) `N::E`, "g" => (required) `G`, "m" => (required) string }',
    );
    expect(s.actionAncestors({ type: 'N::Action', id: 'a' })?.map(String)).toEqual(['Action::"b"']);
    expect([...(s.action({ type: 'N::Action', id: 'a' })?.appliesTo.principalTypes ?? [])]).toEqual(['N::E']);
  });
});

describe('the schema model', () => {
  const s = Schema.parse(`
    type Addr = { ip: ipaddr, "port"?: Long };
    entity Team;
    namespace App {
      type Ctx = { addr: Addr, tags: Set<String> };
      entity User in [Group, Team] = { name: String, addr?: Addr, manager?: User } tags Set<String>;
      entity Group in [Group];
      entity Level enum ["low", "high"];
      @doc("read things") action "read" appliesTo { principal: [User, Group], resource: User, context: Ctx };
      action "all";
      action "write" in ["all", read];
      action "admin" in [write];
    }
  `);

  it('qualifies entity types and inlines common types', () => {
    expect([...s.entityTypes.keys()].sort()).toEqual(['App::Group', 'App::Level', 'App::User', 'Team']);
    const user = s.entityType('App::User');
    expect([...(user?.memberOfTypes ?? [])].sort()).toEqual(['App::Group', 'Team']);
    expect(typeToString(user?.shape ?? { kind: 'Bool' })).toBe(
      '{ "addr" => (optional) { "ip" => (required) ipaddr, "port" => (optional) long }, "manager" => (optional) `App::User`, "name" => (required) string }',
    );
    expect(user?.tags && typeToString(user.tags)).toBe('[string]');
    expect([...(s.entityType('App::Level')?.enum ?? [])]).toEqual(['low', 'high']);
    expect(s.entityType('App::Group')?.tags).toBeUndefined();
  });

  it('qualifies actions and closes their groups', () => {
    expect([...s.actions.keys()].sort()).toEqual([
      'App::Action::"admin"',
      'App::Action::"all"',
      'App::Action::"read"',
      'App::Action::"write"',
    ]);
    const admin = s.action({ type: 'App::Action', id: 'admin' });
    expect(admin?.memberOf.map(String)).toEqual(['App::Action::"write"']);
    expect(admin?.ancestors.map(String).sort()).toEqual([
      'App::Action::"all"',
      'App::Action::"read"',
      'App::Action::"write"',
    ]);
    expect(s.action({ type: 'App::Action', id: 'all' })?.appliesTo.principalTypes.size).toBe(0);
    const read = s.action({ type: 'App::Action', id: 'read' });
    expect([...(read?.appliesTo.principalTypes ?? [])].sort()).toEqual(['App::Group', 'App::User']);
    expect(read?.annotations.doc).toBe('read things');
    expect(typeToString(s.contextType({ type: 'App::Action', id: 'read' }) ?? { kind: 'Bool' })).toBe(
      '{ "addr" => (required) { "ip" => (required) ipaddr, "port" => (optional) long }, "tags" => (required) [string] }',
    );
    expect(s.contextType({ type: 'App::Action', id: 'all' })?.attributes.size).toBe(0);
    expect(s.contextType({ type: 'Action', id: 'read' })).toBeUndefined();
  });

  it('produces the action entities Cedar adds', () => {
    const byKey = new Map(s.actionEntities().map((e) => [e.uid.key, e]));
    expect(byKey.size).toBe(4);
    expect(byKey.get('App::Action::"admin"')?.parents.map(String).sort()).toEqual([
      'App::Action::"all"',
      'App::Action::"read"',
      'App::Action::"write"',
    ]);
    expect(byKey.get('App::Action::"read"')?.attrs.size).toBe(0);
  });

  it('loads the same model from text, from its JSON form, and from JSON text', () => {
    const text = typeof s.source === 'string' ? s.source : '';
    const json = wasm().schemaToJson(text);
    if (json.type !== 'success') throw new Error('schemaToJson failed');
    expect(dumpSchema(Schema.parse(json.json))).toEqual(dumpSchema(s));
    expect(dumpSchema(Schema.parse(JSON.stringify(json.json)))).toEqual(dumpSchema(s));
  });

  it('shares a common type used many times instead of copying it', () => {
    let text = 'type T0 = Long;\n';
    for (let i = 1; i <= 12; i++) text += `type T${i} = { a: T${i - 1}, b: T${i - 1} };\n`;
    text += 'entity E { t: T12 };';
    const big = Schema.parse(text);
    const shape = big.entityType('E')?.shape;
    const t = shape?.attributes.get('t')?.type;
    expect(t?.kind === 'Record' && t.attributes.get('a')?.type === t.attributes.get('b')?.type).toBe(true);
  });
});

describe('schema errors', () => {
  it('carries Cedar message and the place in the text', () => {
    const text = 'entity A;\nentity B in [A\n  ;';
    try {
      Schema.parse(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SchemaError);
      const err = e as SchemaError;
      expect(err.kind).toBe('parse');
      expect(err.message).toMatch(/unexpected token `;`/);
      expect(err.locations[0]).toMatchObject({ line: 3, column: 3, offset: 27 });
      expect(err.locations[0]?.label).toMatch(/expected/);
    }
  });

  it('counts columns in UTF-16 units after non-ASCII text', () => {
    const text = '@doc("héllo wörld 😀") entity A in [;';
    try {
      Schema.parse(text);
      expect.unreachable();
    } catch (e) {
      const loc = (e as SchemaError).locations[0];
      expect(loc).toBeDefined();
      expect(text.slice(loc?.offset, (loc?.offset ?? 0) + 1)).toBe(';');
    }
  });

  it('refuses invalid JSON text with a SchemaError', () => {
    expect(() => Schema.parse('{ "": ')).toThrow(SchemaError);
  });

  it('reports undeclared references', () => {
    expect(() => Schema.parse('entity A in [Zz];')).toThrow(/failed to resolve type: Zz/);
    expect(() => Schema.parse('action a in [zz];')).toThrow(/undeclared action/);
  });
});

describe('inputs that would break the shared cedar-wasm instance are refused first', () => {
  it('refuses schema text nested deeper than the bound, and wasm still works after', () => {
    const deep = `type T = ${'{ a: '.repeat(1000)}Long${' }'.repeat(1000)};`;
    try {
      Schema.parse(deep);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SchemaError);
      expect((e as SchemaError).message).toMatch(/nests types more than 256 levels deep/);
      expect((e as SchemaError).locations[0]?.line).toBe(1);
    }
    expect(Schema.parse('entity A;').entityTypes.size).toBe(1);
    // braces inside strings and comments do not count
    expect(() => Schema.parse(`@doc("${'{'.repeat(300)}") entity A; // ${'<'.repeat(300)}\nentity B;`)).not.toThrow();
  });

  it.each([
    ['a bigint', { '': { entityTypes: { A: { annotations: { a: 5n } } }, actions: {} } }],
    ['a lone surrogate', { '': { entityTypes: { '\uD800': {} }, actions: {} } }],
    ['a Map', { '': { entityTypes: new Map(), actions: {} } }],
    ['a function', { '': { entityTypes: {}, actions: {}, f: () => 1 } }],
  ])('refuses a JSON schema holding %s', (_name, json) => {
    expect(() => Schema.parse(json as never)).toThrow(SchemaError);
    expect(Schema.parse('entity A;').entityTypes.size).toBe(1);
  });

  it('prints huge shared types cut short', () => {
    let text = 'type T0 = Long;\n';
    for (let i = 1; i <= 12; i++) text += `type T${i} = { a: T${i - 1}, b: T${i - 1} };\n`;
    text += 'entity E { t: T12 };';
    const t = Schema.parse(text).entityType('E')?.shape;
    const printed = typeToString(t ?? { kind: 'Bool' });
    expect(printed.length).toBeLessThan(2100);
    expect(printed.endsWith('…')).toBe(true);
  });
});
