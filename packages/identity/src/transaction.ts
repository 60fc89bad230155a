/**
 * @module transaction
 * OAuth Transaction Tokens (draft-ietf-oauth-transaction-tokens): short-lived JWTs a trust
 * domain's Transaction Token Service issues for one transaction, carrying who it is for
 * (`sub`), what it is for (`scope`), its immutable authorization details (`tctx`; `azd` in
 * drafts before -04), the requester's environment (`rctx`: `req_ip`, `authn`, …) and the
 * workload that asked for it (`req_wl`; inside `rctx` in early drafts).
 *
 * A verified Txn-Token maps to a delegation chain (root user = `sub`, agents = the requesting
 * workloads) and to `context.transaction` (`id`, `scopes`, `workloads`, `authn?`, `ip?`,
 * `details?` from `tctx`); its `req_ip` can become `context.session.ip` (see `sessionContext`).
 */
import { isIP } from 'node:net';
import type { JWSAlgorithm, JWTVerifyGetKey, KeyInput } from 'jose';
import { type AgentHop, agentSpiffeId, type ChainOptions, checkChain, type DelegationChain } from './chain.js';
import { TokenError } from './errors.js';
import {
  allowedAlgorithms,
  DEFAULT_ALGORITHMS,
  isJsonObject,
  type JwtTimeOptions,
  readScope,
  verifyJwt,
} from './jwt.js';

/** The `typ` header every Txn-Token carries. */
export const TXN_TOKEN_TYPE = 'txntoken+jwt';
/** Longest lifetime (`exp` − `iat`, seconds) accepted by default: Txn-Tokens live minutes at most. */
export const DEFAULT_TXN_MAX_LIFETIME = 600;
/** Nesting accepted in `tctx` when it becomes Cedar values. */
const MAX_DETAILS_DEPTH = 8;

export interface VerifyTransactionTokenOptions extends JwtTimeOptions {
  /** The Transaction Token Service's key(s): a key or a jose key resolver. */
  readonly key: KeyInput | JWTVerifyGetKey;
  /** This trust domain: the token's `aud` must name it, or the token is not for here. */
  readonly audience: string | readonly string[];
  /** Expected `iss`, when the TTS sets one (the draft makes it optional). */
  readonly issuer?: string | readonly string[] | undefined;
  /** Allowed algorithms (default: asymmetric ones). `none` is never allowed. */
  readonly algorithms?: readonly JWSAlgorithm[] | undefined;
  /** Longest lifetime accepted, in seconds (default {@link DEFAULT_TXN_MAX_LIFETIME}). */
  readonly maxLifetime?: number | undefined;
}

