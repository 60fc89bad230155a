/**
 * @module test/reference
 * The reference grammar: accepted exactly as written, or refused with a typed error — never
 * normalized into another reference.
 */
import { describe, expect, it } from 'vitest';
import { checkSecretRef, findSecretRefs, isSecretRef, parseSecretRef, SecretRefError } from '../src/index.js';

describe('parseSecretRef', () => {
  it('parses vault and name', () => {
    expect(parseSecretRef('secret://github/alice')).toEqual({
      ref: 'secret://github/alice',
      vault: 'github',
      name: 'alice',
    });
    expect(parseSecretRef('secret://corp-vault/team/ci.deploy-key@v2')).toEqual({
      ref: 'secret://corp-vault/team/ci.deploy-key@v2',
      vault: 'corp-vault',
      name: 'team/ci.deploy-key@v2',
    });
  });

  it.each([
    [42, 'malformed'],
    ['github/alice', 'malformed'],
    ['secret://github', 'malformed'],
    ['SECRET://github/alice', 'scheme'],
    ['https://github/alice', 'scheme'],
    ['secret://GitHub/alice', 'segment'],
    ['secret://github/../bob', 'segment'],
    ['secret://github/./alice', 'segment'],
    ['secret://github//alice', 'segment'],
    ['secret://github/alice/', 'segment'],
    ['secret://github/al%69ce', 'segment'],
    ['secret://github/alice?x=1', 'segment'],
    ['secret://github/alice#x', 'segment'],
    ['secret://github/ali ce', 'segment'],
    ['secret://user@github/alice', 'segment'],
    [`secret://v/${'a'.repeat(600)}`, 'length'],
  ])('refuses %j (%s)', (input, kind) => {
    const r = checkSecretRef(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(SecretRefError);
      expect(r.error.kind).toBe(kind);
    }
    expect(() => parseSecretRef(input)).toThrow(SecretRefError);
    expect(isSecretRef(input)).toBe(false);
  });

  it('names the offending input in backticks, lowercase', () => {
    expect(() => parseSecretRef('secret://github/../bob')).toThrow('`secret://github/../bob` has a dot segment `..`');
  });

  it('finds candidate references in header values', () => {
    expect(findSecretRefs('Bearer secret://github/alice')).toEqual(['secret://github/alice']);
    expect(findSecretRefs('a secret://x/y, secret://z/w;q')).toEqual(['secret://x/y', 'secret://z/w']);
    expect(findSecretRefs('no reference here')).toEqual([]);
  });
});
