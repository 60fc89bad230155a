/**
 * @module vault
 * The one interface every secret store implements. A vault is asked for a secret only by the
 * gateway, only after a grant for this use was issued, and is told for whom (the delegation
 * chain) and for where (the destination) — which a token-exchange vault needs to obtain a
 * token on behalf of the chain's user, and which any vault may use to refuse.
 */
import type { DelegationChain } from '@mandate/identity';
import type { Destination } from './destination.js';
import type { SecretRecord } from './secret.js';

export interface VaultContext {
  /** The chain the credential is released for. */
  readonly chain: DelegationChain;
  /** Where it will be presented. */
  readonly destination: Destination;
  readonly signal?: AbortSignal | undefined;
}

export interface Vault {
  /**
   * The secret called `name` (the reference's path after the vault name). Throws
   * `VaultError`: `not-found` when there is no such secret; any other failure fails closed.
   */
  resolve(name: string, ctx: VaultContext): Promise<SecretRecord>;
}
