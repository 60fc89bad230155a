/**
 * @module approval-flow
 * Mandate's needs-approval mapped onto the AI SDK's own approval flow (ai v6):
 *
 * 1. `needsApproval` decides the call with the guard. needs-approval → `true`: the SDK stops
 *    and returns a `tool-approval-request`; the guard keeps the obligation
 *    (`ToolGuard.obligation(toolCallId)`) for the app to show a human and have signed.
 * 2. The app registers the signed approval (`ToolGuard.approve(toolCallId, token)`) and
 *    answers the SDK with a `tool-approval-response` (`approved: true`).
 * 3. On that next run the SDK asks `needsApproval` again before executing an approved call,
 *    and treats `false` as "did not need approval" — it then refuses to run it. So for a call
 *    the human approved, `needsApproval` answers `true` without deciding, and `execute`
 *    decides, with the approval token: allowed once, bound to exactly this call's input.
 *
 * The SDK's `approved: true` alone is not an approval for Mandate: without a token signed by
 * the approval service, `execute` still gets needs-approval and refuses.
 */
import type { ModelMessage } from 'ai';

/**
 * Whether `messages` hold an approval response for the approval request of `toolCallId`,
 * i.e. this is the run after a human answered the SDK's approval request for that call.
 */
export function isApprovalRerun(messages: readonly ModelMessage[], toolCallId: string): boolean {
  const approvalIds = new Set<string>();
  for (const m of messages)
    if (m.role === 'assistant' && typeof m.content !== 'string')
      for (const p of m.content)
        if (p.type === 'tool-approval-request' && p.toolCallId === toolCallId) approvalIds.add(p.approvalId);
  if (approvalIds.size === 0) return false;
  for (const m of messages)
    if (m.role === 'tool')
      for (const p of m.content)
        if (p.type === 'tool-approval-response' && approvalIds.has(p.approvalId) && p.approved) return true;
  return false;
}
