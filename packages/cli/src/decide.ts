/**
 * @module decide
 * What `authorize`, `explain` and `impact` share: building an `Authorizer` from files (each
 * load error attributed to the file it came from) or from a bundle written by `mandate bundle`
 * (no Cedar text parsed, cedar-wasm never loaded), the request options, and how a policy is
 * named in output — Cedar's positional id, its `@id` annotation when it has one, and where it
 * is written.
 */
import { readFileSync } from 'node:fs';
import {
  type AuthorizationRequest,
  Authorizer,
  BundleError,
  type EntitiesInput,
  type EntityStore,
  type LoadedBundle,
  PolicyError,
  PolicySet,
  parseJsonText,
  readBundle,
  type Schema,
} from '@mandate/core';
import type { Command } from 'commander';
import { CliError, type FileLocation, formatLocation, type Locator, loadError, UsageError } from './errors.js';
import { type CliIo, resolvePath } from './io.js';
import { parseContextArg, parseUid, requestFromJson } from './request.js';
import { displayPath, loadEntitiesJson, loadPolicySources, loadSchema, PolicySources, readText } from './sources.js';

/** Where the policies come from: policy files (and a schema), or a bundle — exactly one. */
export interface PolicyInputs {
  /** Policy files or directories of `*.cedar` files. */
  readonly policies?: readonly string[] | undefined;
  /** A bundle written by `mandate bundle` (it carries its schema, if it has one). */
  readonly bundle?: string | undefined;
  readonly schema?: string | undefined;
  readonly entities?: string | undefined;
}

export interface LoadedAuthorizer {
  readonly authorizer: Authorizer;
  /** Where each policy is written; empty for a bundle (it holds no Cedar text). */
  readonly sources: PolicySources;
  readonly schema: Schema | undefined;
  /** The bundle's `sha256:` digest, when the policies came from one. */
  readonly digest?: string;
}

/**
 * Exactly one of `--policies` and `--bundle`, and no `--schema` with `--bundle` (the bundle
 * carries the schema it was validated against). Throws a {@link UsageError}.
 */
export function checkPolicyInputs(inputs: PolicyInputs): void {
  const files = inputs.policies !== undefined && inputs.policies.length > 0;
  if (files && inputs.bundle !== undefined) {
    throw new UsageError('give either `--policies` or `--bundle`, not both');
  }
  if (!files && inputs.bundle === undefined) {
    throw new UsageError('missing `--policies <path>` (or give `--bundle <file>`, written by `mandate bundle`)');
  }
  if (inputs.bundle !== undefined && inputs.schema !== undefined) {
    throw new UsageError(
      '`--schema` cannot be used with `--bundle`: the bundle carries the schema it was written with (`mandate bundle --schema`)',
    );
  }
}

/**
 * A bundle file read and checked (its digest), without parsing Cedar text or loading
 * cedar-wasm. A tampered or malformed bundle is a {@link CliError} naming the file.
 */
export function loadBundleFile(io: CliIo, path: string): LoadedBundle {
  const text = readText(io, path, 'bundle');
  try {
    return readBundle(text);
  } catch (e) {
    const err = loadError(e, 'bundle', displayPath(io, path));
    if (!(e instanceof BundleError && e.kind === 'digest')) throw err;
    throw new CliError(err.message, {
      details: ['the file was changed after it was written; write it again with `mandate bundle`'],
    });
  }
}

/** Compile policy files into a policy set, errors located in their files. */
export function compilePolicies(io: CliIo, paths: readonly string[]): { set: PolicySet; sources: PolicySources } {
  const sources = loadPolicySources(io, paths);
  try {
    return { set: PolicySet.compile(sources.text), sources };
  } catch (e) {
    throw loadError(e, 'policies', sources.files.join(', '), sources);
  }
}

/**
 * An authorizer over policy files, an optional schema (policies then validated strictly,
 * entities and requests checked against it) and an optional entities file — or over a bundle
 * (`inputs.bundle`) and an optional entities file.
 */
export function loadAuthorizer(
  io: CliIo,
  inputs: PolicyInputs,
  preloaded?: { schema?: Schema | undefined; entities?: EntitiesInput | EntityStore | undefined },
): LoadedAuthorizer {
  checkPolicyInputs(inputs);
  if (inputs.bundle !== undefined) return loadBundleAuthorizer(io, inputs.bundle, inputs.entities, preloaded?.entities);
  const schema = preloaded?.schema ?? (inputs.schema === undefined ? undefined : loadSchema(io, inputs.schema));
  const { set, sources } = compilePolicies(io, inputs.policies as readonly string[]);
  const entities =
    preloaded?.entities ?? (inputs.entities === undefined ? undefined : loadEntitiesJson(io, inputs.entities));
  try {
    return { authorizer: new Authorizer({ policies: set, schema, entities }), sources, schema };
  } catch (e) {
    if (e instanceof PolicyError) throw loadError(e, 'policies', sources.files.join(', '), sources);
    throw loadError(e, 'entities', inputs.entities === undefined ? undefined : displayPath(io, inputs.entities));
  }
}

