/**
 * @module test/json/oracle
 * cedar-wasm as the judge of the data boundary, and Mandate's parsers behind the same small
 * verdict type, so every table case reads "Mandate accepts ⇔ Cedar accepts".
 *
 * cedar-wasm traps (and its instance is then unusable) on inputs its bridge cannot convert,
 * such as a bigint or a lone surrogate; a trap counts as a rejection and the module is
 * loaded afresh, as the conformance harness does.
 */
import { createRequire } from 'node:module';
import { InputError } from '../../src/json/index.js';
import { SchemaError } from '../../src/schema/index.js';

type Cedar = typeof import('@cedar-policy/cedar-wasm/nodejs');

const require = createRequire(import.meta.url);
const ENTRY = require.resolve('@cedar-policy/cedar-wasm/nodejs');
let cedar = require(ENTRY) as Cedar;

export type Verdict =
  | { readonly ok: true; readonly value?: unknown }
  | { readonly ok: false; readonly message: string };

interface Answer {
  readonly type: string;
  readonly errors?: readonly { readonly message: string }[];
}

function verdictOf(a: Answer): Verdict {
  return a.type === 'success'
    ? { ok: true }
    : { ok: false, message: (a.errors ?? []).map((e) => e.message).join('; ') };
}

function guarded(f: (c: Cedar) => Verdict): Verdict {
  try {
    return f(cedar);
  } catch (e) {
    delete require.cache[ENTRY];
    cedar = require(ENTRY) as Cedar;
    return { ok: false, message: `cedar-wasm trapped: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function wasm(): Cedar {
  return cedar;
}

// The oracle's JSON types are narrower than the inputs under test (which are deliberately
// malformed), hence the casts below.
type Any = never;

export function wasmEntities(entities: unknown, schema?: unknown): Verdict {
  return guarded((c) =>
    verdictOf(c.checkParseEntities({ entities: entities as Any, schema: (schema ?? null) as Any })),
  );
}

export function wasmContext(context: unknown, schema?: unknown, action?: unknown): Verdict {
  return guarded((c) =>
    verdictOf(
      c.checkParseContext({
        context: context as Any,
        schema: (schema ?? null) as Any,
        action: (action ?? null) as Any,
      }),
    ),
  );
}

export function wasmSchema(schema: unknown): Verdict {
  return guarded((c) => verdictOf(c.checkParseSchema(schema as Any)));
}

export interface RequestCall {
  readonly principal: unknown;
  readonly action: unknown;
  readonly resource: unknown;
  readonly context?: unknown;
  readonly schema?: unknown;
  readonly entities?: unknown;
  readonly validateRequest?: boolean;
  readonly policies?: string;
}

/** `isAuthorized` accepts the call (any decision) or refuses it; `value` is the decision. */
export function wasmAuthorize(call: RequestCall): Verdict {
  return guarded((c) => {
    const a = c.isAuthorized({
      principal: call.principal as Any,
      action: call.action as Any,
      resource: call.resource as Any,
      context: (call.context ?? {}) as Any,
      ...(call.schema === undefined ? {} : { schema: call.schema as Any }),
      validateRequest: call.validateRequest ?? true,
      policies: { staticPolicies: call.policies ?? 'permit(principal, action, resource);' },
      entities: (call.entities ?? []) as Any,
    });
    return a.type === 'success' ? { ok: true, value: a.response.decision } : verdictOf(a);
  });
}

/** Run Mandate; its typed refusals are verdicts, anything else thrown is a bug and propagates. */
export function mine(f: () => unknown): Verdict {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof InputError || e instanceof SchemaError)
      return { ok: false, message: `${e.name}(${'kind' in e ? e.kind : ''}): ${e.message}` };
    throw e;
  }
}

/** A readable line for a disagreement. */
export function disagreement(name: string, ours: Verdict, theirs: Verdict): string {
  const show = (v: Verdict) => (v.ok ? 'accepts' : `rejects (${v.message.slice(0, 300)})`);
  return `${name}: Mandate ${show(ours)}, Cedar ${show(theirs)}`;
}
