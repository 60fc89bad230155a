/**
 * @module values/value
 * Cedar's runtime values and their equality.
 *
 * Representation (chosen for exactness first, then speed):
 * - Bool → `boolean`; String → `string` (never normalized);
 * - Long → `bigint` (signed 64-bit; arithmetic checks overflow, so no value is ever rounded);
 * - Entity → {@link EntityUID}; Set → {@link CedarSet}; Record → {@link CedarRecord};
 * - extension values (ipaddr, decimal, datetime, duration) → subclasses of {@link ExtensionValue}.
 *
 * Every value has a canonical key ({@link valueKey}) such that two values are equal in Cedar
 * exactly when their keys are equal; sets deduplicate and compare through it.
 */

export type Value = boolean | bigint | string | EntityUID | CedarSet | CedarRecord | ExtensionValue;

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

/** Quote a string the way Cedar prints string literals (for keys and messages). */
/** Whether a string has a character Cedar's string syntax escapes (quote, backslash, controls). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x7f) return true;
  }
  return false;
}

export function quoteCedarString(s: string): string {
  // Almost every id needs no escaping; skip the per-character loop for those.
  if (!needsEscape(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** An entity reference `Type::"id"`. Immutable; equality is by type and id. */
export class EntityUID {
  readonly type: string;
  readonly id: string;
  /** Canonical `Type::"id"` form, unique per uid; used as the map key everywhere. */
  readonly key: string;
  constructor(type: string, id: string) {
    this.type = type;
    this.id = id;
    this.key = `${type}::${quoteCedarString(id)}`;
  }
  equals(other: EntityUID): boolean {
    return this.key === other.key;
  }
  toString(): string {
    return this.key;
  }
  toJSON(): { type: string; id: string } {
    return { type: this.type, id: this.id };
  }
}

/** Base of the extension types; subclasses are immutable and define a canonical key. */
export abstract class ExtensionValue {
  /** The Cedar type name: `ipaddr`, `decimal`, `datetime` or `duration`. */
  abstract readonly extension: string;
  /** A string unique to the value within its extension type (equal values, equal keys). */
  abstract canonicalKey(): string;
  /** Cedar source form, e.g. `ip("10.0.0.1")`. */
  abstract toString(): string;
  /** The constructor function name and its string argument, for Cedar's `__extn` JSON. */
  abstract toExtnJson(): { fn: string; arg: string };
  equals(other: ExtensionValue): boolean {
    return this.extension === other.extension && this.canonicalKey() === other.canonicalKey();
  }
}

/** Sets up to this size are searched by scanning rather than through a key index. */
const SMALL_SET = 8;

