/**
 * @module @mandate/testing
 * Policy testing for Mandate: `cedar run-tests` files (and a YAML form with sessions) run
 * against `@mandate/core` with coverage of policies and conditions; reporters for people,
 * JSON, JUnit and GitHub Actions; vitest matchers; fast-check arbitraries typed by a schema.
 *
 * The explicit list of what this package exports, by module.
 */

export {
  authorizationArbitrary,
  contextArbitrary,
  type EntityJson,
  type EntityUidJson,
  entitiesArbitrary,
  type RequestJson,
  requestArbitrary,
  type SchemaArbitraryOptions,
  valueArbitrary,
} from './arbitraries/schema.js';
export {
  CoverageCollector,
  type CoverageReport,
  type PolicyCoverage,
  type PredicateCoverage,
} from './coverage/coverage.js';
export { TestFileError, type TestFileErrorKind } from './errors.js';
export { parseEntityUid } from './files/entity-uid.js';
export {
  type CaseSpec,
  type EntitiesSpec,
  type Expectation,
  parseTestFile,
  type RequestSpec,
  readTestFile,
  type SessionSpec,
  type StepSpec,
  type StepUpdate,
  type TestFile,
} from './files/test-file.js';
export { type AuthorizationCase, type MandateMatchers, mandateMatchers } from './matchers/matchers.js';
export { formatReport, type ReportFormat } from './report/format.js';
export {
  type ActualDecision,
  compareDecision,
  mergeContext,
  type RunTestFilesOptions,
  runTestFiles,
  type TestCaseResult,
  type TestRunResult,
} from './run/run.js';
