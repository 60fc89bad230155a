/**
 * @module json/entities
 * Cedar's entities JSON (`[{uid, attrs, parents, tags}]`) → {@link ParsedEntity} records,
 * with the checks Cedar applies when it loads entities, established against cedar-wasm 4.13:
 *
 * - Shape: `uid`, `attrs` and `parents` are required, `tags` optional; other keys are
 *   ignored. (Like serde, Cedar also reads an entity written as an array
 *   `[uid, attrs, parents, tags?]`; so does this parser.) `uid` and `parents` take any entity
 *   reference form (`{type, id}` or `__entity`).
 * - Duplicates: the same uid twice is accepted when both entries are the same entity (equal
 *   attributes and tags by Cedar equality, the same parents as a set) and kept once;
 *   otherwise "duplicate entity entry".
 * - Without a schema, attribute and tag values are read as schemaless Cedar JSON.
 * - With a schema, for every entity whose type is not an action type: the type must be
 *   declared; an enumerated type's id must be one of its ids; attributes are read with their
 *   declared types (undeclared ones refused, required ones must be present) and must conform;
 *   every parent's type must be in the type's `memberOfTypes` (parents of enumerated types
 *   must have valid ids); tags need a declared tag type and must conform to it.
 * - With a schema, an action entity (type `Action` or `NS::Action`) in the data must be a
 *   declared action and be exactly the schema's: no attributes, no tags, and — once the
 *   hierarchy given in the data is followed transitively — the same groups as the schema.
 *   Every declared action's entity is added to the output (Cedar adds them), with its
 *   transitive groups as parents.
 *
 * Not done here: the ancestor closure and the cycle check, which the entity store does.
 */
import type { Schema } from '../schema/schema.js';
import type { EntityTypeDef, SchemaType } from '../schema/types.js';
import { type EntityUID, type Value, valueEquals } from '../values/value.js';
import { checkConforms, checkEnumId, isValidEnumId } from './conform.js';
import { readEntityRef } from './entity-ref.js';
import { child, type Path } from './errors.js';
import { fastEntity, fastEntityRef, fastTyped, fastValue } from './fast.js';
import { type LimitOptions, maxDepthOf } from './limits.js';
import { isActionTypeName } from './names.js';
import type { ParsedEntity } from './parsed-entity.js';
import { checkString, definedKeys, isPlainObject, isWellFormedString, type JsonObject, jsonKind, own } from './raw.js';
import { fail, type Site, site } from './site.js';
import { parseTypedAt } from './typed.js';
import { parseValueAt } from './value.js';

export interface ParseEntitiesOptions extends LimitOptions {
  /** Parse against this schema (typed values, conformance, action entities). */
  readonly schema?: Schema | undefined;
}

/** Depth of an entity's `attrs`/`tags` object within the entities document. */
const ATTRS_DEPTH = 3;

const EMPTY: ReadonlyMap<string, Value> = new Map();

/** Parse an entities document. Throws {@link InputError}; returns every entity once. */
export function parseEntities(json: unknown, opts: ParseEntitiesOptions = {}): ParsedEntity[] {
  const maxDepth = maxDepthOf(opts);
  const schema = opts.schema;
  const top = site('', undefined, maxDepth);
  if (!Array.isArray(json))
    throw fail('json', top, undefined, `invalid type: ${jsonKind(json)}, expected an array of entities`);
  const byKey = new Map<string, ParsedEntity>();
  // Where each action entity stands, for the path of a message about it (only actions need one).
  const actionIndex = new Map<string, number>();
  for (let i = 0; i < json.length; i++) {
    const item: unknown = json[i];
    const e =
      (schema === undefined ? fastEntity(item, ATTRS_DEPTH, maxDepth) : undefined) ??
      parseEntity(item, child(undefined, i), schema, maxDepth);
    const seen = byKey.get(e.uid.key);
    if (seen === undefined) {
      byKey.set(e.uid.key, e);
      if (isActionTypeName(e.uid.type)) actionIndex.set(e.uid.key, i);
    } else if (!sameEntity(seen, e)) {
      throw fail(
        'duplicate',
        site('', e.uid.key, maxDepth),
        child(undefined, i),
        `duplicate entity entry \`${e.uid.key}\``,
      );
    }
  }
  if (schema === undefined) return [...byKey.values()];
  for (const e of byKey.values()) {
    if (isActionTypeName(e.uid.type)) {
      checkActionEntity(
        e,
        byKey,
        schema,
        site('', e.uid.key, maxDepth),
        child(undefined, actionIndex.get(e.uid.key) as number),
      );
    }
  }
  const out = [...byKey.values()];
  for (const a of schema.actionEntities()) if (!byKey.has(a.uid.key)) out.push(a);
  return out;
}

