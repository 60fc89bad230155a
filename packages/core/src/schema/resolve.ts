/**
 * @module schema/resolve
 * Cedar's JSON schema format → the resolved model of `schema/types`.
 *
 * The input has already been accepted by Cedar (cedar-wasm parses and checks every schema
 * before it reaches here), so this module only has to resolve names exactly as Cedar does;
 * it still refuses, with a {@link SchemaError}, anything it cannot resolve.
 *
 * Name resolution, established against cedar-wasm 4.13 (a name `X` used in namespace `N`):
 * - qualified names (`A::B`) are absolute;
 * - `{"type": "Entity", "name": "X"}`, `memberOfTypes`, `principalTypes`, `resourceTypes`:
 *   entity type `N::X`, else `X` in the empty namespace;
 * - `{"type": "X"}` (a common type reference): common type `N::X`, else `X`, else the builtin
 *   `__cedar::X` (`Bool`, `Long`, `String`, `ipaddr`, `decimal`, `datetime`, `duration`);
 * - `{"type": "EntityOrCommon", "name": "X"}` (what the text format produces): common
 *   `N::X`, entity `N::X`, common `X`, entity `X`, then the builtin;
 * - `__cedar::X` is always the builtin; `String`, `Long`, `Boolean`, `Set`, `Record`,
 *   `Entity` and `Extension` are keywords of the `type` field (so `{"type": "Long"}` is Long
 *   even when an entity type `Long` exists);
 * - an action group `{"id": "g"}` is `N::Action::"g"`, else `Action::"g"`; with a `type`,
 *   an unqualified type is tried in `N` first, the same way.
 * Cedar forbids a name in `N` that shadows one in the empty namespace, so "else" above never
 * hides an ambiguity.
 */
import { EntityUID } from '../values/value.js';
import { SchemaError } from './errors.js';
import {
  type ActionDef,
  type AppliesTo,
  type AttributeType,
  BOOL,
  EMPTY_RECORD,
  type EntityTypeDef,
  EXTENSION_TYPE_NAMES,
  type ExtensionTypeName,
  LONG,
  type RecordType,
  type SchemaType,
  STRING,
} from './types.js';

export interface ResolvedSchema {
  readonly entityTypes: ReadonlyMap<string, EntityTypeDef>;
  /** Keyed by the action uid's key (`Action::"view"`). */
  readonly actions: ReadonlyMap<string, ActionDef>;
  readonly commonTypes: ReadonlyMap<string, SchemaType>;
}

type Json = { readonly [k: string]: unknown };

interface Decl {
  readonly ns: string;
  readonly json: Json;
}

const hasOwn = Object.hasOwn;

const NO_APPLIES_TO: AppliesTo = { principalTypes: new Set(), resourceTypes: new Set(), context: EMPTY_RECORD };

/** Deepest nesting of types (records, sets, common type references) accepted. */
export const MAX_TYPE_DEPTH = 1000;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Json, k: string): unknown {
  return hasOwn(o, k) ? o[k] : undefined;
}

function entries(o: unknown): [string, unknown][] {
  return isObject(o) ? Object.keys(o).map((k) => [k, o[k]]) : [];
}

const qualify = (ns: string, name: string): string => (ns === '' ? name : `${ns}::${name}`);

function bad(message: string): SchemaError {
  return new SchemaError('resolve', message);
}

function builtin(name: string): SchemaType | undefined {
  switch (name) {
    case 'Bool':
      return BOOL;
    case 'Long':
      return LONG;
    case 'String':
      return STRING;
  }
  return EXTENSION_TYPE_NAMES.has(name) ? { kind: 'Extension', name: name as ExtensionTypeName } : undefined;
}

function annotationsOf(json: Json): Readonly<Record<string, string>> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of entries(own(json, 'annotations'))) out[k] = typeof v === 'string' ? v : '';
  return out;
}

