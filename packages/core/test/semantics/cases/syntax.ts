/**
 * @module test/semantics/cases/syntax
 * What Cedar's parser accepts and refuses, as seen through a decision: string escapes
 * (`\x`, `\u{…}`, no surrogates, no `\*` outside patterns), the limit on repeated unary
 * operators, deep but legal nesting, and namespaced names.
 */
import { type CaseGroup, exprCase, failure, permitWhen, request, uid } from '../types.js';

const nestedSet = `${'['.repeat(50)}1${']'.repeat(50)}`;

const refused = (name: string, cond: string) => ({
  name,
  policies: permitWhen(cond),
  entities: [],
  request: request(),
  expect: failure,
});

export const syntax: CaseGroup = {
  topic: 'syntax and literals',
  cases: [
    exprCase('\\x escape', '"\\x41" == "A"', 'true'),
    exprCase('\\x7F is the largest \\x escape', '"\\x7F" == "\\u{7f}"', 'true'),
    exprCase('escaped single quote', `"\\'" == "'"`, 'true'),
    exprCase('escaped double quote and backslash', '"\\"\\\\" like "\\"\\\\"', 'true'),
    exprCase('largest code point', '"\\u{10FFFF}" like "*"', 'true'),
    exprCase('a \\u{2a} escape inside a like pattern is a wildcard', '"abc" like "\\u{2a}"', 'true'),
    exprCase('four ! are accepted', '!!!!true', 'true'),
    exprCase('four unary minus are accepted', '----1 == 1', 'true'),
    exprCase('fifty nested sets', `${nestedSet} == ${nestedSet}`, 'true'),
    exprCase('sixty nested parentheses', `${'('.repeat(60)}true${')'.repeat(60)}`, 'true'),
    exprCase('action is Action', 'action is Action', 'true'),
    exprCase('namespaced action differs from the bare one', 'action == Ns::Action::"view"', 'false'),
    exprCase('namespaced request action', 'action == Ns::Action::"view" && action is Ns::Action', 'true', {
      request: { action: uid('Ns::Action', 'view') },
    }),
    exprCase('deeply namespaced entity type', 'principal is A::B::C::User', 'true', {
      request: { principal: uid('A::B::C::User', 'x') },
    }),
    refused('\\* is not an escape outside a like pattern', '"a\\*b" == "a*b"'),
    refused('\\x80 is not a valid escape', '"\\x80" == "x"'),
    refused('a surrogate code point is not a valid escape', '"\\u{D800}" == "x"'),
    refused('a code point beyond U+10FFFF is not a valid escape', '"\\u{110000}" == "x"'),
    refused('\\v is not an escape', '"\\v" == "x"'),
    refused('five ! in a row are refused', '!!!!!true'),
    refused('five unary minus in a row are refused', '-----1 == -1'),
    refused('an unterminated string is refused', '"abc == "abc"'),
    refused('a reserved word as a variable is refused', 'if == 1'),
  ],
};
