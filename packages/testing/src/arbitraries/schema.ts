/**
 * @module arbitraries/schema
 * fast-check arbitraries typed by a Cedar schema, for property tests of your own policies:
 * values of any schema type, contexts of an action, entity sets and requests — all in Cedar's
 * JSON forms, ready for `new Authorizer({ entities })` and `authorize(request)`, and valid
 * under the schema (a test of this package checks it with the core's own validation).
 *
 * Ids come from a small pool (`ids`) so that generated requests name entities that the
 * generated entity sets hold, and policies meet data. Extension values are valid strings
 * for their type (`ip`, `decimal`, `datetime`, `duration`). Entity hierarchies are acyclic
 * by construction: an entity's parents come later in one fixed order of all entities.
 */
import type { Schema, SchemaType } from '@mandate/core';
import fc from 'fast-check';

export interface SchemaArbitraryOptions {
  /** Entity ids to draw from (default `alice`, `bob`, `x`). Enumerated entity types use their own ids. */
  readonly ids?: readonly string[];
  /** Longest generated set (default 3). */
  readonly maxSetSize?: number;
  /** Tag names to draw from, for entity types with tags (default `a`, `b`). */
  readonly tagNames?: readonly string[];
  /**
   * Longs over the whole signed 64-bit range, as `bigint` beyond 2^53 (default false: safe
   * JS integers, so the data also goes through `JSON.stringify`).
   */
  readonly exactLongs?: boolean;
}

/** An entity uid as Cedar JSON. */
export interface EntityUidJson {
  readonly type: string;
  readonly id: string;
}

/** One entity as Cedar JSON. */
export interface EntityJson {
  readonly uid: EntityUidJson;
  readonly attrs: Record<string, unknown>;
  readonly parents: EntityUidJson[];
  readonly tags?: Record<string, unknown>;
}

/** A request as `Authorizer.authorize` takes it. */
export interface RequestJson {
  readonly principal: EntityUidJson;
  readonly action: EntityUidJson;
  readonly resource: EntityUidJson;
  readonly context: Record<string, unknown>;
}

type RecordType = Extract<SchemaType, { kind: 'Record' }>;

const DEFAULT_IDS = ['alice', 'bob', 'x'] as const;

/** An object with exactly these own properties (`__proto__` included as data). */
function ownRecord(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Valid extension strings, by constructor. */
const EXTENSIONS: Readonly<
  Record<'ipaddr' | 'decimal' | 'datetime' | 'duration', fc.Arbitrary<{ fn: string; arg: string }>>
> = {
  ipaddr: fc
    .oneof(
      fc
        .tuple(fc.ipV4(), fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }))
        .map(([ip, p]) => (p === undefined ? ip : `${ip}/${p}`)),
      fc
        .tuple(
          fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
          fc.option(fc.integer({ min: 0, max: 128 }), { nil: undefined }),
        )
        .map(([groups, p]) => `${groups.map((g) => g.toString(16)).join(':')}${p === undefined ? '' : `/${p}`}`),
    )
    .map((arg) => ({ fn: 'ip', arg })),
  decimal: fc
    .tuple(
      fc.boolean(),
      fc.integer({ min: 0, max: 99_999_999 }),
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([neg, whole, frac, places]) => ({
      fn: 'decimal',
      arg: `${neg ? '-' : ''}${whole}.${pad(frac, 4).slice(0, places)}`,
    })),
  datetime: fc
    .tuple(
      fc.integer({ min: 1970, max: 2099 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      fc.option(
        fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })),
        {
          nil: undefined,
        },
      ),
    )
    .map(([y, m, d, t]) => ({
      fn: 'datetime',
      arg: `${y}-${pad(m)}-${pad(d)}${t === undefined ? '' : `T${pad(t[0])}:${pad(t[1])}:${pad(t[2])}Z`}`,
    })),
  duration: fc
    .tuple(
      fc.boolean(),
      fc.array(fc.tuple(fc.constantFrom('d', 'h', 'm', 's', 'ms'), fc.integer({ min: 0, max: 1000 })), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([neg, parts]) => {
      // units must come in this order, each at most once
      const order = ['d', 'h', 'm', 's', 'ms'];
      const seen = new Map<string, number>(parts);
      const body = order.filter((u) => seen.has(u)).map((u) => `${seen.get(u)}${u}`);
      return { fn: 'duration', arg: `${neg ? '-' : ''}${body.join('')}` };
    }),
};

/** The ids an entity type's entities may have. */
function idsOf(schema: Schema, type: string, opts: SchemaArbitraryOptions): readonly string[] {
  const e = schema.entityType(type)?.enum;
  return e === undefined ? (opts.ids ?? DEFAULT_IDS) : [...e];
}

function uidArbitrary(schema: Schema, type: string, opts: SchemaArbitraryOptions): fc.Arbitrary<EntityUidJson> {
  return fc.constantFrom(...idsOf(schema, type, opts)).map((id) => ({ type, id }));
}

