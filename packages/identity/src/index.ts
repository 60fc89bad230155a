/**
 * @module @mandate/identity
 * Agent identity for Mandate: the user's identity travels the whole chain user → agent →
 * sub-agent, and a delegated request is decided for every principal on it.
 *
 * The explicit list of what this package exports (nothing else is public), by module: the
 * chain model and its builder; verified RFC 8693 delegation tokens; the mapping to Cedar
 * entities and `context.chain`; chain authorization; errors.
 */
export {
  type AuthorizeChainOptions,
  authorizeChain,
  type ChainDecision,
  type ChainRequest,
  type HopDecision,
} from './authorize.js';
export {
  agentRef,
  type CedarMappingOptions,
  chainContext,
  chainEntities,
  chainPrincipals,
  DEFAULT_NAMESPACE,
  type EntityRef,
  entityTypes,
  rootRef,
} from './cedar.js';
export {
  type AgentHop,
  type AgentHopInput,
  buildChain,
  type ChainInput,
  type ChainOptions,
  type ChainUser,
  checkChain,
  DEFAULT_MAX_CHAIN_DEPTH,
  type DelegationChain,
  isSpiffeId,
} from './chain.js';
export { ChainError, type ChainErrorKind, TokenError, type TokenErrorKind } from './errors.js';
export { type SessionInput, sessionContext } from './session.js';
export {
  DEFAULT_ALGORITHMS,
  type VerifiedDelegation,
  type VerifyTokenOptions,
  verifyDelegationToken,
} from './token.js';
