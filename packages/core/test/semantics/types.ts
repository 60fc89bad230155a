/**
 * @module test/semantics/types
 * The shape of a shared semantic case and small builders for writing them.
 *
 * A case is plain data: policies (Cedar text, or cedar-wasm's `PolicySet` shape when
 * templates, links or explicit ids are needed), entities in Cedar's JSON format, an optional
 * schema, one request, and the expected answer. `errors` lists the ids of the policies whose
 * evaluation errored — never messages, which engines are free to word differently.
 * Integers beyond 2^53 are written as `bigint`; cedar-wasm cannot take them, so such cases
 * carry `oracle: false` and an expectation worked out by hand from Cedar's semantics.
 */

/** A type alias, not an interface, so that it is assignable to {@link JsonValue} records. */
export type EntityRef = {
  readonly type: string;
  readonly id: string;
};

/** Cedar's JSON values, plus `bigint` for integers JS numbers cannot hold exactly. */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type EntityUidJson = EntityRef | { readonly __entity: EntityRef };

export interface EntityJson {
  readonly uid: EntityUidJson;
  readonly attrs: { readonly [key: string]: JsonValue };
  readonly parents: readonly EntityUidJson[];
  readonly tags?: { readonly [key: string]: JsonValue };
}

export interface TemplateLinkJson {
  readonly templateId: string;
  readonly newId: string;
  readonly values: { readonly [slot: string]: EntityUidJson };
}

/** cedar-wasm's `PolicySet` shape. */
export interface PolicySetJson {
  readonly staticPolicies?: string | readonly string[] | { readonly [id: string]: string };
  readonly templates?: { readonly [id: string]: string };
  readonly templateLinks?: readonly TemplateLinkJson[];
}

export interface CaseRequest {
  readonly principal: EntityRef;
  readonly action: EntityRef;
  readonly resource: EntityRef;
  readonly context: { readonly [key: string]: JsonValue };
  /** Passed through as is; when absent each engine uses its default (cedar-wasm: validate). */
  readonly validateRequest?: boolean;
}

export interface ExpectedDecision {
  readonly decision: 'allow' | 'deny';
  /** Determining policy ids, in any order. */
  readonly reasons: readonly string[];
  /** Ids of the policies whose evaluation errored, in any order. */
  readonly errors: readonly string[];
}

/** The engine must refuse the input (parse, entity, schema or request-validation failure). */
export interface ExpectedFailure {
  readonly failure: true;
}

export type Expected = ExpectedDecision | ExpectedFailure;

export interface SemanticCase {
  readonly name: string;
  readonly policies: string | PolicySetJson;
  readonly entities: readonly EntityJson[];
  readonly schema?: string;
  readonly request: CaseRequest;
  readonly expect: Expected;
  /** `false` when cedar-wasm cannot take the input (integers beyond 2^53 as `bigint`). */
  readonly oracle?: false;
  /**
   * The case pins a detail of cedar-wasm's `isAuthorized` API rather than of Cedar's
   * semantics (how `staticPolicies` strings and arrays are read; no policy validation);
   * engines with another API skip it.
   */
  readonly compatibleApiOnly?: true;
}

export interface CaseGroup {
  readonly topic: string;
  readonly cases: readonly SemanticCase[];
}

export const isFailure = (e: Expected): e is ExpectedFailure => 'failure' in e;

// ---------------------------------------------------------------------------- builders

export const uid = (type: string, id: string): EntityRef => ({ type, id });

export const entity = (
  type: string,
  id: string,
  attrs: { readonly [key: string]: JsonValue } = {},
  parents: readonly EntityRef[] = [],
  tags?: { readonly [key: string]: JsonValue },
): EntityJson =>
  tags === undefined ? { uid: uid(type, id), attrs, parents } : { uid: uid(type, id), attrs, parents, tags };

export const allow = (...reasons: string[]): ExpectedDecision => ({ decision: 'allow', reasons, errors: [] });
export const deny = (...reasons: string[]): ExpectedDecision => ({ decision: 'deny', reasons, errors: [] });
export const withErrors = (d: ExpectedDecision, ...errors: string[]): ExpectedDecision => ({ ...d, errors });
export const failure: ExpectedFailure = { failure: true };

/** The request most cases use: alice views photo p1 with an empty context. */
export const defaultRequest: CaseRequest = {
  principal: uid('User', 'alice'),
  action: uid('Action', 'view'),
  resource: uid('Photo', 'p1'),
  context: {},
};

export const request = (over: Partial<CaseRequest> = {}): CaseRequest => ({ ...defaultRequest, ...over });

/** A single unconstrained permit guarded by `cond`. */
export const permitWhen = (cond: string): string => `permit(principal, action, resource) when { ${cond} };`;

/** How a lone `permit … when { expr }` must come out. */
export type ExprOutcome = 'true' | 'false' | 'error';

const outcomeOf = (o: ExprOutcome): ExpectedDecision =>
  o === 'true' ? allow('policy0') : o === 'false' ? deny() : withErrors(deny(), 'policy0');

export interface ExprCaseOptions {
  readonly entities?: readonly EntityJson[];
  readonly request?: Partial<CaseRequest>;
  readonly schema?: string;
  readonly oracle?: false;
}

/**
 * A case for one boolean expression: `permit … when { expr }` allows when it is `true`,
 * denies with no error when it is `false`, and denies reporting `policy0` when it errors.
 */
export const exprCase = (
  name: string,
  expr: string,
  outcome: ExprOutcome,
  opts: ExprCaseOptions = {},
): SemanticCase => {
  const c: SemanticCase = {
    name,
    policies: permitWhen(expr),
    entities: opts.entities ?? [],
    request: request(opts.request),
    expect: outcomeOf(outcome),
    ...(opts.schema === undefined ? {} : { schema: opts.schema }),
    ...(opts.oracle === false ? { oracle: false as const } : {}),
  };
  return c;
};

/** Builds an object with the given own keys — safe for `__proto__`, which a literal would not create. */
export const ownKeys = (pairs: readonly (readonly [string, JsonValue])[]): { [key: string]: JsonValue } => {
  const o: { [key: string]: JsonValue } = {};
  for (const [k, v] of pairs)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
};