/** A Cedar set: unordered, deduplicated by value equality. */
export class CedarSet {
  readonly items: readonly Value[];
  #index: Map<string, Value> | undefined;
  #key: string | undefined;
  private constructor(items: readonly Value[], index: Map<string, Value> | undefined) {
    this.items = items;
    this.#index = index;
  }
  static readonly EMPTY = new CedarSet([], undefined);
  /** Build a set from any values; duplicates (by Cedar equality) are dropped. */
  static of(values: Iterable<Value>): CedarSet {
    // Small sets of primitives (labels, hosts, ids): deduplicate by `===` (Cedar equality
    // for booleans, strings and bigints) and leave the index to be built only if needed.
    if (Array.isArray(values) && values.length <= SMALL_SET) {
      const items: Value[] = [];
      let primitive = true;
      for (const v of values as readonly Value[]) {
        if (typeof v === 'object') {
          primitive = false;
          break;
        }
        if (!items.includes(v)) items.push(v);
      }
      if (primitive) return new CedarSet(items, undefined);
    }
    const index = new Map<string, Value>();
    for (const v of values) {
      const k = valueKey(v);
      if (!index.has(k)) index.set(k, v);
    }
    return new CedarSet([...index.values()], index);
  }
  /**
   * @internal A set of `items` known to be distinct primitives (booleans, strings, Longs: `===`
   * is their Cedar equality); the array is kept, not copied. For the JSON reader, which
   * deduplicates small sets as it reads them; anything else should call {@link CedarSet.of}
   * (given duplicates, this set's size and equality would be wrong).
   */
  static fromDistinct(items: readonly (boolean | string | bigint)[]): CedarSet {
    return new CedarSet(items, undefined);
  }
  get size(): number {
    return this.items.length;
  }
  has(v: Value): boolean {
    // Small sets of primitives: a scan beats building the index.
    if (this.#index === undefined && this.items.length <= SMALL_SET && typeof v !== 'object') {
      for (const x of this.items) if (x === v) return true;
      return false;
    }
    return this.index().has(valueKey(v));
  }
  private index(): Map<string, Value> {
    if (this.#index === undefined) {
      const m = new Map<string, Value>();
      for (const v of this.items) m.set(valueKey(v), v);
      this.#index = m;
    }
    return this.#index;
  }
  keys(): IterableIterator<string> {
    return this.index().keys();
  }
  /** Canonical key (see {@link valueKey}), computed once. */
  canonicalKey(): string {
    if (this.#key === undefined) this.#key = `S${lengthPrefixed([...this.keys()].sort())}`;
    return this.#key;
  }
}

/**
 * Join strings so that the result is unambiguous without escaping: each part is prefixed by
 * its length. (Escaping nested keys, e.g. with JSON.stringify, doubles their size at every
 * level of nesting — exponential in depth.)
 */
function lengthPrefixed(parts: readonly string[]): string {
  let out = `${parts.length}[`;
  for (const p of parts) out += `${p.length}:${p}`;
  return `${out}]`;
}

/** Records up to this many attributes are searched by a scan; larger ones get a Map. */
const SMALL_RECORD = 16;

/**
 * A Cedar record: string keys (any string, including `__proto__`) to values.
 *
 * Two representations behind one interface: a `Map`, or (for records read from request JSON
 * on the hot path) parallel key/value arrays — building a 10-entry `Map` costs more than
 * the rest of a small request's parsing, and a scan of a few interned keys is as fast as a
 * hash lookup. `map` is built from the arrays on first use; large records build it on their
 * first lookup.
 */
export class CedarRecord {
  #map: ReadonlyMap<string, Value> | undefined;
  #names: readonly string[] | undefined;
  #values: readonly Value[] | undefined;
  #key: string | undefined;
  constructor(map: ReadonlyMap<string, Value>) {
    this.#map = map;
  }
  /**
   * A record of `names[i]` → `values[i]`. The names must be distinct (as an object's own
   * keys are); the arrays are kept, not copied.
   */
  static fromArrays(names: readonly string[], values: readonly Value[]): CedarRecord {
    const r = new CedarRecord(EMPTY_MAP);
    r.#map = undefined;
    r.#names = names;
    r.#values = values;
    return r;
  }
  /** The attributes as a Map (built once, for records made from arrays). */
  get map(): ReadonlyMap<string, Value> {
    let m = this.#map;
    if (m === undefined) {
      const names = this.#names as readonly string[];
      const values = this.#values as readonly Value[];
      const built = new Map<string, Value>();
      for (let i = 0; i < names.length; i++) built.set(names[i] as string, values[i] as Value);
      this.#map = m = built;
    }
    return m;
  }
  get size(): number {
    return this.#names !== undefined ? this.#names.length : (this.#map as ReadonlyMap<string, Value>).size;
  }
  /** Whether `f` holds for every attribute (stops at the first that fails); builds no Map. */
  every(f: (name: string, value: Value) => boolean): boolean {
    const names = this.#names;
    if (names !== undefined) {
      const values = this.#values as readonly Value[];
      for (let i = 0; i < names.length; i++) if (!f(names[i] as string, values[i] as Value)) return false;
      return true;
    }
    for (const [k, v] of this.#map as ReadonlyMap<string, Value>) if (!f(k, v)) return false;
    return true;
  }
  /** Canonical key (see {@link valueKey}), computed once. */
  canonicalKey(): string {
    if (this.#key === undefined) {
      const names = [...this.map.keys()].sort();
      const parts: string[] = [];
      for (const n of names) parts.push(n, valueKey(this.map.get(n) as Value));
      this.#key = `R${lengthPrefixed(parts)}`;
    }
    return this.#key;
  }
  static readonly EMPTY = new CedarRecord(new Map());
  static fromEntries(entries: Iterable<readonly [string, Value]>): CedarRecord {
    return new CedarRecord(new Map(entries));
  }
  get(k: string): Value | undefined {
    const names = this.#names;
    if (names !== undefined && names.length <= SMALL_RECORD) {
      for (let i = 0; i < names.length; i++) if (names[i] === k) return (this.#values as readonly Value[])[i];
      return undefined;
    }
    return this.map.get(k);
  }
  has(k: string): boolean {
    const names = this.#names;
    if (names !== undefined && names.length <= SMALL_RECORD) return names.includes(k);
    return this.map.has(k);
  }
}

const EMPTY_MAP: ReadonlyMap<string, Value> = new Map();

/** Cedar type name of a value, as used in error messages. */
export function typeOfValue(v: Value): string {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
  }
  if (v instanceof EntityUID) return `(entity of type \`${v.type}\`)`;
  if (v instanceof CedarSet) return 'set';
  if (v instanceof CedarRecord) return 'record';
  return v.extension;
}

/**
 * Canonical key: equal in Cedar ⇔ equal keys. Prefixed by kind so that values of
 * different types never collide (`"1"` vs `1` vs `decimal("1.0")`).
 */
export function valueKey(v: Value): string {
  switch (typeof v) {
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'bigint':
      return `l${v}`;
    case 'string':
      return `s${v}`;
  }
  if (v instanceof EntityUID) return `e${v.key}`;
  if (v instanceof CedarSet || v instanceof CedarRecord) return v.canonicalKey();
  return `x${v.extension}:${v.canonicalKey()}`;
}

/** Cedar `==`: never an error; values of different types are simply unequal. */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof EntityUID) return b instanceof EntityUID && a.key === b.key;
  if (a instanceof CedarSet) {
    if (!(b instanceof CedarSet) || a.size !== b.size) return false;
    for (const x of a.items) if (!b.has(x)) return false;
    return true;
  }
  if (a instanceof CedarRecord) {
    if (!(b instanceof CedarRecord) || a.size !== b.size) return false;
    for (const [k, x] of a.map) {
      const y = b.get(k);
      if (y === undefined || !valueEquals(x, y)) return false;
    }
    return true;
  }
  return b instanceof ExtensionValue && a.equals(b);
}

