/**
 * @module session
 * The `context.session` record of the Mandate schema, built from runtime facts validated with
 * zod before they become Cedar values: a malformed IP or an out-of-range risk score is an
 * error here, at the edge, rather than a request the authorizer refuses later.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ChainError } from './errors.js';

const sessionInput = z.strictObject({
  id: z.string().min(1, 'must not be empty'),
  /** Client address, IPv4 or IPv6 (no range). */
  ip: z
    .string()
    .refine((s) => isIP(s) !== 0, 'not an IPv4 or IPv6 address')
    .optional(),
  /** Whether the agent runtime has been attested (by a verified attestation, not by the client). */
  attested: z.boolean(),
  /** 0 (no risk) to 100 (certain compromise). */
  risk: z.int().min(0).max(100),
  /** The time of the request (default: now). */
  now: z.date().optional(),
  /** Taint labels, such as `private-data` or `untrusted-content`. */
  labels: z.array(z.string()).optional(),
});

export type SessionInput = z.input<typeof sessionInput>;

/**
 * `context.session` in Cedar's context JSON (`ip` as `ipaddr`, `now` as `datetime`). Throws
 * {@link ChainError} of kind `invalid` with the path of the first problem.
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
  const out: Record<string, unknown> = {
    id: s.id,
    attested: s.attested,
    risk: s.risk,
    // Cedar's datetime accepts `YYYY-MM-DDThh:mm:ss.SSSZ`, exactly what toISOString gives.
    now: { __extn: { fn: 'datetime', arg: now.toISOString() } },
    labels: [...new Set(s.labels ?? [])],
  };
  if (s.ip !== undefined) out.ip = { __extn: { fn: 'ip', arg: s.ip } };
  return out;
}
