/**
 * @module vaults/file
 * An encrypted file vault: every secret in one file, sealed with AES-256-GCM (node:crypto)
 * under a key kept elsewhere (see `VaultKey`). The file is a small JSON envelope — format,
 * version, nonce, tag, ciphertext — whose header is bound to the ciphertext as additional
 * authenticated data, so changing any byte of it is detected.
 *
 * - No plaintext on disk: records are encrypted in memory and only the sealed envelope is
 *   written, to a temporary file in the same directory (mode 600) that is synced and then
 *   renamed over the vault, so a crash leaves the old vault or the new one, never half of one.
 * - Fail closed: the file is read and authenticated on every use; a file that does not parse
 *   or does not authenticate throws `VaultError` of kind `tampered` and releases nothing.
 * - A fresh random 96-bit nonce per write; writes through one `FileVault` are serialized.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { VaultError } from '../errors.js';
import { parseSecretRecord, type SecretRecord, type SecretRecordInput } from '../secret.js';
import type { Vault, VaultContext } from '../vault.js';
import type { VaultKey } from './key.js';

export const FILE_VAULT_FORMAT = 'mandate-vault';
export const FILE_VAULT_VERSION = 1;

const envelopeSchema = z.strictObject({
  format: z.literal(FILE_VAULT_FORMAT),
  version: z.literal(FILE_VAULT_VERSION),
  alg: z.literal('A256GCM'),
  iv: z.base64url(),
  tag: z.base64url(),
  ciphertext: z.base64url(),
});

export interface FileVaultOptions {
  readonly path: string;
  readonly key: VaultKey;
}

export class FileVault implements Vault {
  readonly path: string;
  readonly #key: VaultKey;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(options: FileVaultOptions) {
    this.path = options.path;
    this.#key = options.key;
  }

  /** Write a new vault file holding `secrets` (refuses to overwrite an existing file). */
  static async create(
    options: FileVaultOptions,
    secrets: Readonly<Record<string, SecretRecordInput>> = {},
  ): Promise<FileVault> {
    const vault = new FileVault(options);
    const records = new Map<string, SecretRecord>();
    for (const [name, r] of Object.entries(secrets)) records.set(name, parseSecretRecord(r, name));
    await vault.#write(records, { exclusive: true });
    return vault;
  }

  async resolve(name: string, _ctx?: VaultContext): Promise<SecretRecord> {
    const r = (await this.#read()).get(name);
    if (r === undefined) throw new VaultError('not-found', `no secret \`${name}\` in vault file \`${this.path}\``);
    return r;
  }

  /** The names of the secrets (authenticates the file, like every read). */
  async names(): Promise<string[]> {
    return [...(await this.#read()).keys()];
  }

  /** Add or replace a secret; re-encrypts the whole vault and replaces the file atomically. */
  set(name: string, record: SecretRecordInput): Promise<void> {
    const parsed = parseSecretRecord(record, name);
    return this.#serialize(async () => {
      const records = await this.#read();
      records.set(name, parsed);
      await this.#write(records);
    });
  }

  /** Remove a secret; true when it was there. */
  delete(name: string): Promise<boolean> {
    return this.#serialize(async () => {
      const records = await this.#read();
      const had = records.delete(name);
      if (had) await this.#write(records);
      return had;
    });
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(task, task);
    this.#writes = run.catch(() => undefined);
    return run;
  }

  async #read(): Promise<Map<string, SecretRecord>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      throw new VaultError('io', `vault file \`${this.path}\` cannot be read: ${codeOf(e)}`);
    }
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(text));
    } catch {
      throw new VaultError('tampered', `vault file \`${this.path}\` is not a sealed mandate vault: refusing to use it`);
    }
    let plain: Buffer;
    try {
      const iv = Buffer.from(envelope.iv, 'base64url');
      const tag = Buffer.from(envelope.tag, 'base64url');
      if (iv.length !== 12 || tag.length !== 16) throw new Error('bad lengths');
      const decipher = createDecipheriv('aes-256-gcm', this.#key.keyObject(), iv, { authTagLength: 16 });
      decipher.setAAD(aad());
      decipher.setAuthTag(tag);
      plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64url')), decipher.final()]);
    } catch {
      throw new VaultError(
        'tampered',
        `vault file \`${this.path}\` failed authentication: it was modified, or the key is wrong`,
      );
    }
    let secrets: object;
    try {
      // Read by hand rather than through a zod record: secret names such as `__proto__` are
      // data, and JSON.parse keeps them as own properties.
      const contents: unknown = JSON.parse(plain.toString('utf8'));
      const s = isObject(contents) && Object.keys(contents).length === 1 ? contents.secrets : undefined;
      if (!isObject(s)) throw new Error('not a vault');
      secrets = s;
    } catch {
      throw new VaultError('format', `vault file \`${this.path}\` decrypts to something that is not a vault`);
    } finally {
      plain.fill(0);
    }
    const records = new Map<string, SecretRecord>();
    for (const [name, r] of Object.entries(secrets)) records.set(name, parseSecretRecord(r, name));
    return records;
  }

  async #write(records: Map<string, SecretRecord>, opts: { exclusive?: boolean } = {}): Promise<void> {
    const secrets: Record<string, SecretRecord> = Object.create(null);
    for (const [name, r] of records) secrets[name] = r;
    const plain = Buffer.from(JSON.stringify({ secrets }), 'utf8');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key.keyObject(), iv, { authTagLength: 16 });
    cipher.setAAD(aad());
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    const envelope = {
      format: FILE_VAULT_FORMAT,
      version: FILE_VAULT_VERSION,
      alg: 'A256GCM',
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
    };
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${randomUUID()}.tmp`);
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(envelope)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (opts.exclusive === true) {
        // link() fails if the target exists, atomically: an existing vault is never replaced here.
        await link(tmp, this.path).catch((e: unknown) => {
          throw codeOf(e) === 'EEXIST' ? new VaultError('io', `vault file \`${this.path}\` already exists`) : e;
        });
        await unlink(tmp);
      } else await rename(tmp, this.path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      if (e instanceof VaultError) throw e;
      throw new VaultError('io', `vault file \`${this.path}\` cannot be written: ${codeOf(e)}`);
    }
    await syncDir(dirname(this.path));
  }
}

// The envelope's fixed header, authenticated with the ciphertext: a file cannot be passed
// off as another format or version without failing authentication.
function aad(): Buffer {
  return Buffer.from(`${FILE_VAULT_FORMAT}/${FILE_VAULT_VERSION}/A256GCM`, 'utf8');
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable on POSIX; not possible (nor needed) on every platform.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}
