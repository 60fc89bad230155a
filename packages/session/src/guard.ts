/**
 * @module guard
 * `SessionGuard`: the one call an adapter (MCP, AI SDK) makes before every tool call. It
 * ties the package together — the tool registry's taint labels, the user's verified intent,
 * session history, Cedar policies decided for every hop of the delegation chain, and
 * approvals — and reads and updates the session in the same atomic step as the decision.
 *
 * Three outcomes. `allow`: the call may run; its labels and history are already recorded
 * (before it runs, so a concurrent call is decided after it). `deny`: it may not.
 * `needs-approval`: the only reasons to deny are forbids annotated `@approvable`; the
 * outcome's obligation says what a human must approve, and the same call made again with
 * an approval token bound to it is allowed.
 *
 * `check` never throws for a bad request, a refused token or a failing store: those are
 * denials whose `failure` says why (fail closed). Only a misconfigured guard throws, when it
 * is built.
 */
import { type AuthorizationError, Authorizer, type Decision, PolicySet, parseEntities } from '@mandate/core';
import {
  authorizeChain,
  type DelegationChain,
  type EntityRef,
  entityTypes,
  type HopDecision,
  type SessionInput,
  sessionContext,
} from '@mandate/identity';
import {
  APPROVABLE_ANNOTATION,
  type CallBinding,
  uidString,
  type VerifiedApproval,
  type VerifyApprovalOptions,
  verifyApproval,
} from './approval.js';
import { digestOf } from './canonical.js';
import { cartDigest } from './cart.js';
import { ApprovalError, GuardError, IntentError, messageOf, StoreError } from './errors.js';
import { counterKey, historyContext } from './history.js';
import {
  intentContext,
  isVerifiedIntent,
  type VerifiedIntent,
  type VerifyIntentOptions,
  verifyIntent,
} from './intent.js';
import { checkIntent } from './intent-check.js';
import type { CallScope } from './scope.js';
import { DEFAULT_LIMITS, SessionDraft, type SessionLimits } from './state.js';
import { MemorySessionStore, type SessionStore, type SessionUpdate } from './store.js';
import {
  defaultScope,
  defaultToolContext,
  type RegisteredTool,
  type ToolInput,
  ToolRegistry,
  type ToolSpec,
} from './tools.js';

export interface GuardApprovalOptions extends VerifyApprovalOptions {
  /** The annotation marking approvable forbids (default `approvable`). */
  readonly annotation?: string | undefined;
  /** An approval allows one call only (default true): the session remembers used approval ids until they expire. */
  readonly singleUse?: boolean | undefined;
}

export interface SessionGuardOptions {
  /** Decides the Cedar policies. Build it with `idAnnotation: true` for readable reasons. */
  readonly authorizer: Authorizer;
  /** The tools the agent may call and what they do; unregistered tools are denied. */
  readonly tools: ToolRegistry | Readonly<Record<string, ToolSpec>>;
  /** Where sessions live (default a {@link MemorySessionStore}). */
  readonly store?: SessionStore | undefined;
  /** How to verify intent mandates given as tokens. */
  readonly intents?: VerifyIntentOptions | undefined;
  /** Deny calls that come without an intent (default false). */
  readonly requireIntent?: boolean | undefined;
  /** How to verify approvals; without it, approval tokens are refused (the outcome stays `needs-approval`). */
  readonly approvals?: GuardApprovalOptions | undefined;
  /** Namespace of the schema's types (default `Mandate`; `''` for none). */
  readonly namespace?: string | undefined;
  /** Longest delegation chain accepted (default `@mandate/identity`'s). */
  readonly maxChainDepth?: number | undefined;
  /** Add a `Tool` entity for each registered tool the authorizer's entities lack (default true). */
  readonly toolEntities?: boolean | undefined;
  readonly limits?: Partial<SessionLimits> | undefined;
  /** The clock (default `() => new Date()`). */
  readonly now?: (() => Date) | undefined;
}

