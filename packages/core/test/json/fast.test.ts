/**
 * @module test/json/fast
 * The fast path of the data boundary decides nothing on its own: whatever it reads, the full
 * reader reads to the same value; whatever the full reader refuses, the fast path declines
 * (answers `undefined`). Random Cedar-ish JSON — hazards included: `null`, `undefined`,
 * fractions, numbers beyond 2^53, bigints, lone surrogates, escapes exact and with extra
 * keys, `__expr`, non-plain objects, prototype-named keys, deep nesting — is read both ways.
 * The same for reads against a schema type, and for the conformance predicate against the
 * conformance check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConforms, conforms } from '../../src/json/conform.js';
import { parseEntities } from '../../src/json/entities.js';
import { fastEntity, fastTyped, fastValue } from '../../src/json/fast.js';
import { site } from '../../src/json/site.js';
import { parseTypedAt } from '../../src/json/typed.js';
import { parseValueAt } from '../../src/json/value.js';
import { Schema } from '../../src/schema/index.js';
import type { SchemaType } from '../../src/schema/types.js';
import { CedarRecord, CedarSet, EntityUID, type Value, valueEquals, valueToCedar } from '../../src/values/value.js';

const MAX_DEPTH = 6;
const at = site('', undefined, MAX_DEPTH);

const key = fc.constantFrom(
  'a',
  'b',
  'type',
  'id',
  'fn',
  'arg',
  'args',
  '__proto__',
  'constructor',
  '\ud800',
  'ip',
  '__entity',
  '__extn',
  '__expr',
);
/** A prototype-less prototype with an enumerable key: its objects pass as plain, and `for…in` sees the inherited key. */
const POLLUTED = Object.create(null, {
  a: { value: 1, enumerable: true, writable: true },
  type: { value: 'User', enumerable: true, writable: true },
});
const inheriting = (own: Record<string, unknown>): object => Object.assign(Object.create(POLLUTED) as object, own);
const leaf = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -2000, max: 2000 }),
  fc.constantFrom(2 ** 53, 2 ** 60, 1.5, Number.NaN, -0, 9007199254740991, -9007199254740991),
  fc.constantFrom(5n, 2n ** 63n, -(2n ** 63n), 2n ** 62n),
  fc.constantFrom('x', '', 'User', '10.0.0.1', '1.5', '2024-01-01', 'a\ud800b', 'if', 'A::B', 'ip', 'decimal'),
  fc.constantFrom(null, undefined),
  fc.constantFrom(new Date(0), new Map(), Object.create(null) as object),
);
const json: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
    fc.record({
      __entity: fc.oneof(
        fc.record({ type: fc.constantFrom('User', 'A::B', 'if', 'x\ud800'), id: fc.string() }),
        tie('v'),
      ),
    }),
    fc.record({ __entity: fc.record({ type: fc.constant('User'), id: fc.constant('a'), note: tie('v') }) }),
    fc.record({
      __extn: fc.oneof(
        fc.record({ fn: fc.constantFrom('ip', 'decimal', 'datetime', 'duration', 'nope', 'isIpv4'), arg: tie('v') }),
        fc.record({ fn: fc.constant('ip'), arg: fc.constant('10.0.0.1'), extra: tie('v') }),
        fc.record({ fn: fc.constant('offset'), args: fc.array(tie('v'), { maxLength: 2 }) }),
      ),
    }),
    fc.record({ __expr: fc.string() }),
    fc.record({ type: fc.constant('User'), id: fc.constant('a') }),
    fc.dictionary(key, tie('v'), { maxKeys: 2 }).map(inheriting),
    fc.constant(inheriting({ id: 'a' })),
  ),
})).v;

type Outcome = { ok: true; value: Value } | { ok: false };
function full(read: () => Value): Outcome {
  try {
    return { ok: true, value: read() };
  } catch {
    return { ok: false };
  }
}

