/**
 * @module analysis/permitted
 * `listPermittedActions(authorizer, { principal, resource, context?, actions? })`: the actions
 * a principal could be allowed on a resource — for filtering an MCP `tools/list` and for UIs.
 *
 * Two questions, each answered exactly with respect to the policies:
 *
 * - **With a context** ("what may it do now?"): every candidate action is decided by
 *   `authorize` with that context (one batch, sharing the parsed context); the result is the
 *   actions allowed, with their determining policies. Exact by construction.
 * - **Without a context** ("what could it ever do here?"): scope analysis. The policies whose
 *   scope matches (principal, action, resource) in the authorizer's entity store are split by
 *   whether their conditions read `context`. Those that do not are evaluated (their outcome
 *   cannot depend on the context); those that do are unknown. An action is
 *   - `allow` when a context-free permit is satisfied, no context-free forbid denies and no
 *     policy that reads the context is a forbid: allowed for every context the authorizer
 *     accepts;
 *   - `conditional` when the answer depends on the context: some context-dependent permit
 *     could be satisfied, or a context-dependent forbid could apply;
 *   - omitted when no context can allow it: no permit could be satisfied, or a context-free
 *     forbid (or, in fail-closed mode, an erroring one) denies whatever the context.
 *   Sound: an action some context allows is never omitted, and `allow` is never claimed for
 *   an action some valid context denies. Not complete: a `conditional` action may have no
 *   context that allows it (conditions are not solved, e.g. `context.a > 1 && context.a < 1`).
 *
 * Candidate actions: the `actions` given, or else the schema's actions that apply to the
 * principal's and the resource's types (every declared action when requests are not
 * validated). Without a schema the set of possible actions is unbounded (a policy may leave
 * `action` unconstrained), so `actions` is required.
 *
 * A delegated request is allowed only if every principal of the chain is: give them all
 * (`principal: [root, ...agents]`) and an action is listed only if it is permitted for each,
 * `allow` only if `allow` for each.
 */
import type { AuthorizationRequest, Authorizer } from '../authorizer/authorizer.js';
import { authorizeBatch } from '../authorizer/batch.js';
import { decideDetailed } from '../authorizer/decide.js';
import { type EntityRefInput, toUid } from '../authorizer/inputs.js';
import type { EvalEnv } from '../compile/env.js';
import type { CompiledPolicy } from '../compile/policy.js';
import { childNodes, type Node } from '../ir/nodes.js';
import { validateRequest } from '../json/index.js';
import { CedarRecord, type EntityUID } from '../values/value.js';

export interface PermittedActionsQuery {
  /** The principal, or every principal of a delegation chain (root user first, actor last). */
  readonly principal: EntityRefInput | readonly EntityRefInput[];
  readonly resource: EntityRefInput;
  /** Decide for this context; omit to ask which actions some context could allow. */
  readonly context?: AuthorizationRequest['context'];
  /** Candidate actions (required without a schema); default: the schema's actions that apply. */
  readonly actions?: readonly EntityRefInput[] | undefined;
  /**
   * Whether the authorizer validates requests against its schema (set it as the authorizer's
   * `validateRequests`; default: true when it has a schema). Only context-free analysis of
   * given `actions` uses it: a request the authorizer rejects is allowed for no context.
   */
  readonly validateRequests?: boolean | undefined;
}

export interface PermittedAction {
  readonly action: EntityUID;
  /** `allow`: allowed (for this context, or for every context); `conditional`: depends on the context. */
  readonly status: 'allow' | 'conditional';
  /** With a context: the determining policies (per principal, in the order given). */
  readonly reasons?: readonly (readonly string[])[];
}

export interface PermittedActions {
  /** What the answer is exact for: the context given, or any context. */
  readonly exactFor: 'context' | 'any-context';
  /** Permitted actions, in candidate order. */
  readonly actions: readonly PermittedAction[];
  /** How many candidate actions were considered. */
  readonly considered: number;
}

/** A question `listPermittedActions` cannot answer as asked. */
export class PermittedActionsError extends Error {
  override readonly name = 'PermittedActionsError';
  readonly kind: 'no-actions' | 'no-principal';
  constructor(kind: PermittedActionsError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Whether a condition reads `context` anywhere (iteratively: IR depth is bounded, the stack need not be). */
function readsContext(policy: CompiledPolicy): boolean {
  const stack: Node[] = policy.conditions.map((c) => c.body);
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.k === 'var' && n.name === 'context') return true;
    for (const c of childNodes(n)) stack.push(c);
  }
  return false;
}

