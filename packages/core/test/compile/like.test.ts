/**
 * @module test/compile/like
 * The `like` matcher: anchoring, wildcards, empty segments, newlines and astral characters,
 * random cases judged by cedar-wasm, and pathological inputs that a backtracking matcher
 * would never finish (no timing assertions: completing is the test).
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLike } from '../../src/compile/like.js';

/** A pattern from Cedar-like source where every unescaped `*` is a wildcard (no escapes here). */
const like = (pattern: string) => compileLike({ segments: pattern.split('*') });

describe('without wildcards', () => {
  it('is string equality', () => {
    const m = like('abc');
    expect(m('abc')).toBe(true);
    expect(m('abcd')).toBe(false);
    expect(m('ab')).toBe(false);
    expect(m('ABC')).toBe(false);
  });

  it('matches only the empty string for the empty pattern', () => {
    expect(like('')('')).toBe(true);
    expect(like('')(' ')).toBe(false);
  });

  it('does not normalize Unicode', () => {
    expect(like('é')('e\u0301')).toBe(false);
    expect(like('e\u0301')('e\u0301')).toBe(true);
  });
});

describe('anchoring', () => {
  it('prefix: `abc*`', () => {
    const m = like('abc*');
    expect(m('abc')).toBe(true);
    expect(m('abcdef')).toBe(true);
    expect(m('xabc')).toBe(false);
    expect(m('ab')).toBe(false);
  });

  it('suffix: `*abc`', () => {
    const m = like('*abc');
    expect(m('abc')).toBe(true);
    expect(m('xyzabc')).toBe(true);
    expect(m('abcx')).toBe(false);
  });

  it('middle: `*abc*`', () => {
    const m = like('*abc*');
    expect(m('abc')).toBe(true);
    expect(m('xxabcxx')).toBe(true);
    expect(m('abxc')).toBe(false);
  });

  it('both ends without overlap: `ab*ba` needs four characters', () => {
    const m = like('ab*ba');
    expect(m('aba')).toBe(false);
    expect(m('abba')).toBe(true);
    expect(m('ab--ba')).toBe(true);
  });

  it('keeps middle segments within the ends: `a*bc*c`', () => {
    const m = like('a*bc*c');
    expect(m('abc')).toBe(false);
    expect(m('abcc')).toBe(true);
    expect(m('a-bc-c')).toBe(true);
  });

  it('matches middle segments in order, without overlap', () => {
    const m = like('*ab*ba*');
    expect(m('aba')).toBe(false);
    expect(m('abba')).toBe(true);
    expect(m('baab')).toBe(false);
    const n = like('*aa*aa*');
    expect(n('aaa')).toBe(false);
    expect(n('aaaa')).toBe(true);
  });
});

describe('wildcards', () => {
  it('`*` matches everything, including the empty string', () => {
    const m = like('*');
    for (const s of ['', 'a', '\n', '😀', 'x'.repeat(1000)]) expect(m(s)).toBe(true);
  });

  it('`**` and empty middle segments behave like a single `*`', () => {
    for (const p of ['**', '***', 'a**b', 'a***b*', '**a**']) {
      const m = like(p);
      const single = like(p.replace(/\*+/g, '*'));
      for (const s of ['', 'a', 'ab', 'axb', 'ba', 'aab', 'xax']) expect(m(s)).toBe(single(s));
    }
  });

  it('spans newlines and carriage returns', () => {
    expect(like('a*b')('a\nb')).toBe(true);
    expect(like('a*b')('a\r\n\r\nb')).toBe(true);
    expect(like('*\n*')('x\ny')).toBe(true);
    expect(like('*\n*')('xy')).toBe(false);
  });

  it('treats astral characters as whole characters', () => {
    expect(like('😀*')('😀😀')).toBe(true);
    expect(like('*😀')('a😀')).toBe(true);
    expect(like('a*😀*b')('a𝒳😀𝒳b')).toBe(true);
    expect(like('*😀*')('\ud83d')).toBe(false);
    expect(like('😀')('😀😀')).toBe(false);
  });

  it('treats a literal star segment as a star (escaped `\\*` is lowered into the segment)', () => {
    const m = compileLike({ segments: ['a*b', ''] });
    expect(m('a*b')).toBe(true);
    expect(m('a*bc')).toBe(true);
    expect(m('axb')).toBe(false);
  });
});

describe('agrees with cedar-wasm', () => {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const text = fc
    .array(fc.constantFrom('a', 'b', '\n', '😀', 'é', '*', '\\', '"'), { maxLength: 10 })
    .map((a) => a.join(''));
  const pattern = fc.array(fc.constantFrom('a', 'b', 'ab', '\n', '😀', '*', '**'), { maxLength: 6 });

  it('on random strings and patterns', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text, pattern), { minLength: 1, maxLength: 40 }), (pairs) => {
        const staticPolicies: Record<string, string> = {};
        pairs.forEach(([s, p], i) => {
          staticPolicies[`p${i}`] =
            `permit(principal, action, resource) when { "${esc(s)}" like "${esc(p.join(''))}" };`;
        });
        const answer = cedar.isAuthorized({
          principal: { type: 'U', id: 'u' },
          action: { type: 'A', id: 'a' },
          resource: { type: 'R', id: 'r' },
          context: {},
          policies: { staticPolicies },
          entities: [],
        });
        if (answer.type !== 'success') throw new Error(answer.errors.map((e) => e.message).join('; '));
        const allowed = new Set(answer.response.diagnostics.reason);
        pairs.forEach(([s, p], i) => {
          expect(like(p.join(''))(s), `${JSON.stringify(s)} like ${JSON.stringify(p.join(''))}`).toBe(
            allowed.has(`p${i}`),
          );
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('pathological inputs complete', () => {
  const N = 100_000;

  it('many stars against a long run that almost matches', () => {
    const input = 'a'.repeat(N);
    const pattern = `${'*a'.repeat(5_000)}*b`;
    expect(like(pattern)(input)).toBe(false);
    expect(like(pattern)(`${input}b`)).toBe(true);
  });

  it('many stars between repeated long segments', () => {
    const input = `${'ab'.repeat(N / 2)}`;
    const pattern = `a*${'ab*'.repeat(2_000)}b`;
    expect(like(pattern)(input)).toBe(true);
    expect(like(`${pattern}c`)(input)).toBe(false);
  });

  it('a long middle segment that fails late', () => {
    const input = 'a'.repeat(N);
    const seg = `${'a'.repeat(500)}b`;
    expect(like(`*${seg}*`)(input)).toBe(false);
    expect(like(`*${seg}*${seg}*`)(`${input}${seg}`)).toBe(false);
  });

  it('the classic catastrophic pattern for backtracking engines', () => {
    const input = `${'a'.repeat(N)}!`;
    const pattern = `${'a*'.repeat(1_000)}b`;
    expect(like(pattern)(input)).toBe(false);
  });

  it('astral-heavy input', () => {
    const input = '😀'.repeat(N / 2);
    expect(like(`${'*😀'.repeat(1_000)}*`)(input)).toBe(true);
    expect(like(`${'*😀'.repeat(1_000)}*x`)(input)).toBe(false);
  });
});
