/**
 * @module test/semantics/cases/comparisons
 * `<`, `<=`, `>`, `>=`: defined on Long (and on datetime and duration, see the extension
 * cases); on any other type, or across types, a type error — never a string ordering.
 */
import { type CaseGroup, exprCase } from '../types.js';

export const comparisons: CaseGroup = {
  topic: 'comparisons',
  cases: [
    exprCase('1 < 2', '1 < 2', 'true'),
    exprCase('2 < 1', '2 < 1', 'false'),
    exprCase('1 < 1', '1 < 1', 'false'),
    exprCase('1 <= 1', '1 <= 1', 'true'),
    exprCase('2 > 1', '2 > 1', 'true'),
    exprCase('1 >= 2', '1 >= 2', 'false'),
    exprCase('2 >= 2', '2 >= 2', 'true'),
    exprCase('negative numbers', '-5 < -3', 'true'),
    exprCase('extreme Longs compare exactly', '-9223372036854775808 < 9223372036854775807', 'true'),
    exprCase('neighbours beyond 2^53 compare exactly', '9007199254740993 > 9007199254740992', 'true'),
    exprCase('neighbours near i64 max compare exactly', '9223372036854775806 < 9223372036854775807', 'true'),
    exprCase('strings are not ordered: type error', '"a" < "b"', 'error'),
    exprCase('booleans are not ordered', 'false < true', 'error'),
    exprCase('Long vs String is a type error', '1 < "2"', 'error'),
    exprCase('sets are not ordered', '[1] <= [1, 2]', 'error'),
    exprCase('entities are not ordered', 'User::"a" < User::"b"', 'error'),
    exprCase('ipaddr is not ordered', 'ip("10.0.0.1") < ip("10.0.0.2")', 'error'),
    exprCase('Long vs decimal is a type error', '1 < decimal("2.0")', 'error'),
    exprCase('comparison on context Long', 'context.n >= 18', 'true', { request: { context: { n: 18 } } }),
    exprCase('comparison on context string errors', 'context.n >= 18', 'error', { request: { context: { n: '18' } } }),
  ],
};
