import { locatePolicies } from '@mandate/core';
import { describe, expect, it } from 'vitest';
import { type CliIo, EXIT, requestDigest, run } from '../src/index.js';
import { colorEnabled } from '../src/io.js';
import { parseUid } from '../src/request.js';
import { capture, FIXTURES, tempDir } from './helpers.js';

describe('run() in-process', () => {
  it('decides with injected streams and returns the exit code', async () => {
    const { dir, cleanup } = tempDir(FIXTURES);
    try {
      const c = capture(dir);
      const code = await run(
        [
          'authorize',
          '--policies',
          'policies.cedar',
          '--entities',
          'entities.json',
          '--principal',
          'User::"alice"',
          '--action',
          'Action::"read"',
          '--resource',
          'File::"keys"',
          '--json',
        ],
        c.io,
      );
      expect(code).toBe(EXIT.DENY);
      expect(JSON.parse(c.out())).toMatchObject({ decision: 'deny', reasons: ['policy1'] });
      expect(c.err()).toBe('');
    } finally {
      cleanup();
    }
  });

  it('maps commander usage errors to 2 and help to 0, without exiting the process', async () => {
    const c = capture(process.cwd());
    expect(await run(['nope'], c.io)).toBe(EXIT.USAGE);
    expect(await run(['--help'], c.io)).toBe(EXIT.OK);
    expect(c.out()).toContain('Usage: mandate');
  });
});

describe('parseUid', () => {
  it('reads Cedar uid syntax, namespaces and escapes', () => {
    expect(parseUid('User::"alice"', 'principal')).toEqual({ type: 'User', id: 'alice' });
    expect(parseUid('Mandate::Agent::"a\\"b\\u{1F600}"', 'principal')).toEqual({ type: 'Mandate::Agent', id: 'a"b😀' });
    expect(parseUid('{"type":"User","id":"x"}', 'principal')).toEqual({ type: 'User', id: 'x' });
  });

  it('refuses anything else, quoting the input', () => {
    expect(() => parseUid('alice', 'principal')).toThrow('principal `alice` is not an entity uid');
    expect(() => parseUid('User::"a" extra', 'principal')).toThrow('not an entity uid');
    expect(() => parseUid('1User::"a"', 'principal')).toThrow('not an entity uid');
  });
});

describe('locatePolicies (the core scanner the CLI numbers policies with)', () => {
  it("numbers statements as Cedar does, past comments and strings holding ';' and '//'", () => {
    const text =
      '// a; b\npermit(principal, action, resource) when { "x;//y" == "z" };\n\n  @id("a;b")\nforbid(principal, action, resource);';
    expect(locatePolicies(text).map((l) => l.offset)).toEqual([8, text.indexOf('@id')]);
    expect(locatePolicies(text).map((l) => [l.line, l.column])).toEqual([
      [2, 1],
      [4, 3],
    ]);
  });
});

describe('requestDigest', () => {
  it('does not depend on key order or on how a uid is written', () => {
    const a = requestDigest({
      principal: { type: 'User', id: 'a' },
      action: { type: 'Action', id: 'read' },
      resource: { __entity: { type: 'File', id: 'f' } },
      context: { x: 1, y: [1, { b: 2, a: 1 }] },
    });
    const b = requestDigest({
      principal: { type: 'User', id: 'a' },
      action: { type: 'Action', id: 'read' },
      resource: { type: 'File', id: 'f' },
      context: { y: [1, { a: 1, b: 2 }], x: 1 },
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
  });
});

describe('colorEnabled', () => {
  const io = (env: Record<string, string>): CliIo => ({
    stdout: { write: () => true },
    stderr: { write: () => true },
    env,
    cwd: '/',
  });
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true };
  it('colours terminals only, honours NO_COLOR, FORCE_COLOR and --no-color', () => {
    expect(colorEnabled(io({}), tty)).toBe(true);
    expect(colorEnabled(io({}), pipe)).toBe(false);
    expect(colorEnabled(io({ NO_COLOR: '1' }), tty)).toBe(false);
    expect(colorEnabled(io({ TERM: 'dumb' }), tty)).toBe(false);
    expect(colorEnabled(io({ FORCE_COLOR: '1' }), pipe)).toBe(true);
    expect(colorEnabled(io({ FORCE_COLOR: '0' }), tty)).toBe(false);
    expect(colorEnabled(io({ FORCE_COLOR: '1' }), tty, false)).toBe(false);
  });
});