/**
 * Runtime facts about the session for this call: what `@mandate/identity`'s
 * `sessionContext` takes (`ip`, a verified `attestation`, …) except the id, the time and the
 * labels, which the guard sets. `risk` defaults to 0.
 */
export type SessionFacts = Omit<SessionInput, 'id' | 'now' | 'labels' | 'risk'> & {
  readonly risk?: number | undefined;
};

/** One tool call to decide. */
export interface GuardRequest {
  readonly sessionId: string;
  /** The registered tool's name. */
  readonly tool: string;
  /** The tool's arguments, as the agent gave them (their digest binds approvals). */
  readonly input?: ToolInput | undefined;
  /** The delegation chain: the call is decided for every principal on it. */
  readonly chain?: DelegationChain | undefined;
  /** The principal, when there is no chain (the context must then satisfy the schema by itself). */
  readonly principal?: EntityRef | undefined;
  /** Override the tool's action (an id in the namespace, or a uid). */
  readonly action?: string | EntityRef | undefined;
  /** Override the tool's resource. */
  readonly resource?: EntityRef | undefined;
  /** Further context the action needs (e.g. `method`, `url` for `http.request`); `chain`, `session` and `intent` are the guard's. */
  readonly context?: Readonly<Record<string, unknown>> | undefined;
  readonly session?: SessionFacts | undefined;
  /** The user's intent mandate: a token (verified with the `intents` option) or a `verifyIntent` result. */
  readonly intent?: string | VerifiedIntent | undefined;
  /** An approval token for exactly this call. */
  readonly approval?: string | undefined;
  /** The cart of a transaction, for a closed intent. */
  readonly cart?: unknown;
}

export type Outcome = 'allow' | 'deny' | 'needs-approval';

/** What must happen before the call can go ahead. */
export interface ApprovalObligation {
  readonly kind: 'approval';
  /** What the approval must be bound to: pass it to `issueApproval`. */
  readonly binding: CallBinding;
  /** The approvable forbids that denied the call. */
  readonly policies: readonly string[];
  /** Their `@approvable("…")` and `@reason("…")` texts, to show the human. */
  readonly reasons: readonly string[];
}

export type Obligation = ApprovalObligation;

export type GuardFailureKind = 'request' | 'unknown-tool' | 'input' | 'intent' | 'chain' | 'store' | 'config';

export interface GuardOutcome {
  readonly outcome: Outcome;
  /** Determining policy ids of the deciding hop(s), or `mandate:…` for the guard's own reasons. */
  readonly reasons: readonly string[];
  readonly obligations: readonly Obligation[];
  /** The session's labels after this decision (with this call's when it was allowed). */
  readonly labels: readonly string[];
  /** Labels this call added (none unless allowed). */
  readonly added: readonly string[];
  /** One line saying why. */
  readonly message: string;
  /** Policies that errored (skipped, as Cedar does), across hops. */
  readonly errors: readonly AuthorizationError[];
  /** Every principal's decision (one entry without a chain). */
  readonly hops: readonly HopDecision[];
  /** The call as approvals bind to it; absent when the request could not be read. */
  readonly binding: CallBinding | undefined;
  /** The approval that allowed the call. */
  readonly approval?: VerifiedApproval | undefined;
  /** Why a presented approval was not accepted. */
  readonly approvalError?: ApprovalError | undefined;
  /** The intent the call was checked against. */
  readonly intent?: VerifiedIntent | undefined;
  /** Set when the call could not be decided normally (the outcome is then `deny`). */
  readonly failure?:
    | { readonly kind: GuardFailureKind; readonly message: string; readonly cause?: unknown }
    | undefined;
}

/** Output of a tool call, for {@link SessionGuard.record}. */
export interface RecordRequest {
  readonly sessionId: string;
  readonly tool: string;
  /** The tool's output, read by its `outputLabels`. */
  readonly output?: unknown;
  /** Labels the caller derived from the output. */
  readonly labels?: readonly string[] | undefined;
}

