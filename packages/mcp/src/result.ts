/**
 * @module result
 * What a client gets back when Mandate stops a `tools/call`: an MCP tool error result
 * (`isError: true`, so the model reads it as the tool's answer rather than a protocol
 * failure), with a text that says why and the decision as data in
 * `_meta["mandate/decision"]`. The decision goes in `_meta`, not `structuredContent`: a
 * client validates `structuredContent` against the tool's output schema, which a refusal
 * does not follow.
 *
 * For needs-approval the decision carries the obligation — the call binding an approval
 * service signs with `issueApproval` — and the text tells the agent to ask a human and
 * retry the same call with the approval token in `_meta["mandate/approval"]`.
 */
import type { GuardOutcome } from '@mandate/session';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** `_meta` key of a `tools/call` request carrying an approval token for exactly that call. */
export const APPROVAL_META_KEY = 'mandate/approval';
/** `_meta` key of a request carrying the user's signed intent mandate (verified; its `sub` must be the chain's root). */
export const INTENT_META_KEY = 'mandate/intent';
/** `_meta` key of a result carrying Mandate's decision. */
export const DECISION_META_KEY = 'mandate/decision';

/** Mandate's decision as a client sees it: JSON only (approvals, intents and hops left out). */
export interface DecisionMeta {
  readonly outcome: 'allow' | 'deny' | 'needs-approval';
  readonly tool: string;
  readonly reasons: readonly string[];
  readonly message: string;
  /** For needs-approval: what a human must approve (`binding` goes to the approval service). */
  readonly obligations: readonly {
    readonly kind: 'approval';
    readonly binding: Readonly<Record<string, string>>;
    readonly policies: readonly string[];
    readonly reasons: readonly string[];
  }[];
  /** Why a presented approval was not accepted. */
  readonly approvalError?: string;
}

/** The JSON form of an outcome. */
export function decisionMeta(tool: string, o: GuardOutcome): DecisionMeta {
  return {
    outcome: o.outcome,
    tool,
    reasons: [...o.reasons],
    message: o.message,
    obligations: o.obligations.map((ob) => ({
      kind: ob.kind,
      binding: { ...ob.binding },
      policies: [...ob.policies],
      reasons: [...ob.reasons],
    })),
    ...(o.approvalError === undefined ? {} : { approvalError: o.approvalError.message }),
  };
}

/** The tool error result for a call Mandate did not allow. */
export function refusalResult(decision: DecisionMeta): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: refusalText(decision) }],
    _meta: { [DECISION_META_KEY]: decision },
  };
}

/** One paragraph for the model (and the human reading its transcript). */
export function refusalText(d: DecisionMeta): string {
  const policies = d.reasons.length > 0 ? ` (${d.reasons.map((r) => `\`${r}\``).join(', ')})` : '';
  if (d.outcome === 'needs-approval') {
    const why = d.obligations.flatMap((o) => o.reasons);
    return (
      `mandate: \`${d.tool}\` needs a human's approval${policies}${why.length > 0 ? `: ${why.join('; ')}` : ''}. ` +
      `Ask the user to approve this exact call, then make it again with the approval token in ` +
      `\`_meta["${APPROVAL_META_KEY}"]\`.${d.approvalError === undefined ? '' : ` The approval given was refused: ${d.approvalError}.`}`
    );
  }
  return `mandate denied \`${d.tool}\`${policies}: ${d.message}`;
}

/** The decision for a caller that could not be authenticated (no handler runs). */
export function unauthenticatedDecision(tool: string, message: string): DecisionMeta {
  return {
    outcome: 'deny',
    tool,
    reasons: ['mandate:unauthenticated'],
    message: `unauthenticated: ${message}`,
    obligations: [],
  };
}

/** A string member of a request's `_meta`, or `undefined`. */
export function metaString(meta: unknown, key: string): string | undefined {
  if (typeof meta !== 'object' || meta === null || !Object.hasOwn(meta, key)) return undefined;
  const v = (meta as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
