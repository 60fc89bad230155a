/**
 * @module entities/store
 * The entity store: entities by uid, with their transitive ancestor sets computed once at
 * load time so that `in` is a single set lookup at decision time.
 *
 * Rules mirrored from Cedar: a duplicate uid is an error; a cycle in the parent relation is
 * an error; parents that are not themselves entities are allowed (they are ancestors, with no
 * further ancestors). Keys are Cedar's `Type::"id"` strings in `Map`s, so ids such as
 * `__proto__` are plain data. Stores are immutable: {@link EntityStore.with} returns a new
 * version that shares every entity whose ancestry did not change.
 */
import { CedarRecord, type EntityUID, type Value, valueEquals } from '../values/value.js';

/** One entity as given: attributes, direct parents and tags, already parsed to values. */
export interface EntityInput {
  readonly uid: EntityUID;
  readonly attrs: ReadonlyMap<string, Value> | CedarRecord;
  readonly parents: readonly EntityUID[];
  readonly tags?: ReadonlyMap<string, Value> | undefined;
}

/** A stored entity. */
export interface StoredEntity {
  readonly uid: EntityUID;
  readonly attrs: CedarRecord;
  readonly parents: readonly EntityUID[];
  /** Keys (`Type::"id"`) of every transitive ancestor, the entity itself excluded. */
  readonly ancestors: ReadonlySet<string>;
  /** Length of the longest parent chain above the entity (0 for an entity with no parents). */
  readonly depth: number;
  readonly tags: ReadonlyMap<string, Value>;
}

/** Load-time problem with entities (duplicates, cycles, limits). */
export class EntityError extends Error {
  override readonly name = 'EntityError';
  readonly kind: 'duplicate' | 'cycle' | 'limit' | 'parse';
  readonly uid: string | undefined;
  constructor(kind: EntityError['kind'], message: string, uid?: string) {
    super(message);
    this.kind = kind;
    this.uid = uid;
  }
}

const NO_TAGS: ReadonlyMap<string, Value> = new Map();
const NO_ANCESTORS: ReadonlySet<string> = new Set();

export interface EntityStoreOptions {
  /**
   * Longest parent chain accepted (default {@link DEFAULT_MAX_HIERARCHY_DEPTH}); deeper is an
   * {@link EntityError} of kind `limit`. Ancestor sets are precomputed so that `in` is O(1);
   * their total size grows with the square of a chain's length, which this bounds.
   */
  readonly maxHierarchyDepth?: number;
}

export const DEFAULT_MAX_HIERARCHY_DEPTH = 2_000;

let versionCounter = 0;

export class EntityStore {
  readonly #entities: Map<string, StoredEntity>;
  readonly #maxDepth: number;
  /** Changes every time a store is created or updated; decisions can name it. */
  readonly version: number;

  private constructor(entities: Map<string, StoredEntity>, maxDepth: number) {
    this.#entities = entities;
    this.#maxDepth = maxDepth;
    this.version = ++versionCounter;
  }

  static readonly EMPTY: EntityStore = new EntityStore(new Map(), DEFAULT_MAX_HIERARCHY_DEPTH);

  /** Build a store; throws {@link EntityError} on duplicate uids or cycles. */
  static from(inputs: Iterable<EntityInput>, opts: EntityStoreOptions = {}): EntityStore {
    const raw = new Map<string, EntityInput>();
    for (const e of inputs) addUnique(raw, e);
    const maxDepth = opts.maxHierarchyDepth ?? DEFAULT_MAX_HIERARCHY_DEPTH;
    return new EntityStore(closeAncestors(raw, new Map(), maxDepth), maxDepth);
  }

  get size(): number {
    return this.#entities.size;
  }

  get(key: string): StoredEntity | undefined {
    return this.#entities.get(key);
  }

  getEntity(uid: EntityUID): StoredEntity | undefined {
    return this.#entities.get(uid.key);
  }

  /** Cedar's `a in b` for two entities: reflexive, or `b` is a transitive ancestor of `a`. */
  isIn(a: EntityUID, b: EntityUID): boolean {
    if (a.key === b.key) return true;
    const e = this.#entities.get(a.key);
    return e !== undefined && e.ancestors.has(b.key);
  }

  entities(): IterableIterator<StoredEntity> {
    return this.#entities.values();
  }

