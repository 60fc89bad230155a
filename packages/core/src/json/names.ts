/**
 * @module json/names
 * Cedar names (`Type`, `Namespace::Type`) as they appear in entity JSON. Cedar parses the
 * `type` of an entity reference with its policy grammar, so the name must be exactly a
 * normalized path of identifiers: ASCII `[A-Za-z_][A-Za-z0-9_]*` components joined by `::`,
 * no whitespace or comments, no reserved word (`true false if then else in is like has`),
 * and no `__cedar` component (that namespace is Cedar's own). Established against
 * cedar-wasm: `permit`, `principal`, `null`, `Set`, `Long`, `__proto__` are fine type names.
 */

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED: ReadonlySet<string> = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has']);

/**
 * Names already found valid. Requests name the same few types over and over; remembering
 * them takes the split and the regular expressions off the decision path. Bounded: when
 * full it is simply cleared.
 */
const VALID = new Set<string>();
const MAX_REMEMBERED = 4096;

/** Why `name` is not a valid entity type name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (VALID.has(name)) return undefined;
  const problem = findProblem(name);
  if (problem === undefined) {
    if (VALID.size >= MAX_REMEMBERED) VALID.clear();
    VALID.add(name);
  }
  return problem;
}

function findProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  const parts = name.split('::');
  for (const p of parts) {
    if (p === '') return `\`${name}\` has an empty path component`;
    if (!IDENT.test(p)) {
      return /\s|\/\//.test(name)
        ? `\`${name}\` is not normalized (remove whitespace and comments)`
        : `\`${p}\` is not a valid identifier`;
    }
    if (RESERVED.has(p)) return `\`${p}\` is a reserved identifier and cannot be used`;
    if (p === '__cedar') return `the name \`${name}\` contains \`__cedar\`, which is reserved`;
  }
  return undefined;
}

export function isValidName(name: string): boolean {
  return nameProblem(name) === undefined;
}

/**
 * Cedar treats every entity type whose last component is `Action` (`Action`,
 * `NS::Action`) as an action type: with a schema, its entities must be declared actions.
 */
export function isActionTypeName(name: string): boolean {
  return name === 'Action' || name.endsWith('::Action');
}
