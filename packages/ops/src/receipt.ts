/**
 * @module receipt
 * Signed receipts: a decision event signed with Ed25519 (node:crypto), verifiable offline by
 * anyone holding the public key — the user an agent acted for, an auditor, `mandate receipt
 * verify`. The signature covers the canonical JSON of the whole event except `signature`
 * itself, so no field (who, what, outcome, policy version) can be altered or dropped unseen.
 *
 * `verifyReceipt` returns a result union and never throws; `assertReceipt` throws on top of it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { messageOf, OpsError } from './errors.js';
import { type DecisionEvent, decisionEventSchema, type ReceiptSignature } from './event.js';

/** A decision event carrying its signature. */
export type Receipt = DecisionEvent & { readonly signature: ReceiptSignature };

export type ReceiptVerification =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly reason: string };

export interface ReceiptKeys {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as SPKI PEM, to hand to verifiers. */
  readonly publicKeyPem: string;
}

/** A new Ed25519 key pair for signing receipts. */
export function generateReceiptKeys(): ReceiptKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new OpsError('receipt', `the ${what} key is \`${String(key.asymmetricKeyType)}\`, not \`ed25519\``);
  return key;
}

function toPrivateKey(key: KeyObject | string): KeyObject {
  return ed25519(typeof key === 'string' ? createPrivateKey(key) : key, 'signing');
}

function toPublicKey(key: KeyObject | string): KeyObject {
  return ed25519(typeof key === 'string' ? createPublicKey(key) : key, 'verification');
}

/** The bytes signed: the event without its signature, in canonical JSON. */
function signedBytes(event: DecisionEvent): Buffer {
  const { signature: _ignored, ...unsigned } = event;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** Sign an event (any existing signature is replaced). The key: a `KeyObject` or PKCS#8 PEM. */
export function signReceipt(
  event: DecisionEvent,
  privateKey: KeyObject | string,
  opts: { keyId?: string } = {},
): Receipt {
  const value = sign(null, signedBytes(event), toPrivateKey(privateKey)).toString('base64url');
  const signature: ReceiptSignature =
    opts.keyId === undefined ? { alg: 'Ed25519', value } : { alg: 'Ed25519', keyId: opts.keyId, value };
  return { ...event, signature };
}

/**
 * Check a receipt (an object, or its JSON text) against a public key (`KeyObject` or SPKI PEM).
 * Never throws.
 */
export function verifyReceipt(receipt: unknown, publicKey: KeyObject | string): ReceiptVerification {
  let raw = receipt;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (e) {
      return { ok: false, reason: `not JSON: ${messageOf(e)}` };
    }
  }
  const parsed = decisionEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `not a decision event: \`${issue?.path.join('.') ?? ''}\` ${issue?.message ?? ''}` };
  }
  // Verify over what was given, not over zod's output: zod drops unknown keys, and an added
  // key must break the signature rather than vanish.
  const event = raw as DecisionEvent;
  if (event.signature === undefined) return { ok: false, reason: 'the event is not signed' };
  let key: KeyObject;
  try {
    key = toPublicKey(publicKey);
  } catch (e) {
    return { ok: false, reason: messageOf(e) };
  }
  let good: boolean;
  try {
    good = verify(null, signedBytes(event), key, Buffer.from(event.signature.value, 'base64url'));
  } catch (e) {
    return { ok: false, reason: `cannot verify: ${messageOf(e)}` };
  }
  return good ? { ok: true, receipt: event as Receipt } : { ok: false, reason: 'the signature does not match' };
}

/** {@link verifyReceipt}, throwing `OpsError` of kind `receipt` when it does not verify. */
export function assertReceipt(receipt: unknown, publicKey: KeyObject | string): Receipt {
  const r = verifyReceipt(receipt, publicKey);
  if (!r.ok) throw new OpsError('receipt', `receipt does not verify: ${r.reason}`);
  return r.receipt;
}
