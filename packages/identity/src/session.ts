/**
 * @module session
 * The `context.session` record of the Mandate schema, built from runtime facts validated with
 * zod before they become Cedar values: a malformed IP or an out-of-range risk score is an
 * error here, at the edge, rather than a request the authorizer refuses later.
 *
 * `attested` is not an input. It is `true` only when the session is given a
 * {@link VerifiedAttestation} (from `verifyAttestation`) whose attester said so and which has
 * not expired at the session's time; a caller cannot simply claim it.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { isVerifiedAttestation, type VerifiedAttestation } from './attestation.js';
import { ChainError, TokenError } from './errors.js';
import type { VerifiedTransaction } from './transaction.js';

const deviceInput = z.strictObject({
  /** Whether the device meets the organization's compliance policy (from the device manager). */
  compliant: z.boolean(),
  /** Whether the device is managed (enrolled) by the organization. */
  managed: z.boolean().optional(),
  /** Platform, e.g. `macos`, `linux`. */
  platform: z.string().min(1, 'must not be empty').optional(),
});

const sessionInput = z.strictObject({
  id: z.string().min(1, 'must not be empty'),
  /** Client address, IPv4 or IPv6 (no range). */
  ip: z
    .string()
    .refine((s) => isIP(s) !== 0, 'not an IPv4 or IPv6 address')
    .optional(),
  // Refused with a message saying where attestation comes from, rather than "unrecognized key".
  attested: z
    .undefined({ error: 'is not an input: it comes only from a verified attestation (pass `attestation`)' })
    .optional(),
  /** A verified runtime attestation (`verifyAttestation`). */
  attestation: z
    .custom<VerifiedAttestation>(isVerifiedAttestation, 'is not a verified attestation (use `verifyAttestation`)')
    .optional(),
  /** 0 (no risk) to 100 (certain compromise). */
  risk: z.int().min(0).max(100),
  /** The time of the request (default: now). */
  now: z.date().optional(),
  /** Taint labels, such as `private-data` or `untrusted-content`. */
  labels: z.array(z.string()).optional(),
  /** Device compliance, from the device manager. */
  device: deviceInput.optional(),
  /** A verified transaction token: its `rctx.req_ip` is the session's `ip`. */
  transaction: z
    .custom<VerifiedTransaction>(
      (t) => typeof t === 'object' && t !== null && typeof (t as { txn?: unknown }).txn === 'string',
      'is not a verified transaction (use `verifyTransactionToken`)',
    )
    .optional(),
});

export type SessionInput = z.input<typeof sessionInput>;
export type DeviceCompliance = z.input<typeof deviceInput>;

/**
 * `context.session` in Cedar's context JSON (`ip` as `ipaddr`, `now` and
 * `attestation.expires` as `datetime`). Throws {@link ChainError} of kind `invalid` with the
 * path of the first problem (`session.ip`), and {@link TokenError} of kind `expired` when the
 * attestation has expired at the session's time.
 */
export function sessionContext(input: SessionInput): Record<string, unknown> {
  const parsed = sessionInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new ChainError('invalid', `session ${issue.message}`, `session.${issue.path.map(String).join('.')}`);
  }
  const s = parsed.data;
  const now = s.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new ChainError('invalid', 'session time is not a valid date', 'session.now');

  const ip = s.ip ?? s.transaction?.requester.ip;
  if (s.ip !== undefined && s.transaction?.requester.ip !== undefined && s.ip !== s.transaction.requester.ip)
    throw new ChainError(
      'invalid',
      `session ip \`${s.ip}\` is not the transaction's \`rctx.req_ip\` \`${s.transaction.requester.ip}\``,
      'session.ip',
    );

  const a = s.attestation;
  // Re-checked here: an attestation verified earlier and cached must not outlive itself.
  if (a !== undefined && a.expiresAt.getTime() <= now.getTime())
    throw new TokenError(
      'expired',
      `attestation from \`${a.issuer}\` expired at ${a.expiresAt.toISOString()}, before the session time ${now.toISOString()}`,
      'exp',
    );

  const out: Record<string, unknown> = {
    id: s.id,
    attested: a?.attested === true,
    risk: s.risk,
    now: datetime(now),
    labels: [...new Set(s.labels ?? [])],
  };
  if (ip !== undefined) out.ip = { __extn: { fn: 'ip', arg: ip } };
  if (a !== undefined) {
    const att: Record<string, unknown> = { issuer: a.issuer, compliant: a.compliant, expires: datetime(a.expiresAt) };
    if (a.runtime !== undefined) att.runtime = a.runtime;
    if (a.measurement !== undefined) att.measurement = a.measurement;
    out.attestation = att;
  }
  if (s.device !== undefined) {
    const d: Record<string, unknown> = { compliant: s.device.compliant, managed: s.device.managed ?? false };
    if (s.device.platform !== undefined) d.platform = s.device.platform;
    out.device = d;
  }
  return out;
}

/** Cedar's datetime accepts `YYYY-MM-DDThh:mm:ss.SSSZ`, exactly what `toISOString` gives. */
function datetime(d: Date): { __extn: { fn: string; arg: string } } {
  return { __extn: { fn: 'datetime', arg: d.toISOString() } };
}
