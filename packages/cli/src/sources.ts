/**
 * @module sources
 * Reading the inputs every command shares: policy files (one or several files or
 * directories, joined in order, with a map back to `file:line:column`), a schema, an
 * entities file. Load errors name the file and, where the core gives one, the place in it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { type EntitiesInput, lineColumn, locatePolicies, parseJsonText, Schema } from '@mandate/core';
import { CliError, type FileLocation, type Locator, loadError } from './errors.js';
import { type CliIo, resolvePath } from './io.js';

/** Read a text file; a missing or unreadable file is a {@link CliError} naming it. */
export function readText(io: CliIo, path: string, what: string): string {
  try {
    return readFileSync(resolvePath(io, path), 'utf8');
  } catch (e) {
    throw loadError(e, what, path);
  }
}

/** Path as shown in messages: relative to the working directory when inside it. */
export function displayPath(io: CliIo, path: string): string {
  const rel = relative(io.cwd, resolvePath(io, path));
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** Files found in directories that a command takes: by extension (`.cedar`), or any test. */
export const byExtension =
  (...extensions: string[]) =>
  (name: string): boolean =>
    extensions.includes(extname(name));

/**
 * Expand directories into the files in them that `accept` takes (recursively, sorted by path
 * so the order — and so Cedar's positional policy ids — is stable); files are kept as given.
 */
export function expandPaths(io: CliIo, paths: readonly string[], accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(resolvePath(io, dir), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
      } else if (accept(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(resolvePath(io, p)).isDirectory();
    } catch (e) {
      throw loadError(e, 'file', p);
    }
    if (isDir) walk(p);
    else out.push(p);
  }
  return out;
}

interface Segment {
  readonly file: string;
  readonly start: number;
  readonly text: string;
}

/** Policy text gathered from one or more files, and where each of its parts came from. */
export class PolicySources implements Locator {
  readonly text: string;
  readonly files: readonly string[];
  readonly #segments: readonly Segment[];
  readonly #starts: readonly number[];

  constructor(segments: readonly Segment[]) {
    this.#segments = segments;
    // A newline between files so that a comment at the end of one cannot swallow the next.
    this.text = segments.map((s) => s.text).join('\n');
    this.files = segments.map((s) => s.file);
    // Cedar's own numbering (`policy0`, `policy1`, … in text order), from the core's scanner.
    this.#starts = locatePolicies(this.text).map((l) => l.offset);
  }

  /** Number of policy statements (policies and templates). */
  get count(): number {
    return this.#starts.length;
  }

  at(offset: number): FileLocation | undefined {
    for (let i = this.#segments.length - 1; i >= 0; i--) {
      const s = this.#segments[i] as Segment;
      if (offset >= s.start) return { file: s.file, ...lineColumn(s.text, offset - s.start) };
    }
    return undefined;
  }

  policy(id: string): FileLocation | undefined {
    const m = /^policy(\d+)$/.exec(id);
    if (!m) return undefined;
    const start = this.#starts[Number(m[1])];
    return start === undefined ? undefined : this.at(start);
  }
}

/** Read policy files and directories (`*.cedar`) into one policy text. */
export function loadPolicySources(io: CliIo, paths: readonly string[]): PolicySources {
  const files = expandPaths(io, paths, byExtension('.cedar'));
  if (files.length === 0) throw new CliError(`no policy files (\`*.cedar\`) in \`${paths.join('`, `')}\``);
  const segments: Segment[] = [];
  let offset = 0;
  for (const f of files) {
    const text = readText(io, f, 'policies');
    segments.push({ file: displayPath(io, f), start: offset, text });
    offset += text.length + 1;
  }
  return new PolicySources(segments);
}

/** A schema file (Cedar schema text or Cedar JSON schema), parsed. */
export function loadSchema(io: CliIo, path: string): Schema {
  const text = readText(io, path, 'schema');
  try {
    return Schema.parse(text);
  } catch (e) {
    throw loadError(e, 'schema', displayPath(io, path));
  }
}

/** An entities file: Cedar entities JSON (an array), read with exact integers. */
export function loadEntitiesJson(io: CliIo, path: string): EntitiesInput {
  const text = readText(io, path, 'entities');
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    throw loadError(e, 'entities', displayPath(io, path));
  }
  if (!Array.isArray(json)) {
    throw new CliError(`${displayPath(io, path)}: entities must be a JSON array of \`{ uid, attrs, parents }\``);
  }
  return json;
}