interface EntityParts {
  readonly uid: unknown;
  readonly attrs: unknown;
  readonly parents: unknown;
  readonly tags: unknown;
}

function partsOf(item: unknown, at: Site, path: Path): EntityParts {
  if (isPlainObject(item)) {
    for (const field of ['uid', 'attrs', 'parents'] as const) {
      if (own(item, field) === undefined) throw fail('json', at, path, `missing field \`${field}\``);
    }
    return { uid: own(item, 'uid'), attrs: own(item, 'attrs'), parents: own(item, 'parents'), tags: own(item, 'tags') };
  }
  if (Array.isArray(item)) {
    // serde reads a struct from a sequence of its fields, in order; Cedar inherits that.
    if (item.length < 3 || item.length > 4) {
      throw fail(
        'json',
        at,
        path,
        `invalid length ${item.length}, expected an entity \`{ "uid", "attrs", "parents", "tags" }\``,
      );
    }
    return { uid: item[0], attrs: item[1], parents: item[2], tags: item[3] };
  }
  throw fail(
    'json',
    at,
    path,
    `invalid type: ${jsonKind(item)}, expected an entity \`{ "uid", "attrs", "parents", "tags" }\``,
  );
}

function objectField(v: unknown, name: string, at: Site, path: Path): JsonObject {
  if (!isPlainObject(v)) throw fail('json', at, path, `invalid type: ${jsonKind(v)}, expected a map for \`${name}\``);
  return v;
}

