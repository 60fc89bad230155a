/**
 * @module run/run
 * `runTestFiles`: every case of every test file decided by `@mandate/core` and checked as
 * `cedar run-tests` checks it — the decision must be the expected one, the expected reasons
 * must be among the determining policies, and the number of erroring policies must be the
 * expected one — with Mandate's additions (an exact list of erroring policies, sessions).
 * Each decision is explained (`explain`), which feeds coverage and, for a failed case, says
 * why it came out as it did.
 *
 * Where things come from: what the test file names, else the options (so one command line
 * can serve files that name their own policies and files that do not, like `cedar
 * run-tests` files, which never do); entities from the case, else the session, else the
 * file, else the options, else none.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type AuthorizationError,
  type AuthorizationRequest,
  Authorizer,
  type EntityUID,
  type Explanation,
  explain,
  parseEntities,
  parseEntityRef,
  parseJsonText,
  policyOutline,
} from '@mandate/core';
import { CoverageCollector, type CoverageReport } from '../coverage/coverage.js';
import { messageOf, TestFileError } from '../errors.js';
import { parseEntityUid } from '../files/entity-uid.js';
import {
  type CaseSpec,
  type EntitiesSpec,
  type Expectation,
  type RequestSpec,
  readTestFile,
  type TestFile,
} from '../files/test-file.js';

export interface RunTestFilesOptions {
  /** Policies file (Cedar text, or cedar-wasm's policy-set JSON), for test files that name none. */
  readonly policies?: string;
  /** Schema file (Cedar schema text or JSON), for test files that name none. */
  readonly schema?: string;
  /** Entities file used by cases that name no entities. */
  readonly entities?: string;
  /** Coverage (0..100) the run must reach for `thresholdMet`. */
  readonly coverageThreshold?: number;
  /** Use `@id("…")` annotations as policy ids, for test files that do not say (default: Cedar's `policy0`, …). */
  readonly idAnnotation?: boolean;
  /**
   * Policy files coverage must account for even when no test file loads them: their policies
   * count as never exercised (a policy file nobody tests lowers coverage instead of vanishing
   * from it). Each is read with `schema` and `idAnnotation`.
   */
  readonly coverageOf?: readonly string[];
}

/** What a case got. */
export interface ActualDecision {
  readonly decision: 'allow' | 'deny';
  readonly reasons: readonly string[];
  readonly errors: readonly AuthorizationError[];
  readonly failure?: { readonly message: string };
}

export interface TestCaseResult {
  /** The test file, as given. */
  readonly file: string;
  readonly name: string;
  /** Position among the file's cases and session steps, from 0. */
  readonly index: number;
  /** 1-based line of the case in the test file, when known. */
  readonly line?: number;
  /** For a session step: the session's name and the step's position in it (from 0). */
  readonly session?: string;
  readonly step?: number;
  /** `passed`, `failed` (the decision was not the expected one) or `error` (the case could not be decided). */
  readonly status: 'passed' | 'failed' | 'error';
  /** What did not match, or what went wrong (empty when passed). */
  readonly messages: readonly string[];
  readonly expected?: Expectation;
  readonly actual?: ActualDecision;
  /** Why the decision came out as it did; kept for failed cases. */
  readonly explanation?: Explanation;
  /** The policies file the case was decided against. */
  readonly policies?: string;
  readonly durationMs: number;
}

export interface TestRunResult {
  readonly passed: number;
  /** Cases that failed or could not be run. */
  readonly failed: number;
  readonly cases: readonly TestCaseResult[];
  readonly coverage: CoverageReport;
  /** Whether coverage reached `coverageThreshold` (true when none was asked for). */
  readonly thresholdMet: boolean;
  readonly coverageThreshold?: number;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Records merged attribute by attribute (recursively); anything else is replaced. */
export function mergeContext(base: Readonly<Json>, over: Readonly<Json>): Json {
  const out: Json = {};
  const put = (k: string, v: unknown) =>
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const k of Object.keys(base)) put(k, base[k]);
  for (const k of Object.keys(over)) {
    const a = Object.hasOwn(out, k) ? out[k] : undefined;
    const b = over[k];
    put(k, isObject(a) && isObject(b) ? mergeContext(a, b) : b);
  }
  return out;
}

