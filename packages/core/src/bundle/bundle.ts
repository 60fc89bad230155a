/**
 * @module bundle/bundle
 * Compiled policy sets as files. A bundle holds every policy and template in Cedar's JSON
 * policy format (EST — Cedar's own, stable and inspectable), the template links and,
 * optionally, the schema in Cedar's JSON schema format, with a SHA-256 digest of all of it.
 *
 * Reading a bundle lowers and compiles the EST directly: no Cedar text is parsed and
 * cedar-wasm is never loaded, so a process reaches its first decision within milliseconds of
 * import. The digest is checked on read (a bundle altered after it was written is refused);
 * its policies were parsed and, with a schema, validated by Cedar when it was written.
 *
 * Integers beyond 2^53 are written as `{"$long": "<digits>"}` and read back exactly.
 */
import { createHash } from 'node:crypto';
import { PolicySet, type TemplateLinkInput } from '../compile/policy-set.js';
import { callCedarWasm } from '../frontend/cedar-wasm.js';
import type { ParsedPolicy } from '../frontend/parse.js';
import { resolveSchemaJson } from '../schema/resolve.js';
import { Schema, type SchemaJson } from '../schema/schema.js';

export const BUNDLE_FORMAT = 'mandate-policy-bundle';
export const BUNDLE_VERSION = 1;

/** What a bundle carries besides its header. */
interface BundleContent {
  readonly policies: readonly { readonly id: string; readonly template: boolean; readonly est: unknown }[];
  readonly links: readonly TemplateLinkInput[];
  readonly schema: SchemaJson | null;
}

/** A problem reading a bundle: not a bundle, another version, or a digest mismatch. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  readonly kind: 'format' | 'version' | 'digest';
  constructor(kind: BundleError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface LoadedBundle {
  readonly policySet: PolicySet;
  /** The schema the bundle carries, ready for an `Authorizer` (built without wasm). */
  readonly schema: Schema | undefined;
  /** `sha256:<hex>` of the bundle's content. */
  readonly digest: string;
}

const LONG = '$long';

function toJson(content: BundleContent): string {
  return JSON.stringify(content, (_k, v) => (typeof v === 'bigint' ? { [LONG]: v.toString() } : v));
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const digits = (v as Record<string, unknown>)[LONG];
      if (keys.length === 1 && keys[0] === LONG && typeof digits === 'string' && /^-?\d+$/.test(digits)) {
        return BigInt(digits);
      }
    }
    return v;
  });
}

const digestOf = (contentJson: string): string => `sha256:${createHash('sha256').update(contentJson).digest('hex')}`;

/**
 * Write a policy set (and optionally its schema) as bundle text. A schema given as Cedar text
 * is converted to Cedar's JSON schema format (by cedar-wasm, at write time).
 */
export function writeBundle(policySet: PolicySet, opts: { schema?: Schema | undefined } = {}): string {
  let schema: SchemaJson | null = null;
  if (opts.schema !== undefined) {
    const source = opts.schema.source;
    if (typeof source === 'string') {
      const json = callCedarWasm('schemaToJson', source);
      if (json.type !== 'success')
        throw new BundleError('format', `cannot convert the schema to JSON: ${json.errors[0]?.message}`);
      schema = json.json as SchemaJson;
    } else schema = source;
  }
  const content: BundleContent = {
    policies: [
      ...policySet.staticIR.map((p) => ({ id: p.id, template: false, est: p.est })),
      ...[...policySet.templates.values()].map((t) => ({ id: t.id, template: true, est: t.est })),
    ],
    links: policySet.links,
    schema,
  };
  const contentJson = toJson(content);
  return `{"format":${JSON.stringify(BUNDLE_FORMAT)},"version":${BUNDLE_VERSION},"digest":${JSON.stringify(digestOf(contentJson))},"content":${contentJson}}\n`;
}

/** Read bundle text; throws {@link BundleError} (or `PolicyError` for a policy that cannot be lowered). */
export function readBundle(text: string): LoadedBundle {
  let raw: unknown;
  try {
    raw = fromJson(text);
  } catch (e) {
    throw new BundleError('format', `not a policy bundle: ${e instanceof Error ? e.message : String(e)}`);
  }
  const b = raw as { format?: unknown; version?: unknown; digest?: unknown; content?: unknown };
  if (raw === null || typeof raw !== 'object' || b.format !== BUNDLE_FORMAT) {
    throw new BundleError('format', `not a policy bundle (expected \`format: "${BUNDLE_FORMAT}"\`)`);
  }
  if (b.version !== BUNDLE_VERSION) {
    throw new BundleError(
      'version',
      `bundle version \`${String(b.version)}\` is not supported (expected ${BUNDLE_VERSION})`,
    );
  }
  const content = b.content as BundleContent | undefined;
  if (content === undefined || !Array.isArray(content.policies) || !Array.isArray(content.links)) {
    throw new BundleError('format', 'bundle content is malformed');
  }
  const digest = digestOf(toJson(content));
  if (digest !== b.digest) {
    throw new BundleError(
      'digest',
      `bundle digest mismatch: it says \`${String(b.digest)}\`, its content is \`${digest}\``,
    );
  }
  const policies: ParsedPolicy[] = content.policies.map((p) => ({
    id: p.id,
    isTemplate: p.template,
    est: p.est as ParsedPolicy['est'],
  }));
  const policySet = PolicySet.fromParsed({ policies, links: content.links });
  // Trusted by its digest: resolved here, without Cedar's (wasm) schema checks.
  const schema =
    content.schema === null ? undefined : Schema.fromResolved(resolveSchemaJson(content.schema), content.schema);
  return { policySet, schema, digest };
}
