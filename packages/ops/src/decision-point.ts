/**
 * @module decision-point
 * `DecisionPoint`: a policy decision point run for production. It wraps a live core
 * `Authorizer` and adds:
 *
 * - **versions**: every decision names the policy-set version that made it (bundle digest or
 *   content hash), and its log event carries the schema digest and entity-store version too;
 * - **decision log**: one event per decision into a `DecisionLog` (never blocking);
 * - **hot reload**: from a folder of `.cedar` files or a bundle file, on change (`fs.watch`,
 *   debounced) or on `reload()`. A new set is loaded, compiled, validated and canary-checked
 *   off to the side, then swapped in with one assignment: a decision uses the old set or the
 *   new one, never a mixture. A set that fails any step never replaces the serving one: the
 *   error is reported (`onError`, the result of `reload()`) and the old set keeps serving;
 * - **canaries**: checked on create (a failing one refuses to arm: `create` throws), on
 *   reload and on entity updates (a failing one keeps the old state);
 * - **shadow**: a candidate policy set decided beside the live one on real traffic (all of it,
 *   or a sample). The live decision is made first and returned unchanged; the shadow's answer
 *   only feeds the log and `onDivergence`, and anything going wrong with it is contained.
 *
 * It adds one decision's cost per shadowed request (synchronously, so that the shadow sees
 * exactly the request and entity version the live set saw); `sampleRate` bounds that.
 */
import { randomUUID } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type AuthorizationRequest,
  Authorizer,
  authorizeBatch,
  type CedarRecord,
  type CompileOptions,
  type Decision,
  type EntitiesInput,
  type EntityStore,
  type FailClosedMode,
  listPermittedActions,
  type PermittedActions,
  type PermittedActionsQuery,
} from '@mandate/core';
import { assertCanaries, type Canary } from './canary.js';
import { messageOf, OpsError } from './errors.js';
import { type ChainLike, type DecisionEvent, decisionEvent, type ShadowOutcome, safeInputDigest } from './event.js';
import type { DecisionLog } from './log.js';
import { diverges, type ShadowCompare } from './shadow.js';
import { type LoadedPolicies, loadPolicySource, type PolicySource } from './source.js';

export interface AuthorizerSettings {
  readonly idAnnotation?: boolean;
  readonly failClosed?: FailClosedMode;
  readonly validateRequests?: boolean;
  readonly validatePolicies?: boolean;
}

export interface ShadowOptions {
  readonly policies: PolicySource;
  /** Fraction of decisions also decided by the shadow, 0–1 (default 1: all). */
  readonly sampleRate?: number;
  /** What counts as a divergence (default `decision`). */
  readonly compare?: ShadowCompare;
}

export interface Divergence {
  readonly eventId: string;
  readonly request: AuthorizationRequest;
  readonly live: Decision;
  readonly shadow: Decision;
  readonly liveVersion: string;
  readonly shadowVersion: string;
}

export interface DecisionPointOptions {
  /** The live policies. */
  readonly policies: PolicySource;
  /** Entities JSON (parsed against the schema) or an `EntityStore`. */
  readonly entities?: EntitiesInput | EntityStore;
  readonly authorizer?: AuthorizerSettings;
  /** Requests that must get the decision they declare before a policy set may serve. */
  readonly canaries?: readonly Canary[];
  readonly shadow?: ShadowOptions;
  readonly log?: DecisionLog;
  /** Put a digest of each request's context in its event (default true). */
  readonly inputDigest?: boolean;
  /** Reload when the folder or bundle changes (default false). */
  readonly watch?: boolean | { readonly debounceMs?: number };
  /** After every reload attempt that changed something or failed. */
  readonly onReload?: (result: ReloadResult) => void;
  /** Every problem that does not stop the live set serving: failed reloads, bad shadows, watch errors. */
  readonly onError?: (error: OpsError) => void;
  readonly onDivergence?: (divergence: Divergence) => void;
}

/** A decision, with the id of its log event and the policy-set version that made it. */
export interface VersionedDecision extends Decision {
  readonly id: string;
  readonly policies: string;
}

