/**
 * @module vaults/env
 * Secrets from environment variables, by an explicit mapping from secret name to variable:
 * a reference can never name an arbitrary variable. Values are read once, when the vault is
 * made; with `unset: true` the variables are then removed from the environment, so that the
 * shells and subprocesses an agent starts do not inherit them (the most common way an agent
 * "sees" a key it was never given).
 */
import { z } from 'zod';
import { VaultError } from '../errors.js';
import { injectionSchema, parseSecretRecord, type SecretRecord, signingSchema } from '../secret.js';
import type { Vault, VaultContext } from '../vault.js';

const entrySchema = z.strictObject({
  variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'),
  inject: injectionSchema.optional(),
  sign: signingSchema.optional(),
});

const optionsSchema = z.strictObject({
  secrets: z.record(z.string().min(1), entrySchema),
  env: z.record(z.string(), z.string().optional()).optional(),
  unset: z.boolean().optional(),
});

export type EnvVaultEntry = z.input<typeof entrySchema>;

export interface EnvVaultOptions {
  /** Secret name → the variable holding its value, and how it is presented. */
  readonly secrets: Readonly<Record<string, EnvVaultEntry>>;
  /** The environment to read (default `process.env`). */
  readonly env?: Record<string, string | undefined> | undefined;
  /** Remove the variables from `env` after reading them (default false). */
  readonly unset?: boolean | undefined;
}

export class EnvVault implements Vault {
  readonly #secrets = new Map<string, SecretRecord | { missing: string }>();

  constructor(options: EnvVaultOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as z.core.$ZodIssue;
      throw new VaultError('format', `env vault options at \`${issue.path.map(String).join('.')}\`: ${issue.message}`);
    }
    const env = options.env ?? process.env;
    for (const [name, entry] of Object.entries(parsed.data.secrets)) {
      const value = env[entry.variable];
      if (value === undefined || value === '') {
        this.#secrets.set(name, { missing: entry.variable });
        continue;
      }
      const record: Record<string, unknown> = { value };
      if (entry.inject !== undefined) record.inject = entry.inject;
      if (entry.sign !== undefined) record.sign = entry.sign;
      this.#secrets.set(name, Object.freeze(parseSecretRecord(record, name)));
    }
    if (options.unset === true) for (const entry of Object.values(parsed.data.secrets)) delete env[entry.variable];
  }

  async resolve(name: string, _ctx?: VaultContext): Promise<SecretRecord> {
    const r = this.#secrets.get(name);
    if (r === undefined) throw new VaultError('not-found', `no secret \`${name}\` in the environment vault`);
    if ('missing' in r)
      throw new VaultError('not-found', `secret \`${name}\`: environment variable \`${r.missing}\` was not set`);
    return r;
  }
}
