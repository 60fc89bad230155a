/**
 * @module test/semantics/engines
 * The engines the shared semantic suite runs against, each behind one small interface:
 * a function from a case to Cedar's answer (`decision`, determining policy ids, ids of
 * erroring policies) or to a refusal (`failure`).
 *
 * - cedar-wasm's `isAuthorized` — the oracle; the suite's expectations are checked against it.
 * - Mandate's drop-in `isAuthorized` — the same call and answer shapes as cedar-wasm's.
 * - Mandate's `Authorizer` — the main API (`new Authorizer({...}).authorize(request)`): a
 *   load-time problem throws from the constructor, a rejected request is a deny carrying
 *   `failure`; both count as Cedar's refusal. Policy ids are Cedar's (no `idAnnotation`).
 *
 * Mandate's engines load lazily from `packages/core/src/index.ts`. An engine that cannot run
 * carries the reason (`skip`: the module or export is missing; `loadError`: the module does
 * not load); the suite turns either into a failing test, since every engine now exists.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicySetJson, SemanticCase } from './types.js';

export type Outcome =
  | { readonly decision: 'allow' | 'deny'; readonly reasons: readonly string[]; readonly errors: readonly string[] }
  | { readonly failure: string };

/** Runs one case. Throwing is a bug in the engine (a refusal is an `Outcome`, not an exception). */
export type RunCase = (testCase: SemanticCase) => Outcome;

export interface Engine {
  readonly name: string;
  /** True for the oracle: cases it cannot take (`oracle: false`) are skipped on it. */
  readonly isOracle: boolean;
  /** Takes cedar-wasm's `AuthorizationCall` as is (runs `compatibleApiOnly` cases). */
  readonly compatibleApi: boolean;
  readonly run?: RunCase;
  /** Why the engine is not run (only while Mandate's engine is not written yet). */
  readonly skip?: string;
  /** The engine's module exists but does not load: a failure, not a skip. */
  readonly loadError?: string;
}

// ------------------------------------------------------------------------ shared helpers

const asPolicySet = (p: string | PolicySetJson): PolicySetJson => (typeof p === 'string' ? { staticPolicies: p } : p);

/** The cedar-wasm `AuthorizationCall` for a case (Mandate's drop-in takes the same). */
export function toAuthorizationCall(c: SemanticCase): Record<string, unknown> {
  const call: Record<string, unknown> = {
    principal: c.request.principal,
    action: c.request.action,
    resource: c.request.resource,
    context: c.request.context,
    policies: asPolicySet(c.policies),
    entities: c.entities,
  };
  if (c.schema !== undefined) call.schema = c.schema;
  if (c.request.validateRequest !== undefined) call.validateRequest = c.request.validateRequest;
  return call;
}

interface WasmLikeAnswer {
  type: string;
  errors?: { message: string }[];
  response?: { decision: 'allow' | 'deny'; diagnostics: { reason: string[]; errors: { policyId: string }[] } };
}

/** Reads a cedar-wasm-shaped `AuthorizationAnswer`. */
export function fromAuthorizationAnswer(a: WasmLikeAnswer): Outcome {
  if (a.type !== 'success' || a.response === undefined) {
    return { failure: (a.errors ?? []).map((e) => e.message).join('; ') || `answer of type \`${a.type}\`` };
  }
  const { decision, diagnostics } = a.response;
  return { decision, reasons: [...diagnostics.reason], errors: diagnostics.errors.map((e) => e.policyId) };
}

// ------------------------------------------------------------------------------ engines

const cedarWasm: Engine = {
  name: 'cedar-wasm isAuthorized (oracle)',
  isOracle: true,
  compatibleApi: true,
  run: (c) => fromAuthorizationAnswer(cedar.isAuthorized(toAuthorizationCall(c) as never) as WasmLikeAnswer),
};

const CORE_INDEX = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** Mandate's core module, or why it is not there (a skip) or does not load (a failure). */
type CoreModule =
  | { readonly kind: 'loaded'; readonly exports: Record<string, unknown> }
  | { readonly kind: 'missing'; readonly reason: string }
  | { readonly kind: 'broken'; readonly reason: string };