/** A verified transaction token. */
export interface VerifiedTransaction {
  /** The transaction id (`txn`). */
  readonly txn: string;
  /** The principal of the transaction (`sub`). */
  readonly subject: string;
  /** What the transaction is for (`scope`). */
  readonly scope: readonly string[];
  /** The immutable transaction context (`tctx`, or the older `azd`); `{}` when absent. */
  readonly tctx: Readonly<Record<string, unknown>>;
  /** The requester context (`rctx`); `{}` when absent. */
  readonly rctx: Readonly<Record<string, unknown>>;
  /** The requester, from `rctx` and `req_wl`. */
  readonly requester: {
    /** `rctx.req_ip`: the originating client's address. */
    readonly ip: string | undefined;
    /** `rctx.authn`: how the requester authenticated (RFC 8176 values such as `mfa`). */
    readonly authn: string | undefined;
    /** The requesting workloads, earliest first (`req_wl`, or `rctx.req_wl` of early drafts). */
    readonly workloads: readonly string[];
  };
  readonly claims: Readonly<Record<string, unknown>>;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/**
 * Verify a Txn-Token. Throws {@link TokenError}: `type` (not `txntoken+jwt`), `unsigned`,
 * `algorithm`, `signature`, `expired`, `audience` (another trust domain), `issuer`,
 * `lifetime` (longer-lived than allowed), `claim` (a missing or malformed `txn`, `sub`,
 * `scope`, `req_wl`, `rctx`, or `tctx` and `azd` both present and different).
 */
export async function verifyTransactionToken(
  token: string,
  opts: VerifyTransactionTokenOptions,
): Promise<VerifiedTransaction> {
  const { payload: c } = await verifyJwt(token, {
    key: opts.key,
    issuer: opts.issuer,
    audience: opts.audience,
    algorithms: allowedAlgorithms(opts.algorithms, DEFAULT_ALGORITHMS),
    requiredClaims: ['iat', 'exp', 'aud', 'txn', 'sub', 'scope'],
    typ: TXN_TOKEN_TYPE,
    clockTolerance: opts.clockTolerance,
    currentDate: opts.currentDate,
    what: 'transaction token',
  });

  const iat = c.iat as number;
  const exp = c.exp as number;
  const maxLifetime = opts.maxLifetime ?? DEFAULT_TXN_MAX_LIFETIME;
  if (!(maxLifetime > 0))
    throw new RangeError(`maxLifetime must be a positive number of seconds, got \`${maxLifetime}\``);
  if (exp - iat > maxLifetime)
    throw new TokenError(
      'lifetime',
      `transaction token lives ${exp - iat}s (\`exp\` − \`iat\`), more than the ${maxLifetime}s allowed`,
      'exp',
    );

  const txn = nonEmptyString(c.txn, 'txn');
  const subject = nonEmptyString(c.sub, 'sub');
  const scope = readScope(c.scope);
  const tctx = readTctx(c.tctx, c.azd);
  const rctx = optionalObject(c.rctx, 'rctx');
  const ip = rctx.req_ip;
  if (ip !== undefined && (typeof ip !== 'string' || isIP(ip) === 0))
    throw new TokenError(
      'claim',
      `\`rctx.req_ip\` must be an IPv4 or IPv6 address, got \`${String(ip)}\``,
      'rctx.req_ip',
    );
  const authn = rctx.authn;
  if (authn !== undefined && typeof authn !== 'string')
    throw new TokenError('claim', '`rctx.authn` must be a string', 'rctx.authn');

  return Object.freeze({
    txn,
    subject,
    scope: Object.freeze(scope),
    tctx,
    rctx,
    requester: Object.freeze({ ip, authn, workloads: Object.freeze(readWorkloads(c.req_wl, rctx.req_wl)) }),
    claims: Object.freeze({ ...c }),
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
  });
}

/**
 * The transaction as a delegation chain: the root user is `sub`, the agents are the
 * requesting workloads (earliest first), and the last of them — the actor — holds the
 * transaction's `scope`. Throws `ChainError` as `checkChain` does (depth, cycle, a
 * workload SPIFFE ID outside `trustDomains`).
 */
export function transactionChain(txn: VerifiedTransaction, opts: ChainOptions = {}): DelegationChain {
  const workloads = txn.requester.workloads;
  const hops: AgentHop[] = workloads.map((w, i) => ({
    id: w,
    scope: i === workloads.length - 1 ? [...txn.scope] : undefined,
    spiffeId: agentSpiffeId(w, undefined, `hops[${i}]`)?.id,
    // A Txn-Token says which workload asked, not that its runtime was attested.
    attested: false,
    owner: undefined,
    groups: [],
    issuer: undefined,
  }));
  return checkChain({ id: txn.subject, groups: [], attrs: {} }, hops, opts);
}

export interface TransactionContextOptions {
  /**
   * The `tctx` fields that become `context.transaction.details` (default: all of them). Cedar
   * records are closed: every field passed must be declared in the schema's
   * `TransactionDetails`, so name the ones your schema declares.
   */
  readonly details?: readonly string[] | undefined;
}

/**
 * `context.transaction` in Cedar's context JSON: `{ id, scopes, workloads, authn?, ip?,
 * details? }`. `tctx` values become Cedar values — strings, booleans, integers (Long), arrays
 * (sets) and objects (records); a value Cedar cannot hold exactly (a fraction, `null`, a key
 * starting with `__`, which Cedar's JSON reserves for entity and extension escapes) throws
 * {@link TokenError} of kind `claim` naming it.
 */
export function transactionContext(
  txn: VerifiedTransaction,
  opts: TransactionContextOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: txn.txn,
    scopes: [...txn.scope],
    workloads: [...new Set(txn.requester.workloads)],
  };
  if (txn.requester.authn !== undefined) out.authn = txn.requester.authn;
  if (txn.requester.ip !== undefined) out.ip = { __extn: { fn: 'ip', arg: txn.requester.ip } };
  const names = opts.details ?? Object.keys(txn.tctx);
  const details: Record<string, unknown> = {};
  let any = false;
  for (const name of names) {
    if (!Object.hasOwn(txn.tctx, name)) continue;
    details[name] = toCedar(txn.tctx[name], `tctx.${name}`, name, 1);
    any = true;
  }
  if (any) out.details = details;
  return out;
}

