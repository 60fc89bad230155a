/**
 * @module files.test
 * Test files: `cedar run-tests` JSON read unchanged (Cedar's own sample shape), the object
 * and YAML forms, uid strings, positions, and what is refused — per case or per file.
 */
import { parseEntityUid, parseTestFile, TestFileError } from '@mandate/testing';
import { describe, expect, test } from 'vitest';

describe('parseEntityUid', () => {
  test('Cedar uid text, with namespaces and escapes', () => {
    expect(parseEntityUid('User::"alice"')).toEqual({ type: 'User', id: 'alice' });
    expect(parseEntityUid('Ns::Sub::Type::"a\\"b\\\\c\\n\\u{1F600}"')).toEqual({
      type: 'Ns::Sub::Type',
      id: 'a"b\\c\n😀',
    });
    expect(parseEntityUid('Action::""')).toEqual({ type: 'Action', id: '' });
    expect(parseEntityUid('Action::"__proto__"')).toEqual({ type: 'Action', id: '__proto__' });
  });
  test('anything else is not a uid', () => {
    for (const s of ['alice', 'User::alice', '::"x"', 'User::"a"b"', 'User::"\\q"', '1User::"x"', 'User::"x']) {
      expect(parseEntityUid(s), s).toBeUndefined();
    }
  });
});

describe('cedar run-tests files', () => {
  // The shape of Cedar's `sample-data/tiny_sandboxes/sample1/tests-*.json`.
  const text = JSON.stringify(
    [
      {
        request: { principal: 'User::"alice"', action: 'Action::"view"', resource: 'Photo::"AAAAA"', context: {} },
        entities: [{ uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [] }],
        decision: 'deny',
        reason: [],
        num_errors: 0,
      },
      {
        name: 'external entities',
        request: { principal: 'User::"alice"', action: 'Action::"view"', resource: 'Photo::"x"', context: {} },
        entities: 'entity.json',
        decision: 'allow',
        reason: ['policy0'],
        num_errors: 0,
      },
    ],
    null,
    2,
  );

  test('read unchanged: cases, names, entity files next to the test file, lines', () => {
    const f = parseTestFile(text, '/tmp/x/tests.json');
    expect(f.sessions).toEqual([]);
    expect(f.policies).toBeUndefined();
    expect(f.cases.map((c) => [c.name, c.line, c.problem])).toEqual([
      ['#1', 2, undefined],
      ['external entities', 23, undefined],
    ]);
    expect(f.cases[0]?.expect).toEqual({ decision: 'deny', reasons: [], numErrors: 0 });
    expect(f.cases[1]?.entities).toEqual({ file: '/tmp/x/entity.json' });
    expect(f.cases[0]?.request?.principal).toBe('User::"alice"');
  });

  test('integers beyond 2^53 stay exact', () => {
    const f = parseTestFile(
      '[{"request":{"principal":"U::\\"a\\"","action":"A::\\"b\\"","resource":"R::\\"c\\"","context":{"n":9007199254740993}},"entities":[],"decision":"deny","reason":[],"num_errors":0}]',
      'big.json',
    );
    expect(f.cases[0]?.request?.context).toEqual({ n: 9007199254740993n });
  });

  test('a malformed case fails alone', () => {
    const f = parseTestFile(
      '[{"request": {}, "entities": [], "decision": "maybe", "reason": [], "num_errors": 0}]',
      'a.json',
    );
    expect(f.cases[0]?.problem).toContain('`request.principal` is missing');
    expect(f.cases[0]?.problem).toContain('`decision` must be `allow` or `deny`, got `"maybe"`');
  });

  test('a file that is not JSON, or not a list, is refused with a typed error', () => {
    expect(() => parseTestFile('[{', 'bad.json')).toThrow(TestFileError);
    try {
      parseTestFile('42', 'n.json');
    } catch (e) {
      expect(e).toMatchObject({ kind: 'format', file: 'n.json' });
    }
  });
});

describe('the YAML form', () => {
  const yaml = `
policies: ../p/policies.cedar
schema: ../p/schema.cedarschema
idAnnotation: true
tests:
  - name: one
    request: { principal: User::"alice", action: Action::"read", resource: { type: File, id: f } }
    decision: allow
    reasons: [a]
    errors: []
sessions:
  - name: s
    context: { labels: [] }
    steps:
      - request: { principal: User::"alice", action: Action::"read", resource: File::"f" }
        decision: allow
        update: { context: { labels: [x] }, remove: [File::"f"] }
`;
  test('paths relative to the file; cases, sessions and updates', () => {
    const f = parseTestFile(yaml, '/w/tests/a.test.yaml');
    expect(f.policies).toBe('/w/p/policies.cedar');
    expect(f.schema).toBe('/w/p/schema.cedarschema');
    expect(f.idAnnotation).toBe(true);
    expect(f.cases[0]).toMatchObject({
      name: 'one',
      line: 6,
      expect: { decision: 'allow', reasons: ['a'], errors: [] },
    });
    expect(f.cases[0]?.request?.resource).toEqual({ type: 'File', id: 'f' });
    const s = f.sessions[0];
    expect(s).toMatchObject({ name: 's', line: 12, context: { labels: [] } });
    expect(s?.steps[0]).toMatchObject({
      index: 1,
      line: 15,
      update: { context: { labels: ['x'] }, remove: ['File::"f"'] },
    });
  });

  test('unknown keys and bad YAML are refused, with the line', () => {
    expect(() => parseTestFile('policy: x.cedar\ntests: []', 'a.yaml')).toThrow(/unknown key `policy`/);
    try {
      parseTestFile('tests: [\n  - a: b\n  c', 'b.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ kind: 'parse' });
      expect((e as TestFileError).line).toBeGreaterThan(0);
    }
  });
});