async function loadCore(): Promise<CoreModule> {
  if (!existsSync(CORE_INDEX)) return { kind: 'missing', reason: 'packages/core/src/index.ts does not exist yet' };
  try {
    // The specifier is computed so that the type checker does not require the module to exist.
    const spec = pathToFileURL(CORE_INDEX).href;
    return { kind: 'loaded', exports: (await import(/* @vite-ignore */ spec)) as Record<string, unknown> };
  } catch (e) {
    const reason = `packages/core/src/index.ts failed to load: ${e instanceof Error ? e.message : String(e)}`;
    return { kind: 'broken', reason };
  }
}

/** The function exported as `name` by Mandate's core, or the skip / load error to report instead. */
function coreExport(core: CoreModule, name: string): { fn: unknown } | { skip: string } | { loadError: string } {
  if (core.kind === 'missing') return { skip: core.reason };
  if (core.kind === 'broken') return { loadError: core.reason };
  const fn = core.exports[name];
  return typeof fn === 'function' ? { fn } : { skip: `packages/core/src/index.ts does not export \`${name}\` yet` };
}

type IsAuthorizedFn = (call: unknown) => WasmLikeAnswer;

function mandateIsAuthorized(core: CoreModule): Engine {
  const kind = { name: 'mandate isAuthorized (drop-in)', isOracle: false, compatibleApi: true };
  const found = coreExport(core, 'isAuthorized');
  if (!('fn' in found)) return { ...kind, ...found };
  const fn = found.fn as IsAuthorizedFn;
  return { ...kind, run: (c) => fromAuthorizationAnswer(fn(toAuthorizationCall(c))) };
}

interface AuthorizerDecision {
  decision: 'allow' | 'deny';
  reasons: readonly string[];
  errors: readonly { policyId: string; message: string }[];
  /** Present when the request itself was rejected (the decision is then `deny`). */
  failure?: { message: string } | undefined;
}
interface AuthorizerLike {
  authorize(request: Record<string, unknown>): AuthorizerDecision;
}
type AuthorizerCtor = new (options: Record<string, unknown>) => AuthorizerLike;

function mandateAuthorizer(core: CoreModule): Engine {
  const kind = { name: 'mandate Authorizer', isOracle: false, compatibleApi: false };
  const found = coreExport(core, 'Authorizer');
  if (!('fn' in found)) return { ...kind, ...found };
  const Ctor = found.fn as AuthorizerCtor;
  const run: RunCase = (c) => {
    const options: Record<string, unknown> = { policies: c.policies, entities: c.entities };
    if (c.schema !== undefined) options.schema = c.schema;
    // cedar-wasm's isAuthorized does not validate policies; neither does this engine here.
    options.validatePolicies = false;
    // Request validation is a per-authorizer option here, per-call in cedar-wasm.
    if (c.request.validateRequest !== undefined) options.validateRequests = c.request.validateRequest;
    let authz: AuthorizerLike;
    try {
      authz = new Ctor(options);
    } catch (e) {
      // Load-time problems (policies, schema, entities) are typed errors: Cedar's failure.
      return { failure: e instanceof Error ? e.message : String(e) };
    }
    const d = authz.authorize({
      principal: c.request.principal,
      action: c.request.action,
      resource: c.request.resource,
      context: c.request.context,
    });
    // A rejected request is a deny carrying `failure`: Cedar's refusal of the input.
    if (d.failure !== undefined) return { failure: d.failure.message };
    return { decision: d.decision, reasons: [...d.reasons], errors: d.errors.map((e) => e.policyId) };
  };
  return { ...kind, run };
}

/** Every engine, in the order the suite reports them. */
export async function loadEngines(): Promise<readonly Engine[]> {
  const core = await loadCore();
  return [cedarWasm, mandateIsAuthorized(core), mandateAuthorizer(core)];
}
