/**
 * @module source
 * Where a policy set comes from, and its version: a folder of `.cedar` files (with a schema
 * file), a compiled bundle file, or policies given inline.
 *
 * The version names exactly what decided: for a bundle, its digest (the one `mandate bundle`
 * printed when it wrote it, shared by every process running it); for a folder or inline text, a
 * SHA-256 over the file names and contents and the schema. Loading compiles and, with a
 * schema, validates with Cedar; anything wrong throws `OpsError` of kind `load` naming the
 * file (and line) at fault.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type CompileOptions, PolicyError, PolicySet, readBundle, Schema, type SchemaJson } from '@mandate/core';
import { canonicalJson } from './canonical-json.js';
import { messageOf, OpsError } from './errors.js';

export type PolicySource =
  /**
   * Every `*.cedar` file directly in `dir`, in name order. The schema: `schemaFile`, else the
   * folder's one `*.cedarschema` (Cedar text) or `*.cedarschema.json` file, if any.
   */
  | { readonly kind: 'folder'; readonly dir: string; readonly schemaFile?: string }
  /** A bundle written by `writeBundle` / `mandate bundle` (its schema, if any, comes with it). */
  | { readonly kind: 'bundle'; readonly file: string }
  | {
      readonly kind: 'inline';
      readonly policies: string | PolicySet;
      readonly schema?: string | SchemaJson | Schema;
      /** The version to report (default: a hash of the text; required for a compiled `PolicySet`). */
      readonly version?: string;
    };

export interface LoadedPolicies {
  readonly policySet: PolicySet;
  readonly schema: Schema | undefined;
  /** `sha256:<hex>`: the bundle's digest, or a hash of the files (or text) and schema. */
  readonly version: string;
  /** `sha256:<hex>` of the schema's source, when there is one. */
  readonly schemaDigest: string | undefined;
  /** Files read (for watching). */
  readonly files: readonly string[];
}

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

function schemaDigestOf(schema: Schema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  return sha256(typeof schema.source === 'string' ? schema.source : canonicalJson(schema.source));
}

function loadError(what: string, e: unknown): OpsError {
  const details = e instanceof PolicyError ? e.details : [messageOf(e)];
  return new OpsError('load', `${what}: ${messageOf(e)}`, { details, cause: e });
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw loadError(`cannot read \`${file}\``, e);
  }
}

function folderSchemaFile(dir: string, names: readonly string[]): string | undefined {
  const found = names.filter((n) => n.endsWith('.cedarschema') || n.endsWith('.cedarschema.json'));
  if (found.length > 1)
    throw new OpsError(
      'load',
      `folder \`${dir}\` has several schema files (${found.map((f) => `\`${f}\``).join(', ')}); name one with \`schemaFile\``,
    );
  return found[0] === undefined ? undefined : join(dir, found[0]);
}

function loadSchemaText(file: string, text: string): Schema {
  try {
    return Schema.parse(text);
  } catch (e) {
    throw loadError(`schema \`${basename(file)}\``, e);
  }
}

function loadFolder(dir: string, schemaFile: string | undefined, opts: CompileOptions): LoadedPolicies {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw loadError(`cannot read folder \`${dir}\``, e);
  }
  const cedarFiles = names.filter((n) => n.endsWith('.cedar'));
  const schemaPath = schemaFile ?? folderSchemaFile(dir, names);
  const hash = createHash('sha256');
  const parts: { name: string; text: string; firstLine: number }[] = [];
  let line = 1;
  for (const name of cedarFiles) {
    const text = read(join(dir, name));
    hash.update(`${name}\0${text}\0`);
    parts.push({ name, text, firstLine: line });
    // Each file is followed by one newline; its lines are counted to map errors back to it.
    line += text.split('\n').length;
  }
  const schemaText = schemaPath === undefined ? undefined : read(schemaPath);
  if (schemaText !== undefined) hash.update(`schema\0${schemaText}`);
  const combined = parts.map((p) => p.text).join('\n');
  let policySet: PolicySet;
  try {
    policySet = PolicySet.compile(combined, opts);
  } catch (e) {
    const at = e instanceof PolicyError ? e.location : undefined;
    const part = at === undefined ? undefined : [...parts].reverse().find((p) => p.firstLine <= at.line);
    const where =
      part === undefined || at === undefined
        ? `policies in \`${dir}\``
        : `\`${part.name}\` line ${at.line - part.firstLine + 1}`;
    throw loadError(where, e);
  }
  const schema =
    schemaText === undefined || schemaPath === undefined ? undefined : loadSchemaText(schemaPath, schemaText);
  return {
    policySet,
    schema,
    version: `sha256:${hash.digest('hex')}`,
    schemaDigest: schemaDigestOf(schema),
    files: [...cedarFiles.map((n) => join(dir, n)), ...(schemaPath === undefined ? [] : [schemaPath])],
  };
}

function loadBundleFile(file: string): LoadedPolicies {
  const text = read(file);
  try {
    const b = readBundle(text);
    return {
      policySet: b.policySet,
      schema: b.schema,
      version: b.digest,
      schemaDigest: schemaDigestOf(b.schema),
      files: [file],
    };
  } catch (e) {
    throw loadError(`bundle \`${file}\``, e);
  }
}

function loadInline(source: Extract<PolicySource, { kind: 'inline' }>, opts: CompileOptions): LoadedPolicies {
  let schema: Schema | undefined;
  if (source.schema !== undefined) {
    try {
      schema = source.schema instanceof Schema ? source.schema : Schema.parse(source.schema);
    } catch (e) {
      throw loadError('schema', e);
    }
  }
  let policySet: PolicySet;
  let version = source.version;
  if (source.policies instanceof PolicySet) {
    policySet = source.policies;
    if (version === undefined)
      throw new OpsError('options', 'an inline compiled `PolicySet` needs a `version` (its text is not known)');
  } else {
    try {
      policySet = PolicySet.compile(source.policies, opts);
    } catch (e) {
      throw loadError('policies', e);
    }
    const schemaText =
      schema === undefined ? '' : typeof schema.source === 'string' ? schema.source : canonicalJson(schema.source);
    version ??= sha256(`${source.policies}\0schema\0${schemaText}`);
  }
  return { policySet, schema, version, schemaDigest: schemaDigestOf(schema), files: [] };
}

/** Load (read, parse, compile) a policy source. Throws `OpsError` of kind `load`. Validation is the authorizer's. */
export function loadPolicySource(source: PolicySource, opts: CompileOptions = {}): LoadedPolicies {
  switch (source.kind) {
    case 'folder':
      return loadFolder(source.dir, source.schemaFile, opts);
    case 'bundle':
      return loadBundleFile(source.file);
    case 'inline':
      return loadInline(source, opts);
  }
}