/** A uid as written in a test: a Cedar uid string or `{ type, id }`. */
function uidOf(x: unknown, what: string): AuthorizationRequest['principal'] {
  if (typeof x === 'string') {
    const uid = parseEntityUid(x);
    if (uid === undefined)
      throw new Error(`failed to parse ${what} \`${x}\`: expected an entity uid such as \`User::"alice"\``);
    return uid;
  }
  return x as AuthorizationRequest['principal'];
}

function requestOf(r: RequestSpec, context: unknown = r.context): AuthorizationRequest {
  return {
    principal: uidOf(r.principal, 'principal'),
    action: uidOf(r.action, 'action'),
    resource: uidOf(r.resource, 'resource'),
    context: context as Json,
  };
}

/** Cedar run-tests' comparison, plus the exact list of erroring policies when one is given. */
export function compareDecision(expected: Expectation, actual: ActualDecision): string[] {
  if (actual.failure) return [`request rejected: ${actual.failure.message}`];
  if (expected.decision !== actual.decision) return [`expected ${expected.decision}, got ${actual.decision}`];
  const out: string[] = [];
  const missing = expected.reasons.filter((r) => !actual.reasons.includes(r));
  if (missing.length > 0) out.push(`missing reason(s): ${missing.map((r) => `\`${r}\``).join(', ')}`);
  const errs = actual.errors;
  if (expected.numErrors !== undefined && errs.length !== expected.numErrors) {
    const detail = errs.length === 0 ? '' : `: ${errs.map((e) => `${e.policyId}: ${e.message}`).join(', ')}`;
    out.push(`expected ${expected.numErrors} error(s), but got ${errs.length} runtime error(s)${detail}`);
  }
  if (expected.errors !== undefined) {
    const want = [...expected.errors].sort();
    const got = errs.map((e) => e.policyId).sort();
    if (want.join('\0') !== got.join('\0')) {
      const list = (xs: string[]) => `[${xs.map((x) => `\`${x}\``).join(', ')}]`;
      out.push(`expected errors from ${list(want)}, got ${list(got)}`);
    }
  }
  return out;
}

interface Loaded {
  readonly authorizer: Authorizer;
  /** Coverage key of the policy set (its file). */
  readonly key: string;
  readonly policiesFile: string;
}

class Runner {
  readonly coverage = new CoverageCollector();
  readonly #sets = new Map<string, Promise<Loaded>>();
  readonly #entityFiles = new Map<string, Promise<unknown[]>>();
  readonly #options: RunTestFilesOptions;

  constructor(options: RunTestFilesOptions) {
    this.#options = options;
  }

  async load(file: TestFile): Promise<Loaded> {
    const fallback = (p: string | undefined) => (p === undefined ? undefined : resolve(p));
    const policies = file.policies ?? fallback(this.#options.policies);
    const schema = file.schema ?? fallback(this.#options.schema);
    const idAnnotation = file.idAnnotation ?? this.#options.idAnnotation ?? false;
    if (policies === undefined) {
      throw new TestFileError(
        'load',
        file.path,
        `no policies for \`${file.path}\`: name them in the file (\`policies:\`) or pass \`policies\``,
      );
    }
    const key = `${policies}\0${schema ?? ''}\0${idAnnotation}`;
    let loaded = this.#sets.get(key);
    if (loaded === undefined) {
      loaded = (async () => {
        const text = await readText(policies, 'policies', file.path);
        const policiesInput = /\.json$/i.test(policies) ? (parseJson(text, policies, file.path) as never) : text;
        const schemaText = schema === undefined ? undefined : await readText(schema, 'schema', file.path);
        let authorizer: Authorizer;
        try {
          authorizer = new Authorizer({ policies: policiesInput, schema: schemaText, idAnnotation });
        } catch (e) {
          throw new TestFileError('load', file.path, `cannot load \`${policies}\`: ${messageOf(e)}`);
        }
        this.coverage.addPolicySet(policies, policyOutline(authorizer), policies);
        return { authorizer, key: policies, policiesFile: policies };
      })();
      this.#sets.set(key, loaded);
    }
    return loaded;
  }

  /**
   * Register a policy file for coverage without deciding anything against it (a file that a
   * test file also loads is registered once). Throws {@link TestFileError} when it cannot load.
   */
  async register(policies: string): Promise<void> {
    const path = resolve(policies);
    const schemaFile = this.#options.schema === undefined ? undefined : resolve(this.#options.schema);
    const text = await readText(path, 'policies', path);
    const input = /\.json$/i.test(path) ? (parseJson(text, path, path) as never) : text;
    const schemaText = schemaFile === undefined ? undefined : await readText(schemaFile, 'schema', path);
    let authorizer: Authorizer;
    try {
      authorizer = new Authorizer({
        policies: input,
        schema: schemaText,
        idAnnotation: this.#options.idAnnotation ?? false,
      });
    } catch (e) {
      throw new TestFileError('load', path, `cannot load \`${path}\`: ${messageOf(e)}`);
    }
    this.coverage.addPolicySet(path, policyOutline(authorizer), path);
  }

  async entities(spec: EntitiesSpec | undefined, file: TestFile): Promise<readonly unknown[]> {
    if (spec === undefined) {
      if (this.#options.entities === undefined) return [];
      return this.entities({ file: resolve(this.#options.entities) }, file);
    }
    if ('inline' in spec) return spec.inline;
    let p = this.#entityFiles.get(spec.file);
    if (p === undefined) {
      p = (async () => {
        const json = parseJson(await readText(spec.file, 'entities', file.path), spec.file, file.path);
        if (!Array.isArray(json)) throw new Error(`entities file \`${spec.file}\` must hold a list of entities`);
        return json;
      })();
      this.#entityFiles.set(spec.file, p);
    }
    return p;
  }

  /** Decide and check one request. */
  decide(
    base: { file: string; c: CaseSpec; session?: string; step?: number; loaded: Loaded },
    authz: Authorizer,
    request: AuthorizationRequest,
    started: number,
  ): TestCaseResult {
    const { c, loaded } = base;
    const head = header(base);
    let x: Explanation;
    try {
      x = explain(authz, request);
    } catch (e) {
      return { ...head, status: 'error', messages: [messageOf(e)], durationMs: performance.now() - started };
    }
    this.coverage.record(loaded.key, x);
    const actual: ActualDecision = {
      decision: x.decision,
      reasons: x.reasons,
      errors: x.errors,
      ...(x.failure ? { failure: x.failure } : {}),
    };
    const messages = compareDecision(c.expect as Expectation, actual);
    const status = x.failure ? 'error' : messages.length > 0 ? 'failed' : 'passed';
    return {
      ...head,
      status,
      messages,
      actual,
      ...(status === 'passed' ? {} : { explanation: x }),
      durationMs: performance.now() - started,
    };
  }
}

function header(b: { file: string; c: CaseSpec; session?: string; step?: number; loaded?: Loaded }) {
  return {
    file: b.file,
    name: b.c.name,
    index: b.c.index,
    ...(b.c.line === undefined ? {} : { line: b.c.line }),
    ...(b.session === undefined ? {} : { session: b.session }),
    ...(b.step === undefined ? {} : { step: b.step }),
    ...(b.c.expect === undefined ? {} : { expected: b.c.expect }),
    ...(b.loaded === undefined ? {} : { policies: b.loaded.policiesFile }),
  };
}

async function readText(path: string, what: string, testFile: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new TestFileError('read', testFile, `cannot read ${what} file \`${path}\`: ${messageOf(e)}`);
  }
}

function parseJson(text: string, path: string, testFile: string): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    throw new TestFileError('parse', testFile, `\`${path}\` is not valid JSON: ${messageOf(e)}`);
  }
}