const MAX_SESSION_ID = 256;
const RESERVED_CONTEXT = ['chain', 'session', 'intent'];

export class SessionGuard {
  readonly tools: ToolRegistry;
  readonly store: SessionStore;
  readonly #authz: Authorizer;
  // The same policies without the approvable forbids: "would the call be allowed but for them?"
  readonly #relaxed: Authorizer;
  readonly #opts: SessionGuardOptions;
  readonly #types: ReturnType<typeof entityTypes>;
  readonly #toolType: string;
  readonly #limits: SessionLimits;
  readonly #annotation: string;
  readonly #now: () => Date;

  constructor(opts: SessionGuardOptions) {
    if (!(opts.authorizer instanceof Authorizer))
      throw new GuardError('config', '`authorizer` must be an `Authorizer` from @mandate/core', 'authorizer');
    this.#opts = opts;
    this.tools = opts.tools instanceof ToolRegistry ? opts.tools : new ToolRegistry(opts.tools);
    this.store = opts.store ?? new MemorySessionStore();
    this.#types = entityTypes({ namespace: opts.namespace });
    const ns = opts.namespace ?? 'Mandate';
    this.#toolType = ns === '' ? 'Tool' : `${ns}::Tool`;
    this.#limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.#annotation = opts.approvals?.annotation ?? APPROVABLE_ANNOTATION;
    this.#now = opts.now ?? (() => new Date());
    this.#authz = (opts.toolEntities ?? true) ? this.#withTools(opts.authorizer, opts) : opts.authorizer;
    this.#relaxed = this.#relax(this.#authz);
  }