function parseEntity(item: unknown, path: Path, schema: Schema | undefined, maxDepth: number): ParsedEntity {
  const parts = partsOf(item, site('', undefined, maxDepth), path);
  const uidKey: PathKey = Array.isArray(item) ? 0 : 'uid';
  const uid =
    fastEntityRef(parts.uid, false) ??
    readEntityRef(parts.uid, site('in uid field of <unknown entity>', undefined, maxDepth), child(path, uidKey));
  const key = uid.key;
  const entityAt = site('', key, maxDepth);
  const attrsPath = child(path, Array.isArray(item) ? 1 : 'attrs');
  const parentsPath = child(path, Array.isArray(item) ? 2 : 'parents');
  const tagsPath = child(path, Array.isArray(item) ? 3 : 'tags');
  const attrsJson = objectField(parts.attrs, 'attrs', entityAt, attrsPath);
  const tagsJson = parts.tags === undefined ? undefined : objectField(parts.tags, 'tags', entityAt, tagsPath);
  if (!Array.isArray(parts.parents)) {
    throw fail(
      'json',
      entityAt,
      parentsPath,
      `invalid type: ${jsonKind(parts.parents)}, expected an array for \`parents\``,
    );
  }
  const parentMap = new Map<string, EntityUID>();
  const parentIndex: number[] = []; // where each distinct parent first appears, for paths
  const given = parts.parents;
  for (let i = 0; i < given.length; i++) {
    const u = fastEntityRef(given[i]) ?? readEntityRef(given[i], parentsSite(key, maxDepth), child(parentsPath, i));
    if (!parentMap.has(u.key)) parentIndex.push(i);
    parentMap.set(u.key, u);
  }
  const parents = [...parentMap.values()];
  // Cedar: an action's parents are action groups, that is, actions too.
  if (isActionTypeName(uid.type)) {
    for (let i = 0; i < parents.length; i++) {
      const p = parents[i] as EntityUID;
      if (!isActionTypeName(p.type)) {
        throw fail(
          'action',
          entityAt,
          child(parentsPath, parentIndex[i] as number),
          `action \`${key}\` has a non-action parent \`${p.key}\``,
        );
      }
    }
  }

  // Action entities are read like schemaless ones and compared with the schema's later.
  let def: EntityTypeDef | undefined;
  if (schema !== undefined && !isActionTypeName(uid.type)) {
    def = schema.entityType(uid.type);
    if (def === undefined) {
      throw fail(
        'schema',
        entityAt,
        child(path, uidKey),
        `entity \`${key}\` has type \`${uid.type}\` which is not declared in the schema`,
      );
    }
  }
  if (schema === undefined || def === undefined) {
    return {
      uid,
      attrs: readValues(attrsJson, { kind: 'attribute', key, maxDepth, schema: undefined, def: undefined }, attrsPath),
      parents,
      tags:
        tagsJson === undefined
          ? EMPTY
          : readValues(tagsJson, { kind: 'tag', key, maxDepth, schema: undefined, def: undefined }, tagsPath),
    };
  }
  checkEnumId(uid, schema, entityAt, child(path, uidKey));
  const attrs = readValues(attrsJson, { kind: 'attribute', key, maxDepth, schema, def }, attrsPath);
  for (let i = 0; i < parents.length; i++) {
    checkParent(parents[i] as EntityUID, def, schema, maxDepth, entityAt, child(parentsPath, parentIndex[i] as number));
  }
  const tags =
    tagsJson === undefined ? EMPTY : readValues(tagsJson, { kind: 'tag', key, maxDepth, schema, def }, tagsPath);
  return { uid, attrs, parents, tags };
}

type PathKey = string | number;

/** Where a parent is read, for messages; built only when one is due (entities come by the 100k). */
function parentsSite(key: string, maxDepth: number): Site {
  return site(`in parents field of \`${key}\``, key, maxDepth);
}

/** Where an entity's attributes or tags are read: whose, and against which declaration. */
interface ValuesSite {
  readonly kind: 'attribute' | 'tag';
  /** The entity's uid key. */
  readonly key: string;
  readonly maxDepth: number;
  /** With a schema, the entity's type declaration (its shape, its tag type). */
  readonly schema: Schema | undefined;
  readonly def: EntityTypeDef | undefined;
}

/**
 * An entity's `attrs` or `tags` object → values: schemaless, or typed and checked against
 * the entity type's declaration. Each value takes the fast path first (`json/fast`, then the
 * conformance predicate); only a value it declines is read again by the full reader, which
 * builds the place for Cedar's message (`in attribute \`a\` on \`T::"t"\``) and throws it, or
 * accepts an unusual shape.
 */
function readValues(json: JsonObject, where: ValuesSite, path: Path): Map<string, Value> {
  const { kind, key, maxDepth, schema, def } = where;
  const out = new Map<string, Value>();
  for (const k of definedKeys(json)) {
    const type = def === undefined ? undefined : kind === 'attribute' ? def.shape.attributes.get(k)?.type : def.tags;
    const raw = json[k];
    let v: Value | undefined;
    if (isWellFormedString(k)) {
      if (def === undefined) v = fastValue(raw, ATTRS_DEPTH, maxDepth);
      else if (type !== undefined) v = fastTyped(raw, type, ATTRS_DEPTH, maxDepth, schema);
    }
    out.set(k, v ?? readValueSlowly(raw, k, type, where, path));
  }
  if (def !== undefined && kind === 'attribute') {
    for (const [name, attr] of def.shape.attributes) {
      if (attr.required && !out.has(name)) {
        throw fail(
          'schema',
          site('', key, maxDepth),
          path,
          `expected entity \`${key}\` to have attribute \`${name}\`, but it does not`,
        );
      }
    }
  }
  return out;
}

