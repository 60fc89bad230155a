/**
 * @module intent
 * Intent mandates: the user's intent at task start — which actions and tools, which paths
 * and hosts, how much money, for what purpose, until when — signed as a JWT by the user's
 * side (a wallet, the chat front end) and verified before any of it is used. The closed form
 * also names the digest of the exact cart the user approved.
 *
 * The claims: `iss` (who signed), `sub` (the user), `aud` (this service), `jti` (the intent
 * id), `iat`, `exp` (required) and `mandate`, an object checked strictly with zod:
 * `{ purpose, actions, tools, hosts, paths, budget?: { amount, currency }, cart?, sid? }`.
 * Unknown members are refused: a constraint the verifier does not understand is one it would
 * silently not enforce. `budget.amount` is in minor units, a decimal string (or a safe
 * integer), read as a `bigint`, so a Long budget keeps every digit.
 */
import { type JWSAlgorithm, type JWTPayload, type KeyInput, SignJWT } from 'jose';
import { z } from 'zod';
import { isDigest } from './canonical.js';
import { IntentError, lowerFirst } from './errors.js';
import { type TokenVerifyOptions, verifyJws } from './jws.js';

/** The `typ` header of intent mandates. */
export const INTENT_TOKEN_TYPE = 'intent+jwt';

const LONG_MAX = 2n ** 63n - 1n;
const name = z.string().min(1, 'must not be empty').max(1024, 'is longer than 1024 characters');
const list = z.array(name).max(256, 'has more than 256 entries');

const amount = z
  .union([z.string().regex(/^(0|[1-9][0-9]{0,18})$/, 'must be a non-negative integer in minor units'), z.int().min(0)])
  .transform((a, ctx) => {
    const n = BigInt(a);
    if (n > LONG_MAX) ctx.addIssue({ code: 'custom', message: 'is larger than a Long' });
    return n;
  });

const budget = z.strictObject({
  amount,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as `EUR`'),
});

/** The `mandate` claim. */
const mandateClaim = z.strictObject({
  purpose: z.string().max(4096, 'is longer than 4096 characters'),
  actions: list.default([]),
  tools: list.default([]),
  hosts: list.default([]),
  paths: list.default([]),
  budget: budget.optional(),
  cart: z.string().refine(isDigest, 'must be `sha256:` and 64 hex digits').optional(),
  sid: name.optional(),
});

/** What the user states at task start (the input of {@link signIntent}). */
export interface IntentInput {
  /** The intent id (`jti`); a random UUID when absent. */
  readonly id?: string | undefined;
  /** The user whose intent this is (`sub`): the root of the delegation chains that act on it. */
  readonly subject: string;
  readonly purpose: string;
  /** Cedar action ids allowed (`file.read`, `http.request`, `tool.call` for any tool). */
  readonly actions?: readonly string[] | undefined;
  /** Tool names or tool groups allowed (see `ToolSpec.groups`). */
  readonly tools?: readonly string[] | undefined;
  /** Host patterns the session may reach (`api.example.com`, `*.example.com`). */
  readonly hosts?: readonly string[] | undefined;
  /** Path globs the session may touch (`/work/app/**`). */
  readonly paths?: readonly string[] | undefined;
  /** The most the session may spend, in minor units. */
  readonly budget?: { readonly amount: bigint; readonly currency: string } | undefined;
  /** Closed form: the digest of the exact cart approved (`cartDigest(cart)`). */
  readonly cart?: string | undefined;
  /** Bind the intent to one session id. */
  readonly sessionId?: string | undefined;
  readonly expires: Date;
}

export interface SignIntentOptions {
  /** The signer's private key. */
  readonly key: KeyInput;
  readonly alg: JWSAlgorithm;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly kid?: string | undefined;
  /** Issued-at time (default now). */
  readonly issuedAt?: Date | undefined;
}

/** A verified intent mandate. Only {@link verifyIntent} makes them; the guard refuses look-alikes. */
export interface VerifiedIntent {
  readonly id: string;
  readonly issuer: string;
  readonly subject: string;
  readonly purpose: string;
  readonly actions: readonly string[];
  readonly tools: readonly string[];
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
  readonly budget: { readonly amount: bigint; readonly currency: string } | undefined;
  readonly cart: string | undefined;
  readonly sessionId: string | undefined;
  readonly expires: Date;
  /** The token it was read from. */
  readonly token: string;
}

export interface VerifyIntentOptions extends TokenVerifyOptions {
  /** The time to check against (default now). */
  readonly currentDate?: Date | undefined;
}

const verified = new WeakSet<object>();

/** Whether `x` came from {@link verifyIntent} (and not from an object literal shaped like one). */
export function isVerifiedIntent(x: unknown): x is VerifiedIntent {
  return typeof x === 'object' && x !== null && verified.has(x);
}

