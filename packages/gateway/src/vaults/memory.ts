/**
 * @module vaults/memory
 * A vault held in process memory: for tests, and for hosts that load secrets from their own
 * store at start. Records are validated when set, so a bad one fails at configuration time
 * rather than at the first use.
 */
import { VaultError } from '../errors.js';
import { parseSecretRecord, type SecretRecord, type SecretRecordInput } from '../secret.js';
import type { Vault, VaultContext } from '../vault.js';

export class MemoryVault implements Vault {
  // A Map, not an object: secret names such as `__proto__` are data.
  readonly #secrets = new Map<string, SecretRecord>();

  constructor(secrets: Readonly<Record<string, SecretRecordInput>> = {}) {
    for (const [name, record] of Object.entries(secrets)) this.set(name, record);
  }

  set(name: string, record: SecretRecordInput): void {
    this.#secrets.set(name, Object.freeze(parseSecretRecord(record, name)));
  }

  delete(name: string): boolean {
    return this.#secrets.delete(name);
  }

  names(): string[] {
    return [...this.#secrets.keys()];
  }

  async resolve(name: string, _ctx?: VaultContext): Promise<SecretRecord> {
    const r = this.#secrets.get(name);
    if (r === undefined) throw new VaultError('not-found', `no secret \`${name}\` in the memory vault`);
    return r;
  }
}