const errorCase = (b: Parameters<typeof header>[0], message: string, started: number): TestCaseResult => ({
  ...header(b),
  status: 'error',
  messages: [message],
  durationMs: performance.now() - started,
});

async function runFile(runner: Runner, path: string, out: TestCaseResult[]): Promise<void> {
  let file: TestFile;
  let loaded: Loaded;
  const started = performance.now();
  try {
    file = await readTestFile(path);
    loaded = await runner.load(file);
  } catch (e) {
    const line = e instanceof TestFileError ? e.line : undefined;
    out.push({
      file: path,
      name: '(test file)',
      index: 0,
      ...(line === undefined ? {} : { line }),
      status: 'error',
      messages: [messageOf(e)],
      durationMs: performance.now() - started,
    });
    return;
  }
  for (const c of file.cases) {
    const t0 = performance.now();
    const b = { file: path, c, loaded };
    if (c.problem !== undefined || c.request === undefined) {
      out.push(errorCase(b, c.problem ?? 'no request', t0));
      continue;
    }
    let authz: Authorizer;
    let request: AuthorizationRequest;
    try {
      authz = loaded.authorizer.withEntities(await runner.entities(c.entities ?? file.entities, file));
      request = requestOf(c.request);
    } catch (e) {
      out.push(errorCase(b, messageOf(e), t0));
      continue;
    }
    out.push(runner.decide(b, authz, request, t0));
  }
  for (const s of file.sessions) {
    let authz: Authorizer | undefined;
    let carried: Json = { ...s.context };
    const t0 = performance.now();
    try {
      authz = loaded.authorizer.withEntities(await runner.entities(s.entities ?? file.entities, file));
    } catch (e) {
      const first = s.steps[0];
      if (first) out.push(errorCase({ file: path, c: first, session: s.name, step: 0, loaded }, messageOf(e), t0));
      continue;
    }
    for (const [i, c] of s.steps.entries()) {
      const t1 = performance.now();
      const b = { file: path, c, session: s.name, step: i, loaded };
      if (c.problem !== undefined || c.request === undefined) {
        out.push(errorCase(b, c.problem ?? 'no request', t1));
        continue;
      }
      let result: TestCaseResult;
      try {
        if (c.entities !== undefined) authz = authz.withEntities(await runner.entities(c.entities, file));
        const own = isObject(c.request.context) ? c.request.context : {};
        result = runner.decide(b, authz, requestOf(c.request, mergeContext(carried, own)), t1);
      } catch (e) {
        out.push(errorCase(b, messageOf(e), t1));
        continue;
      }
      const u = 'update' in c ? c.update : undefined;
      try {
        if (u?.context) carried = mergeContext(carried, u.context);
        if (u?.entities || u?.remove) {
          const upserts = parseEntities(u.entities ?? [], { schema: authz.schema });
          const removals: EntityUID[] = (u.remove ?? []).map((r) =>
            parseEntityRef(uidOf(r, 'entity to remove') as never, 'entity to remove'),
          );
          authz = authz.withEntities(authz.entities.with(upserts, removals));
        }
      } catch (e) {
        // The step was decided; what follows it cannot be set up.
        result = {
          ...result,
          status: 'error',
          messages: [...result.messages, `update after the step: ${messageOf(e)}`],
        };
      }
      out.push(result);
    }
  }
}

/** Run test files (JSON or YAML; see `files/test-file`). Never rejects for a bad file: it becomes an errored case. */
export async function runTestFiles(files: string[], options: RunTestFilesOptions = {}): Promise<TestRunResult> {
  const runner = new Runner(options);
  const cases: TestCaseResult[] = [];
  for (const f of files) await runFile(runner, f, cases);
  // After the test files, so that a file they load keeps the key it was counted under.
  for (const p of options.coverageOf ?? []) {
    const started = performance.now();
    try {
      await runner.register(p);
    } catch (e) {
      cases.push({
        file: p,
        name: '(policies for coverage)',
        index: 0,
        status: 'error',
        messages: [messageOf(e)],
        durationMs: performance.now() - started,
      });
    }
  }
  const coverage = runner.coverage.report();
  const passed = cases.filter((c) => c.status === 'passed').length;
  const threshold = options.coverageThreshold;
  return {
    passed,
    failed: cases.length - passed,
    cases,
    coverage,
    thresholdMet: threshold === undefined || coverage.percent >= threshold,
    ...(threshold === undefined ? {} : { coverageThreshold: threshold }),
  };
}
