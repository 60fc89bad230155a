/**
 * @module json/errors
 * The one error class of the data boundary: every entity, context, value or request that
 * Cedar would refuse is refused here with an {@link InputError} that says what was wrong
 * (`kind`, a message in Cedar's style: lowercase, offending input in backticks) and where
 * (`path`, a JSON path into the input, and `entity`, the uid of the entity at fault).
 */

/**
 * Families of input problem:
 * - `json`: not Cedar JSON at all (wrong shape, missing field, `null`, a number that is not
 *   a 64-bit integer, a JavaScript value JSON cannot hold, a string with lone surrogates);
 * - `name`: an entity type name that is not a Cedar name (`if`, `A::`, `__cedar::A`, ` A`);
 * - `escape`: the `__expr` escape, which Cedar no longer supports;
 * - `extension`: an `__extn` call (or a typed extension string) Cedar refuses to evaluate;
 * - `schema`: data that does not conform to the schema (types, attributes, ancestors, tags,
 *   undeclared entity types, enumerated ids);
 * - `action`: an action entity in the data that is undeclared or differs from the schema's;
 * - `duplicate`: two different entities with one uid;
 * - `request`: a request that fails Cedar's request validation;
 * - `limit`: input nested deeper than the configured bound.
 */
export type InputErrorKind =
  | 'json'
  | 'name'
  | 'escape'
  | 'extension'
  | 'schema'
  | 'action'
  | 'duplicate'
  | 'request'
  | 'limit';

/** One step of a JSON path: an object key or an array index. */
export type PathSegment = string | number;

/**
 * A JSON path as a persistent list: extending it is one small allocation and nothing is
 * copied, so the happy path pays almost nothing for the precise paths errors carry.
 */
export interface Path {
  readonly parent: Path | undefined;
  readonly key: PathSegment;
}

export const ROOT: Path | undefined = undefined;

export function child(parent: Path | undefined, key: PathSegment): Path {
  return { parent, key };
}

export function pathSegments(path: Path | undefined): PathSegment[] {
  const out: PathSegment[] = [];
  for (let p = path; p !== undefined; p = p.parent) out.push(p.key);
  return out.reverse();
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `[0].attrs.name`, `context["a b"]`: keys that are not identifiers are quoted. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(root)' : out;
}

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly kind: InputErrorKind;
  /** Where in the input, from its root (an entities array, a context object, …). */
  readonly path: readonly PathSegment[];
  /** The uid (`Type::"id"`) of the entity at fault, when there is one. */
  readonly entity: string | undefined;
  constructor(
    kind: InputErrorKind,
    message: string,
    opts: { path?: Path | undefined; entity?: string | undefined } = {},
  ) {
    super(message);
    this.kind = kind;
    this.path = pathSegments(opts.path);
    this.entity = opts.entity;
  }
  /** The path in a readable form, e.g. `[3].attrs.ip`. */
  get where(): string {
    return formatPath(this.path);
  }
}
