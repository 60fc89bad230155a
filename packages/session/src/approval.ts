/**
 * @module approval
 * Approvals: a human's "yes" to one exact tool call. When the only reason a call is denied is
 * a forbid policy annotated as approvable, the guard answers `needs-approval` with the
 * {@link CallBinding} an approval must carry; an approval service shows the call to a human
 * and, if they agree, signs a short-lived token bound to it ({@link issueApproval}). The
 * re-check passes only with that token, for that session, principal, action, resource and
 * input digest — another input, resource or session, an expired, too long-lived, replayed or
 * forged token, does not.
 *
 * Token: `typ` `approval+jwt`; claims `iss` (the approval service), `sub` (who approved),
 * `aud`, `jti`, `iat`, `exp` (both required; `exp - iat` at most `maxLifetime`) and
 * `approves: { sid, principal, action, resource, input }`.
 */
import { type JWSAlgorithm, type KeyInput, SignJWT } from 'jose';
import { ApprovalError } from './errors.js';
import { type TokenVerifyOptions, verifyJws } from './jws.js';

export const APPROVAL_TOKEN_TYPE = 'approval+jwt';

/** Approvals live at most this long unless configured otherwise (seconds). */
export const DEFAULT_MAX_APPROVAL_LIFETIME = 900;

/** The annotation marking a forbid a human may override (`@approvable` or `@approvable("why")`). */
export const APPROVABLE_ANNOTATION = 'approvable';

/** The exact call an approval is for. Entity uids are in Cedar's form: `Mandate::Tool::"pay"`. */
export interface CallBinding {
  readonly sessionId: string;
  /** The principal making the call (with a chain, the actor). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** `sha256:<hex>` of the canonical JSON of the call's input. */
  readonly input: string;
}

/** `Type::"id"`, Cedar's own way of writing a uid (the id escaped as a JSON string). */
export function uidString(ref: { readonly type: string; readonly id: string }): string {
  return `${ref.type}::${JSON.stringify(ref.id)}`;
}

export interface IssueApprovalOptions {
  /** The approval service's private key. */
  readonly key: KeyInput;
  readonly alg: JWSAlgorithm;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  /** Who approved (`sub`): the human, as the approval service knows them. */
  readonly approver: string;
  /** Seconds the approval is valid (default 300). */
  readonly ttl?: number | undefined;
  readonly kid?: string | undefined;
  /** The approval id (`jti`); a random UUID when absent. */
  readonly id?: string | undefined;
  /** Issued-at time (default now). */
  readonly issuedAt?: Date | undefined;
}

/** Sign an approval for exactly `binding` (the approval service's side). */
export async function issueApproval(binding: CallBinding, opts: IssueApprovalOptions): Promise<string> {
  const iat = Math.floor((opts.issuedAt ?? new Date()).getTime() / 1000);
  const header: { alg: string; typ: string; kid?: string } = { alg: opts.alg, typ: APPROVAL_TOKEN_TYPE };
  if (opts.kid !== undefined) header.kid = opts.kid;
  return new SignJWT({
    approves: {
      sid: binding.sessionId,
      principal: binding.principal,
      action: binding.action,
      resource: binding.resource,
      input: binding.input,
    },
  })
    .setProtectedHeader(header)
    .setIssuer(opts.issuer)
    .setSubject(opts.approver)
    .setAudience(typeof opts.audience === 'string' ? opts.audience : [...opts.audience])
    .setJti(opts.id ?? crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.ttl ?? 300))
    .sign(opts.key);
}

export interface VerifyApprovalOptions extends TokenVerifyOptions {
  /** Longest lifetime (`exp - iat`, seconds) accepted (default {@link DEFAULT_MAX_APPROVAL_LIFETIME}). */
  readonly maxLifetime?: number | undefined;
  /** The time to check against (default now). */
  readonly currentDate?: Date | undefined;
}

export interface VerifiedApproval {
  readonly id: string;
  readonly approver: string;
  readonly issuer: string;
  readonly binding: CallBinding;
  readonly expires: Date;
}

const BINDING_CLAIMS = [
  ['sid', 'sessionId'],
  ['principal', 'principal'],
  ['action', 'action'],
  ['resource', 'resource'],
  ['input', 'input'],
] as const;

/**
 * Verify an approval token and that it approves exactly `binding`. Throws
 * {@link ApprovalError}: a token failure kind, `lifetime`, or `binding` naming the field that
 * differs.
 */
export async function verifyApproval(
  token: string,
  binding: CallBinding,
  opts: VerifyApprovalOptions,
): Promise<VerifiedApproval> {
  const res = await verifyJws(token, opts, {
    typ: APPROVAL_TOKEN_TYPE,
    requiredClaims: ['exp', 'iat', 'jti', 'sub', 'iss'],
    currentDate: opts.currentDate ?? new Date(),
  });
  if (!res.ok) throw new ApprovalError(res.kind, `approval refused: ${res.message}`, res.claim, { cause: res.cause });
  const p = res.payload;
  for (const c of ['jti', 'sub', 'iss'] as const)
    if (typeof p[c] !== 'string' || p[c] === '')
      throw new ApprovalError('claim', `approval claim \`${c}\` must be a non-empty string`, c);
  const exp = p.exp as number;
  const iat = p.iat as number;
  const max = opts.maxLifetime ?? DEFAULT_MAX_APPROVAL_LIFETIME;
  if (exp - iat > max)
    throw new ApprovalError('lifetime', `approval lives \`${exp - iat}\` seconds, longer than ${max}`, 'exp');
  const a = p.approves;
  if (typeof a !== 'object' || a === null || Array.isArray(a))
    throw new ApprovalError('claim', 'approval claim `approves` must be an object', 'approves');
  const approves = a as Record<string, unknown>;
  for (const [claim, field] of BINDING_CLAIMS) {
    const got = Object.hasOwn(approves, claim) ? approves[claim] : undefined;
    if (got !== binding[field])
      throw new ApprovalError(
        'binding',
        `approval is for another call: \`approves.${claim}\` is \`${String(got)}\`, this call's is \`${binding[field]}\``,
        `approves.${claim}`,
      );
  }
  return Object.freeze({
    id: p.jti as string,
    approver: p.sub as string,
    issuer: p.iss as string,
    binding: Object.freeze({ ...binding }),
    expires: new Date(exp * 1000),
  });
}