type Status = 'allow' | 'conditional' | 'none';

/** Context-free analysis of one (principal, action, resource); see the module comment. */
function analyse(authorizer: Authorizer, principal: EntityUID, action: EntityUID, resource: EntityUID): Status {
  const env: EvalEnv = { principal, action, resource, context: CedarRecord.EMPTY, entities: authorizer.entities };
  const free: CompiledPolicy[] = [];
  let dependentPermit = false;
  let dependentForbid = false;
  // Every policy, not the scope index's candidates: exact by construction, whatever the index does.
  for (const p of authorizer.policySet.policies) {
    if (!p.matchesScope(env)) continue;
    if (!readsContext(p)) free.push(p);
    else if (p.effect === 'permit') dependentPermit = true;
    else dependentForbid = true;
  }
  // The empty context is never read: only policies whose conditions do not mention it are decided.
  const d = decideDetailed(free, env, authorizer.failClosedMode, true);
  if (d.decision === 'deny' && d.determining.length > 0) return 'none'; // a forbid that holds whatever the context
  if (d.decision === 'allow') return dependentForbid ? 'conditional' : 'allow';
  return dependentPermit ? 'conditional' : 'none';
}

function rejects(authorizer: Authorizer, validate: boolean, p: EntityUID, a: EntityUID, r: EntityUID): boolean {
  const schema = authorizer.schema;
  if (schema === undefined) return false;
  // The context type comes from the declared action, validated or not: an undeclared one fails every request.
  if (schema.action(a) === undefined) return true;
  if (!validate) return false;
  try {
    validateRequest(schema, p, a, r);
    return false;
  } catch {
    return true;
  }
}

function candidateActions(
  authorizer: Authorizer,
  query: PermittedActionsQuery,
  principals: readonly EntityUID[],
  resource: EntityUID,
  validate: boolean,
): EntityUID[] {
  if (query.actions !== undefined) return query.actions.map((a) => toUid(a, 'action'));
  const schema = authorizer.schema;
  if (schema === undefined) {
    throw new PermittedActionsError(
      'no-actions',
      'without a schema the candidate `actions` must be given (a policy may leave `action` unconstrained)',
    );
  }
  const out: EntityUID[] = [];
  for (const def of schema.actions.values()) {
    const applies =
      !validate ||
      (def.appliesTo.resourceTypes.has(resource.type) &&
        principals.every((p) => def.appliesTo.principalTypes.has(p.type)));
    if (applies) out.push(def.uid);
  }
  return out;
}

/**
 * The actions `principal` could be allowed on `resource`: for the `context` given, or for
 * some context when it is omitted (see the module comment for the exact semantics). Throws
 * `InputError` for a malformed uid and {@link PermittedActionsError} when there are no
 * candidate actions to consider.
 */
export function listPermittedActions(authorizer: Authorizer, query: PermittedActionsQuery): PermittedActions {
  const principals = (Array.isArray(query.principal) ? query.principal : [query.principal]).map((p) =>
    toUid(p, 'principal'),
  );
  if (principals.length === 0) throw new PermittedActionsError('no-principal', 'no principal given');
  const resource = toUid(query.resource, 'resource');
  const validate = query.validateRequests ?? authorizer.schema !== undefined;
  const actions = candidateActions(authorizer, query, principals, resource, validate);

  if (query.context !== undefined) {
    const requests: AuthorizationRequest[] = [];
    for (const action of actions)
      for (const principal of principals) requests.push({ principal, action, resource, context: query.context });
    const decisions = authorizeBatch(authorizer, requests);
    const permitted: PermittedAction[] = [];
    actions.forEach((action, i) => {
      const mine = decisions.slice(i * principals.length, (i + 1) * principals.length);
      if (mine.every((d) => d.decision === 'allow'))
        permitted.push({ action, status: 'allow', reasons: mine.map((d) => d.reasons) });
    });
    return { exactFor: 'context', actions: permitted, considered: actions.length };
  }

  const permitted: PermittedAction[] = [];
  for (const action of actions) {
    let status: Status = 'allow';
    for (const principal of principals) {
      const s = rejects(authorizer, validate, principal, action, resource)
        ? 'none'
        : analyse(authorizer, principal, action, resource);
      if (s === 'none') {
        status = 'none';
        break;
      }
      if (s === 'conditional') status = 'conditional';
    }
    if (status !== 'none') permitted.push({ action, status });
  }
  return { exactFor: 'any-context', actions: permitted, considered: actions.length };
}
