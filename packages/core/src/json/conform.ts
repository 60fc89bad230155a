/**
 * @module json/conform
 * Does a runtime value have a schema type? Cedar's conformance check, applied to entity
 * attributes and tags always, and to a request's context when the request is validated.
 *
 * Types are matched exactly (an entity must be of the named type; there is no subtyping),
 * records must have every required attribute and no undeclared one, and an entity of an
 * enumerated type must have one of the declared ids (Cedar checks this wherever an entity
 * of such a type appears: attribute values, parents, context, principal and resource).
 */
import type { Schema } from '../schema/schema.js';
import { type SchemaType, typeToString } from '../schema/types.js';
import {
  CedarRecord,
  CedarSet,
  EntityUID,
  ExtensionValue,
  typeOfValue,
  type Value,
  valueToCedar,
} from '../values/value.js';
import { child, type Path } from './errors.js';
import { fail, type Site } from './site.js';

/** Throw the {@link InputError} Cedar reports unless `v` has type `t`. */
export function checkConforms(v: Value, t: SchemaType, schema: Schema, at: Site, path: Path | undefined): void {
  switch (t.kind) {
    case 'Bool':
      if (typeof v === 'boolean') return;
      break;
    case 'Long':
      if (typeof v === 'bigint') return;
      break;
    case 'String':
      if (typeof v === 'string') return;
      break;
    case 'Entity':
      if (v instanceof EntityUID && v.type === t.name) {
        checkEnumId(v, schema, at, path);
        return;
      }
      break;
    case 'Extension':
      if (v instanceof ExtensionValue && v.extension === t.name) return;
      break;
    case 'Set':
      if (v instanceof CedarSet) {
        for (let i = 0; i < v.items.length; i++)
          checkConforms(v.items[i] as Value, t.element, schema, at, child(path, i));
        return;
      }
      break;
    case 'Record':
      if (v instanceof CedarRecord) {
        let ok = true;
        for (const k of v.map.keys()) if (!t.attributes.has(k) && !t.additionalAttributes) ok = false;
        for (const [k, a] of t.attributes) if (a.required && !v.map.has(k)) ok = false;
        if (ok) {
          for (const [k, x] of v.map) {
            const a = t.attributes.get(k);
            if (a !== undefined) checkConforms(x, a.type, schema, at, child(path, k));
          }
          return;
        }
      }
      break;
  }
  throw fail(
    'schema',
    at,
    path,
    `type mismatch: value was expected to have type ${typeToString(t)}, but it actually has type ${typeOfValue(v)}: \`${valueToCedar(v)}\``,
  );
}

/**
 * Whether `v` has type `t`: {@link checkConforms} without building an error, for the hot
 * path (it runs `checkConforms` only when this says no, to get Cedar's message and path).
 * The two must agree on every value; a property test holds them to it.
 */
export function conforms(v: Value, t: SchemaType, schema: Schema): boolean {
  switch (t.kind) {
    case 'Bool':
      return typeof v === 'boolean';
    case 'Long':
      return typeof v === 'bigint';
    case 'String':
      return typeof v === 'string';
    case 'Entity':
      return v instanceof EntityUID && v.type === t.name && isValidEnumId(v, schema);
    case 'Extension':
      return v instanceof ExtensionValue && v.extension === t.name;
    case 'Set':
      if (!(v instanceof CedarSet)) return false;
      for (const x of v.items) if (!conforms(x, t.element, schema)) return false;
      return true;
    case 'Record': {
      if (!(v instanceof CedarRecord)) return false;
      let present = 0;
      const ok = v.every((k, x) => {
        const a = t.attributes.get(k);
        if (a === undefined) return t.additionalAttributes;
        present++;
        return conforms(x, a.type, schema);
      });
      if (!ok) return false;
      if (present !== t.attributes.size) {
        for (const [k, a] of t.attributes) if (a.required && !v.has(k)) return false;
      }
      return true;
    }
  }
}

/** Whether an entity's id is valid for its type (always, unless the type is enumerated). */
export function isValidEnumId(uid: EntityUID, schema: Schema): boolean {
  const ids = schema.entityType(uid.type)?.enum;
  return ids === undefined || ids.has(uid.id);
}

/** An entity of an enumerated type must have one of its declared ids. */
export function checkEnumId(uid: EntityUID, schema: Schema, at: Site, path: Path | undefined): void {
  const ids = schema.entityType(uid.type)?.enum;
  if (ids !== undefined && !ids.has(uid.id)) {
    const valid = [...ids].map((id) => JSON.stringify(id)).join(', ');
    throw fail(
      'schema',
      at,
      path,
      `entity \`${uid.key}\` is of an enumerated entity type, but \`${JSON.stringify(uid.id)}\` is not declared as a valid eid (valid eids: ${valid})`,
    );
  }
}
