/**
 * @module vaults/key
 * The 256-bit key of an encrypted file vault, from an environment variable or a key file —
 * never from the vault file itself. The key is held as a `KeyObject` inside a class that does
 * not print it (`toString`, `toJSON` and `util.inspect` all say `[redacted]`), so a key that
 * ends up in a log by accident shows nothing.
 */
import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { VaultError } from '../errors.js';

export const DEFAULT_VAULT_KEY_VARIABLE = 'MANDATE_VAULT_KEY';
const KEY_BYTES = 32;

export class VaultKey {
  readonly #key: KeyObject;

  private constructor(bytes: Buffer) {
    this.#key = createSecretKey(bytes);
    bytes.fill(0);
  }

  /** A new random key, as the text `fromText` reads (base64). Store it where the agent cannot read. */
  static generate(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  /** 64 hex digits, or base64 / base64url of exactly 32 bytes. */
  static fromText(text: string, where = 'the key'): VaultKey {
    const t = text.trim();
    let bytes: Buffer | undefined;
    if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
      const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (b.length === KEY_BYTES) bytes = b;
    }
    if (bytes === undefined)
      throw new VaultError('key', `${where} is not a 256-bit key (64 hex digits or base64 of 32 bytes)`);
    return new VaultKey(bytes);
  }

  /** From an environment variable (default `MANDATE_VAULT_KEY`). */
  static fromEnv(
    variable = DEFAULT_VAULT_KEY_VARIABLE,
    env: Record<string, string | undefined> = process.env,
  ): VaultKey {
    const v = env[variable];
    if (v === undefined || v === '') throw new VaultError('key', `environment variable \`${variable}\` is not set`);
    return VaultKey.fromText(v, `environment variable \`${variable}\``);
  }

  /**
   * From a key file holding the key as text (hex or base64) or as 32 raw bytes. On POSIX
   * systems a file readable or writable by group or others is refused: a key anyone can read
   * protects nothing.
   */
  static fromFile(path: string): VaultKey {
    let data: Buffer;
    try {
      const st = statSync(path);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
        throw new VaultError(
          'key',
          `key file \`${path}\` is accessible by group or others (mode \`${(st.mode & 0o777).toString(8)}\`); make it 600`,
        );
      data = readFileSync(path);
    } catch (e) {
      if (e instanceof VaultError) throw e;
      throw new VaultError(
        'key',
        `key file \`${path}\` cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (data.length === KEY_BYTES && !/^[\x21-\x7e]+$/.test(data.toString('latin1'))) return new VaultKey(data);
    return VaultKey.fromText(data.toString('utf8'), `key file \`${path}\``);
  }

  /** @internal the key material, for the file vault's cipher. */
  keyObject(): KeyObject {
    return this.#key;
  }

  toString(): string {
    return 'VaultKey [redacted]';
  }
  toJSON(): string {
    return 'VaultKey [redacted]';
  }
  [inspect.custom](): string {
    return 'VaultKey [redacted]';
  }
}
