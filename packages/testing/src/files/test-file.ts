/**
 * @module files/test-file
 * Test files → test cases. Two forms, in JSON or YAML:
 *
 * - `cedar run-tests` files, unchanged: a JSON array of cases
 *   `{ name?, request: { principal, action, resource, context }, entities, decision, reason, num_errors }`
 *   where principal/action/resource are Cedar uid strings (`User::"alice"`) and `entities` is
 *   an entities array or the name of an entities file next to the test file.
 * - Mandate's object form, which adds where the policies, schema and entities are, and
 *   sessions (multi-step traces):
 *   `{ policies?, schema?, entities?, idAnnotation?, tests?: [case…], sessions?: [{ name, entities?, context?, steps: [case + update?…] }] }`.
 *
 * In both forms a uid may also be `{ type, id }`; `reasons` is accepted for `reason`;
 * `num_errors` may be left out (not checked); `errors` lists the policies expected to error,
 * exactly. A case whose shape is wrong is kept with its problem, so that it fails alone (as
 * in `cedar run-tests`), not the whole file. Paths are relative to the test file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseJsonText } from '@mandate/core';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { messageOf, TestFileError } from '../errors.js';

/** What a case expects. */
export interface Expectation {
  readonly decision: 'allow' | 'deny';
  /** Policies that must be among the determining policies (as in `cedar run-tests`: a subset). */
  readonly reasons: readonly string[];
  /** How many policies must error (unchecked when absent). */
  readonly numErrors?: number;
  /** Exactly which policies must error (unchecked when absent). */
  readonly errors?: readonly string[];
}

/** Entities given inline, or the absolute path of an entities file. */
export type EntitiesSpec = { readonly inline: readonly unknown[] } | { readonly file: string };

/** A request as written: uids as Cedar strings or `{ type, id }`; context as Cedar JSON. */
export interface RequestSpec {
  readonly principal: unknown;
  readonly action: unknown;
  readonly resource: unknown;
  readonly context: unknown;
}

export interface CaseSpec {
  readonly name: string;
  /** Position among the file's cases and session steps, from 0. */
  readonly index: number;
  /** 1-based line of the case in the test file, when known. */
  readonly line?: number;
  readonly request?: RequestSpec;
  readonly entities?: EntitiesSpec;
  readonly expect?: Expectation;
  /** Why the case cannot run (it then fails as an error, alone). */
  readonly problem?: string;
}

/** What changes after a session step, before the next one. */
export interface StepUpdate {
  /** Merged into the carried context (records merged attribute by attribute, anything else replaced). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Entities added or replaced (Cedar entities JSON). */
  readonly entities?: readonly unknown[];
  /** Entities removed (uids). */
  readonly remove?: readonly unknown[];
}

export interface StepSpec extends CaseSpec {
  readonly update?: StepUpdate;
}

export interface SessionSpec {
  readonly name: string;
  readonly line?: number;
  readonly entities?: EntitiesSpec;
  /** The context every step starts from (a step's own context is merged over it). */
  readonly context: Readonly<Record<string, unknown>>;
  readonly steps: readonly StepSpec[];
}

export interface TestFile {
  /** The path as given. */
  readonly path: string;
  /** Absolute paths named by the file (relative to it). */
  readonly policies?: string;
  readonly schema?: string;
  readonly entities?: EntitiesSpec;
  readonly idAnnotation?: boolean;
  readonly cases: readonly CaseSpec[];
  readonly sessions: readonly SessionSpec[];
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);
const show = (x: unknown): string => {
  try {
    const s = JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    return s === undefined ? String(x) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
  } catch {
    return String(x);
  }
};

/** Read and parse a test file. Throws {@link TestFileError} when the file as a whole is unusable. */
export async function readTestFile(path: string): Promise<TestFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new TestFileError('read', path, `cannot read test file \`${path}\`: ${messageOf(e)}`);
  }
  return parseTestFile(text, path);
}