export type ReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly version: string; readonly previous: string }
  | { readonly ok: false; readonly error: OpsError; readonly version: string };

export type UpdateResult =
  | { readonly ok: true; readonly entities: number }
  | { readonly ok: false; readonly error: OpsError };

export interface DecisionPointStats {
  readonly decisions: number;
  readonly reloads: number;
  readonly failedReloads: number;
  readonly shadowDecisions: number;
  readonly divergences: number;
  readonly shadowErrors: number;
}

interface Live {
  readonly authorizer: Authorizer;
  readonly loaded: LoadedPolicies;
  readonly entities: number;
}

interface Shadow {
  readonly authorizer: Authorizer;
  readonly loaded: LoadedPolicies;
  readonly sampleRate: number;
  readonly compare: ShadowCompare;
}

export class DecisionPoint {
  readonly #opts: DecisionPointOptions;
  readonly #compile: CompileOptions;
  /** Whether decisions are logged with an input digest. */
  readonly #digests: boolean;
  #live: Live;
  #shadow: Shadow | undefined;
  #entitiesInput: EntitiesInput | EntityStore | undefined;
  readonly #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #stats = { decisions: 0, reloads: 0, failedReloads: 0, shadowDecisions: 0, divergences: 0, shadowErrors: 0 };

  private constructor(opts: DecisionPointOptions, live: Live) {
    this.#opts = opts;
    this.#compile = { idAnnotation: opts.authorizer?.idAnnotation ?? false };
    this.#digests = opts.log !== undefined && (opts.inputDigest ?? true);
    this.#live = live;
    this.#entitiesInput = opts.entities;
  }

  /**
   * Load, validate and canary-check the live policies, then arm. Throws `OpsError` (`load`,
   * `canary`, `options`): a decision point that cannot serve correctly refuses to start. A bad
   * shadow does not stop it (reported through `onError`).
   */
  static create(opts: DecisionPointOptions): DecisionPoint {
    const compile: CompileOptions = { idAnnotation: opts.authorizer?.idAnnotation ?? false };
    const loaded = loadPolicySource(opts.policies, compile);
    const authorizer = build(loaded, opts.entities, opts.authorizer);
    assertCanaries(authorizer, opts.canaries ?? []);
    const point = new DecisionPoint(opts, liveState(authorizer, loaded, 0));
    if (opts.shadow !== undefined) point.setShadow(opts.shadow);
    if (opts.watch !== undefined && opts.watch !== false) point.#watch(opts.watch === true ? {} : opts.watch);
    return point;
  }

  /** The authorizer serving now (for `explain`, `authorizeChain`, …; its decisions are not logged). */
  get authorizer(): Authorizer {
    return this.#live.authorizer;
  }

  /** The serving policy-set version. */
  get version(): string {
    return this.#live.loaded.version;
  }

  get shadowVersion(): string | undefined {
    return this.#shadow?.loaded.version;
  }

  get stats(): DecisionPointStats {
    return { ...this.#stats };
  }

  /**
   * Decide one request with the live set; never throws. `chain` (a `@mandate/identity`
   * delegation chain) attributes the decision to its root user, hops and actor in the log.
   */
  authorize(request: AuthorizationRequest, opts: { readonly chain?: ChainLike } = {}): VersionedDecision {
    const live = this.#live; // read once: a reload swapping it mid-call does not mix versions
    const authorizer = live.authorizer;
    if (!this.#digests) {
      const t0 = performance.now();
      const d = authorizer.authorize(request);
      const latencyUs = Math.round((performance.now() - t0) * 1000);
      return this.#settle(live, request, d, latencyUs, opts.chain, undefined);
    }
    // Logged with an input digest: the request is parsed once and decided in its parsed form,
    // whose context — an immutable record, not the caller's JSON, which the caller may change
    // once this returns — the event keeps and digests later, off the deciding call. A request
    // that does not parse is decided as given, so that its `failure` is exactly core's.
    const t0 = performance.now();
    let env: ReturnType<Authorizer['requestEnv']> | undefined;
    try {
      env = authorizer.requestEnv(request);
    } catch {
      env = undefined;
    }
    // The same environment `authorize` would build, decided without reading it again.
    const d = env === undefined ? authorizer.authorize(request) : authorizer.authorizeEnv(env);
    const latencyUs = Math.round((performance.now() - t0) * 1000);
    return this.#settle(
      live,
      request,
      d,
      latencyUs,
      opts.chain,
      env === undefined ? refusedInputDigest(authorizer, request) : env.context,
    );
  }