  /**
   * A new store with `upserts` added or replaced and `removals` deleted. Only the changed
   * entities and their descendants get new ancestor sets; everything else is shared.
   */
  with(upserts: Iterable<EntityInput>, removals: Iterable<EntityUID> = []): EntityStore {
    const changed = new Map<string, EntityInput>();
    for (const e of upserts) {
      if (changed.has(e.uid.key))
        throw new EntityError('duplicate', `duplicate entity entry \`${e.uid.key}\``, e.uid.key);
      changed.set(e.uid.key, e);
    }
    const removed = new Set<string>();
    for (const u of removals) removed.add(u.key);
    // Every entity whose ancestry may change: the changed ones and all their descendants.
    const affected = new Set<string>([...changed.keys(), ...removed]);
    const children = new Map<string, string[]>();
    for (const [k, e] of this.#entities) {
      for (const p of e.parents) {
        const list = children.get(p.key);
        if (list === undefined) children.set(p.key, [k]);
        else list.push(k);
      }
    }
    const stack = [...affected];
    while (stack.length) {
      for (const c of children.get(stack.pop() as string) ?? []) {
        if (!affected.has(c)) {
          affected.add(c);
          stack.push(c);
        }
      }
    }
    const kept = new Map<string, StoredEntity>();
    const redo = new Map<string, EntityInput>();
    for (const [k, e] of this.#entities) {
      if (removed.has(k) && !changed.has(k)) continue;
      if (affected.has(k)) redo.set(k, changed.get(k) ?? e);
      else kept.set(k, e);
    }
    for (const [k, e] of changed) redo.set(k, e);
    return new EntityStore(closeAncestors(redo, kept, this.#maxDepth), this.#maxDepth);
  }
}

/**
 * Add an entity, refusing a second entry for the same uid unless it is identical (same
 * attributes and tags by value, same parents as a set), which Cedar accepts.
 */
function addUnique(into: Map<string, EntityInput>, e: EntityInput): void {
  const prev = into.get(e.uid.key);
  if (prev === undefined) into.set(e.uid.key, e);
  else if (!sameEntity(prev, e)) {
    throw new EntityError('duplicate', `duplicate entity entry \`${e.uid.key}\``, e.uid.key);
  }
}

const mapOf = (m: ReadonlyMap<string, Value> | CedarRecord | undefined): ReadonlyMap<string, Value> =>
  m === undefined ? NO_TAGS : m instanceof CedarRecord ? m.map : m;

function sameValues(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !valueEquals(v, w)) return false;
  }
  return true;
}

function sameEntity(a: EntityInput, b: EntityInput): boolean {
  const pa = new Set(a.parents.map((p) => p.key));
  const pb = new Set(b.parents.map((p) => p.key));
  return (
    pa.size === pb.size &&
    [...pa].every((k) => pb.has(k)) &&
    sameValues(mapOf(a.attrs), mapOf(b.attrs)) &&
    sameValues(mapOf(a.tags), mapOf(b.tags))
  );
}

/**
 * Compute ancestor sets for `todo`, given `done` entities whose sets are final. Iterative
 * depth-first search (no recursion, so a 100,000-deep chain cannot overflow the stack),
 * with the usual three colours to detect cycles.
 */
function closeAncestors(
  todo: Map<string, EntityInput>,
  done: Map<string, StoredEntity>,
  maxDepth: number,
): Map<string, StoredEntity> {
  const out = done;
  const onPath = new Set<string>();
  const finish = (e: EntityInput): StoredEntity => {
    let ancestors: Set<string> | undefined;
    let depth = 0;
    for (const p of e.parents) {
      ancestors ??= new Set();
      ancestors.add(p.key);
      const pe = out.get(p.key);
      if (pe) for (const a of pe.ancestors) ancestors.add(a);
      // A parent that is not an entity is a root: one level above.
      const d = pe ? pe.depth + 1 : 1;
      if (d > depth) depth = d;
    }
    if (depth > maxDepth) {
      throw new EntityError('limit', `entity hierarchy deeper than ${maxDepth} at \`${e.uid.key}\``, e.uid.key);
    }
    const stored: StoredEntity = {
      uid: e.uid,
      attrs: e.attrs instanceof CedarRecord ? e.attrs : new CedarRecord(e.attrs),
      parents: e.parents,
      ancestors: ancestors ?? NO_ANCESTORS,
      depth,
      tags: e.tags && e.tags.size > 0 ? e.tags : NO_TAGS,
    };
    out.set(e.uid.key, stored);
    return stored;
  };
  for (const root of todo.values()) {
    if (out.has(root.uid.key)) continue;
    // stack of [entity, index of next parent to visit]
    const stack: [EntityInput, number][] = [[root, 0]];
    onPath.add(root.uid.key);
    while (stack.length) {
      const top = stack[stack.length - 1] as [EntityInput, number];
      const [e, i] = top;
      if (i < e.parents.length) {
        top[1]++;
        const pk = (e.parents[i] as EntityUID).key;
        if (onPath.has(pk)) {
          throw new EntityError('cycle', `entity hierarchy has a cycle through \`${pk}\``, pk);
        }
        const pe = todo.get(pk);
        if (pe !== undefined && !out.has(pk)) {
          if (stack.length >= maxDepth) {
            throw new EntityError('limit', `entity hierarchy deeper than ${maxDepth} at \`${pk}\``, pk);
          }
          onPath.add(pk);
          stack.push([pe, 0]);
        }
      } else {
        finish(e);
        onPath.delete(e.uid.key);
        stack.pop();
      }
    }
  }
  return out;
}