/** Same value, and the same shape of value (a record is a record, a uid a uid, …). */
function expectSame(fast: Value, slow: Value): void {
  expect(valueEquals(fast, slow)).toBe(true);
  expect(valueToCedar(fast)).toBe(valueToCedar(slow));
}

describe('fast path of schemaless reading', () => {
  it('reads what the full reader reads, to the same value, and declines what it refuses', () => {
    let taken = 0;
    fc.assert(
      fc.property(json, (v) => {
        const fast = fastValue(v, 0, MAX_DEPTH);
        const slow = full(() => parseValueAt(v, at, undefined, 0));
        if (!slow.ok) expect(fast).toBeUndefined();
        else if (fast !== undefined) {
          expectSame(fast, slow.value);
          taken++;
        }
      }),
      { numRuns: 3000 },
    );
    // The property means little if the fast path declined nearly everything.
    expect(taken).toBeGreaterThan(600);
  });

  it('takes the common shapes itself', () => {
    const ctx = {
      risk: 5,
      attested: true,
      labels: ['private', 'private', 'web'],
      actor: { __entity: { type: 'Mandate::Agent', id: 'coder' } },
      ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } },
      session: { id: 's1', depth: 2 },
    };
    const fast = fastValue(ctx, 0, 126);
    expect(fast).toBeInstanceOf(CedarRecord);
    expectSame(fast as Value, parseValueAt(ctx, site('', undefined, 126), undefined, 0));
  });

  it('reads a large set of distinct strings in linear time (no scan per element)', () => {
    // A quadratic deduplication would take tens of seconds here and fail on the test timeout.
    const many = Array.from({ length: 200_000 }, (_, i) => `v${i}`);
    const set = fastValue([...many, ...many.slice(0, 1000)], 0, 8);
    expect(set).toBeInstanceOf(CedarSet);
    expect((set as CedarSet).size).toBe(200_000);
    expect((set as CedarSet).has('v199999')).toBe(true);
  });

  it('declines nesting at the bound, as the full reader refuses it', () => {
    expect(fastValue([[['x']]], 0, 2)).toBeUndefined();
    expect(fastValue([['x']], 0, 2)).toBeDefined();
    expect(fastValue({ a: { __entity: { type: 'A', id: 'a' } } }, 0, 2)).toBeUndefined();
  });
});

