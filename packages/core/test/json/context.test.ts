/**
 * Contexts and request validation, case by case against cedar-wasm:
 * - `parseContext` (validating) ⇔ `checkParseContext`;
 * - `parseContext` with `validate: false` ⇔ `isAuthorized` with `validateRequest: false`
 *   (Cedar still reads the context with the action's type, but does not type-check it);
 * - `validateRequest` + `parseContext` ⇔ `isAuthorized` with `validateRequest: true`.
 */
import { describe, expect, it } from 'vitest';
import { InputError, parseContext, parseEntityRef, validateRequest } from '../../src/json/index.js';
import { Schema } from '../../src/schema/index.js';
import { CedarRecord } from '../../src/values/value.js';
import { disagreement, mine, wasmAuthorize, wasmContext } from './oracle.js';

const SCHEMA = `
entity G; entity T in [G] { b?: Bool };
entity En enum ["a", "b"];
action act appliesTo {
  principal: T, resource: G,
  context: { n: Long, ip?: ipaddr, e?: G, en?: En, s?: Set<Long>, r?: { a: Long }, "__proto__"?: String }
};
action noctx appliesTo { principal: T, resource: G };
action both appliesTo { principal: [T, G, En], resource: [G, En, T] };
action nothing;
namespace NS { entity U; action "x" appliesTo { principal: U, resource: U, context: {} }; action "Action"; }
`;
const schema = Schema.parse(SCHEMA);
const A = (id: string, type = 'Action') => ({ type, id });

const CONTEXTS: [string, unknown, unknown][] = [
  ['conforming', { n: 1 }, A('act')],
  ['missing a required attribute', {}, A('act')],
  ['undeclared attribute', { n: 1, z: 1 }, A('act')],
  ['Long given a string', { n: 'x' }, A('act')],
  ['ipaddr as a string', { n: 1, ip: '1.2.3.4' }, A('act')],
  ['ipaddr invalid', { n: 1, ip: 'zz' }, A('act')],
  ['ipaddr given a decimal', { n: 1, ip: { __extn: { fn: 'decimal', arg: '1.0' } } }, A('act')],
  ['entity as {type, id}', { n: 1, e: A('g', 'G') }, A('act')],
  ['entity of the wrong type', { n: 1, e: A('t', 'T') }, A('act')],
  ['entity as a string', { n: 1, e: 'G::"g"' }, A('act')],
  ['enum entity, valid', { n: 1, en: A('a', 'En') }, A('act')],
  ['enum entity, invalid id', { n: 1, en: A('zz', 'En') }, A('act')],
  ['set with a bad element', { n: 1, s: ['x'] }, A('act')],
  ['set given a number', { n: 1, s: 1 }, A('act')],
  ['record given a number', { n: 1, r: 1 }, A('act')],
  ['record missing an attribute', { n: 1, r: {} }, A('act')],
  ['__proto__ attribute', JSON.parse('{"n": 1, "__proto__": "x"}'), A('act')],
  ['fraction', { n: 1.5 }, A('act')],
  ['null attribute', { n: null }, A('act')],
  ['context is an array', [], A('act')],
  ['context is a string', 'x', A('act')],
  ['context is null', null, A('act')],
  ['context __entity (read as a record)', { __entity: A('g', 'G') }, A('noctx')],
  ['no context type: empty', {}, A('noctx')],
  ['no context type: an attribute', { a: 1 }, A('noctx')],
  ['no appliesTo: empty', {}, A('nothing')],
  ['no appliesTo: an attribute', { a: 1 }, A('nothing')],
  ['namespaced action', {}, A('x', 'NS::Action')],
  ['namespaced action unqualified', {}, A('x')],
  ['action named Action', {}, A('Action', 'NS::Action')],
  ['undeclared action', {}, A('zzz')],
  ['action given as __entity', { n: 1 }, { __entity: A('act') }],
  ['action with an extra key', { n: 1 }, { ...A('act'), z: 1 }],
];

const SCHEMALESS: [string, unknown][] = [
  ['record', { n: 1, e: A('g', 'G') }],
  ['fraction', { n: 1.5 }],
  ['null', { n: null }],
  ['bare null', null],
  ['__entity is not a record', { __entity: A('g', 'G') }],
  ['__extn is not a record', { __extn: { fn: 'ip', arg: '1.2.3.4' } }],
  ['an array', [1]],
  ['a string', 'x'],
  ['__entity with a key beside it is a record', { __entity: A('g', 'G'), y: 1 }],
  ['empty', {}],
];

