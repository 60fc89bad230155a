/**
 * @module receipt.test
 * Receipts verify offline with the public key alone, and any change to any field — or a
 * field added or removed — breaks them; keys of the wrong kind are refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Authorizer } from '@mandate/core';
import {
  assertReceipt,
  canonicalJson,
  type DecisionEvent,
  decisionEvent,
  generateReceiptKeys,
  OpsError,
  signReceipt,
  verifyReceipt,
} from '@mandate/ops';
import { describe, expect, test } from 'vitest';

function sampleEvent(): DecisionEvent {
  const authz = new Authorizer({ policies: 'permit(principal, action, resource);' });
  const request = {
    principal: { type: 'User', id: 'alice' },
    action: { type: 'Action', id: 'read' },
    resource: { type: 'File', id: 'notes' },
    context: { session: { id: 's1' }, input: { path: '/tmp/x', n: 3 } },
  };
  return decisionEvent({
    request,
    decision: authz.authorize(request),
    latencyUs: 4,
    policies: 'sha256:abc',
    schema: undefined,
    entities: 0,
    chain: { root: { id: 'alice' }, hops: [{ id: 'planner' }, { id: 'coder' }] },
  });
}

describe('receipts', () => {
  const keys = generateReceiptKeys();

  test('a signed event verifies with the public key (object, JSON text, PEM)', () => {
    const receipt = signReceipt(sampleEvent(), keys.privateKey, { keyId: 'k1' });
    expect(receipt.signature.alg).toBe('Ed25519');
    expect(receipt.signature.keyId).toBe('k1');
    expect(verifyReceipt(receipt, keys.publicKey)).toEqual({ ok: true, receipt });
    expect(verifyReceipt(JSON.stringify(receipt), keys.publicKeyPem).ok).toBe(true);
    expect(assertReceipt(JSON.parse(JSON.stringify(receipt)), keys.publicKeyPem).who).toEqual({
      principal: 'User::"alice"',
      root: 'alice',
      hops: ['planner', 'coder'],
      actor: 'coder',
      session: 's1',
    });
  });

  test('any change breaks it', () => {
    const receipt = signReceipt(sampleEvent(), keys.privateKey);
    const tampered: unknown[] = [
      { ...receipt, decision: 'deny' },
      { ...receipt, who: { ...receipt.who, root: 'mallory' } },
      { ...receipt, what: { ...receipt.what, input: 'sha256:00' } },
      { ...receipt, policies: 'sha256:other' },
      { ...receipt, extra: 1 },
      { ...receipt, reasons: [] },
    ];
    const { input: _dropped, ...whatWithoutInput } = receipt.what;
    tampered.push({ ...receipt, schema: 'sha256:x' }, { ...receipt, what: whatWithoutInput });
    for (const t of tampered) expect(verifyReceipt(t, keys.publicKey)).toMatchObject({ ok: false });
    expect(verifyReceipt({ ...receipt, decision: 'deny' }, keys.publicKey)).toEqual({
      ok: false,
      reason: 'the signature does not match',
    });
  });

  test('other keys, unsigned events and garbage are refused, never thrown', () => {
    const receipt = signReceipt(sampleEvent(), keys.privateKey);
    expect(verifyReceipt(receipt, generateReceiptKeys().publicKey).ok).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(verifyReceipt(receipt, rsa.publicKey)).toEqual({
      ok: false,
      reason: 'the verification key is `rsa`, not `ed25519`',
    });
    expect(() => signReceipt(sampleEvent(), rsa.privateKey)).toThrow(OpsError);
    expect(verifyReceipt(sampleEvent(), keys.publicKey)).toEqual({ ok: false, reason: 'the event is not signed' });
    expect(verifyReceipt('{', keys.publicKey).ok).toBe(false);
    expect(verifyReceipt({ v: 1 }, keys.publicKey)).toMatchObject({ ok: false });
    expect(verifyReceipt({ ...receipt, signature: { alg: 'Ed25519', value: '!!' } }, keys.publicKey).ok).toBe(false);
    expect(() => assertReceipt({ ...receipt, decision: 'deny' }, keys.publicKey)).toThrow(
      /receipt does not verify: the signature does not match/,
    );
  });

  test('canonical JSON: sorted keys at every level, undefined left out, bigint as digits', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: undefined }], c: 'x' }, big: 2n ** 64n })).toBe(
      '{"a":{"c":"x","d":[1,{"z":2}]},"b":1,"big":"18446744073709551616"}',
    );
    expect(canonicalJson({ __proto__: 1, constructor: 2 } as never)).toBe('{"constructor":2}');
    const hazard = JSON.parse('{"__proto__": 1}') as unknown;
    expect(canonicalJson(hazard)).toBe('{"__proto__":1}');
    expect(() => canonicalJson(Number.NaN)).toThrow(OpsError);
  });
});