  /**
   * Many requests in one call, decided by core's `authorizeBatch` (shared context parsing) with
   * one live version for the whole batch; each decision is logged, its `latencyUs` being the
   * batch's average.
   */
  authorizeBatch(
    requests: readonly AuthorizationRequest[],
    opts: { readonly chain?: ChainLike } = {},
  ): VersionedDecision[] {
    const live = this.#live;
    const t0 = performance.now();
    const decisions = authorizeBatch(live.authorizer, requests);
    const latencyUs = requests.length === 0 ? 0 : Math.round(((performance.now() - t0) * 1000) / requests.length);
    return decisions.map((d, i) => {
      const request = requests[i] as AuthorizationRequest;
      return this.#settle(
        live,
        request,
        d,
        latencyUs,
        opts.chain,
        this.#digests ? inputOf(live.authorizer, request) : undefined,
      );
    });
  }

  /** After a live decision: shadow, log, version. */
  #settle(
    live: Live,
    request: AuthorizationRequest,
    d: Decision,
    latencyUs: number,
    chain: ChainLike | undefined,
    input: CedarRecord | string | undefined,
  ): VersionedDecision {
    this.#stats.decisions++;
    const id = randomUUID();
    let shadowOutcome: ShadowOutcome | undefined;
    const shadow = this.#shadow;
    if (shadow !== undefined && (shadow.sampleRate >= 1 || Math.random() < shadow.sampleRate)) {
      shadowOutcome = this.#runShadow(shadow, live, request, d, id);
    }
    const log = this.#opts.log;
    if (log !== undefined) {
      let event: DecisionEvent | undefined;
      try {
        event = decisionEvent({
          request,
          decision: d,
          latencyUs,
          policies: live.loaded.version,
          schema: live.loaded.schemaDigest,
          entities: live.entities,
          chain,
          digest: this.#opts.inputDigest ?? true,
          input,
          id,
        });
      } catch (e) {
        this.#report(new OpsError('options', `cannot build the decision event: ${messageOf(e)}`, { cause: e }));
      }
      if (event !== undefined) {
        if (shadowOutcome !== undefined) (event as { shadow?: ShadowOutcome }).shadow = shadowOutcome;
        log.record(event);
      }
    }
    return versioned(d, id, live.loaded.version);
  }

  /** Core's `listPermittedActions` over the serving authorizer (not logged: it decides nothing). */
  listPermittedActions(query: PermittedActionsQuery): PermittedActions {
    return listPermittedActions(this.#live.authorizer, {
      validateRequests: this.#opts.authorizer?.validateRequests,
      ...query,
    });
  }

  /**
   * Load the policies again and swap them in if they changed and pass validation and the
   * canaries; otherwise keep serving the old set. Never throws.
   */
  reload(): ReloadResult {
    const previous = this.#live;
    let result: ReloadResult;
    try {
      const loaded = loadPolicySource(this.#opts.policies, this.#compile);
      if (loaded.version === previous.loaded.version) {
        return { ok: true, changed: false, version: loaded.version, previous: loaded.version };
      }
      const authorizer = build(loaded, this.#entitiesInput, this.#opts.authorizer);
      assertCanaries(authorizer, this.#opts.canaries ?? []);
      this.#live = liveState(authorizer, loaded, previous.entities);
      this.#rebaseShadow();
      this.#stats.reloads++;
      result = { ok: true, changed: true, version: loaded.version, previous: previous.loaded.version };
    } catch (e) {
      const error = asOpsError(e);
      this.#stats.failedReloads++;
      result = { ok: false, error, version: previous.loaded.version };
      this.#report(error);
    }
    try {
      this.#opts.onReload?.(result);
    } catch {
      // the application's callback; the swap (or the refusal) stands
    }
    return result;
  }

  /**
   * New entities (JSON or a store version, e.g. `store.with(upserts, removals)`): canary-checked,
   * then swapped in; on failure the old entities keep serving. Never throws.
   */
  setEntities(entities: EntitiesInput | EntityStore): UpdateResult {
    const current = this.#live;
    try {
      const authorizer = current.authorizer.withEntities(entities);
      assertCanaries(authorizer, this.#opts.canaries ?? []);
      this.#entitiesInput = entities;
      this.#live = liveState(authorizer, current.loaded, current.entities + 1);
      this.#rebaseShadow();
      return { ok: true, entities: current.entities + 1 };
    } catch (e) {
      const error = asOpsError(e);
      this.#report(error);
      return { ok: false, error };
    }
  }

  /** Start (or replace) shadowing; `undefined` stops it. A shadow that fails to load is reported and not used. */
  setShadow(
    options: ShadowOptions | undefined,
  ): { readonly ok: true } | { readonly ok: false; readonly error: OpsError } {
    if (options === undefined) {
      this.#shadow = undefined;
      return { ok: true };
    }
    try {
      const rate = options.sampleRate ?? 1;
      if (!(rate >= 0 && rate <= 1))
        throw new OpsError('options', `shadow \`sampleRate\` \`${rate}\` is not between 0 and 1`);
      const loaded = loadPolicySource(options.policies, this.#compile);
      const live = this.#live.authorizer;
      const authorizer = new Authorizer({
        policies: loaded.policySet,
        schema: loaded.schema ?? live.schema,
        entities: live.entities, // the live store itself: the shadow sees the same entity version
        ...authorizerSettings(this.#opts.authorizer),
      });
      this.#shadow = { authorizer, loaded, sampleRate: rate, compare: options.compare ?? 'decision' };
      return { ok: true };
    } catch (e) {
      const error = asOpsError(e, 'shadow');
      this.#report(error);
      return { ok: false, error };
    }
  }

  /** Stop watching and flush the log (the log itself stays open: it may be shared). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const w of this.#watchers) w.close();
    this.#watchers.length = 0;
    await this.#opts.log?.flush();
  }

  #runShadow(
    shadow: Shadow,
    live: Live,
    request: AuthorizationRequest,
    d: Decision,
    eventId: string,
  ): ShadowOutcome | undefined {
    try {
      const s = shadow.authorizer.authorize(request);
      this.#stats.shadowDecisions++;
      if (!diverges(d, s, shadow.compare)) return undefined;
      this.#stats.divergences++;
      try {
        this.#opts.onDivergence?.({
          eventId,
          request,
          live: d,
          shadow: s,
          liveVersion: live.loaded.version,
          shadowVersion: shadow.loaded.version,
        });
      } catch {
        // the application's callback must not reach the live decision
      }
      return { policies: shadow.loaded.version, decision: s.decision, reasons: s.reasons, errors: s.errors.length };
    } catch {
      this.#stats.shadowErrors++;
      return undefined;
    }
  }

  /** After a swap: the shadow decides over the new live entity store. */
  #rebaseShadow(): void {
    const shadow = this.#shadow;
    if (shadow === undefined) return;
    try {
      this.#shadow = { ...shadow, authorizer: shadow.authorizer.withEntities(this.#live.authorizer.entities) };
    } catch (e) {
      this.#shadow = undefined;
      this.#report(asOpsError(e, 'shadow'));
    }
  }

  #watch(opts: { readonly debounceMs?: number }): void {
    const source = this.#opts.policies;
    if (source.kind === 'inline') throw new OpsError('options', 'inline policies cannot be watched');
    const debounceMs = opts.debounceMs ?? 100;
    const targets = new Map<string, ((name: string | null) => boolean) | undefined>();
    if (source.kind === 'folder') {
      targets.set(source.dir, undefined);
      if (source.schemaFile !== undefined && dirname(source.schemaFile) !== source.dir) {
        const name = basename(source.schemaFile);
        targets.set(dirname(source.schemaFile), (n) => n === null || n === name);
      }
    } else {
      // The folder, not the file: a bundle replaced by rename (how it should be deployed) is a new inode.
      const name = basename(source.file);
      targets.set(dirname(source.file), (n) => n === null || n === name);
    }
    const schedule = (): void => {
      if (this.#closed) return;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (!this.#closed) this.reload();
      }, debounceMs);
      this.#timer.unref();
    };
    for (const [dir, accept] of targets) {
      const w = watch(dir, { persistent: false }, (_event, filename) => {
        const name = filename === null ? null : String(filename);
        if (accept === undefined || accept(name)) schedule();
      });
      w.on('error', (e) =>
        this.#report(new OpsError('load', `watching \`${dir}\` failed: ${messageOf(e)}`, { cause: e })),
      );
      this.#watchers.push(w);
    }
  }

  #report(error: OpsError): void {
    try {
      this.#opts.onError?.(error);
    } catch {
      // as above
    }
  }
}

/** The serving state. */
function liveState(authorizer: Authorizer, loaded: LoadedPolicies, entities: number): Live {
  return { authorizer, loaded, entities };
}

/**
 * The digest of a request `authorize` refused (it did not parse): computed now, since the
 * caller's JSON cannot be kept — only refused requests pay for it on the deciding call.
 */
function refusedInputDigest(authorizer: Authorizer, request: AuthorizationRequest): string {
  return safeInputDigest(request.context, { schema: authorizer.schema, action: request.action });
}

/** What a batch's event digests: the context as `authorizer` parses it, else (refused) the digest now. */
function inputOf(authorizer: Authorizer, request: AuthorizationRequest): CedarRecord | string {
  try {
    return authorizer.requestEnv(request).context;
  } catch {
    return refusedInputDigest(authorizer, request);
  }
}

/** The decision with its id and version (by assignment, not a spread: this is the deciding call). */
function versioned(d: Decision, id: string, policies: string): VersionedDecision {
  const out: { -readonly [K in keyof VersionedDecision]: VersionedDecision[K] } = {
    decision: d.decision,
    reasons: d.reasons,
    errors: d.errors,
    determining: d.determining,
    id,
    policies,
  };
  if (d.failure !== undefined) out.failure = d.failure;
  return out;
}

function authorizerSettings(s: AuthorizerSettings | undefined): AuthorizerSettings {
  const out: { -readonly [K in keyof AuthorizerSettings]: AuthorizerSettings[K] } = {};
  if (s?.idAnnotation !== undefined) out.idAnnotation = s.idAnnotation;
  if (s?.failClosed !== undefined) out.failClosed = s.failClosed;
  if (s?.validateRequests !== undefined) out.validateRequests = s.validateRequests;
  if (s?.validatePolicies !== undefined) out.validatePolicies = s.validatePolicies;
  return out;
}

function build(
  loaded: LoadedPolicies,
  entities: EntitiesInput | EntityStore | undefined,
  settings: AuthorizerSettings | undefined,
): Authorizer {
  try {
    return new Authorizer({
      policies: loaded.policySet,
      schema: loaded.schema,
      entities,
      ...authorizerSettings(settings),
    });
  } catch (e) {
    throw new OpsError('load', `policies \`${loaded.version}\` do not load: ${messageOf(e)}`, {
      cause: e,
      details: (e as { details?: readonly string[] }).details ?? [messageOf(e)],
    });
  }
}

function asOpsError(e: unknown, what?: string): OpsError {
  if (e instanceof OpsError)
    return what === undefined ? e : new OpsError(e.kind, `${what}: ${e.message}`, { details: e.details, cause: e });
  return new OpsError('load', `${what === undefined ? '' : `${what}: `}${messageOf(e)}`, { cause: e });
}
