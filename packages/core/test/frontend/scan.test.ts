/**
 * @module test/frontend/scan
 * The lexical pre-pass: statement boundaries (checked against cedar-wasm's own splitting),
 * template detection and integer literals a JS number cannot hold.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { PolicySet } from '../../src/compile/policy-set.js';
import { lineColumn, locatePolicies, scanStatements } from '../../src/frontend/scan.js';

const P = 'permit(principal, action, resource)';

/** The statements' texts, trimmed of nothing: exactly what the scanner returns. */
const texts = (src: string): string[] => scanStatements(src).map((s) => s.text);

/** How many policies and templates cedar-wasm finds in the same text. */
function cedarCount(src: string): number {
  const parts = cedar.policySetTextToParts(src);
  if (parts.type !== 'success') throw new Error(parts.errors.map((e) => e.message).join('; '));
  return parts.policies.length + parts.policy_templates.length;
}

describe('statement splitting', () => {
  it('splits at each `;` and keeps the `;` in the statement', () => {
    const src = `${P};\n${P} when { true };`;
    expect(texts(src)).toEqual([`${P};`, `${P} when { true };`]);
  });

  it('returns no statements for empty text, whitespace or comments only', () => {
    expect(scanStatements('')).toEqual([]);
    expect(scanStatements('  \n\t\r\n')).toEqual([]);
    expect(scanStatements('// nothing here; "still nothing"\n// ?principal 9223372036854775808\n')).toEqual([]);
    expect(scanStatements('\ufeff')).toEqual([]);
  });

  it('does not split at a `;` inside a string literal', () => {
    const src = `${P} when { context.s == "a;b;c" }; ${P};`;
    expect(texts(src)).toEqual([`${P} when { context.s == "a;b;c" };`, `${P};`]);
  });

  it('does not treat `//` inside a string as a comment', () => {
    const src = `${P} when { context.url == "https://example.com/;x" };\n${P};`;
    expect(texts(src)).toEqual([`${P} when { context.url == "https://example.com/;x" };`, `${P};`]);
  });

  it('honours escaped quotes and escaped backslashes in strings', () => {
    // "a\";" is one string (the quote is escaped); "\\" ends right after the escaped backslash.
    const a = `${P} when { context.s == "a\\";" };`;
    const b = `${P} when { context.s == "\\\\" };`;
    const c = `${P} when { context.s like "\\*;" };`;
    expect(texts(`${a}${b}\n${c}`)).toEqual([a, b, c]);
  });

  it('skips `;`, quotes and slots inside line comments', () => {
    const src = `// first; "unterminated\n${P}; // trailing; ?principal\n// "\n${P} when { true }; // end`;
    const stmts = scanStatements(src);
    expect(stmts.map((s) => s.text)).toEqual([`${P};`, `${P} when { true };`]);
    expect(stmts.every((s) => !s.isTemplate)).toBe(true);
  });

  it('keeps comments inside a statement as part of its text', () => {
    const src = `${P} // why\n when { true };`;
    expect(texts(src)).toEqual([src]);
  });

  it('returns trailing text without `;` as a statement (so the parser reports it)', () => {
    const src = `${P};\n  forbid(principal, action, resource)  `;
    const stmts = scanStatements(src);
    expect(stmts).toHaveLength(2);
    expect(stmts[1]?.text).toBe('forbid(principal, action, resource)  ');
  });

  it('returns an unterminated string as a single trailing statement', () => {
    const src = `${P};\n${P} when { "abc; def }; ${P};`;
    const stmts = scanStatements(src);
    expect(stmts).toHaveLength(2);
    expect(stmts[1]?.text).toBe(`${P} when { "abc; def }; ${P};`);
  });

  it('gives each statement its start offset in the whole text', () => {
    const src = `\n\n  // c;\n@id("x;y") ${P};   \n\t${P} when { "//" == "//" };\n`;
    for (const s of scanStatements(src)) {
      expect(src.slice(s.start, s.start + s.text.length)).toBe(s.text);
    }
    expect(scanStatements(src)[0]?.start).toBe(src.indexOf('@id'));
  });

  it('includes annotations in the statement they precede', () => {
    const src = `@id("a;b") @reason("x // y") ${P}; @id("c") forbid(principal, action, resource);`;
    expect(texts(src)).toEqual([`@id("a;b") @reason("x // y") ${P};`, '@id("c") forbid(principal, action, resource);']);
  });

  it('finds as many statements as cedar-wasm does on tricky texts', () => {
    const tricky = [
      `${P}; ${P};`,
      `${P} when { context.s == "a;b" }; // x;y\n${P} unless { "\\";" == "x" };`,
      `@id("p;1") ${P};\n// ;;;\n@id("p2") forbid(principal, action, resource) when { context.url like "http://*;*" };`,
      `permit(principal == ?principal, action, resource) when { "?resource;" == "x" };${P};`,
      `${P} when { "\\\\" == "\\\\" };${P} when { "é😀;" like "*;" };`,
    ];
    for (const src of tricky) expect(scanStatements(src)).toHaveLength(cedarCount(src));
  });
});