  #withTools(authz: Authorizer, opts: SessionGuardOptions): Authorizer {
    try {
      const parsed = parseEntities(this.tools.entities(opts.namespace ?? 'Mandate'), { schema: authz.schema });
      const store = authz.entities;
      // The authorizer's own Tool entities win: a registry default must not override a curated fact.
      return authz.withEntities(store.with(parsed.filter((e) => store.getEntity(e.uid) === undefined)));
    } catch (e) {
      throw new GuardError(
        'config',
        `the registry's tools cannot be added as entities (set \`toolEntities: false\`?): ${messageOf(e)}`,
        'tools',
        { cause: e },
      );
    }
  }

  #relax(authz: Authorizer): Authorizer {
    const ps = authz.policySet;
    const approvable = (ir: { effect: string; annotations: Readonly<Record<string, string>> }) =>
      ir.effect === 'forbid' && Object.hasOwn(ir.annotations, this.#annotation);
    const templates = [...ps.templates.values()];
    const relaxed = PolicySet.fromIR(
      ps.staticIR.filter((ir) => !approvable(ir)),
      templates,
      ps.links.filter((l) => {
        const t = ps.templates.get(l.templateId);
        return t === undefined || !approvable(t);
      }),
    );
    // The same authorizer in every other respect, so the re-check differs only by those forbids.
    return new Authorizer({
      policies: relaxed,
      schema: authz.schema,
      entities: authz.entities,
      validatePolicies: false,
      validateRequests: authz.validatesRequests,
      failClosed: authz.failClosedMode,
    });
  }

  /**
   * Decide one tool call and, when it is allowed, record it in the session. Never throws.
   *
   * With `{ record: false }`, a preview: decided exactly so on the session as it is now, and
   * nothing is written (no labels, history, spending or used approval) — "could this call be
   * allowed?", for listing the tools a caller may use.
   */
  async check(request: GuardRequest, opts: { readonly record?: boolean } = {}): Promise<GuardOutcome> {
    try {
      return await this.#check(request, opts.record ?? true);
    } catch (e) {
      // Every expected failure is handled below; this keeps the contract for the unexpected.
      return denied(`internal error: ${messageOf(e)}`, 'config', undefined, e);
    }
  }

  async #check(req: GuardRequest, record: boolean): Promise<GuardOutcome> {
    if (typeof req !== 'object' || req === null) return denied('the request must be an object', 'request');
    const sessionId = req.sessionId;
    if (typeof sessionId !== 'string' || sessionId === '' || sessionId.length > MAX_SESSION_ID)
      return denied(`session id must be a string of 1 to ${MAX_SESSION_ID} characters`, 'request');
    const tool = typeof req.tool === 'string' ? this.tools.get(req.tool) : undefined;
    if (tool === undefined) return denied(`tool \`${String(req.tool)}\` is not registered`, 'unknown-tool');
    if (req.context !== undefined) {
      const reserved = RESERVED_CONTEXT.find((k) => Object.hasOwn(req.context as object, k));
      if (reserved !== undefined) return denied(`\`context.${reserved}\` is the guard's to set`, 'request');
    }
    const input: ToolInput = req.input ?? {};
    const action = this.#actionRef(req.action ?? tool.action);
    let resource: EntityRef;
    let scope: CallScope;
    let toolContext: Record<string, unknown>;
    let inputDigest: string;
    let cart: string | undefined;
    try {
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        throw new GuardError('input', 'tool input must be an object', 'input');
      inputDigest = digestOf(input, 'input');
      resource = req.resource ?? tool.spec.resource?.(input) ?? { type: this.#toolType, id: tool.name };
      scope = (tool.spec.scope ?? defaultScope)(input);
      toolContext =
        tool.spec.context?.(input) ??
        (action.id === 'tool.call' && action.type === this.#types.action ? defaultToolContext(input) : {});
      cart = req.cart === undefined ? undefined : cartDigest(req.cart);
    } catch (e) {
      return denied(messageOf(e), 'input', undefined, e);
    }
    const principal =
      req.chain?.actor !== undefined ? { type: this.#types.agent, id: req.chain.actor.id } : req.principal;
    if (principal === undefined) return denied('a request needs a `chain` or a `principal`', 'request');
    const binding: CallBinding = {
      sessionId,
      principal: uidString(principal),
      action: uidString(action),
      resource: uidString(resource),
      input: inputDigest,
    };

    // Tokens are verified before the session is touched: signature checks are async, and
    // the atomic step must not wait on anything but the store.
    let intent: VerifiedIntent | undefined;
    try {
      intent = await this.#intent(req.intent);
    } catch (e) {
      return denied(messageOf(e), 'intent', binding, e);
    }
    if (intent === undefined && this.#opts.requireIntent)
      return {
        ...denied('no intent mandate: this guard requires one', 'intent', binding),
        reasons: ['mandate:intent-required'],
      };
    let approval: VerifiedApproval | undefined;
    let approvalError: ApprovalError | undefined;
    if (req.approval !== undefined) {
      const res = await this.#approval(req.approval, binding);
      if (res instanceof ApprovalError) approvalError = res;
      else approval = res;
    }

    let baseSession: Record<string, unknown>;
    const now = this.#now();
    try {
      // Facts pass through to @mandate/identity as given (ip, attestation, device, …); the
      // guard owns the id, the time and the labels.
      const facts = { ...req.session, id: sessionId, risk: req.session?.risk ?? 0, now } as SessionInput;
      baseSession = sessionContext(facts);
    } catch (e) {
      return denied(messageOf(e), 'request', binding, e);
    }
    const fixedContext: Record<string, unknown> = { ...req.context, ...toolContext };
    if (intent !== undefined) fixedContext.intent = intentContext(intent);

    const call: CallPlan = {
      sessionId,
      tool,
      action,
      resource,
      principal,
      chain: req.chain,
      scope,
      cart,
      binding,
      intent,
      approval,
      approvalError,
      baseSession,
      fixedContext,
      now,
    };
    try {
      if (!record) {
        const state = await this.store.read(sessionId);
        return this.#decide(call, new SessionDraft(sessionId, state, this.#limits)).value;
      }
      return await this.store.update(sessionId, (state) =>
        this.#decide(call, new SessionDraft(sessionId, state, this.#limits)),
      );
    } catch (e) {
      return denied(`session store: ${messageOf(e)}`, 'store', binding, e);
    }
  }

  /** The atomic step: decide on the session as it is now, and write what an allowed call changes. */
  #decide(call: CallPlan, draft: SessionDraft): SessionUpdate<GuardOutcome> {
    const labels = [...draft.labels];
    const base = { labels, added: [] as string[], binding: call.binding, intent: call.intent };
    const { tool, intent } = call;
    if (intent !== undefined) {
      const violation = checkIntent(intent, {
        sessionId: call.sessionId,
        subject: call.chain?.root.id ?? (call.principal.type === this.#types.user ? call.principal.id : undefined),
        action: call.action.id,
        tool: tool.name,
        groups: tool.groups,
        scope: call.scope,
        now: call.now,
        spent: draft.spentOn(intent.id),
        cart: call.cart,
        transaction: tool.spec.transaction ?? false,
      });
      if (violation !== undefined)
        return {
          value: outcome({ ...base, outcome: 'deny', reasons: [violation.reason], message: violation.message }),
        };
    }
    const context = {
      ...call.fixedContext,
      session: {
        ...call.baseSession,
        labels,
        history: historyContext(draft.counters, { action: call.action.id, counter: tool.counter, now: call.now }),
      },
    };
    const decided = this.#authorize(this.#authz, call, context);
    let result: 'allow' | 'deny' | 'needs-approval' = decided.allowed ? 'allow' : 'deny';
    let obligation: ApprovalObligation | undefined;
    let approval: VerifiedApproval | undefined;
    let approvalError = call.approvalError;
    if (!decided.allowed && decided.failure === undefined && this.#onlyApprovable(decided.hops)) {
      const relaxed = this.#authorize(this.#relaxed, call, context);
      if (relaxed.allowed) {
        result = 'needs-approval';
        obligation = this.#obligation(call.binding, decided.hops);
        if (call.approval !== undefined) {
          if (this.#singleUse && draft.approvalUsed(call.approval.id))
            approvalError = new ApprovalError('replayed', `approval \`${call.approval.id}\` was already used`, 'jti');
          else {
            result = 'allow';
            approval = call.approval;
          }
        }
      }
    }
    const errors = decided.hops.flatMap((h) => h.decision.errors);
    const reasons = decided.allowed ? unique(decided.hops.flatMap((h) => h.decision.reasons)) : decided.reasons;
    const common = {
      ...base,
      reasons,
      errors,
      hops: decided.hops,
      ...(approvalError === undefined ? {} : { approvalError }),
      ...(decided.failure === undefined ? {} : { failure: decided.failure }),
    };
    if (result === 'deny') return { value: outcome({ ...common, outcome: 'deny', message: decided.message }) };
    if (result === 'needs-approval')
      return {
        value: outcome({
          ...common,
          outcome: 'needs-approval',
          obligations: [obligation as ApprovalObligation],
          message: `needs approval: denied only by approvable ${decided.reasons.map((r) => `\`${r}\``).join(', ')}${
            approvalError === undefined ? '' : ` (approval refused: ${approvalError.message})`
          }`,
        }),
      };

    // Allowed: record the call before it runs, in this same step, so the next decision sees it.
    const added = tool.callLabels.filter((l) => !draft.labels.has(l));
    const t = call.now.getTime();
    try {
      draft.addLabels(tool.callLabels);
      const keys = [counterKey.calls, counterKey.action(call.action.id), counterKey.tool(tool.counter)];
      if (tool.egress) keys.push(counterKey.egress);
      for (const l of tool.callLabels) keys.push(counterKey.label(l));
      draft.count(keys, t);
      const amount = call.scope.amount ?? 0n;
      if (intent !== undefined && amount > 0n) draft.spend(intent.id, amount);
      if (approval !== undefined && this.#singleUse) draft.useApproval(approval.id, approval.expires.getTime(), t);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      return {
        value: outcome({
          ...common,
          outcome: 'deny',
          message: e.message,
          failure: { kind: 'store', message: e.message, cause: e },
        }),
      };
    }
    return {
      value: outcome({
        ...common,
        outcome: 'allow',
        labels: [...draft.labels],
        added,
        message:
          approval === undefined
            ? decided.message
            : `allowed with approval \`${approval.id}\` by \`${approval.approver}\``,
        ...(approval === undefined ? {} : { approval }),
      }),
      state: draft.toState(t),
    };
  }

  get #singleUse(): boolean {
    return this.#opts.approvals?.singleUse ?? true;
  }

  #authorize(authz: Authorizer, call: CallPlan, context: Record<string, unknown>): Decided {
    if (call.chain !== undefined) {
      const d = authorizeChain(
        authz,
        call.chain,
        { action: call.action, resource: call.resource, context },
        { namespace: this.#opts.namespace, maxDepth: this.#opts.maxChainDepth },
      );
      return {
        allowed: d.decision === 'allow',
        hops: d.hops,
        reasons: d.deniedBy?.decision.reasons ?? [],
        message: d.message,
        failure:
          d.failure === undefined
            ? undefined
            : { kind: d.failure.kind === 'chain' ? 'chain' : 'request', message: d.failure.message },
      };
    }
    const decision: Decision = authz.authorize({
      principal: call.principal,
      action: call.action,
      resource: call.resource,
      context,
    });
    const hop: HopDecision = { index: 0, role: 'actor', principal: call.principal, decision };
    const allowed = decision.decision === 'allow';
    return {
      allowed,
      hops: [hop],
      reasons: allowed ? [] : decision.reasons,
      message: allowed
        ? 'allowed'
        : decision.failure !== undefined
          ? `refused: ${decision.failure.message}`
          : decision.reasons.length > 0
            ? `forbidden by ${decision.reasons.map((r) => `\`${r}\``).join(', ')}`
            : 'no policy permits it',
      failure: decision.failure === undefined ? undefined : { kind: 'request', message: decision.failure.message },
    };
  }

  /** Every denying hop was denied by forbids, all of them approvable. */
  #onlyApprovable(hops: readonly HopDecision[]): boolean {
    const denying = hops.filter((h) => h.decision.decision !== 'allow');
    return (
      denying.length > 0 &&
      denying.every(
        (h) =>
          h.decision.failure === undefined &&
          h.decision.determining.length > 0 &&
          h.decision.determining.every((p) => p.effect === 'forbid' && Object.hasOwn(p.annotations, this.#annotation)),
      )
    );
  }

  #obligation(binding: CallBinding, hops: readonly HopDecision[]): ApprovalObligation {
    const determining = hops.filter((h) => h.decision.decision !== 'allow').flatMap((h) => h.decision.determining);
    const texts: string[] = [];
    for (const p of determining)
      for (const k of [this.#annotation, 'reason']) {
        const t = Object.hasOwn(p.annotations, k) ? p.annotations[k] : undefined;
        if (t !== undefined && t !== '') texts.push(t);
      }
    return {
      kind: 'approval',
      binding,
      policies: unique(determining.map((p) => p.id)),
      reasons: unique(texts),
    };
  }

  async #intent(given: string | VerifiedIntent | undefined): Promise<VerifiedIntent | undefined> {
    if (given === undefined) return undefined;
    if (typeof given === 'string') {
      const opts = this.#opts.intents;
      if (opts === undefined)
        throw new IntentError('claim', 'an intent token was given but the guard has no `intents` verification options');
      return verifyIntent(given, { ...opts, currentDate: opts.currentDate ?? this.#now() });
    }
    if (!isVerifiedIntent(given))
      throw new IntentError('claim', 'the intent is neither a token nor a `verifyIntent` result');
    return given;
  }

  async #approval(token: string, binding: CallBinding): Promise<VerifiedApproval | ApprovalError> {
    const opts = this.#opts.approvals;
    if (opts === undefined)
      return new ApprovalError('claim', 'an approval was given but the guard has no `approvals` verification options');
    try {
      return await verifyApproval(token, binding, { ...opts, currentDate: opts.currentDate ?? this.#now() });
    } catch (e) {
      return e instanceof ApprovalError ? e : new ApprovalError('malformed', messageOf(e), '', { cause: e });
    }
  }

  #actionRef(a: string | EntityRef): EntityRef {
    return typeof a === 'string' ? { type: this.#types.action, id: a } : a;
  }

  /**
   * Add labels read from a tool's output (its `outputLabels`, and `labels` given) to the
   * session, atomically; returns the session's labels. Labels known before the call (the
   * registry's) were recorded by `check` already. Throws {@link GuardError} for an unknown
   * tool and {@link StoreError} when the store fails.
   */
  async record(req: RecordRequest): Promise<readonly string[]> {
    const tool = this.tools.get(req.tool);
    if (tool === undefined) throw new GuardError('unknown-tool', `tool \`${req.tool}\` is not registered`, 'tool');
    const labels = unique([...(tool.spec.outputLabels?.(req.output) ?? []), ...(req.labels ?? [])]);
    for (const l of labels)
      if (typeof l !== 'string' || l === '')
        throw new GuardError('input', `label \`${String(l)}\` must be a non-empty string`, 'labels');
    const now = this.#now().getTime();
    return this.store.update(req.sessionId, (state) => {
      const draft = new SessionDraft(req.sessionId, state, this.#limits);
      if (labels.length === 0) return { value: [...draft.labels] };
      draft.addLabels(labels);
      draft.count(labels.map(counterKey.label), now);
      return { value: [...draft.labels], state: draft.toState(now) };
    });
  }

  /**
   * Check, run `execute` if allowed, then record its output's labels: the whole guard for
   * one tool call. `output` is present only when the call was allowed and ran.
   */
  async run<T>(
    request: GuardRequest,
    execute: (outcome: GuardOutcome) => Promise<T> | T,
  ): Promise<{ outcome: GuardOutcome; output?: T }> {
    const outcome = await this.check(request);
    if (outcome.outcome !== 'allow') return { outcome };
    const output = await execute(outcome);
    await this.record({ sessionId: request.sessionId, tool: request.tool, output });
    return { outcome, output };
  }

  /** A session's labels now. */
  async labels(sessionId: string): Promise<readonly string[]> {
    return (await this.store.read(sessionId)).labels;
  }
}

