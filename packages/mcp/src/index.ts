/**
 * @module @mandate/mcp
 * Mandate for the Model Context Protocol: a server guard that decides every `tools/call`
 * with the caller's verified delegation chain before the tool runs and filters `tools/list`
 * to what the caller could be allowed; a client guard that decides `callTool` before sending.
 *
 * The explicit list of what this package exports (nothing else is public), by module: the
 * client guard; errors; identity from bearer tokens; result shapes; the server guard.
 */

export {
  type GuardedCallOptions,
  type GuardedCallResult,
  guardClient,
  type McpCallContext,
  McpClientGuard,
  type McpClientGuardOptions,
} from './client.js';
export { McpGuardError, type McpGuardErrorKind } from './errors.js';
export {
  type Authenticate,
  authenticate,
  bearerAuthInfo,
  type CallerIdentity,
  type ChainResolver,
} from './identity.js';
export {
  APPROVAL_META_KEY,
  DECISION_META_KEY,
  type DecisionMeta,
  decisionMeta,
  INTENT_META_KEY,
  refusalResult,
  refusalText,
} from './result.js';
export {
  defaultSessionId,
  guardMcpServer,
  type McpRequestInfo,
  McpServerGuard,
  type McpServerGuardOptions,
  type ServerExtra,
} from './server.js';