describe('contexts agree with checkParseContext', () => {
  it.each(CONTEXTS)('%s', (name, context, action) => {
    const ours = mine(() => parseContext(context, { schema, action }));
    const theirs = wasmContext(context, SCHEMA, action);
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
  });
});

describe('contexts without a schema agree with checkParseContext', () => {
  it.each(SCHEMALESS)('%s', (name, context) => {
    const ours = mine(() => parseContext(context));
    const theirs = wasmContext(context);
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
    // a schema without an action reads the context schemaless too
    const ours2 = mine(() => parseContext(context, { schema }));
    expect(ours2.ok, disagreement(`${name} (schema, no action)`, ours2, wasmContext(context, SCHEMA))).toBe(theirs.ok);
  });
});

describe('contexts read without validation agree with isAuthorized(validateRequest: false)', () => {
  it.each(CONTEXTS)('%s', (name, context, action) => {
    const ours = mine(() => parseContext(context, { schema, action, validate: false }));
    const theirs = wasmAuthorize({
      principal: A('t', 'T'),
      action,
      resource: A('g', 'G'),
      context,
      schema: SCHEMA,
      validateRequest: false,
    });
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
  });
});

const R = (p: unknown, a: unknown, r: unknown, context: unknown = {}) => ({ p, a, r, context });
const REQUESTS: [string, ReturnType<typeof R>][] = [
  ['valid', R(A('t', 'T'), A('act'), A('g', 'G'), { n: 1 })],
  ['principal type not in appliesTo', R(A('t', 'G'), A('act'), A('g', 'G'), { n: 1 })],
  ['resource type not in appliesTo', R(A('t', 'T'), A('act'), A('t', 'T'), { n: 1 })],
  ['undeclared principal type', R(A('t', 'Zzz'), A('act'), A('g', 'G'), { n: 1 })],
  ['undeclared resource type', R(A('t', 'T'), A('act'), A('g', 'Zz'), { n: 1 })],
  ['principal is an action', R(A('act'), A('act'), A('g', 'G'), { n: 1 })],
  ['both wrong', R(A('t', 'G'), A('act'), A('g', 'T'), { n: 'x' })],
  ['context of the wrong type', R(A('t', 'T'), A('act'), A('g', 'G'), { n: 'x' })],
  ['context with an undeclared attribute', R(A('t', 'T'), A('act'), A('g', 'G'), { n: 1, zz: 1 })],
  ['context with an invalid enum id', R(A('t', 'T'), A('act'), A('g', 'G'), { n: 1, en: A('zz', 'En') })],
  ['context with an entity of the wrong type', R(A('t', 'T'), A('act'), A('g', 'G'), { n: 1, e: A('t', 'T') })],
  [
    'context ipaddr given a decimal',
    R(A('t', 'T'), A('act'), A('g', 'G'), { n: 1, ip: { __extn: { fn: 'decimal', arg: '1.0' } } }),
  ],
  ['undeclared action', R(A('t', 'T'), A('zz'), A('g', 'G'))],
  ['action of a non-action type', R(A('t', 'T'), A('g', 'G'), A('g', 'G'))],
  ['action without appliesTo', R(A('t', 'T'), A('nothing'), A('g', 'G'))],
  ['action without context type', R(A('t', 'T'), A('noctx'), A('g', 'G'))],
  ['several principal types', R(A('g', 'G'), A('both'), A('t', 'T'))],
  ['enum principal, valid id', R(A('a', 'En'), A('both'), A('g', 'G'))],
  ['enum principal, invalid id', R(A('z', 'En'), A('both'), A('g', 'G'))],
  ['enum resource, invalid id', R(A('g', 'G'), A('both'), A('z', 'En'))],
  ['namespaced action', R(A('u', 'NS::U'), A('x', 'NS::Action'), A('u', 'NS::U'))],
  ['namespaced action, wrong principal', R(A('t', 'T'), A('x', 'NS::Action'), A('u', 'NS::U'))],
  ['principal as __entity', R({ __entity: A('t', 'T') }, A('act'), A('g', 'G'), { n: 1 })],
  ['principal with a reserved type name', R(A('t', 'if'), A('act'), A('g', 'G'), { n: 1 })],
  ['principal as a string', R('T::"t"', A('act'), A('g', 'G'), { n: 1 })],
];

