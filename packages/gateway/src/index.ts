/**
 * @module @mandate/gateway
 * Secretless credentials for Mandate: agents hold opaque secret references, and a gateway in
 * the same process releases a short-lived credential only when Mandate allows this use of this
 * secret at this destination, for every principal of the delegation chain.
 *
 * The explicit list of what this package exports (nothing else is public), by module:
 * references; secret records; vaults (interface, memory, encrypted file and its key,
 * environment, OAuth); the gateway and its grants; credentials; the secretless fetch;
 * redaction; audit; errors.
 */
export {
  type AuditEvent,
  type AuditEventType,
  type AuditHop,
  type AuditSink,
  jsonLinesAuditSink,
  memoryAuditSink,
} from './audit.js';
export { Credential } from './credential.js';
export { type Destination, destinationOf } from './destination.js';
export {
  GrantError,
  type GrantErrorKind,
  SecretFetchError,
  type SecretFetchErrorKind,
  SecretRefError,
  type SecretRefErrorKind,
  VaultError,
  type VaultErrorKind,
} from './errors.js';
export {
  createSecretFetch,
  DEFAULT_MAX_REDIRECTS,
  type SecretFetch,
  type SecretFetchOptions,
  type SecretRequestInit,
} from './fetch.js';
export {
  DEFAULT_GRANT_TTL_SECONDS,
  DESTINATION_CONTEXT_KEYS,
  Gateway,
  type GatewayOptions,
  MAX_GRANT_TTL_SECONDS,
  type SecretUseRequest,
} from './gateway.js';
export type { Grant, GrantOutcome } from './grant.js';
export { REDACTED, Redactor } from './redact.js';
export {
  checkSecretRef,
  findSecretRefs,
  isSecretRef,
  MAX_SECRET_REF_LENGTH,
  parseSecretRef,
  SECRET_REF_PREFIX,
  type SecretRef,
  type SecretRefCheck,
} from './reference.js';
export {
  type Injection,
  MAX_SIGNED_TTL_SECONDS,
  parseSecretRecord,
  type SecretRecord,
  type SecretRecordInput,
  type SigningSpec,
} from './secret.js';
export { DEFAULT_SIGNED_TTL_SECONDS } from './signing.js';
export type { Vault, VaultContext } from './vault.js';
export { EnvVault, type EnvVaultEntry, type EnvVaultOptions } from './vaults/env.js';
export { FILE_VAULT_FORMAT, FILE_VAULT_VERSION, FileVault, type FileVaultOptions } from './vaults/file.js';
export { DEFAULT_VAULT_KEY_VARIABLE, VaultKey } from './vaults/key.js';
export { MemoryVault } from './vaults/memory.js';
export {
  ACCESS_TOKEN_TYPE,
  type ClientCredentialsSpec,
  JWT_TOKEN_TYPE,
  type OAuthSecretSpec,
  OAuthVault,
  type OAuthVaultOptions,
  TOKEN_EXCHANGE_GRANT,
  type TokenExchangeContext,
  type TokenExchangeSpec,
} from './vaults/oauth.js';
