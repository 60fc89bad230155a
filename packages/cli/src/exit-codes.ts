/**
 * @module exit-codes
 * The exit codes of every `mandate` command. A CI job or a shell script branches on these,
 * so each means one thing across commands; `authorize` and `explain` keep "the policies
 * said no" (3) apart from "the question could not be answered" (1).
 */
export const EXIT = {
  /** Success: valid, formatted, bundle written, tests passed, no unaccepted decision changes, or `allow`. */
  OK: 0,
  /**
   * Failure: the check did not pass (parse or validation errors, for which `bundle` writes
   * nothing; unformatted files; failing tests; coverage below the threshold; unaccepted
   * decision changes), or an input could not be read or loaded (a tampered bundle too), or a
   * request was rejected before any policy was evaluated.
   */
  FAILURE: 1,
  /** Usage: unknown command or option, missing or conflicting arguments. */
  USAGE: 2,
  /** `authorize` / `explain`: the request was evaluated and the decision is `deny`. */
  DENY: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit-code table shown at the end of every `--help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  ok (valid, formatted, bundle written, tests passed, no unaccepted changes) or allow
  1  failure: the check failed, an input could not be loaded, or the request was rejected
  2  usage error (unknown option, missing or conflicting arguments)
  3  deny (authorize, explain)`;