describe('fast path of entities', () => {
  const uidJson = fc.oneof(
    fc.record({
      type: fc.constantFrom('User', 'Group', 'Action', 'NS::Action', 'if', 'x\ud800'),
      id: fc.constantFrom('a', 'b', ''),
    }),
    fc.record({ __entity: fc.record({ type: fc.constantFrom('User', 'Group'), id: fc.constantFrom('a', 'b') }) }),
    json,
  );
  const values = fc.oneof(fc.dictionary(key, json, { maxKeys: 3 }), json);
  const plain = fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 5000 }), fc.constantFrom('x', '', 'a\ud800b'));
  const simpleUid = fc.record({ type: fc.constantFrom('User', 'Group'), id: fc.constantFrom('a', 'b', 'c') });
  const entity = fc.oneof(
    // The usual shape, most of the time: the fast path must take it.
    {
      weight: 3,
      arbitrary: fc.record(
        {
          uid: simpleUid,
          attrs: fc.dictionary(key, fc.oneof(plain, plain, json), { maxKeys: 3 }),
          parents: fc.array(fc.oneof(simpleUid, uidJson), { maxLength: 4 }),
          tags: fc.dictionary(key, plain, { maxKeys: 2 }),
        },
        { requiredKeys: ['uid', 'attrs', 'parents'] },
      ),
    },
    fc.record(
      {
        uid: uidJson,
        attrs: values,
        parents: fc.oneof(fc.array(uidJson, { maxLength: 4 }), json),
        tags: values,
        extra: json,
      },
      { requiredKeys: ['uid', 'attrs', 'parents'] },
    ),
    fc.record({ uid: uidJson, attrs: values, parents: fc.array(uidJson, { maxLength: 3 }) }).map(inheriting),
    fc.tuple(uidJson, values, fc.array(uidJson, { maxLength: 2 })),
    json,
  );

  it('reads an entity to what parseEntities reads, and declines what it refuses', () => {
    let taken = 0;
    fc.assert(
      fc.property(entity, (item) => {
        const fast = fastEntity(item, 3, MAX_DEPTH + 3);
        let slow: ReturnType<typeof parseEntities> | undefined;
        try {
          slow = parseEntities([item], { maxDepth: MAX_DEPTH + 3 });
        } catch {
          slow = undefined;
        }
        if (slow === undefined) {
          expect(fast).toBeUndefined();
          return;
        }
        if (fast === undefined) return;
        taken++;
        const [e] = slow;
        expect(slow).toHaveLength(1);
        expect(fast.uid.key).toBe(e?.uid.key);
        expect(fast.parents.map((p) => p.key)).toEqual(e?.parents.map((p) => p.key));
        for (const [mine, theirs] of [
          [fast.attrs, e?.attrs],
          [fast.tags, e?.tags],
        ] as const) {
          expect([...mine.keys()]).toEqual([...(theirs ?? new Map()).keys()]);
          for (const [k, v] of mine) expectSame(v, theirs?.get(k) as Value);
        }
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(300);
  });

  it('takes the common shape itself, parents deduplicated', () => {
    const item = {
      uid: { type: 'User', id: 'alice' },
      attrs: { age: 7, tags: ['x', 'x'], home: { __entity: { type: 'Place', id: 'p' } } },
      parents: [{ type: 'Group', id: 'g' }, { __entity: { type: 'Group', id: 'g' } }, { type: 'Group', id: 'h' }],
    };
    const fast = fastEntity(item, 3, 128);
    expect(fast?.parents.map((p) => p.key)).toEqual(['Group::"g"', 'Group::"h"']);
    expect(fast?.attrs.size).toBe(3);
  });
});

const schema = Schema.parse(`
  entity User;
  entity Color enum ["red", "blue"];
  type Inner = { n: Long, s?: String };
  action go appliesTo { principal: User, resource: User, context: {
    b: Bool, l?: Long, s?: String, u?: User, c?: Color, ip?: ipaddr, d?: decimal, t?: datetime,
    set?: Set<String>, us?: Set<User>, r?: Inner,
  } };
`);
const contextType = schema.contextType(new EntityUID('Action', 'go')) as SchemaType;
const types: SchemaType[] = [contextType];
function collect(t: SchemaType): void {
  const inner =
    t.kind === 'Record' ? [...t.attributes.values()].map((a) => a.type) : t.kind === 'Set' ? [t.element] : [];
  for (const x of inner) {
    types.push(x);
    collect(x);
  }
}
collect(contextType);

const typedJson = fc.oneof(
  json,
  fc.record(
    {
      b: fc.oneof(fc.boolean(), json),
      l: fc.oneof(fc.integer(), json),
      s: fc.oneof(fc.string(), json),
      u: fc.oneof(fc.constant({ type: 'User', id: 'a' }), fc.constant({ __entity: { type: 'User', id: 'a' } }), json),
      c: fc.constantFrom({ type: 'Color', id: 'red' }, { type: 'Color', id: 'green' }, { type: 'User', id: 'x' }),
      ip: fc.constantFrom('10.0.0.1', 'nope', { __extn: { fn: 'ip', arg: '1.2.3.4' } }, 5),
      d: fc.constantFrom('1.5', '1.23456', { fn: 'decimal', arg: '2.0' }),
      t: fc.constantFrom('2024-01-01', '2024-13-01', { __extn: { fn: 'datetime', arg: '2024-01-01' } }),
      set: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), json),
      us: fc.array(fc.constantFrom({ type: 'User', id: 'a' }, { type: 'Color', id: 'red' }), { maxLength: 3 }),
      r: fc.oneof(fc.record({ n: fc.integer(), s: fc.string() }, { requiredKeys: [] }), json),
      extra: json,
    },
    { requiredKeys: [] },
  ),
);

