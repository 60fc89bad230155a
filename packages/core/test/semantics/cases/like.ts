/**
 * @module test/semantics/cases/like
 * `like`: `*` matches any run of characters, newlines included; the whole string must match;
 * `\*` is a literal star; there is no other wildcard and no regex; matching is by Unicode
 * scalar value, case sensitive, never normalized; patterns that make backtracking matchers
 * explode must stay fast; the left operand must be a string.
 */
import { type CaseGroup, exprCase } from '../types.js';

// 30 wildcards against 20,000 characters: exponential for a backtracking matcher.
const redosPattern = `${'*a'.repeat(30)}*b`;
const manyA = 'a'.repeat(20000);

export const like: CaseGroup = {
  topic: 'like',
  cases: [
    exprCase('exact literal pattern', '"abc" like "abc"', 'true'),
    exprCase('the whole string must match', '"abc" like "ab"', 'false'),
    exprCase('a pattern does not match a prefix only', '"abc" like "bc"', 'false'),
    exprCase('trailing wildcard', '"abc" like "a*"', 'true'),
    exprCase('leading wildcard', '"abc" like "*c"', 'true'),
    exprCase('inner wildcard', '"abc" like "a*c"', 'true'),
    exprCase('wildcard matches the empty run', '"ac" like "a*c"', 'true'),
    exprCase('surrounding wildcards', '"abc" like "*b*"', 'true'),
    exprCase('empty string like *', '"" like "*"', 'true'),
    exprCase('empty string like empty pattern', '"" like ""', 'true'),
    exprCase('non-empty string like empty pattern', '"a" like ""', 'false'),
    exprCase('double wildcard', '"a" like "**"', 'true'),
    exprCase('wildcard matches a newline', '"a\\nb" like "a*b"', 'true'),
    exprCase('wildcard matches CRLF', '"A\\r\\nB" like "A*B"', 'true'),
    exprCase('wildcard matches a multi-line context string', 'context.s like "line1*line3"', 'true', {
      request: { context: { s: 'line1\nline2\nline3' } },
    }),
    exprCase('escaped star matches a literal star', '"a*c" like "a\\*c"', 'true'),
    exprCase('escaped star does not match other characters', '"abc" like "a\\*c"', 'false'),
    exprCase('escaped star followed by a wildcard', '"a*xyz" like "a\\**"', 'true'),
    exprCase('escaped star followed by a wildcard needs the star', '"axyz" like "a\\**"', 'false'),
    exprCase('escaped backslash then wildcard', '"a\\\\xyz" like "a\\\\*"', 'true'),
    exprCase('escaped backslash is literal', '"a\\\\b" like "a\\\\b"', 'true'),
    exprCase('? is not a wildcard', '"abc" like "a?c"', 'false'),
    exprCase('? matches itself', '"a?c" like "a?c"', 'true'),
    exprCase('. is not a regex wildcard', '"abc" like "a.c"', 'false'),
    exprCase('regex metacharacters are literal', '"(a+)[b]$^|{2}" like "(a+)[b]$^|{2}"', 'true'),
    exprCase('regex metacharacters do not act as regex', '"aab" like "(a+)b"', 'false'),
    exprCase('case sensitive', '"ABC" like "abc"', 'false'),
    exprCase('case sensitive with wildcard', '"Admin" like "admin*"', 'false'),
    exprCase('unicode literal with wildcard', '"日本語" like "日*語"', 'true'),
    exprCase('astral character matched by a wildcard', '"x\\u{1F600}y" like "x*y"', 'true'),
    exprCase('astral character matched literally', '"\\u{1F600}" like "\\u{1F600}"', 'true'),
    exprCase('astral character and its surrogate halves are not split', '"\\u{1F600}" like "*\\u{1F600}*"', 'true'),
    exprCase('no normalization: precomposed vs decomposed', '"\\u{e9}" like "e*"', 'false'),
    exprCase('NUL character in string', '"\\0x" like "*x"', 'true'),
    exprCase('several wildcards need enough characters', '"aaa" like "a*a*a*a"', 'false'),
    exprCase('several wildcards with enough characters', '"aaaa" like "a*a*a*a"', 'true'),
    exprCase('matching needs to retry after a false start', '"abcabd" like "*abd"', 'true'),
    exprCase('repeated inner literal', '"mississippi" like "*sip*"', 'true'),
    exprCase('suffix must be at the end', '"abcab" like "*abc"', 'false'),
    exprCase('pathological pattern, no match, stays fast', `context.s like "${redosPattern}"`, 'false', {
      request: { context: { s: manyA } },
    }),
    exprCase('pathological pattern, match, stays fast', `context.s like "${redosPattern}"`, 'true', {
      request: { context: { s: `${manyA}b` } },
    }),
    exprCase('like on a Long is a type error', '1 like "1"', 'error'),
    exprCase('like on an entity is a type error', 'principal like "*"', 'error'),
    exprCase('like on a set is a type error', 'context.s like "*"', 'error', { request: { context: { s: ['a'] } } }),
    exprCase('like on a context string', 'context.path like "/home/*/.ssh/*"', 'true', {
      request: { context: { path: '/home/alice/.ssh/id_rsa' } },
    }),
    exprCase('like on a context string: not matching', 'context.path like "/home/*/.ssh/*"', 'false', {
      request: { context: { path: '/home/alice/.env' } },
    }),
  ],
};