function toCedar(v: unknown, path: string, key: string, depth: number): unknown {
  if (key.startsWith('__'))
    throw new TokenError('claim', `\`${path}\`: keys starting with \`__\` are reserved in Cedar's JSON`, path);
  if (depth > MAX_DETAILS_DEPTH)
    throw new TokenError('claim', `\`${path}\` nests deeper than ${MAX_DETAILS_DEPTH} levels`, path);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v;
    throw new TokenError('claim', `\`${path}\` is \`${v}\`, which is not an integer Cedar can hold exactly`, path);
  }
  if (Array.isArray(v)) return v.map((x, i) => toCedar(x, `${path}[${i}]`, '', depth + 1));
  if (isJsonObject(v)) {
    const rec: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) rec[k] = toCedar(x, `${path}.${k}`, k, depth + 1);
    return rec;
  }
  throw new TokenError('claim', `\`${path}\` is \`${String(v)}\`, which has no Cedar value`, path);
}

function nonEmptyString(v: unknown, claim: string): string {
  if (typeof v !== 'string' || v === '')
    throw new TokenError('claim', `\`${claim}\` must be a non-empty string`, claim);
  return v;
}

function optionalObject(v: unknown, claim: string): Readonly<Record<string, unknown>> {
  if (v === undefined) return Object.freeze({});
  if (!isJsonObject(v)) throw new TokenError('claim', `\`${claim}\` must be a JSON object`, claim);
  return Object.freeze({ ...v });
}

/**
 * `tctx`, or `azd` — its name before draft -04. Both present is accepted only when they say
 * the same thing: otherwise one of them is what a verifier of the other name would not see.
 */
function readTctx(tctx: unknown, azd: unknown): Readonly<Record<string, unknown>> {
  const t = tctx === undefined ? undefined : optionalObject(tctx, 'tctx');
  const a = azd === undefined ? undefined : optionalObject(azd, 'azd');
  if (t !== undefined && a !== undefined && !jsonEqual(t, a, 0))
    throw new TokenError('claim', '`tctx` and `azd` (its older name) are both present and differ', 'tctx');
  return t ?? a ?? Object.freeze({});
}

/** `req_wl` (a string), or `rctx.req_wl` of early drafts (a string, or one per replacement). */
function readWorkloads(top: unknown, inRctx: unknown): string[] {
  const list = (v: unknown, claim: string): string[] | undefined => {
    if (v === undefined) return undefined;
    const items = Array.isArray(v) ? v : [v];
    if (items.length === 0 || items.some((x) => typeof x !== 'string' || x === ''))
      throw new TokenError('claim', `\`${claim}\` must name the requesting workload(s)`, claim);
    return items as string[];
  };
  const a = list(top, 'req_wl');
  const b = list(inRctx, 'rctx.req_wl');
  if (a !== undefined && b !== undefined && (a.length !== 1 || b[b.length - 1] !== a[0]))
    throw new TokenError('claim', '`req_wl` and `rctx.req_wl` name different requesting workloads', 'req_wl');
  const workloads = b ?? a;
  if (workloads === undefined)
    throw new TokenError('claim', 'no `req_wl`: the token does not say which workload requested it', 'req_wl');
  return workloads;
}

/** Structural equality of JSON values, bounded in depth (claims come from the wire). */
function jsonEqual(x: unknown, y: unknown, depth: number): boolean {
  if (depth > 64) throw new TokenError('claim', '`tctx` nests too deeply to compare', 'tctx');
  if (x === y) return true;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((v, i) => jsonEqual(v, y[i], depth + 1));
  }
  if (!isJsonObject(x) || !isJsonObject(y)) return false;
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  return kx.every((k) => Object.hasOwn(y, k) && jsonEqual(x[k], y[k], depth + 1));
}
