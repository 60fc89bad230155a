/**
 * @module report/format
 * `formatReport(result, format)`: one entry for every reporter.
 */
import type { TestRunResult } from '../run/run.js';
import { formatGithub } from './github.js';
import { formatHuman } from './human.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';

export type ReportFormat = 'human' | 'json' | 'junit' | 'github';

export function formatReport(result: TestRunResult, format: ReportFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case 'human':
      return formatHuman(result, options);
    case 'json':
      return formatJson(result);
    case 'junit':
      return formatJunit(result);
    case 'github':
      return formatGithub(result);
    default:
      throw new TypeError(
        `unknown report format \`${String(format)}\`; expected \`human\`, \`json\`, \`junit\` or \`github\``,
      );
  }
}