/** Cedar source form of a value (for explanations and error messages). */
export function valueToCedar(v: Value): string {
  switch (typeof v) {
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'string':
      return quoteCedarString(v);
  }
  if (v instanceof EntityUID) return v.key;
  if (v instanceof CedarSet) return `[${v.items.map(valueToCedar).join(', ')}]`;
  if (v instanceof CedarRecord) {
    return `{${[...v.map].map(([k, x]) => `${quoteCedarString(k)}: ${valueToCedar(x)}`).join(', ')}}`;
  }
  return v.toString();
}

/** JSON value as Cedar writes it (`__entity`, `__extn`); Longs beyond 2^53 stay bigint. */
export type CedarJson =
  | boolean
  | number
  | bigint
  | string
  | CedarJson[]
  | { __entity: { type: string; id: string } }
  | { __extn: { fn: string; arg: string } }
  | { [key: string]: CedarJson };

export function valueToJson(v: Value): CedarJson {
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'bigint':
      return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
  }
  if (v instanceof EntityUID) return { __entity: { type: v.type, id: v.id } };
  if (v instanceof CedarSet) return v.items.map(valueToJson);
  if (v instanceof CedarRecord) {
    const out: Record<string, CedarJson> = Object.create(null);
    for (const [k, x] of v.map) out[k] = valueToJson(x);
    return out;
  }
  return { __extn: v.toExtnJson() };
}