/** The full reader for one attribute or tag value: the exact error, or the value. */
function readValueSlowly(raw: unknown, k: string, type: SchemaType | undefined, where: ValuesSite, path: Path): Value {
  const { kind, key, maxDepth, schema, def } = where;
  const at = site(`in ${kind} \`${k}\` on \`${key}\``, key, maxDepth);
  checkString(k, at, path);
  if (def === undefined) return parseValueAt(raw, at, child(path, k), ATTRS_DEPTH);
  if (type === undefined) {
    throw fail(
      'schema',
      site('', key, maxDepth),
      child(path, k),
      kind === 'attribute'
        ? `attribute \`${k}\` on \`${key}\` should not exist according to the schema`
        : `found a tag \`${k}\` on \`${key}\`, but no tags should exist on \`${key}\` according to the schema`,
    );
  }
  const v = parseTypedAt(raw, type, at, child(path, k), ATTRS_DEPTH);
  checkConforms(v, type, schema as Schema, at, child(path, k));
  return v;
}

function checkParent(
  p: EntityUID,
  def: EntityTypeDef,
  schema: Schema,
  maxDepth: number,
  entityAt: Site,
  path: Path,
): void {
  if (isActionTypeName(p.type) && schema.action(p) === undefined) {
    throw fail(
      'action',
      parentsSite(entityAt.entity as string, maxDepth),
      path,
      `found action entity \`${p.key}\`, but it was not declared as an action in the schema`,
    );
  }
  if (!def.memberOfTypes.has(p.type)) {
    throw fail(
      'schema',
      entityAt,
      path,
      `\`${entityAt.entity}\` is not allowed to have an ancestor of type \`${p.type}\` according to the schema`,
    );
  }
  if (!isValidEnumId(p, schema)) checkEnumId(p, schema, parentsSite(entityAt.entity as string, maxDepth), path);
}

/**
 * An action entity given in the data must be the schema's: declared, without attributes or
 * tags, and in exactly the schema's groups once the data's own hierarchy is followed (Cedar
 * compares after closing the data's hierarchy, so `a2 in [a1]` plus `a1 in [a0]` matches a
 * schema where `a2` is in `a1` and, transitively, `a0`).
 */
function checkActionEntity(
  e: ParsedEntity,
  byKey: ReadonlyMap<string, ParsedEntity>,
  schema: Schema,
  at: Site,
  path: Path,
): void {
  const decl = schema.action(e.uid);
  if (decl === undefined) {
    throw fail(
      'action',
      at,
      path,
      `found action entity \`${e.uid.key}\`, but it was not declared as an action in the schema`,
    );
  }
  const expected = new Set(decl.ancestors.map((u) => u.key));
  let same = e.attrs.size === 0 && e.tags.size === 0;
  if (same) {
    const reached = new Set<string>();
    const stack = [...e.parents];
    while (stack.length > 0) {
      const p = stack.pop() as EntityUID;
      if (reached.has(p.key)) continue;
      reached.add(p.key);
      const pe = byKey.get(p.key);
      if (pe !== undefined) stack.push(...pe.parents);
    }
    same = reached.size === expected.size && [...reached].every((k) => expected.has(k));
  }
  if (!same) {
    throw fail(
      'action',
      at,
      path,
      `definition of action \`${e.uid.key}\` does not match its schema declaration; to use the schema's definition of \`${e.uid.key}\`, simply omit it from the entities input data`,
    );
  }
}

/** Cedar's test for a repeated uid: the same attributes, tags and parents (as a set). */
function sameEntity(a: ParsedEntity, b: ParsedEntity): boolean {
  return sameMap(a.attrs, b.attrs) && sameMap(a.tags, b.tags) && sameParents(a.parents, b.parents);
}

function sameMap(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !valueEquals(v, w)) return false;
  }
  return true;
}

function sameParents(a: readonly EntityUID[], b: readonly EntityUID[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map((u) => u.key));
  return b.every((u) => keys.has(u.key));
}
