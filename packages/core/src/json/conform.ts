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
