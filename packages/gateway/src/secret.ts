/**
 * @module secret
 * What a vault holds for a secret: its value and how it is presented at the destination
 * (`inject`: bearer token, a named header, HTTP basic auth or a query parameter), and, for a
 * signing key, how to mint the short-lived audience-bound JWT that is presented instead of the
 * key (`sign`). Records cross a trust boundary (a file, the environment, a token endpoint), so
 * they are validated with zod before use.
 */
import { z } from 'zod';
import { VaultError } from './errors.js';

/** Longest lifetime of a JWT minted from a signing key: a few minutes, never the key's. */
export const MAX_SIGNED_TTL_SECONDS = 300;

// RFC 9110 field-name token.
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not an HTTP header name');

const injection = z.discriminatedUnion('type', [
  /** `Authorization: Bearer <value>` */
  z.strictObject({ type: z.literal('bearer') }),
  /** `<name>: <prefix><value>` */
  z.strictObject({ type: z.literal('header'), name: headerName, prefix: z.string().optional() }),
  /** `Authorization: Basic base64(<username>:<value>)` */
  z.strictObject({
    type: z.literal('basic'),
    username: z.string().refine((u) => !u.includes(':'), 'a basic-auth username may not contain `:`'),
  }),
  /** `?<param>=<value>` */
  z.strictObject({ type: z.literal('query'), param: z.string().min(1) }),
]);

const signing = z.strictObject({
  /** JWS algorithm of the key in `value` (PKCS#8 PEM or a private JWK as JSON). */
  alg: z.enum(['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256']),
  issuer: z.string().min(1),
  /** Default: the issuer. */
  subject: z.string().min(1).optional(),
  keyId: z.string().min(1).optional(),
  /** Default: the destination's origin — the token is good only there. */
  audience: z.string().min(1).optional(),
  ttlSeconds: z.int().min(1).max(MAX_SIGNED_TTL_SECONDS).optional(),
});

const secretRecord = z.strictObject({
  value: z.string().min(1, 'must not be empty'),
  inject: injection.optional(),
  sign: signing.optional(),
  /** When the value itself expires (epoch milliseconds), e.g. an OAuth access token. */
  expiresAt: z.number().optional(),
});

export type Injection = z.infer<typeof injection>;
export type SigningSpec = z.infer<typeof signing>;
/** A secret as a vault stores it. */
export type SecretRecord = z.infer<typeof secretRecord>;
/** A secret record as given to a vault (same shape; validated on the way in). */
export type SecretRecordInput = z.input<typeof secretRecord>;

export const secretRecordSchema = secretRecord;
export const injectionSchema = injection;
export const signingSchema = signing;

/**
 * Validate a record; throws {@link VaultError} of kind `format` naming the secret and the
 * field — never echoing the value.
 */
export function parseSecretRecord(input: unknown, name: string): SecretRecord {
  const r = secretRecord.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0] as z.core.$ZodIssue;
  const at = issue.path.length > 0 ? ` at \`${issue.path.map(String).join('.')}\`` : '';
  // zod messages describe the expected shape, not the received value, so they are safe to show.
  throw new VaultError('format', `secret \`${name}\` is not a valid record${at}: ${issue.message}`);
}
