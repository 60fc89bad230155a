/**
 * @module json/request
 * Cedar's request validation (`validateRequest: true`), established against cedar-wasm 4.13,
 * checked in Cedar's order:
 * 1. the action is declared in the schema;
 * 2. the principal's type is declared ("principal type `X` is not declared in the schema" —
 *    an action type as principal is undeclared too) and is one of the action's
 *    `principalTypes` (an action without `appliesTo` applies to nothing); an enumerated
 *    principal type needs a declared id;
 * 3. the same for the resource;
 * 4. the context conforms to the action's context type (including enumerated ids in it).
 * Without validation Cedar still needs the action to be declared when there is a schema (to
 * read the context), but accepts any principal and resource.
 */
import type { EntityRef, Schema } from '../schema/schema.js';
import { EntityUID } from '../values/value.js';
import { checkEnumId } from './conform.js';
import { parseContext } from './context.js';
import { readEntityRef } from './entity-ref.js';
import { child } from './errors.js';
import { type LimitOptions, maxDepthOf } from './limits.js';
import { fail, site } from './site.js';

/** An entity reference: a uid, or JSON in any reference form (`{type, id}`, `__entity`). */
export type EntityRefInput = EntityRef | unknown;

/** Read a request's principal, action or resource. Throws {@link InputError}. */
export function parseEntityRef(json: EntityRefInput, what = 'entity reference', opts: LimitOptions = {}): EntityUID {
  if (json instanceof EntityUID) return json;
  return readEntityRef(json, site(`failed to parse ${what}`, undefined, maxDepthOf(opts)), undefined);
}

/**
 * Throw the {@link InputError} (kind `request`, or `schema` for the context) Cedar reports
 * when it validates this request against the schema. `context` may be JSON or a record
 * already read; when omitted it is not checked.
 */
export function validateRequest(
  schema: Schema,
  principal: EntityRefInput,
  action: EntityRefInput,
  resource: EntityRefInput,
  context?: unknown,
  opts: LimitOptions = {},
): void {
  const maxDepth = maxDepthOf(opts);
  const p = parseEntityRef(principal, 'principal', opts);
  const a = parseEntityRef(action, 'action', opts);
  const r = parseEntityRef(resource, 'resource', opts);
  const at = site('', undefined, maxDepth);
  const decl = schema.action(a);
  if (decl === undefined)
    throw fail('request', at, undefined, `action \`${a.key}\` does not exist in the supplied schema`);
  for (const [role, uid, allowed] of [
    ['principal', p, decl.appliesTo.principalTypes],
    ['resource', r, decl.appliesTo.resourceTypes],
  ] as const) {
    if (schema.entityType(uid.type) === undefined) {
      throw fail('request', at, child(undefined, role), `${role} type \`${uid.type}\` is not declared in the schema`);
    }
    if (allowed === undefined || !allowed.has(uid.type)) {
      const valid =
        allowed === undefined || allowed.size === 0
          ? `no ${role} types are valid`
          : `valid ${role} types: ${[...allowed].map((t) => `\`${t}\``).join(', ')}`;
      throw fail(
        'request',
        at,
        child(undefined, role),
        `${role} type \`${uid.type}\` is not valid for \`${a.key}\` (${valid})`,
      );
    }
    checkEnumId(uid, schema, at, child(undefined, role));
  }
  if (context !== undefined) {
    parseContext(context, { schema, action: a, validate: true, maxDepth });
  }
}