export function resolveSchemaJson(input: unknown): ResolvedSchema {
  if (!isObject(input)) throw bad('a JSON schema must be an object of namespaces');
  const commonDecls = new Map<string, Decl>();
  const entityDecls = new Map<string, Decl>();
  const actionDecls = new Map<string, { ns: string; id: string; json: Json }>();
  for (const [ns, def] of entries(input)) {
    if (!isObject(def)) throw bad(`namespace \`${ns}\` must be an object`);
    for (const [name, json] of entries(own(def, 'commonTypes'))) {
      if (!isObject(json)) throw bad(`common type \`${qualify(ns, name)}\` must be an object`);
      commonDecls.set(qualify(ns, name), { ns, json });
    }
    for (const [name, json] of entries(own(def, 'entityTypes'))) {
      if (!isObject(json)) throw bad(`entity type \`${qualify(ns, name)}\` must be an object`);
      entityDecls.set(qualify(ns, name), { ns, json });
    }
    for (const [id, json] of entries(own(def, 'actions'))) {
      const uid = new EntityUID(qualify(ns, 'Action'), id);
      actionDecls.set(uid.key, { ns, id, json: isObject(json) ? json : {} });
    }
  }

  const commonTypes = new Map<string, SchemaType>();
  const resolving = new Set<string>();

  // Types nest through records, sets and common type references; bound the recursion so
  // that no schema can overflow the stack. (cedar-wasm itself overflows on chains of a few
  // thousand record-typed common types; nobody writes a thousand.)
  let depth = 0;
  const enter = (): void => {
    if (++depth > MAX_TYPE_DEPTH) throw bad(`types are nested more than ${MAX_TYPE_DEPTH} levels deep`);
  };

  const common = (qname: string): SchemaType | undefined => {
    const done = commonTypes.get(qname);
    if (done !== undefined) return done;
    const decl = commonDecls.get(qname);
    if (decl === undefined) return undefined;
    if (resolving.has(qname)) throw bad(`cycle in common type references containing \`${qname}\``);
    resolving.add(qname);
    const t = resolveType(decl.json, decl.ns);
    resolving.delete(qname);
    commonTypes.set(qname, t);
    return t;
  };

  const entityName = (name: unknown, ns: string): string => {
    if (typeof name !== 'string') throw bad(`an entity type name must be a string, found \`${JSON.stringify(name)}\``);
    if (name.includes('::')) {
      if (entityDecls.has(name)) return name;
    } else {
      const q = qualify(ns, name);
      if (entityDecls.has(q)) return q;
      if (entityDecls.has(name)) return name;
    }
    throw bad(`undeclared entity type: ${name}`);
  };

  const viaCedar = (name: string): SchemaType | undefined =>
    name.startsWith('__cedar::') ? builtin(name.slice('__cedar::'.length)) : undefined;

  const commonRef = (name: string, ns: string): SchemaType => {
    const t = name.startsWith('__cedar::')
      ? viaCedar(name)
      : name.includes('::')
        ? common(name)
        : (common(qualify(ns, name)) ?? common(name) ?? builtin(name));
    if (t === undefined) throw bad(`failed to resolve type: ${name}`);
    return t;
  };

  const entityOrCommon = (name: unknown, ns: string): SchemaType => {
    if (typeof name !== 'string') throw bad(`a type name must be a string, found \`${JSON.stringify(name)}\``);
    if (name.startsWith('__cedar::')) {
      const t = viaCedar(name);
      if (t === undefined) throw bad(`failed to resolve type: ${name}`);
      return t;
    }
    const candidates = name.includes('::') ? [name] : ns === '' ? [name] : [qualify(ns, name), name];
    for (const q of candidates) {
      const c = common(q);
      if (c !== undefined) return c;
      if (entityDecls.has(q)) return { kind: 'Entity', name: q };
    }
    const b = name.includes('::') ? undefined : builtin(name);
    if (b === undefined) throw bad(`failed to resolve type: ${name}`);
    return b;
  };

  function resolveType(json: unknown, ns: string): SchemaType {
    enter();
    try {
      return resolveTypeInner(json, ns);
    } finally {
      depth--;
    }
  }

  function resolveTypeInner(json: unknown, ns: string): SchemaType {
    if (!isObject(json)) throw bad(`a type must be an object, found \`${JSON.stringify(json)}\``);
    const t = own(json, 'type');
    switch (t) {
      case 'String':
        return STRING;
      case 'Long':
        return LONG;
      case 'Boolean':
        return BOOL;
      case 'Set':
        return { kind: 'Set', element: resolveType(own(json, 'element'), ns) };
      case 'Record':
        return resolveRecord(json, ns);
      case 'Entity':
        return { kind: 'Entity', name: entityName(own(json, 'name'), ns) };
      case 'Extension': {
        const name = own(json, 'name');
        if (typeof name !== 'string' || !EXTENSION_TYPE_NAMES.has(name))
          throw bad(`unknown extension type \`${String(name)}\``);
        return { kind: 'Extension', name: name as ExtensionTypeName };
      }
      case 'EntityOrCommon':
        return entityOrCommon(own(json, 'name'), ns);
    }
    if (typeof t !== 'string') throw bad(`a type needs a \`type\` string, found \`${JSON.stringify(t)}\``);
    return commonRef(t, ns);
  }

  function resolveRecord(json: Json, ns: string): RecordType {
    if (own(json, 'additionalAttributes') === true) {
      throw bad('records with `additionalAttributes` are experimental in Cedar and not supported');
    }
    const attributes = new Map<string, AttributeType>();
    for (const [name, a] of entries(own(json, 'attributes'))) {
      if (!isObject(a)) throw bad(`attribute \`${name}\` must be an object`);
      attributes.set(name, { type: resolveType(a, ns), required: own(a, 'required') !== false });
    }
    return { kind: 'Record', attributes, additionalAttributes: false };
  }

  const asRecord = (t: SchemaType, what: string): RecordType => {
    if (t.kind !== 'Record') throw bad(`${what} is declared with a type other than \`Record\``);
    return t;
  };

  // Resolve every common type, used or not: Cedar refuses a schema with a broken one.
  for (const qname of commonDecls.keys()) common(qname);

  const entityTypes = new Map<string, EntityTypeDef>();
  for (const [name, { ns, json }] of entityDecls) {
    const enumIds = own(json, 'enum');
    const memberOf = own(json, 'memberOfTypes');
    const shape = own(json, 'shape');
    const tags = own(json, 'tags');
    entityTypes.set(name, {
      name,
      memberOfTypes: new Set(Array.isArray(memberOf) ? memberOf.map((m) => entityName(m, ns)) : []),
      shape: shape === undefined ? EMPTY_RECORD : asRecord(resolveType(shape, ns), `Shape for entity type ${name}`),
      tags: tags === undefined ? undefined : resolveType(tags, ns),
      enum: Array.isArray(enumIds) ? new Set(enumIds.map(String)) : undefined,
      annotations: annotationsOf(json),
    });
  }

  const actionRef = (ref: unknown, ns: string): EntityUID => {
    if (!isObject(ref) || typeof own(ref, 'id') !== 'string')
      throw bad(`an action reference needs an \`id\`, found \`${JSON.stringify(ref)}\``);
    const id = own(ref, 'id') as string;
    const type = own(ref, 'type');
    const types =
      type === undefined
        ? [qualify(ns, 'Action'), 'Action']
        : typeof type === 'string' && !type.includes('::')
          ? [qualify(ns, type), type]
          : [String(type)];
    for (const t of types) {
      const uid = new EntityUID(t, id);
      if (actionDecls.has(uid.key)) return uid;
    }
    throw bad(`undeclared action: ${new EntityUID(types[types.length - 1] as string, id).key}`);
  };

  const direct = new Map<string, { uid: EntityUID; memberOf: EntityUID[]; appliesTo: AppliesTo; json: Json }>();
  for (const [key, { ns, id, json }] of actionDecls) {
    const uid = new EntityUID(qualify(ns, 'Action'), id);
    if (own(json, 'attributes') !== undefined)
      throw bad(`action \`${uid.key}\` declares attributes, which Cedar no longer supports`);
    const memberOf = own(json, 'memberOf');
    const applies = own(json, 'appliesTo');
    let appliesTo: AppliesTo = NO_APPLIES_TO;
    if (isObject(applies)) {
      const names = (v: unknown): Set<string> => new Set(Array.isArray(v) ? v.map((n) => entityName(n, ns)) : []);
      const ctx = own(applies, 'context');
      appliesTo = {
        principalTypes: names(own(applies, 'principalTypes')),
        resourceTypes: names(own(applies, 'resourceTypes')),
        context: ctx === undefined ? EMPTY_RECORD : asRecord(resolveType(ctx, ns), `Context for action ${uid.key}`),
      };
    }
    direct.set(key, {
      uid,
      memberOf: Array.isArray(memberOf) ? memberOf.map((m) => actionRef(m, ns)) : [],
      appliesTo,
      json,
    });
  }

  // Transitive groups, by iterative depth-first search (no recursion: hierarchies may be deep).
  const ancestors = new Map<string, EntityUID[]>();
  const onPath = new Set<string>();
  for (const start of direct.keys()) {
    if (ancestors.has(start)) continue;
    const stack: [string, number][] = [[start, 0]];
    onPath.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, number];
      const node = direct.get(top[0]);
      const parents = node === undefined ? [] : node.memberOf;
      if (top[1] < parents.length) {
        const p = (parents[top[1]++] as EntityUID).key;
        if (onPath.has(p)) throw bad(`cycle in action hierarchy containing \`${p}\``);
        if (!ancestors.has(p)) {
          onPath.add(p);
          stack.push([p, 0]);
        }
      } else {
        const seen = new Map<string, EntityUID>();
        for (const parent of parents) {
          seen.set(parent.key, parent);
          for (const a of ancestors.get(parent.key) ?? []) seen.set(a.key, a);
        }
        ancestors.set(top[0], [...seen.values()]);
        onPath.delete(top[0]);
        stack.pop();
      }
    }
  }

  const actions = new Map<string, ActionDef>();
  for (const [key, d] of direct) {
    actions.set(key, {
      uid: d.uid,
      memberOf: d.memberOf,
      ancestors: ancestors.get(key) ?? [],
      appliesTo: d.appliesTo,
      annotations: annotationsOf(d.json),
    });
  }
  return { entityTypes, actions, commonTypes };
}
