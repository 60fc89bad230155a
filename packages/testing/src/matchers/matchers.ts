/**
 * @module matchers/matchers
 * Vitest matchers for decisions: `toAllow`, `toDeny`, `toBeDecidedBy`, `toHaveErrors`,
 * `toBeRejected`, on an `{ authorizer, request }` pair (decided, and explained when the
 * assertion fails) or on a `Decision` already made. Use with `expect.extend(mandateMatchers)`
 * or the `setup` entry. Only vitest's types are imported: the package does not need vitest
 * unless the matchers are used.
 */

import {
  type AuthorizationRequest,
  type Authorizer,
  type Decision,
  type Explanation,
  explain,
  formatExplanation,
} from '@mandate/core';
// Makes vitest's types visible to the declaration build, for the augmentation below.
import type {} from 'vitest';

/** A request and the authorizer that decides it. */
export interface AuthorizationCase {
  readonly authorizer: Authorizer;
  readonly request: AuthorizationRequest;
}

/** The matchers, as vitest's `Assertion` gets them. */
export interface MandateMatchers<R = unknown> {
  /** The decision is `allow`. */
  toAllow(): R;
  /** The decision is `deny` (a rejected request is denied too). */
  toDeny(): R;
  /** Each of these policies is among the determining policies (as `cedar run-tests` checks `reason`). */
  toBeDecidedBy(policyIds: string | readonly string[]): R;
  /** Some policy errored; with a number, exactly that many; with ids, exactly those policies. */
  toHaveErrors(expected?: number | readonly string[]): R;
  /** The request itself was rejected (a `failure`); with a string, its message contains it. */
  toBeRejected(messagePart?: string): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat vitest's own declaration exactly
  interface Matchers<T = any> extends MandateMatchers<T> {}
}

interface MatcherContext {
  readonly isNot: boolean;
}

interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
  readonly actual?: unknown;
  readonly expected?: unknown;
}

interface Seen {
  readonly decision: Decision | Explanation;
  /** How to name the request in messages. */
  readonly what: string;
  /** The explanation, for an `{ authorizer, request }` pair. */
  readonly explain?: () => string;
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';

function see(received: unknown): Seen | string {
  if (isObject(received) && 'authorizer' in received && 'request' in received) {
    const { authorizer, request } = received as unknown as AuthorizationCase;
    if (typeof authorizer?.authorize !== 'function') return 'expected `authorizer` to be an `Authorizer`';
    let x: Explanation;
    try {
      x = explain(authorizer, request);
    } catch (e) {
      return `explaining the request failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const what = x.request ? `${x.request.principal} → ${x.request.action} → ${x.request.resource}` : 'the request';
    return { decision: x, what, explain: () => formatExplanation(x) };
  }
  if (
    isObject(received) &&
    (received.decision === 'allow' || received.decision === 'deny') &&
    Array.isArray(received.reasons)
  ) {
    return { decision: received as unknown as Decision, what: 'the decision' };
  }
  let shown: string;
  try {
    shown = JSON.stringify(received) ?? String(received);
  } catch {
    shown = String(received);
  }
  return `expected an \`{ authorizer, request }\` pair or a \`Decision\`, got \`${shown.slice(0, 100)}\``;
}

function summary(d: Decision | Explanation): string {
  if (d.failure) return `rejected (${d.failure.message})`;
  const by = d.reasons.length > 0 ? ` by ${d.reasons.map((r) => `\`${r}\``).join(', ')}` : '';
  const errors = d.errors.length > 0 ? `, with errors in ${d.errors.map((e) => `\`${e.policyId}\``).join(', ')}` : '';
  return `${d.decision === 'allow' ? 'allowed' : 'denied'}${by}${errors}`;
}

/** Builds a matcher from a test on the decision and what it expects, in words. */
function matcher<A extends unknown[]>(
  test: (
    d: Decision | Explanation,
    ...args: A
  ) => { pass: boolean; expectation: string; expected?: unknown; actual?: unknown },
) {
  return function (this: MatcherContext, received: unknown, ...args: A): MatcherResult {
    const seen = see(received);
    if (typeof seen === 'string') return { pass: this.isNot, message: () => seen };
    const r = test(seen.decision, ...args);
    const isNot = this.isNot;
    return {
      pass: r.pass,
      message: () => {
        const head = `expected ${seen.what} ${isNot ? 'not ' : ''}${r.expectation}, but it was ${summary(seen.decision)}`;
        return seen.explain ? `${head}\n\n${seen.explain()}` : head;
      },
      ...('expected' in r ? { expected: r.expected, actual: r.actual } : {}),
    };
  };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** The matchers, for `expect.extend(mandateMatchers)`. */
export const mandateMatchers = {
  toAllow: matcher((d) => ({ pass: d.decision === 'allow', expectation: 'to be allowed' })),
  toDeny: matcher((d) => ({ pass: d.decision === 'deny', expectation: 'to be denied' })),
  toBeDecidedBy: matcher((d, ids: string | readonly string[]) => {
    const want = typeof ids === 'string' ? [ids] : [...ids];
    return {
      pass: !d.failure && want.every((id) => d.reasons.includes(id)),
      expectation: `to be decided by ${want.map((id) => `\`${id}\``).join(', ')}`,
      expected: want,
      actual: [...d.reasons],
    };
  }),
  toHaveErrors: matcher((d, expected?: number | readonly string[]) => {
    const got = d.errors.map((e) => e.policyId);
    if (expected === undefined) return { pass: got.length > 0, expectation: 'to have errors' };
    if (typeof expected === 'number') {
      return {
        pass: got.length === expected,
        expectation: `to have ${expected} error(s)`,
        expected,
        actual: got.length,
      };
    }
    const want = sorted(expected);
    return {
      pass: want.join('\0') === sorted(got).join('\0'),
      expectation: `to have errors in exactly ${want.map((id) => `\`${id}\``).join(', ') || 'no policy'}`,
      expected: want,
      actual: sorted(got),
    };
  }),
  toBeRejected: matcher((d, messagePart?: string) => ({
    pass: d.failure !== undefined && (messagePart === undefined || d.failure.message.includes(messagePart)),
    expectation: messagePart === undefined ? 'to be rejected' : `to be rejected with \`${messagePart}\``,
  })),
};
