/**
 * @module matchers.test
 * The vitest matchers, registered through the package's `setup` entry: they pass and fail
 * as they should, on `{ authorizer, request }` pairs and on decisions, and a failure says
 * what was expected, what came, and (for a pair) why, with the explanation.
 */
import '../src/setup.js';
import { Authorizer } from '@mandate/core';
import { describe, expect, test } from 'vitest';

const authorizer = new Authorizer({
  idAnnotation: true,
  policies: `
    @id("read") permit(principal, action == Action::"read", resource) when { principal.risk < 50 };
    @id("boom") forbid(principal, action == Action::"write", resource) when { principal.nope };
    @id("write") permit(principal, action == Action::"write", resource);`,
  entities: [{ uid: { type: 'User', id: 'alice' }, attrs: { risk: 72 }, parents: [] }],
});
const req = (action: string) => ({
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: action },
  resource: { type: 'File', id: 'f' },
  context: {},
});
const read = { authorizer, request: req('read') };
const write = { authorizer, request: req('write') };

function failure(f: () => void): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('the assertion did not fail');
}

describe('matchers', () => {
  test('pass where they should', () => {
    expect(write).toAllow();
    expect(read).toDeny();
    expect(read).not.toAllow();
    expect(write).toBeDecidedBy('write');
    expect(write).toBeDecidedBy(['write']);
    expect(write).toHaveErrors();
    expect(write).toHaveErrors(1);
    expect(write).toHaveErrors(['boom']);
    expect(read).toHaveErrors([]);
    expect(read).not.toHaveErrors();
    expect({ authorizer, request: { ...req('read'), principal: { type: '', id: '' } } }).toBeRejected('principal');
    expect(authorizer.authorize(req('write'))).toAllow();
    expect(authorizer.authorize(req('read'))).toDeny();
  });

  test('a failure on a pair says what came and why, with the explanation', () => {
    const m = failure(() => expect(read).toAllow());
    expect(m).toContain('expected User::"alice" → Action::"read" → File::"f" to be allowed, but it was denied');
    expect(m).toContain('✗ permit read (line 2) — unsatisfied');
    expect(m).toContain('principal.risk = 72');
    expect(failure(() => expect(write).not.toAllow())).toContain(
      'not to be allowed, but it was allowed by `write`, with errors in `boom`',
    );
    expect(failure(() => expect(write).toBeDecidedBy('read'))).toContain('to be decided by `read`');
    expect(failure(() => expect(write).toHaveErrors(['x']))).toContain('to have errors in exactly `x`');
  });

  test('a failure on a decision says what came', () => {
    const m = failure(() => expect(authorizer.authorize(req('read'))).toAllow());
    expect(m).toBe('expected the decision to be allowed, but it was denied');
  });

  test('anything else is refused with a clear message', () => {
    expect(failure(() => expect(42).toAllow())).toBe(
      'expected an `{ authorizer, request }` pair or a `Decision`, got `42`',
    );
  });
});
