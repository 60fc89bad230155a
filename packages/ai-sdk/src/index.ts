/**
 * @module @mandate/ai-sdk
 * Mandate for the Vercel AI SDK (ai v6): tools whose every call is decided with the
 * delegation chain, session and intent through `@mandate/session`'s `SessionGuard`, with
 * Mandate's needs-approval mapped onto the SDK's own tool approval flow.
 *
 * The explicit list of what this package exports (nothing else is public), by module: the
 * approval flow; denials; errors; the tool guard.
 */

export { isApprovalRerun } from './approval-flow.js';
export { type DenialOutput, denialMessage, denialOutput } from './denial.js';
export { MandateToolError, type MandateToolErrorKind } from './errors.js';
export {
  type DenyMode,
  guardTools,
  type ToolCallContext,
  type ToolCallInfo,
  ToolGuard,
  type ToolGuardOptions,
} from './tool-guard.js';