function ourRequest(req: ReturnType<typeof R>, validate: boolean) {
  const principal = parseEntityRef(req.p, 'principal');
  const action = parseEntityRef(req.a, 'action');
  const resource = parseEntityRef(req.r, 'resource');
  const context = parseContext(req.context, { schema, action, validate: false });
  if (validate) validateRequest(schema, principal, action, resource, context);
}

describe('requests agree with isAuthorized(validateRequest: true)', () => {
  it.each(REQUESTS)('%s', (name, req) => {
    const ours = mine(() => ourRequest(req, true));
    const theirs = wasmAuthorize({
      principal: req.p,
      action: req.a,
      resource: req.r,
      context: req.context,
      schema: SCHEMA,
    });
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
    // validateRequest also takes the context as JSON
    const direct = mine(() => validateRequest(schema, req.p, req.a, req.r, req.context));
    expect(direct.ok, disagreement(`${name} (JSON context)`, direct, theirs)).toBe(theirs.ok);
  });
});

describe('requests agree with isAuthorized(validateRequest: false)', () => {
  it.each(REQUESTS)('%s', (name, req) => {
    const ours = mine(() => ourRequest(req, false));
    const theirs = wasmAuthorize({
      principal: req.p,
      action: req.a,
      resource: req.r,
      context: req.context,
      schema: SCHEMA,
      validateRequest: false,
    });
    expect(ours.ok, disagreement(name, ours, theirs)).toBe(theirs.ok);
  });
});

describe('context and request details', () => {
  it('returns typed values', () => {
    const c = parseContext({ n: 5, ip: '10.0.0.1', e: A('g', 'G') }, { schema, action: A('act') });
    expect(c).toBeInstanceOf(CedarRecord);
    expect(c.get('n')).toBe(5n);
    expect(String(c.get('ip'))).toBe('ip("10.0.0.1")');
    expect(String(c.get('e'))).toBe('G::"g"');
  });

  it('checks a ready record against the context type', () => {
    const ok = new CedarRecord(new Map([['n', 1n]]));
    expect(() => validateRequest(schema, A('t', 'T'), A('act'), A('g', 'G'), ok)).not.toThrow();
    const bad = new CedarRecord(new Map([['n', 'x']]));
    expect(() => validateRequest(schema, A('t', 'T'), A('act'), A('g', 'G'), bad)).toThrow(
      /context is not valid for `Action::"act"`/,
    );
  });

  it('says what is wrong with a request, in Cedar words', () => {
    const check = (f: () => void, kind: string, path: (string | number)[], message: RegExp) => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect([(e as InputError).kind, (e as InputError).path, (e as InputError).message]).toEqual([
          kind,
          path,
          expect.stringMatching(message),
        ]);
      }
    };
    check(
      () => validateRequest(schema, A('t', 'G'), A('act'), A('g', 'G')),
      'request',
      ['principal'],
      /^principal type `G` is not valid for `Action::"act"` \(valid principal types: `T`\)$/,
    );
    check(
      () => validateRequest(schema, A('t', 'Zzz'), A('act'), A('g', 'G')),
      'request',
      ['principal'],
      /^principal type `Zzz` is not declared in the schema$/,
    );
    check(
      () => validateRequest(schema, A('t', 'T'), A('nope'), A('g', 'G')),
      'request',
      [],
      /^action `Action::"nope"` does not exist in the supplied schema$/,
    );
    check(
      () => validateRequest(schema, A('t', 'T'), A('nothing'), A('g', 'G')),
      'request',
      ['principal'],
      /no principal types are valid/,
    );
    check(
      () => validateRequest(schema, A('z', 'En'), A('both'), A('g', 'G')),
      'schema',
      ['principal'],
      /`En::"z"` is of an enumerated entity type/,
    );
    check(
      () => parseContext({ n: 1, zz: 2 }, { schema, action: A('act') }),
      'schema',
      ['zz'],
      /^while parsing context, record attribute `zz` should not exist according to the schema$/,
    );
    check(
      () => parseContext({ n: 'x' }, { schema, action: A('act') }),
      'schema',
      ['n'],
      /^context is not valid for `Action::"act"`, type mismatch/,
    );
    check(() => parseContext({ __entity: A('g', 'G') }), 'json', [], /^expression is not a record: G::"g"$/);
  });
});