interface CallPlan {
  readonly sessionId: string;
  readonly tool: RegisteredTool;
  readonly action: EntityRef;
  readonly resource: EntityRef;
  readonly principal: EntityRef;
  readonly chain: DelegationChain | undefined;
  readonly scope: CallScope;
  readonly cart: string | undefined;
  readonly binding: CallBinding;
  readonly intent: VerifiedIntent | undefined;
  readonly approval: VerifiedApproval | undefined;
  readonly approvalError: ApprovalError | undefined;
  readonly baseSession: Record<string, unknown>;
  readonly fixedContext: Record<string, unknown>;
  readonly now: Date;
}

interface Decided {
  readonly allowed: boolean;
  readonly hops: readonly HopDecision[];
  /** The denying hop's determining policies. */
  readonly reasons: readonly string[];
  readonly message: string;
  readonly failure: { readonly kind: GuardFailureKind; readonly message: string } | undefined;
}

type OutcomeParts = Partial<GuardOutcome> & Pick<GuardOutcome, 'outcome' | 'message'>;

function outcome(p: OutcomeParts): GuardOutcome {
  return {
    reasons: [],
    obligations: [],
    labels: [],
    added: [],
    errors: [],
    hops: [],
    binding: undefined,
    ...p,
  };
}

function denied(message: string, kind: GuardFailureKind, binding?: CallBinding, cause?: unknown): GuardOutcome {
  return outcome({
    outcome: 'deny',
    message: `refused: ${message}`,
    binding,
    failure: cause === undefined ? { kind, message } : { kind, message, cause },
  });
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