/**
 * An authorizer over a bundle: its policies, its schema (already validated against when it was
 * written, so not again here) and an optional entities file. No wasm on this path.
 */
function loadBundleAuthorizer(
  io: CliIo,
  path: string,
  entitiesPath: string | undefined,
  preloaded: EntitiesInput | EntityStore | undefined,
): LoadedAuthorizer {
  const { policySet, schema, digest } = loadBundleFile(io, path);
  const entities = preloaded ?? (entitiesPath === undefined ? undefined : loadEntitiesJson(io, entitiesPath));
  try {
    return {
      authorizer: new Authorizer({ policies: policySet, schema, entities }),
      // No policy text: a bundle's policies are named by id and `@id` only.
      sources: new PolicySources([]),
      schema,
      digest,
    };
  } catch (e) {
    throw loadError(e, 'entities', entitiesPath === undefined ? undefined : displayPath(io, entitiesPath));
  }
}

/** Options naming one request, shared by `authorize` and `explain`. */
export interface RequestOptions {
  readonly request?: string;
  readonly principal?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly context?: string;
}

export function addRequestOptions(cmd: Command): Command {
  return cmd
    .option('--request <file>', 'request as JSON: { principal, action, resource, context }')
    .option('--principal <uid>', 'principal, e.g. `User::"alice"`')
    .option('--action <uid>', 'action, e.g. `Action::"read"`')
    .option('--resource <uid>', 'resource, e.g. `File::"notes"`')
    .option('--context <json>', 'context as a JSON object (default {})');
}

/** `--policies` (+ `--schema`) or `--bundle`, and `--entities`: shared by `authorize` and `explain`. */
export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .option('--policies <path>', 'Cedar policy file or directory of `*.cedar` files (repeatable)', collect)
    .option('--bundle <file>', 'a policy bundle written by `mandate bundle`, instead of --policies and --schema')
    .option('--entities <file>', 'entities JSON file (an array)')
    .option('--schema <file>', 'Cedar schema (text or JSON): validates policies, entities and requests');
}

/** Commander reducer for repeatable options. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The request named by `--request FILE` or by `--principal/--action/--resource/--context`. */
export function requestFromOptions(io: CliIo, o: RequestOptions): AuthorizationRequest {
  const flags = o.principal !== undefined || o.action !== undefined || o.resource !== undefined;
  if (o.request !== undefined) {
    if (flags || o.context !== undefined) {
      throw new UsageError('give either `--request` or `--principal/--action/--resource/--context`, not both');
    }
    let text: string;
    try {
      text = readFileSync(resolvePath(io, o.request), 'utf8');
    } catch (e) {
      throw loadError(e, 'request', o.request);
    }
    const where = displayPath(io, o.request);
    let json: unknown;
    try {
      json = parseJsonText(text);
    } catch (e) {
      throw new CliError(`${where}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    return requestFromJson(json, where);
  }
  const missing = (['principal', 'action', 'resource'] as const).filter((k) => o[k] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.map((m) => `\`--${m}\``).join(', ')} (or give \`--request FILE\`)`);
  }
  return {
    principal: parseUid(o.principal as string, 'principal') as AuthorizationRequest['principal'],
    action: parseUid(o.action as string, 'action') as AuthorizationRequest['action'],
    resource: parseUid(o.resource as string, 'resource') as AuthorizationRequest['resource'],
    context: o.context === undefined ? {} : parseContextArg(o.context),
  };
}

/** A policy as named in output. */
export interface PolicyRef {
  readonly id: string;
  /** Its `@id("…")` annotation, when it has one. */
  readonly annotationId?: string;
  readonly effect?: 'permit' | 'forbid';
  readonly location?: FileLocation;
}

export function policyRef(
  id: string,
  sources: Locator,
  determining?: { effect: 'permit' | 'forbid'; annotations: Readonly<Record<string, string>> },
): PolicyRef {
  const location = sources.policy(id);
  const ann = determining?.annotations.id;
  return {
    id,
    ...(ann !== undefined ? { annotationId: ann } : {}),
    ...(determining ? { effect: determining.effect } : {}),
    ...(location ? { location } : {}),
  };
}

/** `policy2 "read-own-files" (policies/files.cedar:12:1)` */
export function showPolicy(p: PolicyRef): string {
  return [
    p.id,
    p.annotationId !== undefined ? JSON.stringify(p.annotationId) : undefined,
    p.location ? `(${formatLocation(p.location)})` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(' ');
}
