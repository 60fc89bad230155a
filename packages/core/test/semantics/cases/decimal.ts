/**
 * @module test/semantics/cases/decimal
 * The `decimal` extension: strict parsing (a point with 1 to 4 fraction digits, optional
 * minus, no exponent, plus sign or whitespace), the i64 range of ten-thousandths, the four
 * comparison methods, and no comparison operators.
 */
import { type CaseGroup, exprCase } from '../types.js';

export const decimal: CaseGroup = {
  topic: 'extension decimal',
  cases: [
    exprCase('four fraction digits', 'decimal("1.2345") == decimal("1.2345")', 'true'),
    exprCase('lessThan', 'decimal("-1.5").lessThan(decimal("0.0"))', 'true'),
    exprCase('lessThan is strict', 'decimal("1.5").lessThan(decimal("1.50"))', 'false'),
    exprCase(
      'lessThanOrEqual on equal values of different scale',
      'decimal("1.5").lessThanOrEqual(decimal("1.50"))',
      'true',
    ),
    exprCase('greaterThan by one ten-thousandth', 'decimal("2.0").greaterThan(decimal("1.9999"))', 'true'),
    exprCase('greaterThanOrEqual false', 'decimal("1.0").greaterThanOrEqual(decimal("1.0001"))', 'false'),
    exprCase('greaterThanOrEqual equal', 'decimal("3.14").greaterThanOrEqual(decimal("3.1400"))', 'true'),
    exprCase('negative tiny value is below zero', 'decimal("-0.0001").lessThan(decimal("0.0"))', 'true'),
    exprCase('largest decimal', 'decimal("922337203685477.5807").greaterThan(decimal("0.0"))', 'true'),
    exprCase('smallest decimal', 'decimal("-922337203685477.5808").lessThan(decimal("-922337203685477.5807"))', 'true'),
    exprCase('leading zeros in the integer part are accepted', 'decimal("01.0") == decimal("1.0")', 'true'),
    exprCase('decimal from a context string', 'decimal(context.score).greaterThan(decimal("0.5"))', 'true', {
      request: { context: { score: '0.75' } },
    }),
    exprCase('five fraction digits is an error', 'decimal("1.23456") == decimal("1.0")', 'error'),
    exprCase('no decimal point is an error', 'decimal("1") == decimal("1.0")', 'error'),
    exprCase('no integer part is an error', 'decimal(".5") == decimal("0.5")', 'error'),
    exprCase('no fraction digits is an error', 'decimal("1.") == decimal("1.0")', 'error'),
    exprCase('plus sign is an error', 'decimal("+1.0") == decimal("1.0")', 'error'),
    exprCase('exponent is an error', 'decimal("1e2") == decimal("100.0")', 'error'),
    exprCase('surrounding whitespace is an error', 'decimal(" 1.0") == decimal("1.0")', 'error'),
    exprCase('comma separator is an error', 'decimal("1,0") == decimal("1.0")', 'error'),
    exprCase('non-ASCII digits are an error', 'decimal("\\u{661}.\\u{660}") == decimal("1.0")', 'error'),
    exprCase('one above the largest is an error', 'decimal("922337203685477.5808") == decimal("0.0")', 'error'),
    exprCase('one below the smallest is an error', 'decimal("-922337203685477.5809") == decimal("0.0")', 'error'),
    exprCase('far too large is an error', 'decimal("99999999999999999.0") == decimal("1.0")', 'error'),
    exprCase('comparison operators are not defined on decimal', 'decimal("1.0") < decimal("2.0")', 'error'),
    exprCase('lessThan with a Long argument is a type error', 'decimal("1.0").lessThan(1)', 'error'),
    exprCase('lessThan on an ipaddr receiver is a type error', 'ip("1.2.3.4").lessThan(ip("1.2.3.5"))', 'error'),
    exprCase(
      'wrong number of arguments is an evaluation error',
      'decimal("1.0").lessThan(decimal("2.0"), decimal("3.0"))',
      'error',
    ),
    exprCase('decimal of a context Long is a type error', 'decimal(context.n) == decimal("1.0")', 'error', {
      request: { context: { n: 1 } },
    }),
  ],
};