/** Parse test file text (`path` decides the syntax, by extension, and anchors relative paths). */
export function parseTestFile(text: string, path: string): TestFile {
  const yamlSyntax = /\.ya?ml$/i.test(path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: yamlSyntax, intAsBigInt: true });
  let data: unknown;
  if (yamlSyntax) {
    const err = doc.errors[0];
    if (err !== undefined) {
      throw new TestFileError(
        'parse',
        path,
        `test file \`${path}\` is not valid YAML: ${err.message}`,
        err.linePos?.[0].line,
      );
    }
    data = doc.toJS({ maxAliasCount: 100 });
  } else {
    try {
      data = parseJsonText(text);
    } catch (e) {
      throw new TestFileError('parse', path, `test file \`${path}\` is not valid JSON: ${messageOf(e)}`);
    }
  }
  // Positions come from the YAML parser for both syntaxes (JSON is YAML); none if it cannot read the file.
  const lineOf = (n: YamlNode | null | undefined): number | undefined =>
    n?.range ? lines.linePos(n.range[0]).line : undefined;
  const base = dirname(resolve(path));
  const fileRef = (x: unknown, what: string): string => {
    if (typeof x !== 'string' || x === '') {
      throw new TestFileError('format', path, `\`${what}\` in \`${path}\` must be a file path, got \`${show(x)}\``);
    }
    return resolve(base, x);
  };
  const entitiesOf = (x: unknown): EntitiesSpec | string | undefined => {
    if (x === undefined) return undefined;
    if (Array.isArray(x)) return { inline: x };
    if (typeof x === 'string' && x !== '') return { file: resolve(base, x) };
    return `\`entities\` must be an array of entities or a file name, got \`${show(x)}\``;
  };

  const root = doc.contents;
  let counter = 0;
  const readCase = (raw: unknown, node: unknown, inSession: boolean): StepSpec => {
    const index = counter++;
    const line = lineOf(node as YamlNode | undefined);
    const at = line === undefined ? {} : { line };
    if (!isObject(raw)) {
      return { name: `#${index + 1}`, index, ...at, problem: `a test case must be an object, got \`${show(raw)}\`` };
    }
    const given = own(raw, 'name');
    const name = typeof given === 'string' && given !== '' ? given : `#${index + 1}`;
    const problems: string[] = [];
    const req = own(raw, 'request');
    let request: RequestSpec | undefined;
    if (!isObject(req)) problems.push(`\`request\` must be an object, got \`${show(req)}\``);
    else {
      for (const k of ['principal', 'action', 'resource']) {
        if (own(req, k) === undefined) problems.push(`\`request.${k}\` is missing`);
      }
      const context = own(req, 'context') ?? {};
      request = {
        principal: own(req, 'principal'),
        action: own(req, 'action'),
        resource: own(req, 'resource'),
        context,
      };
    }
    const entities = entitiesOf(own(raw, 'entities'));
    if (typeof entities === 'string') problems.push(entities);
    const decision = own(raw, 'decision');
    if (decision !== 'allow' && decision !== 'deny') {
      problems.push(`\`decision\` must be \`allow\` or \`deny\`, got \`${show(decision)}\``);
    }
    const reasonRaw = own(raw, 'reason') ?? own(raw, 'reasons') ?? [];
    const reasons = Array.isArray(reasonRaw) && reasonRaw.every((r) => typeof r === 'string') ? reasonRaw : undefined;
    if (reasons === undefined) problems.push(`\`reason\` must be a list of policy ids, got \`${show(reasonRaw)}\``);
    const numRaw = own(raw, 'num_errors');
    const numErrors = typeof numRaw === 'bigint' ? Number(numRaw) : numRaw;
    if (
      numErrors !== undefined &&
      !(typeof numErrors === 'number' && Number.isSafeInteger(numErrors) && numErrors >= 0)
    ) {
      problems.push(`\`num_errors\` must be a count, got \`${show(numRaw)}\``);
    }
    const errorsRaw = own(raw, 'errors');
    if (errorsRaw !== undefined && !(Array.isArray(errorsRaw) && errorsRaw.every((r) => typeof r === 'string'))) {
      problems.push(`\`errors\` must be a list of policy ids, got \`${show(errorsRaw)}\``);
    }
    let update: StepUpdate | undefined;
    const upd = own(raw, 'update');
    if (upd !== undefined) {
      if (!inSession) problems.push('`update` is only meaningful in a session step');
      else if (!isObject(upd)) problems.push(`\`update\` must be an object, got \`${show(upd)}\``);
      else {
        const ctx = own(upd, 'context');
        const ents = own(upd, 'entities');
        const rem = own(upd, 'remove');
        if (ctx !== undefined && !isObject(ctx)) problems.push('`update.context` must be a record');
        if (ents !== undefined && !Array.isArray(ents)) problems.push('`update.entities` must be a list of entities');
        if (rem !== undefined && !Array.isArray(rem)) problems.push('`update.remove` must be a list of uids');
        update = {
          ...(isObject(ctx) ? { context: ctx } : {}),
          ...(Array.isArray(ents) ? { entities: ents } : {}),
          ...(Array.isArray(rem) ? { remove: rem } : {}),
        };
      }
    }
    if (problems.length > 0) return { name, index, ...at, problem: problems.join('; ') };
    return {
      name,
      index,
      ...at,
      ...(request === undefined ? {} : { request }),
      ...(entities === undefined || typeof entities === 'string' ? {} : { entities }),
      expect: {
        decision: decision as 'allow' | 'deny',
        reasons: reasons as string[],
        ...(typeof numErrors === 'number' ? { numErrors } : {}),
        ...(Array.isArray(errorsRaw) ? { errors: errorsRaw as string[] } : {}),
      },
      ...(update === undefined ? {} : { update }),
    };
  };
  const items = (node: unknown): unknown[] => (isSeq(node) ? node.items : []);

  if (Array.isArray(data)) {
    const nodes = items(root);
    return { path, cases: data.map((c, i) => readCase(c, nodes[i], false)), sessions: [] };
  }
  if (!isObject(data)) {
    throw new TestFileError(
      'format',
      path,
      `test file \`${path}\` must hold a list of test cases or an object with \`tests\``,
    );
  }
  const known = new Set(['policies', 'schema', 'entities', 'idAnnotation', 'tests', 'sessions']);
  for (const k of Object.keys(data)) {
    if (!known.has(k)) throw new TestFileError('format', path, `unknown key \`${k}\` in test file \`${path}\``);
  }
  const child = (key: string): unknown => (isMap(root) ? root.get(key, true) : undefined);
  const entities = entitiesOf(own(data, 'entities'));
  if (typeof entities === 'string') throw new TestFileError('format', path, `${entities} (in \`${path}\`)`);
  const idAnnotation = own(data, 'idAnnotation');
  if (idAnnotation !== undefined && typeof idAnnotation !== 'boolean') {
    throw new TestFileError('format', path, `\`idAnnotation\` in \`${path}\` must be true or false`);
  }
  const tests = own(data, 'tests') ?? [];
  if (!Array.isArray(tests)) throw new TestFileError('format', path, `\`tests\` in \`${path}\` must be a list`);
  const testNodes = items(child('tests'));
  const cases = tests.map((c, i) => readCase(c, testNodes[i], false));

  const sessionsRaw = own(data, 'sessions') ?? [];
  if (!Array.isArray(sessionsRaw))
    throw new TestFileError('format', path, `\`sessions\` in \`${path}\` must be a list`);
  const sessionNodes = items(child('sessions'));
  const sessions = sessionsRaw.map((s, i): SessionSpec => {
    const node = sessionNodes[i];
    const line = lineOf(node as YamlNode | undefined);
    if (!isObject(s)) throw new TestFileError('format', path, `a session must be an object, got \`${show(s)}\``, line);
    const name = typeof own(s, 'name') === 'string' ? (own(s, 'name') as string) : `session #${i + 1}`;
    const steps = own(s, 'steps');
    if (!Array.isArray(steps) || steps.length === 0) {
      throw new TestFileError('format', path, `session \`${name}\` in \`${path}\` needs a list of \`steps\``, line);
    }
    const ctx = own(s, 'context') ?? {};
    if (!isObject(ctx))
      throw new TestFileError('format', path, `\`context\` of session \`${name}\` must be a record`, line);
    const ents = entitiesOf(own(s, 'entities'));
    if (typeof ents === 'string') throw new TestFileError('format', path, `${ents} (session \`${name}\`)`, line);
    const stepNodes = items(isMap(node) ? node.get('steps', true) : undefined);
    return {
      name,
      ...(line === undefined ? {} : { line }),
      ...(ents === undefined ? {} : { entities: ents }),
      context: ctx,
      steps: steps.map((st, j) => readCase(st, stepNodes[j], true)),
    };
  });
  return {
    path,
    ...(own(data, 'policies') === undefined ? {} : { policies: fileRef(own(data, 'policies'), 'policies') }),
    ...(own(data, 'schema') === undefined ? {} : { schema: fileRef(own(data, 'schema'), 'schema') }),
    ...(entities === undefined ? {} : { entities }),
    ...(idAnnotation === undefined ? {} : { idAnnotation }),
    cases,
    sessions,
  };
}