/** A value of a schema type, as Cedar JSON (`__entity`, `__extn` forms). */
export function valueArbitrary(
  schema: Schema,
  type: SchemaType,
  opts: SchemaArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'Bool':
      return fc.boolean();
    case 'Long':
      return opts.exactLongs
        ? fc.oneof(fc.integer({ min: -100, max: 100 }), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n))
        : fc.oneof(fc.integer({ min: -100, max: 100 }), fc.maxSafeInteger());
    case 'String':
      return fc.string({ unit: 'grapheme', maxLength: 8 });
    case 'Entity':
      return uidArbitrary(schema, type.name, opts).map((uid) => ({ __entity: uid }));
    case 'Extension':
      return EXTENSIONS[type.name].map((x) => ({ __extn: x }));
    case 'Set':
      return fc.array(valueArbitrary(schema, type.element, opts), { maxLength: opts.maxSetSize ?? 3 });
    case 'Record':
      return recordArbitrary(schema, type, opts);
  }
}

function recordArbitrary(
  schema: Schema,
  type: RecordType,
  opts: SchemaArbitraryOptions,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = [...type.attributes].map(([name, a]) => {
    const v = valueArbitrary(schema, a.type, opts);
    return a.required
      ? v.map((x) => [name, x] as const)
      : fc.option(
          v.map((x) => [name, x] as const),
          { nil: undefined },
        );
  });
  return fc.tuple(...fields).map((entries) => ownRecord(entries.filter((e) => e !== undefined)));
}

/** A context for an action, typed by its declared context. */
export function contextArbitrary(
  schema: Schema,
  action: EntityUidJson | string,
  opts: SchemaArbitraryOptions = {},
): fc.Arbitrary<Record<string, unknown>> {
  const uid = typeof action === 'string' ? { type: 'Action', id: action } : action;
  const t = schema.contextType(uid);
  if (t === undefined) throw new TypeError(`action \`${uid.type}::"${uid.id}"\` is not declared in the schema`);
  return recordArbitrary(schema, t, opts);
}

/** Entity sets: for each declared entity type (enumerated ones excepted), entities for some of the ids. */
export function entitiesArbitrary(schema: Schema, opts: SchemaArbitraryOptions = {}): fc.Arbitrary<EntityJson[]> {
  const types = [...schema.entityTypes.values()].filter((t) => t.enum === undefined);
  return fc
    .tuple(
      ...types.map((t) =>
        fc.subarray([...idsOf(schema, t.name, opts)]).map((ids) => ids.map((id) => ({ type: t.name, id }))),
      ),
    )
    .chain((perType) => {
      const uids = perType.flat();
      if (uids.length === 0) return fc.constant([] as EntityJson[]);
      return fc.tuple(
        ...uids.map((uid, i) => {
          const def = schema.entityType(uid.type);
          const shape = def?.shape ?? { kind: 'Record', attributes: new Map(), additionalAttributes: false };
          // Parents only later in the order: no cycles, whatever `memberOfTypes` allows.
          const candidates = uids.slice(i + 1).filter((p) => def?.memberOfTypes.has(p.type));
          const tagType = def?.tags;
          return fc.record({
            uid: fc.constant(uid),
            attrs: recordArbitrary(schema, shape as RecordType, opts),
            parents: candidates.length === 0 ? fc.constant([]) : fc.subarray(candidates),
            ...(tagType === undefined
              ? {}
              : {
                  tags: fc
                    .subarray([...(opts.tagNames ?? ['a', 'b'])])
                    .chain((names) =>
                      fc.tuple(...names.map((n) => valueArbitrary(schema, tagType, opts).map((v) => [n, v] as const))),
                    )
                    .map((entries) => ownRecord(entries)),
                }),
          }) as fc.Arbitrary<EntityJson>;
        }),
      );
    });
}

/** Requests valid for the schema: an action that applies to some principal and resource type, entities of those types, its context. */
export function requestArbitrary(
  schema: Schema,
  opts: SchemaArbitraryOptions & { readonly actions?: readonly string[] } = {},
): fc.Arbitrary<RequestJson> {
  const actions = [...schema.actions.values()].filter(
    (a) =>
      a.appliesTo.principalTypes.size > 0 &&
      a.appliesTo.resourceTypes.size > 0 &&
      (opts.actions === undefined || opts.actions.includes(a.uid.id)),
  );
  if (actions.length === 0) throw new TypeError('the schema declares no action that applies to any request');
  return fc.constantFrom(...actions).chain((a) =>
    fc.record({
      principal: fc.constantFrom(...a.appliesTo.principalTypes).chain((t) => uidArbitrary(schema, t, opts)),
      action: fc.constant({ type: a.uid.type, id: a.uid.id }),
      resource: fc.constantFrom(...a.appliesTo.resourceTypes).chain((t) => uidArbitrary(schema, t, opts)),
      context: recordArbitrary(schema, a.appliesTo.context, opts),
    }),
  );
}

/** A request together with an entity set to decide it in. */
export function authorizationArbitrary(
  schema: Schema,
  opts: SchemaArbitraryOptions & { readonly actions?: readonly string[] } = {},
): fc.Arbitrary<{ request: RequestJson; entities: EntityJson[] }> {
  return fc.record({ request: requestArbitrary(schema, opts), entities: entitiesArbitrary(schema, opts) });
}