describe('fast path of typed reading', () => {
  it('reads what the full typed reader reads, to the same value, and declines what it refuses', () => {
    let taken = 0;
    fc.assert(
      fc.property(typedJson, fc.constantFrom(...types), (v, t) => {
        const fast = fastTyped(v, t, 0, MAX_DEPTH);
        const slow = full(() => parseTypedAt(v, t, at, undefined, 0));
        if (!slow.ok) expect(fast).toBeUndefined();
        else if (fast !== undefined) {
          expectSame(fast, slow.value);
          taken++;
        }
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(150);
  });

  it('with a schema, reads and checks in one pass: only values that conform, as the full path reads them', () => {
    let taken = 0;
    fc.assert(
      fc.property(typedJson, fc.constantFrom(...types), (v, t) => {
        const fast = fastTyped(v, t, 0, MAX_DEPTH, schema);
        const slow = full(() => {
          const read = parseTypedAt(v, t, at, undefined, 0);
          checkConforms(read, t, schema, at, undefined);
          return read;
        });
        if (!slow.ok) expect(fast).toBeUndefined();
        else if (fast !== undefined) {
          expectSame(fast, slow.value);
          taken++;
        }
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(25);
  });

  it('with a schema, takes a conforming context itself', () => {
    const ctx = {
      b: true,
      l: 5,
      s: 'x',
      u: { type: 'User', id: 'a' },
      c: { type: 'Color', id: 'red' },
      ip: '10.0.0.1',
      set: ['a', 'a'],
      r: { n: 1 },
    };
    const fast = fastTyped(ctx, contextType, 0, 126, schema);
    expect(fast).toBeInstanceOf(CedarRecord);
    expectSame(fast as Value, parseTypedAt(ctx, contextType, site('', undefined, 126), undefined, 0));
    expect(fastTyped({ ...ctx, c: { type: 'Color', id: 'green' } }, contextType, 0, 126, schema)).toBeUndefined();
    expect(fastTyped({ ...ctx, l: 'five' }, contextType, 0, 126, schema)).toBeUndefined();
  });

  it('conforms() agrees with checkConforms on every value read', () => {
    fc.assert(
      fc.property(typedJson, fc.constantFrom(...types), fc.constantFrom(...types), (v, readAs, checkAs) => {
        const read = full(() => parseTypedAt(v, readAs, at, undefined, 0));
        if (!read.ok) return;
        const checked = full(() => {
          checkConforms(read.value, checkAs, schema, at, undefined);
          return true;
        });
        expect(conforms(read.value, checkAs, schema)).toBe(checked.ok);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('records made from arrays', () => {
  it('behave as records made from maps, small and large', () => {
    for (const n of [0, 1, 5, 16, 17, 200]) {
      const names = Array.from({ length: n }, (_, i) => (i === 3 ? '__proto__' : `k${i}`));
      const values: Value[] = names.map((_, i) => BigInt(i));
      const fromArrays = CedarRecord.fromArrays(names, values);
      const fromMap = new CedarRecord(new Map(names.map((k, i) => [k, values[i] as Value])));
      expect(fromArrays.size).toBe(n);
      for (const k of [...names, 'missing', 'constructor']) {
        expect(fromArrays.get(k)).toBe(fromMap.get(k));
        expect(fromArrays.has(k)).toBe(fromMap.has(k));
      }
      expect(valueEquals(fromArrays, fromMap)).toBe(true);
      expect(fromArrays.canonicalKey()).toBe(fromMap.canonicalKey());
      expect([...fromArrays.map]).toEqual([...fromMap.map]);
    }
  });
});
