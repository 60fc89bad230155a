/**
 * @module test/semantics/cases/datetime
 * The `datetime` extension: strict ISO-8601 subsets (date; date-time with `Z` or `±hhmm`,
 * optional 3-digit milliseconds), calendar validation (leap years), instants compared across
 * offsets, `offset`, `durationSince`, `toDate` and `toTime` (UTC, flooring before 1970),
 * comparison operators, and overflow.
 */
import { type CaseGroup, exprCase } from '../types.js';

export const datetime: CaseGroup = {
  topic: 'extension datetime',
  cases: [
    exprCase('date-time after the date', 'datetime("2024-01-01T12:00:00Z") > datetime("2024-01-01")', 'true'),
    exprCase('<= on the same instant', 'datetime("2024-01-01") <= datetime("2024-01-01")', 'true'),
    exprCase('< on the same instant', 'datetime("2024-01-01") < datetime("2024-01-01")', 'false'),
    exprCase('>= across offsets', 'datetime("2024-01-01T00:00:00-2359") >= datetime("2024-01-01T23:00:00Z")', 'true'),
    exprCase(
      'a positive offset is earlier in UTC',
      'datetime("2024-01-01T00:30:00+0100") < datetime("2024-01-01")',
      'true',
    ),
    exprCase('milliseconds', 'datetime("2024-01-01T00:00:00.001Z") > datetime("2024-01-01")', 'true'),
    exprCase('year 0000 to 9999', 'datetime("0000-01-01") < datetime("9999-12-31")', 'true'),
    exprCase('leap day 2024', 'datetime("2024-02-29") < datetime("2024-03-01")', 'true'),
    exprCase('leap day 2000 (divisible by 400)', 'datetime("2000-02-29") < datetime("2000-03-01")', 'true'),
    exprCase('offset forward', 'datetime("2024-01-01").offset(duration("1d")) == datetime("2024-01-02")', 'true'),
    exprCase(
      'offset backward across a year',
      'datetime("2024-01-01").offset(duration("-1ms")) == datetime("2023-12-31T23:59:59.999Z")',
      'true',
    ),
    exprCase(
      'offset and back',
      'datetime("2024-01-01").offset(duration("1d")).offset(duration("-1d")) == datetime("2024-01-01")',
      'true',
    ),
    exprCase(
      'durationSince positive',
      'datetime("2024-01-02").durationSince(datetime("2024-01-01")) == duration("1d")',
      'true',
    ),
    exprCase(
      'durationSince negative',
      'datetime("2024-01-01").durationSince(datetime("2024-01-02")) == duration("-1d")',
      'true',
    ),
    exprCase(
      'durationSince across the epoch',
      'datetime("1969-12-31").durationSince(datetime("1970-01-01")) == duration("-1d")',
      'true',
    ),
    exprCase(
      'durationSince in days',
      'datetime("1970-01-01").durationSince(datetime("2024-01-01")).toDays() == -19723',
      'true',
    ),
    exprCase(
      'toDate truncates to midnight UTC',
      'datetime("2024-06-15T10:00:00+0530").toDate() == datetime("2024-06-15")',
      'true',
    ),
    exprCase(
      'toDate uses the UTC day, not the local one',
      'datetime("2024-06-15T02:00:00+0530").toDate() == datetime("2024-06-14")',
      'true',
    ),
    exprCase(
      'toDate before 1970 floors, not truncates',
      'datetime("1969-12-31T23:59:59.999Z").toDate() == datetime("1969-12-31")',
      'true',
    ),
    exprCase('toDate of midnight is itself', 'datetime("1970-01-01").toDate() == datetime("1970-01-01")', 'true'),
    exprCase(
      'toTime with milliseconds',
      'datetime("2024-01-01T12:00:00.123Z").toTime() == duration("12h123ms")',
      'true',
    ),
    exprCase('toTime uses UTC', 'datetime("2024-01-01T12:00:00+0100").toTime() == duration("11h")', 'true'),
    exprCase(
      'toTime with an offset that moves to the previous UTC day',
      'datetime("2024-01-01T00:00:00+0959").toTime() == duration("14h1m")',
      'true',
    ),
    exprCase(
      'toTime before 1970 is non-negative',
      'datetime("1969-12-31T23:00:00Z").toTime() == duration("23h")',
      'true',
    ),
    exprCase('toTime of a date is zero', 'datetime("2024-01-01").toTime() == duration("0ms")', 'true'),
    exprCase(
      'datetime from context compared with a literal',
      'datetime(context.now) < datetime("2030-01-01")',
      'true',
      {
        request: { context: { now: '2025-06-01T08:00:00Z' } },
      },
    ),
    exprCase('invalid: February 29 in a common year', 'datetime("2023-02-29") < datetime("2024-01-01")', 'error'),
    exprCase('invalid: February 29 in 1900', 'datetime("1900-02-29") < datetime("2024-01-01")', 'error'),
    exprCase('invalid: April 31', 'datetime("2024-04-31") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: month 13', 'datetime("2024-13-01") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: one-digit month', 'datetime("2024-1-01") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: hour 24', 'datetime("2024-01-01T24:00:00Z") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: leap second', 'datetime("2024-01-01T23:59:60Z") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: time without zone', 'datetime("2024-01-01T00:00:00") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: one-digit milliseconds', 'datetime("2024-01-01T00:00:00.1Z") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: offset with a colon', 'datetime("2024-01-01T00:00:00+00:00") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: offset hours 24', 'datetime("2024-01-01T00:00:00+2400") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: offset minutes 60', 'datetime("2024-01-01T00:00:00+0060") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: space instead of T', 'datetime("2024-01-01 00:00:00Z") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: lowercase t and z', 'datetime("2024-01-01t00:00:00z") < datetime("2025-01-01")', 'error'),
    exprCase('invalid: five-digit year', 'datetime("10000-01-01") > datetime("2025-01-01")', 'error'),
    exprCase('invalid: negative year', 'datetime("-0001-01-01") < datetime("2025-01-01")', 'error'),
    exprCase(
      'offset overflow is an error',
      'datetime("2024-01-01").offset(duration("9223372036854775807ms")) > datetime("2024-01-01")',
      'error',
    ),
    exprCase(
      'offset to the edge of the range is fine',
      'datetime("1970-01-01").offset(duration("9223372036854775807ms")) > datetime("2024-01-01")',
      'true',
    ),
    exprCase(
      'comparing a datetime with a duration is a type error',
      'datetime("2024-01-01") < duration("1h")',
      'error',
    ),
    exprCase(
      'offset with a Long is a type error',
      'datetime("2024-01-01").offset(1) == datetime("2024-01-01")',
      'error',
    ),
    exprCase(
      'durationSince a duration is a type error',
      'datetime("2024-01-01").durationSince(duration("1h")) == duration("1h")',
      'error',
    ),
    exprCase('datetime of a Long is a type error', 'datetime(1) < datetime("2024-01-01")', 'error'),
  ],
};