describe('template detection', () => {
  it('marks statements mentioning `?principal` or `?resource`', () => {
    const src = [
      'permit(principal == ?principal, action, resource);',
      'permit(principal, action, resource in ?resource);',
      'permit(principal is User in ?principal, action, resource == ?resource);',
      `${P};`,
    ].join('\n');
    expect(scanStatements(src).map((s) => s.isTemplate)).toEqual([true, true, true, false]);
  });

  it('ignores slots written inside strings and comments', () => {
    const src = `${P} when { context.s == "?principal" }; // ?resource\n${P} when { "?resource" == "" };`;
    expect(scanStatements(src).map((s) => s.isTemplate)).toEqual([false, false]);
  });

  it('does not take a longer identifier for a slot', () => {
    expect(scanStatements('permit(principal == ?principals, action, resource);')[0]?.isTemplate).toBe(false);
    expect(scanStatements('permit(principal == ?principal_x, action, resource);')[0]?.isTemplate).toBe(false);
    expect(scanStatements('permit(principal == ?principal, action, resource);')[0]?.isTemplate).toBe(true);
  });

  it('resets template state between statements', () => {
    const src = `permit(principal == ?principal, action, resource);${P};permit(principal, action, resource == ?resource);`;
    expect(scanStatements(src).map((s) => s.isTemplate)).toEqual([true, false, true]);
  });
});

describe('integer literals', () => {
  const cond = (body: string) => `${P} when { ${body} };`;

  it('reports literals beyond 2^53 - 1 with their offsets in the statement', () => {
    const src = cond('context.x == 9223372036854775807 && 9007199254740993 > 1');
    const [s] = scanStatements(src);
    expect(s?.unsafeIntegers).toEqual([
      { offset: src.indexOf('9223372036854775807'), digits: '9223372036854775807' },
      { offset: src.indexOf('9007199254740993'), digits: '9007199254740993' },
    ]);
  });

  it('draws the line at Number.MAX_SAFE_INTEGER', () => {
    const [s] = scanStatements(cond('[9007199254740991, 9007199254740992, 12, 0]'));
    expect(s?.unsafeIntegers.map((u) => u.digits)).toEqual(['9007199254740992']);
  });

  it('ignores leading zeros when judging size', () => {
    const [s] = scanStatements(cond('[0009007199254740991, 00009007199254740993]'));
    expect(s?.unsafeIntegers.map((u) => u.digits)).toEqual(['00009007199254740993']);
    expect([...(s?.integerLiterals ?? [])].sort()).toEqual(['9007199254740991', '9007199254740993']);
  });

  it('reports the digits of a negative literal (the sign is an operator to the scanner)', () => {
    const src = cond('context.x == -9223372036854775808');
    const [s] = scanStatements(src);
    expect(s?.unsafeIntegers).toEqual([{ offset: src.indexOf('9223372036854775808'), digits: '9223372036854775808' }]);
  });

  it('does not take digits inside identifiers for literals', () => {
    const [s] = scanStatements(
      cond('principal.a12345678901234567890 == context.x9007199254740993 && User::"9223372036854775808" == principal'),
    );
    expect(s?.unsafeIntegers).toEqual([]);
    expect(s?.integerLiterals.size).toBe(0);
  });

  it('does not take digits in strings, annotations or comments for literals', () => {
    const src = `@n("9223372036854775808") ${P} // 18446744073709551616\n when { context.s == "99999999999999999999" };`;
    const [s] = scanStatements(src);
    expect(s?.unsafeIntegers).toEqual([]);
    expect(s?.integerLiterals.size).toBe(0);
  });

  it('gives offsets relative to each statement, not the whole text', () => {
    const second = cond('context.x == 18446744073709551616');
    const src = `${cond('1 == 1')}\n${second}`;
    const stmts = scanStatements(src);
    expect(stmts[0]?.unsafeIntegers).toEqual([]);
    expect([...(stmts[0]?.integerLiterals ?? [])]).toEqual(['1']);
    expect(stmts[1]?.unsafeIntegers).toEqual([{ offset: second.indexOf('1844'), digits: '18446744073709551616' }]);
  });

  it('collects every literal (for placeholder choice), deduplicated', () => {
    const [s] = scanStatements(cond('[1, 2, 2, 4503599627370503, -4503599627370504]'));
    expect([...(s?.integerLiterals ?? [])].sort()).toEqual(['1', '2', '4503599627370503', '4503599627370504']);
  });
});

describe('lineColumn', () => {
  it('is 1-based', () => {
    expect(lineColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('abc', 2)).toEqual({ line: 1, column: 3 });
  });

  it('counts lines at `\\n`, including CRLF line ends', () => {
    const text = 'ab\ncd\r\nef';
    expect(lineColumn(text, text.indexOf('c'))).toEqual({ line: 2, column: 1 });
    expect(lineColumn(text, text.indexOf('f'))).toEqual({ line: 3, column: 2 });
  });

  it('places an offset just after a newline at column 1 of the next line', () => {
    expect(lineColumn('a\n', 2)).toEqual({ line: 2, column: 1 });
  });
});

describe('locatePolicies', () => {
  it("gives statement i the place of Cedar's `policy{i}`, with 1-based lines and columns", () => {
    const text = [
      '// é and ; in a comment',
      'permit(principal, action, resource) when { "a;//b" == "c" };',
      '',
      '  @id("x;y")',
      'forbid(principal == ?principal, action, resource);',
      'permit(principal, action, resource);',
    ].join('\n');
    const locs = locatePolicies(text);
    expect(locs.map((l) => [l.line, l.column])).toEqual([
      [2, 1],
      [4, 3],
      [6, 1],
    ]);
    expect(text.slice(locs[0]?.offset, (locs[0]?.offset ?? 0) + (locs[0]?.length ?? 0))).toBe(
      'permit(principal, action, resource) when { "a;//b" == "c" };',
    );
    // Cedar numbers static policies and templates together, in text order.
    const set = PolicySet.compile(text);
    expect(set.staticIR.map((p) => p.id)).toEqual(['policy0', 'policy2']);
    expect([...set.templates.keys()]).toEqual(['policy1']);
  });
});