/** Sign an intent mandate (the user's side). Throws {@link IntentError} of kind `invalid` for a malformed intent. */
export async function signIntent(intent: IntentInput, opts: SignIntentOptions): Promise<string> {
  if (typeof intent.subject !== 'string' || intent.subject === '')
    throw new IntentError('invalid', 'intent `subject` must be a non-empty string', 'sub');
  if (!(intent.expires instanceof Date) || Number.isNaN(intent.expires.getTime()))
    throw new IntentError('invalid', 'intent `expires` must be a valid date', 'exp');
  const claim: Record<string, unknown> = {
    purpose: intent.purpose,
    actions: [...(intent.actions ?? [])],
    tools: [...(intent.tools ?? [])],
    hosts: [...(intent.hosts ?? [])],
    paths: [...(intent.paths ?? [])],
  };
  if (intent.budget !== undefined)
    claim.budget = { amount: intent.budget.amount.toString(), currency: intent.budget.currency };
  if (intent.cart !== undefined) claim.cart = intent.cart;
  if (intent.sessionId !== undefined) claim.sid = intent.sessionId;
  // Validate what is signed with the verifier's own schema: a mandate that would be refused
  // on arrival is better refused here, where the user's side can fix it.
  const parsed = mandateClaim.safeParse(claim);
  if (!parsed.success) throw invalid(parsed.error, 'invalid');
  const header: { alg: string; typ: string; kid?: string } = { alg: opts.alg, typ: INTENT_TOKEN_TYPE };
  if (opts.kid !== undefined) header.kid = opts.kid;
  return new SignJWT({ mandate: claim } as JWTPayload)
    .setProtectedHeader(header)
    .setIssuer(opts.issuer)
    .setSubject(intent.subject)
    .setAudience(typeof opts.audience === 'string' ? opts.audience : [...opts.audience])
    .setJti(intent.id ?? crypto.randomUUID())
    .setIssuedAt(opts.issuedAt ?? new Date())
    .setExpirationTime(intent.expires)
    .sign(opts.key);
}

/**
 * Verify an intent mandate: signature with the configured keys and algorithms (`alg: none`
 * refused), `typ` `intent+jwt`, issuer, audience, expiry (required), then the `mandate`
 * claim. Throws {@link IntentError}; nothing from a refused token is returned.
 */
export async function verifyIntent(token: string, opts: VerifyIntentOptions): Promise<VerifiedIntent> {
  const res = await verifyJws(token, opts, {
    typ: INTENT_TOKEN_TYPE,
    requiredClaims: ['exp', 'sub', 'jti', 'iss'],
    currentDate: opts.currentDate ?? new Date(),
  });
  if (!res.ok)
    throw new IntentError(res.kind, `intent mandate refused: ${res.message}`, res.claim, { cause: res.cause });
  const p = res.payload;
  for (const c of ['sub', 'jti', 'iss'] as const)
    if (typeof p[c] !== 'string' || p[c] === '')
      throw new IntentError('claim', `intent claim \`${c}\` must be a non-empty string`, c);
  const parsed = mandateClaim.safeParse(p.mandate);
  if (!parsed.success) throw invalid(parsed.error, 'claim');
  const m = parsed.data;
  const intent: VerifiedIntent = Object.freeze({
    id: p.jti as string,
    issuer: p.iss as string,
    subject: p.sub as string,
    purpose: m.purpose,
    actions: Object.freeze(m.actions),
    tools: Object.freeze(m.tools),
    hosts: Object.freeze(m.hosts),
    paths: Object.freeze(m.paths),
    budget: m.budget === undefined ? undefined : Object.freeze({ ...m.budget }),
    cart: m.cart,
    sessionId: m.sid,
    expires: new Date((p.exp as number) * 1000),
    token,
  });
  verified.add(intent);
  return intent;
}

/** `context.intent` in Cedar's context JSON (the schema's `Intent` record). */
export function intentContext(intent: VerifiedIntent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: intent.id,
    actions: [...intent.actions],
    hosts: [...intent.hosts],
    paths: [...intent.paths],
    tools: [...intent.tools],
    purpose: intent.purpose,
    expires: { __extn: { fn: 'datetime', arg: intent.expires.toISOString() } },
  };
  if (intent.budget !== undefined) out.budget = intent.budget.amount;
  if (intent.cart !== undefined) out.cart = intent.cart;
  return out;
}

function invalid(error: z.ZodError, kind: 'invalid' | 'claim'): IntentError {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = ['mandate', ...issue.path.map(String)].join('.');
  return new IntentError(kind, `intent \`${path}\` ${lowerFirst(issue.message)}`, path);
}
