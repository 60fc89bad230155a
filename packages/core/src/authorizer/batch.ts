/**
 * @module authorizer/batch
 * `authorizeBatch(authorizer, requests)`: many requests in one call, each decided exactly as
 * `authorizer.authorize(request)` decides it (same decision, reasons, errors, failure).
 *
 * What the batch shares beyond what `authorize` already shares between calls (uids seen
 * before, and the scope matches each (principal, action, resource) has in one entity store):
 * a context object given to several requests is parsed once per action (with a schema the
 * context type depends on the action) and handed on as a ready `CedarRecord`; and the whole
 * batch is decided against one entity store, the authorizer's, so every request sees the same
 * entity version and the same scope memo.
 *
 * Exactness by construction: a shared record is the very record `authorize` would have
 * built (same parser, same schema, same action); `authorize` still runs its own request and
 * context validation on it. A context that fails to parse is not shared: that request goes to
 * `authorize` as given, so its failure message is the one it would have had alone.
 */
import { parseContext } from '../json/index.js';
import type { CedarRecord } from '../values/value.js';
import type { AuthorizationRequest, Authorizer, Decision } from './authorizer.js';
import { toUid } from './inputs.js';

/** Parsed contexts of this batch: context object → action key (`''` without a schema) → record. */
type ContextCache = Map<object, Map<string, CedarRecord | null>>;

function sharedContext(
  authorizer: Authorizer,
  request: AuthorizationRequest,
  cache: ContextCache,
  counts: Map<object, number>,
): CedarRecord | undefined {
  const ctx = request.context;
  if (ctx === undefined || typeof ctx !== 'object' || ctx === null) return undefined;
  // A context used by one request only gains nothing from the cache.
  if ((counts.get(ctx) ?? 0) < 2) return undefined;
  let actionKey = '';
  let action: ReturnType<typeof toUid> | undefined;
  if (authorizer.schema !== undefined) {
    try {
      action = toUid(request.action, 'action');
    } catch {
      return undefined; // `authorize` reports the bad action itself
    }
    actionKey = action.key;
  }
  let byAction = cache.get(ctx);
  if (byAction === undefined) {
    byAction = new Map();
    cache.set(ctx, byAction);
  }
  const hit = byAction.get(actionKey);
  if (hit !== undefined) return hit ?? undefined;
  let record: CedarRecord | null;
  try {
    // Read without the conformance check: `authorize` checks the record itself when it validates.
    record = parseContext(ctx, { schema: authorizer.schema, action, validate: false });
  } catch {
    record = null; // not shared: `authorize` parses it again and reports why it fails
  }
  byAction.set(actionKey, record);
  return record ?? undefined;
}

/**
 * Decide every request, in order. Never throws; each result equals
 * `authorizer.authorize(requests[i])`.
 */
export function authorizeBatch(authorizer: Authorizer, requests: readonly AuthorizationRequest[]): Decision[] {
  const counts = new Map<object, number>();
  for (const r of requests) {
    const ctx = r.context;
    if (ctx !== undefined && typeof ctx === 'object' && ctx !== null) counts.set(ctx, (counts.get(ctx) ?? 0) + 1);
  }
  const cache: ContextCache = new Map();
  const out: Decision[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i] as AuthorizationRequest;
    const record = sharedContext(authorizer, request, cache, counts);
    out[i] = authorizer.authorize(record === undefined ? request : { ...request, context: record });
  }
  return out;
}
