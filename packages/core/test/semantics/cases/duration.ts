/**
 * @module test/semantics/cases/duration
 * The `duration` extension: units d, h, m, s, ms in that order, each at most once, one
 * leading minus for the whole value; conversions truncate toward zero; i64 milliseconds
 * with overflow as an error; comparison operators.
 */
import { type CaseGroup, exprCase } from '../types.js';

export const duration: CaseGroup = {
  topic: 'extension duration',
  cases: [
    exprCase('toMilliseconds of every unit', 'duration("1d2h3m4s5ms").toMilliseconds() == 93784005', 'true'),
    exprCase('toSeconds truncates milliseconds', 'duration("1d2h3m4s5ms").toSeconds() == 93784', 'true'),
    exprCase('toMinutes', 'duration("1h").toMinutes() == 60', 'true'),
    exprCase('toHours truncates', 'duration("90m").toHours() == 1', 'true'),
    exprCase('toHours truncates toward zero for negatives', 'duration("-90m").toHours() == -1', 'true'),
    exprCase('toSeconds of -1ms is zero', 'duration("-1ms").toSeconds() == 0', 'true'),
    exprCase('toDays', 'duration("2d").toDays() == 2', 'true'),
    exprCase('toDays truncates', 'duration("36h").toDays() == 1', 'true'),
    exprCase('toDays truncates toward zero for negatives', 'duration("-36h").toDays() == -1', 'true'),
    exprCase('one second in milliseconds', 'duration("1s").toMilliseconds() == 1000', 'true'),
    exprCase('zero in any unit', 'duration("0ms") == duration("0d")', 'true'),
    exprCase('leading minus applies to every unit', 'duration("-1h30m") == duration("-90m")', 'true'),
    exprCase('leading zeros are accepted', 'duration("01h") == duration("1h")', 'true'),
    exprCase('< compares lengths', 'duration("1h") < duration("61m")', 'true'),
    exprCase('negative is below zero', 'duration("-1h") < duration("0ms")', 'true'),
    exprCase('>= on equal values', 'duration("1d") >= duration("24h")', 'true'),
    exprCase('a duration is not a Long', 'duration("1h") == 3600000', 'false'),
    exprCase(
      'i64 max milliseconds',
      'duration("9223372036854775807ms").toMilliseconds() == 9223372036854775807',
      'true',
    ),
    exprCase(
      'i64 min milliseconds',
      'duration("-9223372036854775808ms").toMilliseconds() == -9223372036854775808',
      'true',
    ),
    exprCase('largest whole number of days', 'duration("106751991167d") > duration("1ms")', 'true'),
    exprCase('one day more overflows', 'duration("106751991168d") > duration("1ms")', 'error'),
    exprCase('one day more overflows negatively', 'duration("-106751991168d") < duration("1ms")', 'error'),
    exprCase('i64 max + 1 milliseconds overflows', 'duration("9223372036854775808ms") > duration("1ms")', 'error'),
    exprCase('invalid: units out of order', 'duration("1h1d") == duration("25h")', 'error'),
    exprCase('invalid: minutes before hours', 'duration("1m1h") == duration("61m")', 'error'),
    exprCase('invalid: unit repeated', 'duration("1d1d") == duration("2d")', 'error'),
    exprCase('invalid: empty string', 'duration("") == duration("0ms")', 'error'),
    exprCase('invalid: unknown unit', 'duration("1x") == duration("1h")', 'error'),
    exprCase('invalid: no unit', 'duration("1") == duration("1ms")', 'error'),
    exprCase('invalid: no number', 'duration("h") == duration("1h")', 'error'),
    exprCase('invalid: fraction', 'duration("1.5h") == duration("90m")', 'error'),
    exprCase('invalid: sign inside', 'duration("1h-30m") == duration("30m")', 'error'),
    exprCase('invalid: plus sign', 'duration("+1h") == duration("1h")', 'error'),
    exprCase('invalid: double minus', 'duration("--1h") == duration("1h")', 'error'),
    exprCase('invalid: uppercase unit', 'duration("1H") == duration("1h")', 'error'),
    exprCase('invalid: whitespace', 'duration("1h 30m") == duration("90m")', 'error'),
    exprCase('wrong number of arguments is an evaluation error', 'duration("1h").toHours(1) == 1', 'error'),
    exprCase('duration from a context string', 'duration(context.ttl) <= duration("1h")', 'true', {
      request: { context: { ttl: '45m' } },
    }),
  ],
};
