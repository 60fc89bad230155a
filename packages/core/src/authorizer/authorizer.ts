/**
 * @module authorizer/authorizer
 * The main API: an `Authorizer` holds a compiled policy set, an optional schema and an
 * entity store, and decides requests with no parsing and no wasm on the way.
 *
 * `authorize()` never throws. A malformed request (bad uid, context that does not conform
 * to the schema, request validation failure) is a `deny` whose `failure` says why.
 */

import type { EvalEnv } from '../compile/env.js';
import type { CompiledPolicy } from '../compile/policy.js';
import { type CompileOptions, PolicySet } from '../compile/policy-set.js';
import { EntityStore } from '../entities/store.js';
import { messageOf } from '../errors.js';
import type { PolicySetInput } from '../frontend/parse.js';
import { assertValid } from '../frontend/validate.js';
import type { Schema } from '../schema/index.js';
import type { CedarRecord } from '../values/value.js';
import { EntityUID } from '../values/value.js';
import {
  type AuthorizationError,
  type DecisionCore,
  type DetailedDecision,
  decideDetailed,
  type FailClosedMode,
} from './decide.js';
import {
  type EntitiesInput,
  type EntityRefInput,
  loadContext,
  loadEntities,
  loadSchema,
  type SchemaInput,
  toUid,
  validateRequest,
} from './inputs.js';

export interface AuthorizerOptions {
  /** Cedar policy text, cedar-wasm's `PolicySet` shape, or an already compiled {@link PolicySet}. */
  readonly policies: PolicySetInput | PolicySet;
  /** Cedar schema (text or JSON). When given, entities and context are parsed against it. */
  readonly schema?: SchemaInput | Schema | undefined;
  /** Cedar entities JSON, or an {@link EntityStore}. */
  readonly entities?: EntitiesInput | EntityStore | undefined;
  /** Validate each request against the schema (Cedar's `validateRequest`); default true when a schema is given. */
  readonly validateRequests?: boolean | undefined;
  /**
   * Validate the policies against the schema with Cedar's strict validator when the
   * authorizer is built (default true when a schema is given); a policy that does not
   * validate throws a `PolicyError` of kind `validation`.
   */
  readonly validatePolicies?: boolean | undefined;
  /** Use `@id("…")` annotations as policy ids (default false: Cedar's `policy0`, `policy1`, …). */
  readonly idAnnotation?: boolean | undefined;
  /**
   * What an erroring `forbid` does: `off` (Cedar: it is skipped), `annotated` (forbids
   * annotated `@failClosed` deny when they error), `all` (every erroring forbid denies).
   */
  readonly failClosed?: FailClosedMode | undefined;
}

export interface AuthorizationRequest {
  readonly principal: EntityRefInput;
  readonly action: EntityRefInput;
  readonly resource: EntityRefInput;
  /** Cedar context JSON (parsed against the schema when there is one), or a ready record. */
  readonly context?: Readonly<Record<string, unknown>> | CedarRecord | undefined;
}

/** A determining policy, with its annotations (e.g. `@id`, `@reason`, `@approvable`). */
export interface DeterminingPolicy {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly annotations: Readonly<Record<string, string>>;
}

export interface Decision extends DecisionCore {
  /** The determining policies (same order as `reasons`) with their annotations. */
  readonly determining: readonly DeterminingPolicy[];
  /** Set when the request itself was rejected (then the decision is `deny`). */
  readonly failure?: { readonly message: string } | undefined;
}

export type { AuthorizationError, FailClosedMode };

export class Authorizer {
  readonly policySet: PolicySet;
  readonly schema: Schema | undefined;
  readonly entities: EntityStore;
  readonly #validate: boolean;
  readonly #failClosed: FailClosedMode;

  constructor(opts: AuthorizerOptions) {
    this.schema = opts.schema === undefined ? undefined : loadSchema(opts.schema);
    const compileOpts: CompileOptions = { idAnnotation: opts.idAnnotation ?? false };
    this.policySet = opts.policies instanceof PolicySet ? opts.policies : PolicySet.compile(opts.policies, compileOpts);
    if (this.schema !== undefined && (opts.validatePolicies ?? true) && this.policySet.source !== undefined) {
      assertValid(this.policySet.source, this.schema.source);
    }
    this.entities =
      opts.entities instanceof EntityStore
        ? opts.entities
        : opts.entities === undefined
          ? loadEntities([], this.schema)
          : loadEntities(opts.entities, this.schema);
    this.#validate = opts.validateRequests ?? this.schema !== undefined;
    this.#failClosed = opts.failClosed ?? 'off';
  }

  /** A new authorizer sharing this one's compiled policies and schema, over other entities. */
  withEntities(entities: EntitiesInput | EntityStore): Authorizer {
    return new Authorizer({
      policies: this.policySet,
      schema: this.schema,
      entities,
      validateRequests: this.#validate,
      validatePolicies: false, // already validated, if asked, when this one was built
      failClosed: this.#failClosed,
    });
  }

  /** Decide one request. Never throws. */
  authorize(request: AuthorizationRequest): Decision {
    let env: EvalEnv;
    try {
      env = this.#env(request);
    } catch (e) {
      return { decision: 'deny', reasons: [], errors: [], determining: [], failure: { message: messageOf(e) } };
    }
    return this.authorizeEnv(env);
  }

  /**
   * Decide a request already read by {@link requestEnv} (of this authorizer: its entity store),
   * without reading it again — for callers that keep the parsed request, such as a decision log
   * digesting the immutable context later. Never throws.
   */
  authorizeEnv(env: EvalEnv): Decision {
    let d: DetailedDecision;
    try {
      d = decideDetailed(this.policySet.matching(env), env, this.#failClosed, true);
    } catch (e) {
      // Policy errors are caught per policy inside; anything reaching here is a defect, and
      // the contract holds regardless: deny, never throw.
      return {
        decision: 'deny',
        reasons: [],
        errors: [],
        determining: [],
        failure: { message: `internal error: ${messageOf(e)}` },
      };
    }
    const n = d.determining.length;
    const reasons: string[] = new Array(n);
    const determining: DeterminingPolicy[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = d.determining[i] as CompiledPolicy;
      reasons[i] = p.id;
      determining[i] = p.descriptor;
    }
    return { decision: d.decision, reasons, errors: d.errors, determining };
  }

  /**
   * The environment `authorize` decides this request in: uids, the context read (and, with a
   * schema, checked) as a record, this authorizer's entities. Throws where `authorize` answers
   * with a `failure`. For `explain`, which replays a decision step by step, and for
   * {@link authorizeEnv}.
   */
  requestEnv(request: AuthorizationRequest): EvalEnv {
    return this.#env(request);
  }

  /** What an erroring `forbid` does (the `failClosed` option). */
  get failClosedMode(): FailClosedMode {
    return this.#failClosed;
  }

  /** Whether requests are validated against the schema (the `validateRequests` option). */
  get validatesRequests(): boolean {
    return this.#validate;
  }

  #env(request: AuthorizationRequest): EvalEnv {
    const principal = toUid(request.principal, 'principal');
    const action = toUid(request.action, 'action');
    const resource = toUid(request.resource, 'resource');
    const context = loadContext(
      request.context === undefined ? {} : request.context,
      this.schema,
      action,
      this.#validate,
    );
    if (this.#validate && this.schema !== undefined) validateRequest(this.schema, principal, action, resource);
    return { principal, action, resource, context, entities: this.entities };
  }
}

export { EntityUID };
