/**
 * @module report/json
 * The whole result as JSON: cases (with explanations for failures), coverage, threshold.
 * Longs beyond 2^53 that came from test files are written as strings rather than rounded.
 */
import type { TestRunResult } from '../run/run.js';

export function formatJson(result: TestRunResult): string {
  return JSON.stringify(
    result,
    (_key, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v),
    2,
  );
}
