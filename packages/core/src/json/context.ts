/**
 * @module json/context
 * A request's context JSON → a record, as Cedar reads it (established against cedar-wasm):
 *
 * - Without a schema (or without an action): schemaless Cedar JSON that must come out as a
 *   record — `{"__entity": …}` on its own is an entity, hence "expression is not a record".
 * - With a schema and an action: the action must be declared (even when the request will
 *   not be validated: the context type comes from it); the context is read with the action's
 *   context type (an empty record when it declares none), so undeclared attributes and
 *   missing required ones are refused, entity references may be `{type, id}`, and
 *   extension values may be plain strings.
 * - Whether the values then have their declared types (and enumerated entity ids are valid)
 *   is Cedar's request validation: `checkParseContext` does it, `isAuthorized` does it only
 *   with `validateRequest`. `validate` (default true) chooses.
 */
import type { EntityRef, Schema } from '../schema/schema.js';
import { CedarRecord, EntityUID, valueToCedar } from '../values/value.js';
import { checkConforms, conforms } from './conform.js';
import { readEntityRef } from './entity-ref.js';
import { fastTypedRecord, fastValue } from './fast.js';
import { type LimitOptions, maxDepthOf } from './limits.js';
import { isPlainObject } from './raw.js';
import { fail, site } from './site.js';
import { parseRecordAt, parseTypedAt } from './typed.js';
import { NULL_MESSAGE, parseValueAt } from './value.js';

export interface ParseContextOptions extends LimitOptions {
  readonly schema?: Schema | undefined;
  /** The request's action (a uid, or `{type, id}` / `__entity` JSON). */
  readonly action?: EntityRef | unknown;
  /** Check the context conforms to the action's context type (default true). */
  readonly validate?: boolean | undefined;
}

/** Parse a context. Throws {@link InputError}. A {@link CedarRecord} is taken as already read. */
export function parseContext(json: unknown, opts: ParseContextOptions = {}): CedarRecord {
  const maxDepth = maxDepthOf(opts);
  const { schema } = opts;
  if (schema === undefined || opts.action === undefined || opts.action === null) {
    if (json instanceof CedarRecord) return json;
    const v =
      fastValue(json, 0, maxDepth) ??
      parseValueAt(json, site('while parsing context', undefined, maxDepth), undefined, 0);
    if (!(v instanceof CedarRecord))
      throw fail('json', site('', undefined, maxDepth), undefined, `expression is not a record: ${valueToCedar(v)}`);
    return v;
  }
  const action =
    opts.action instanceof EntityUID
      ? opts.action
      : readEntityRef(opts.action, site('in the action', undefined, maxDepth), undefined);
  const type = schema.contextType(action);
  if (type === undefined) {
    throw fail(
      'request',
      site('', undefined, maxDepth),
      undefined,
      `action \`${action.key}\` does not exist in the supplied schema`,
    );
  }
  const validate = opts.validate ?? true;
  let record: CedarRecord;
  if (json instanceof CedarRecord) record = json;
  else if (isPlainObject(json)) {
    // Validating, the fast path reads and checks in one pass: what it returns conforms.
    const fast = fastTypedRecord(json, type, 0, maxDepth, validate ? schema : undefined);
    if (fast !== undefined) return fast;
    record = parseRecordAt(json, type, site('while parsing context', undefined, maxDepth), undefined, 0);
  } else {
    const at = site('while parsing context', undefined, maxDepth);
    if (json === null || json === undefined) throw fail('json', at, undefined, NULL_MESSAGE);
    // Not an object: read it anyway, to say what it is, then refuse it.
    parseTypedAt(json, type, at, undefined, 0);
    throw fail('schema', at, undefined, 'the context must be a record');
  }
  if (validate && !conforms(record, type, schema)) {
    checkConforms(
      record,
      type,
      schema,
      site(`context is not valid for \`${action.key}\``, undefined, maxDepth),
      undefined,
    );
  }
  return record;
}
