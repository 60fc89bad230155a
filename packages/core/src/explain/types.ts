/**
 * @module explain/types
 * The shape of an explanation: why a request is allowed or denied, down to each scope
 * constraint, each `when`/`unless` clause and the sub-expressions inside them. Everything is
 * plain data (strings, booleans, arrays), so an explanation can be printed, serialized as JSON
 * or diffed; values are rendered in Cedar syntax (`72`, `["private-data"]`, `User::"alice"`).
 */
import type { AuthorizationError } from '../authorizer/decide.js';
import type { SlotName } from '../ir/nodes.js';

/**
 * What one sub-expression came to: `true`/`false` for booleans, `value` for any other value,
 * `error` when its evaluation errored, `skipped` when it was never evaluated (short-circuit
 * of `&&`, `||`, `if`, an earlier clause or operand that decided or errored, or a scope that
 * did not match).
 */
export type NodeOutcome = 'true' | 'false' | 'value' | 'error' | 'skipped';

/** One sub-expression of a condition. */
export interface ExprExplanation {
  /**
   * Where the node sits in its policy, stable across requests: the clause index, then the
   * child position at each level (`0`, `0.1`, `0.1.0`). Coverage is keyed by it.
   */
  readonly path: string;
  /** The sub-expression as Cedar text (rendered from the compiled form; see `explain/print`). */
  readonly text: string;
  /**
   * The operator: `&&` and `||` (whole chains, flattened), `!`, `if`, `==`, `!=`, `<`, `<=`,
   * `>`, `>=`, `+`, `-`, `*`, `in`, `contains`, `containsAll`, `containsAny`, `getTag`,
   * `hasTag`, `isEmpty`, `neg`, `like`, `is`, `has`, `.` (attribute), `set`, `record`, an
   * extension function's name, `var`, `slot` or `literal`.
   */
  readonly op: string;
  readonly outcome: NodeOutcome;
  /** The value, in Cedar syntax, when the node was evaluated without error. */
  readonly value?: string;
  /** Cedar's message, when the node errored. */
  readonly error?: string;
  /** When the node errored: whether the error arose here rather than in an operand. */
  readonly errorOrigin?: boolean;
  /**
   * Whether the node stands where Cedar requires a boolean (a clause body, an operand of
   * `&&`, `||`, `!`, the test of an `if`, a branch of an `if` in such a place). These are the
   * nodes whose true and false outcomes coverage counts.
   */
  readonly predicate: boolean;
  /**
   * Operands: every operand of a chain, `!` or `if`, recursively; one level of operands (with
   * their values) under any other operator, e.g. `principal.risk` = `72` and `50` under
   * `principal.risk > 50`.
   */
  readonly children: readonly ExprExplanation[];
}

/** One `when` or `unless` clause. */
export interface ConditionExplanation {
  readonly kind: 'when' | 'unless';
  /** Position among the policy's clauses. */
  readonly index: number;
  /**
   * `satisfied` (a `when` that was true, an `unless` that was false), `unsatisfied`,
   * `error` (the body errored, or was not a boolean) or `skipped`.
   */
  readonly outcome: 'satisfied' | 'unsatisfied' | 'error' | 'skipped';
  /** Cedar's message, when the clause errored. */
  readonly error?: string;
  /** The clause body (for an `unless`, the body as written, not negated). */
  readonly expression: ExprExplanation;
}

/** One scope constraint (`principal`, `action` or `resource`). */
export interface ScopeConstraintExplanation {
  readonly variable: 'principal' | 'action' | 'resource';
  /** `any` (unconstrained), `==`, `in`, `is` or `is-in`. */
  readonly op: 'any' | '==' | 'in' | 'is' | 'is-in';
  /** The constraint as Cedar text, with template slots filled in: `principal in Group::"admins"`. */
  readonly text: string;
  /** The request's entity, e.g. `User::"alice"` (absent in an outline). */
  readonly value?: string;
  /** Whether the request's entity satisfies it (absent in an outline). */
  readonly matched?: boolean;
  /** For a template-linked policy, the slot the constraint's entity came from. */
  readonly slot?: SlotName;
}

/** Where a policy is in the policy text it came from. */
export interface PolicySource {
  /** 1-based line and column of the policy's first character. */
  readonly line: number;
  readonly column: number;
  /** Offset and length in the policy-set text. */
  readonly offset: number;
  readonly length: number;
  /** The policy's text (for a linked policy, its template's). */
  readonly text: string;
}

/**
 * What happened to a policy: `satisfied`, `not-applicable` (its scope does not match),
 * `unsatisfied` (a clause was not satisfied), `error` (evaluation errored: the policy was
 * skipped, or — fail-closed — counted as a satisfied forbid) or `skipped` (never evaluated:
 * the request was rejected, or an outline).
 */
export type PolicyOutcome = 'satisfied' | 'not-applicable' | 'unsatisfied' | 'error' | 'skipped';

export interface PolicyExplanation {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly annotations: Readonly<Record<string, string>>;
  /** For a template-linked policy, the template's id. */
  readonly templateId?: string;
  /** Where the policy (or its template) is in the policy text, when the set came from text. */
  readonly source?: PolicySource;
  readonly outcome: PolicyOutcome;
  /** Whether the policy determined the decision (it is among `reasons`). */
  readonly determining: boolean;
  /** Cedar's message, when the policy errored. */
  readonly error?: string;
  readonly scope: {
    readonly principal: ScopeConstraintExplanation;
    readonly action: ScopeConstraintExplanation;
    readonly resource: ScopeConstraintExplanation;
    /** Whether all three matched (absent in an outline). */
    readonly matched?: boolean;
  };
  readonly conditions: readonly ConditionExplanation[];
}

/** The request, rendered in Cedar syntax. */
export interface ExplainedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: string;
}

/**
 * Why a request is allowed or denied. `decision`, `reasons`, `errors`, `determining` and
 * `failure` are exactly what `authorizer.authorize(request)` answers (`explain` checks it).
 */
export interface Explanation {
  readonly decision: 'allow' | 'deny';
  readonly reasons: readonly string[];
  readonly errors: readonly AuthorizationError[];
  readonly determining: readonly {
    readonly id: string;
    readonly effect: 'permit' | 'forbid';
    readonly annotations: Readonly<Record<string, string>>;
  }[];
  /** Set when the request itself was rejected (then the decision is `deny` and no policy was evaluated). */
  readonly failure?: { readonly message: string };
  /** The request as decided (absent when it was rejected before it could be read). */
  readonly request?: ExplainedRequest;
  /** Every policy of the set, in order (templates themselves are not policies; their links are). */
  readonly policies: readonly PolicyExplanation[];
}

/** `explain` found its step-by-step replay disagreeing with `authorize`: a defect, never a decision. */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
  readonly kind: 'inconsistent';
  constructor(kind: ExplainError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}
