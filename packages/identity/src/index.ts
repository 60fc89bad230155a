/**
 * @module @mandate/identity
 * Agent identity for Mandate: the user's identity travels the whole chain user → agent →
 * sub-agent, and a delegated request is decided for every principal on it.
 *
 * The explicit list of what this package exports (nothing else is public), by module:
 * runtime attestation; chain authorization; the mapping to Cedar entities and
 * `context.chain`; the chain model and its builder; errors; shared JWT verification
 * defaults; delegated scope; session context; SPIFFE IDs; JWT-SVIDs; verified RFC 8693
 * delegation tokens; OAuth transaction tokens.
 */
export {
  isVerifiedAttestation,
  type VerifiedAttestation,
  type VerifyAttestationOptions,
  verifyAttestation,
} from './attestation.js';
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
} from './chain.js';
export {
  ChainError,
  type ChainErrorKind,
  SpiffeIdError,
  type SpiffeIdErrorKind,
  TokenError,
  type TokenErrorKind,
} from './errors.js';
export {
  allowedAlgorithms,
  checkHeader,
  DEFAULT_ALGORITHMS,
  type JwtTimeOptions,
  type VerifiedJwt,
  type VerifyJwtParams,
  verifyJwt,
} from './jwt.js';
export { checkScopes, effectiveScope } from './scope.js';
export { type DeviceCompliance, type SessionInput, sessionContext } from './session.js';
export {
  agentHopFromSpiffeId,
  isSpiffeId,
  type ParseSpiffeIdOptions,
  parseSpiffeId,
  parseTrustDomain,
  SPIFFE_ID_MAX_LENGTH,
  type SpiffeHopOptions,
  type SpiffeId,
  TRUST_DOMAIN_MAX_LENGTH,
} from './spiffe.js';
export {
  JWT_SVID_ALGORITHMS,
  type TrustBundle,
  type VerifiedJwtSvid,
  type VerifyJwtSvidOptions,
  verifyJwtSvid,
} from './svid.js';
export { type VerifiedDelegation, type VerifyTokenOptions, verifyDelegationToken } from './token.js';
export {
  DEFAULT_TXN_MAX_LIFETIME,
  type TransactionContextOptions,
  TXN_TOKEN_TYPE,
  transactionChain,
  transactionContext,
  type VerifiedTransaction,
  type VerifyTransactionTokenOptions,
  verifyTransactionToken,
} from './transaction.js';
