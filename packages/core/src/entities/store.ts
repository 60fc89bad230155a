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
 *
 * Versions are cheap: a version is a frozen base map plus the entries of a shared, append-only
 * log that are not newer than the version itself (each log key keeps its history, newest
 * first). `with()` costs what the change costs — the changed entities and, when their
 * ancestry changes, their descendants, found through a child index built once per base — and
 * the log is folded into a new base once it holds more than an eighth of the base, so lookups
 * stay two `Map` reads and a long chain of versions keeps at most that much history alive.
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

/** Log entries that trigger folding into a new base: this many, or an eighth of the base. */
const MIN_FOLD = 64;

/** One class for every stored entity, so that property reads on the hot path stay monomorphic. */
class Stored implements StoredEntity {
  readonly uid: EntityUID;
  readonly attrs: CedarRecord;
  readonly parents: readonly EntityUID[];
  readonly ancestors: ReadonlySet<string>;
  readonly depth: number;
  readonly tags: ReadonlyMap<string, Value>;
  constructor(e: EntityInput, ancestors: ReadonlySet<string>, depth: number) {
    this.uid = e.uid;
    // An empty attribute map is the common case for groups: one shared record for all of them.
    this.attrs =
      e.attrs instanceof CedarRecord ? e.attrs : e.attrs.size === 0 ? CedarRecord.EMPTY : new CedarRecord(e.attrs);
    this.parents = e.parents;
    this.ancestors = ancestors;
    this.depth = depth;
    this.tags = e.tags && e.tags.size > 0 ? e.tags : NO_TAGS;
  }
}

/** A frozen entity map and, once an update needs it, the index of children by parent key. */
interface Base {
  readonly entities: ReadonlyMap<string, StoredEntity>;
  children: Map<string, string[]> | undefined;
}

/** A key's state as of log sequence number `seq` (`undefined`: removed), and its older states. */
interface LogEntry {
  readonly seq: number;
  readonly entity: StoredEntity | undefined;
  readonly prev: LogEntry | undefined;
}

/**
 * What the versions over one base share. The log only grows: a version with sequence number
 * `s` sees the newest entry of each key with `seq ≤ s`, so appending for a newer version never
 * changes what an older one sees. Only the version at `head` appends; another one forks.
 */
interface Layer {
  readonly base: Base;
  readonly log: Map<string, LogEntry>;
  /** Children by parent key for the edges that log entries add to the base's. */
  readonly logChildren: Map<string, Set<string>>;
  head: number;
  /** Entries in the log, superseded ones included (what the log keeps alive). */
  entries: number;
}

const newLayer = (base: Base): Layer => ({ base, log: new Map(), logChildren: new Map(), head: 0, entries: 0 });

/** The newest entry not newer than `seq`, or `undefined` when the base holds the answer. */
function entryAt(h: LogEntry | undefined, seq: number): LogEntry | undefined {
  while (h !== undefined && h.seq > seq) h = h.prev;
  return h;
}

function hasParent(e: StoredEntity, key: string): boolean {
  for (const p of e.parents) if (p.key === key) return true;
  return false;
}

function sameParents(a: readonly EntityUID[], b: readonly EntityUID[]): boolean {
  if (a.length === b.length && a.every((p, i) => p.key === (b[i] as EntityUID).key)) return true;
  const pa = new Set(a.map((p) => p.key));
  const pb = new Set(b.map((p) => p.key));
  return pa.size === pb.size && [...pa].every((k) => pb.has(k));
}

let versionCounter = 0;

export class EntityStore {
  /** The base's entities; read directly on the hot path. */
  readonly #base: ReadonlyMap<string, StoredEntity>;
  /** The layer's log, or `undefined` when this version sees none of it (then only `#base` is read). */
  readonly #log: Map<string, LogEntry> | undefined;
  readonly #seq: number;
  readonly #layer: Layer;
  readonly #size: number;
  readonly #maxDepth: number;
  /** Changes every time a store is created or updated; decisions can name it. */
  readonly version: number;

  private constructor(layer: Layer, seq: number, size: number, maxDepth: number) {
    this.#layer = layer;
    this.#base = layer.base.entities;
    this.#seq = seq;
    this.#log = seq === 0 ? undefined : layer.log;
    this.#size = size;
    this.#maxDepth = maxDepth;
    this.version = ++versionCounter;
  }

  static readonly EMPTY: EntityStore = EntityStore.#ofBase(new Map(), DEFAULT_MAX_HIERARCHY_DEPTH);

  static #ofBase(entities: ReadonlyMap<string, StoredEntity>, maxDepth: number): EntityStore {
    return new EntityStore(newLayer({ entities, children: undefined }), 0, entities.size, maxDepth);
  }

  /** Build a store; throws {@link EntityError} on duplicate uids or cycles. */
  static from(inputs: Iterable<EntityInput>, opts: EntityStoreOptions = {}): EntityStore {
    const raw = new Map<string, EntityInput>();
    for (const e of inputs) addUnique(raw, e);
    const maxDepth = opts.maxHierarchyDepth ?? DEFAULT_MAX_HIERARCHY_DEPTH;
    return EntityStore.#ofBase(closeAncestors(raw, undefined, maxDepth), maxDepth);
  }

  get size(): number {
    return this.#size;
  }

  get(key: string): StoredEntity | undefined {
    const log = this.#log;
    if (log !== undefined) {
      const h = log.get(key);
      if (h !== undefined) {
        const at = entryAt(h, this.#seq);
        if (at !== undefined) return at.entity;
      }
    }
    return this.#base.get(key);
  }

  getEntity(uid: EntityUID): StoredEntity | undefined {
    return this.get(uid.key);
  }

  /** Cedar's `a in b` for two entities: reflexive, or `b` is a transitive ancestor of `a`. */
  isIn(a: EntityUID, b: EntityUID): boolean {
    if (a.key === b.key) return true;
    const e = this.get(a.key);
    return e !== undefined && e.ancestors.has(b.key);
  }

  entities(): IterableIterator<StoredEntity> {
    return this.#log === undefined ? this.#base.values() : this.#overlaid(this.#log);
  }

  *#overlaid(log: Map<string, LogEntry>): Generator<StoredEntity, undefined, undefined> {
    const seq = this.#seq;
    for (const [k, e] of this.#base) {
      const at = entryAt(log.get(k), seq);
      if (at === undefined) yield e;
      else if (at.entity !== undefined) yield at.entity;
    }
    for (const [k, h] of log) {
      if (this.#base.has(k)) continue;
      const at = entryAt(h, seq);
      if (at?.entity !== undefined) yield at.entity;
    }
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
    // Removing an absent entity changes nothing; an upsert of the same uid wins over its removal.
    const removed = new Set<string>();
    for (const u of removals) if (!changed.has(u.key) && this.get(u.key) !== undefined) removed.add(u.key);

    // Seeds: entities whose own ancestry may change. One that keeps its parents keeps its
    // ancestors (unless a parent is affected, which the walk below finds), and so do its
    // descendants: an attribute update touches nothing else.
    let size = this.#size - removed.size;
    const affected = new Set<string>(removed);
    for (const [k, e] of changed) {
      const old = this.get(k);
      if (old === undefined) size++;
      if (old === undefined || !sameParents(old.parents, e.parents)) affected.add(k);
    }
    if (affected.size > 0) {
      const stack = [...affected];
      for (let k = stack.pop(); k !== undefined; k = stack.pop()) {
        this.#eachChild(k, (c) => {
          if (!affected.has(c)) {
            affected.add(c);
            stack.push(c);
          }
        });
      }
    }
    const todo = new Map<string, EntityInput>();
    const fresh = new Map<string, StoredEntity | undefined>();
    for (const k of affected) {
      if (removed.has(k)) fresh.set(k, undefined);
      else todo.set(k, changed.get(k) ?? (this.get(k) as StoredEntity));
    }
    const closed = closeAncestors(todo, (k) => (removed.has(k) ? undefined : this.get(k)), this.#maxDepth);
    for (const [k, e] of closed) fresh.set(k, e);
    for (const [k, e] of changed) {
      if (!todo.has(k)) {
        const old = this.get(k) as StoredEntity;
        fresh.set(k, new Stored(e, old.ancestors, old.depth));
      }
    }
    return this.#commit(fresh, size);
  }

  /** Calls `visit` with the key of every entity that has `key` among its parents in this version. */
  #eachChild(key: string, visit: (child: string) => void): void {
    const layer = this.#layer;
    const base = layer.base;
    base.children ??= childIndex(base.entities);
    const check = (c: string) => {
      const e = this.get(c);
      if (e !== undefined && hasParent(e, key)) visit(c);
    };
    const fromBase = base.children.get(key);
    if (fromBase !== undefined) for (const c of fromBase) check(c);
    if (this.#log !== undefined) {
      const fromLog = layer.logChildren.get(key);
      if (fromLog !== undefined) for (const c of fromLog) check(c);
    }
  }

  /** The version that is this one plus `fresh` (`undefined`: removed): appended, forked or folded. */
  #commit(fresh: ReadonlyMap<string, StoredEntity | undefined>, size: number): EntityStore {
    const layer = this.#layer;
    const base = layer.base;
    const fold = Math.max(MIN_FOLD, base.entities.size >>> 3);
    let target = layer;
    let visible = layer.entries;
    if (this.#seq !== layer.head) {
      // Another version was already built on this one: copy what this version sees of the log
      // into a new layer over the same base (nothing when it sees none of it).
      visible = 0;
      if (this.#log !== undefined) for (const h of this.#log.values()) if (entryAt(h, this.#seq)) visible++;
    }
    if (visible + fresh.size > fold) {
      const entities = new Map<string, StoredEntity>(base.entities);
      if (this.#log !== undefined) {
        for (const [k, h] of this.#log) {
          const at = entryAt(h, this.#seq);
          if (at === undefined) continue;
          if (at.entity === undefined) entities.delete(k);
          else entities.set(k, at.entity);
        }
      }
      for (const [k, e] of fresh) {
        if (e === undefined) entities.delete(k);
        else entities.set(k, e);
      }
      return EntityStore.#ofBase(entities, this.#maxDepth);
    }
    if (target.head !== this.#seq) {
      target = newLayer(base);
      if (this.#log !== undefined) {
        for (const [k, h] of this.#log) {
          const at = entryAt(h, this.#seq);
          if (at !== undefined) append(target, k, at.entity, 1);
        }
      }
    }
    const seq = target.head + 1;
    for (const [k, e] of fresh) append(target, k, e, seq);
    target.head = seq;
    return new EntityStore(target, seq, size, this.#maxDepth);
  }
}

/** Record `entity` (or a removal) for `key` at `seq`, indexing the parent edges the base lacks. */
function append(layer: Layer, key: string, entity: StoredEntity | undefined, seq: number): void {
  const prev = layer.log.get(key);
  if (prev?.seq === seq) layer.log.set(key, { seq, entity, prev: prev.prev });
  else {
    layer.log.set(key, { seq, entity, prev });
    layer.entries++;
  }
  if (entity === undefined) return;
  const inBase = layer.base.entities.get(key);
  for (const p of entity.parents) {
    if (inBase !== undefined && hasParent(inBase, p.key)) continue;
    let set = layer.logChildren.get(p.key);
    if (set === undefined) layer.logChildren.set(p.key, (set = new Set()));
    set.add(key);
  }
}

function childIndex(entities: ReadonlyMap<string, StoredEntity>): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const [k, e] of entities) {
    for (const p of e.parents) {
      const list = children.get(p.key);
      if (list === undefined) children.set(p.key, [k]);
      else list.push(k);
    }
  }
  return children;
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
  return sameParents(a.parents, b.parents) && sameValues(mapOf(a.attrs), mapOf(b.attrs)) && sameValues(mapOf(a.tags), mapOf(b.tags));
}

/** Marks an entity on the current search path in `closeAncestors`' output map. */
const ON_PATH = null;

/**
 * Stored forms of the entities in `todo`. A parent outside `todo` is looked up with `outside`
 * (final there; `undefined` or no function: not an entity). Iterative depth-first search (no
 * recursion, so a 100,000-deep chain cannot overflow the stack); an entity on the current
 * path is marked in the output map, which finds cycles without a separate set.
 */
function closeAncestors(
  todo: ReadonlyMap<string, EntityInput>,
  outside: ((key: string) => StoredEntity | undefined) | undefined,
  maxDepth: number,
): Map<string, StoredEntity> {
  const out = new Map<string, StoredEntity | typeof ON_PATH>();
  // Entities with one parent share the set `{parent} ∪ ancestors(parent)`: most entities in a
  // hierarchy (users, agents, tools under one group or server) then cost no set of their own.
  const viaParent = new Map<string, ReadonlySet<string>>();
  const settled = (k: string): StoredEntity | undefined =>
    (out.get(k) as StoredEntity | undefined) ?? (outside !== undefined && !todo.has(k) ? outside(k) : undefined);
  const finish = (e: EntityInput): void => {
    let ancestors: ReadonlySet<string> = NO_ANCESTORS;
    let depth = 0;
    const parents = e.parents;
    if (parents.length === 1) {
      const pk = (parents[0] as EntityUID).key;
      const pe = settled(pk);
      // A parent that is not an entity is a root: one level above.
      depth = pe ? pe.depth + 1 : 1;
      let shared = viaParent.get(pk);
      if (shared === undefined) {
        shared = pe ? new Set(pe.ancestors).add(pk) : new Set([pk]);
        viaParent.set(pk, shared);
      }
      ancestors = shared;
    } else if (parents.length > 1) {
      const own = new Set<string>();
      for (const p of parents) {
        own.add(p.key);
        const pe = settled(p.key);
        if (pe) for (const a of pe.ancestors) own.add(a);
        const d = pe ? pe.depth + 1 : 1;
        if (d > depth) depth = d;
      }
      ancestors = own;
    }
    if (depth > maxDepth) {
      throw new EntityError('limit', `entity hierarchy deeper than ${maxDepth} at \`${e.uid.key}\``, e.uid.key);
    }
    out.set(e.uid.key, new Stored(e, ancestors, depth));
  };
  // The search path: entities and the index of the next parent of each to visit.
  const path: EntityInput[] = [];
  const next: number[] = [];
  for (const root of todo.values()) {
    if (out.has(root.uid.key)) continue;
    path.push(root);
    next.push(0);
    out.set(root.uid.key, ON_PATH);
    while (path.length > 0) {
      const top = path.length - 1;
      const e = path[top] as EntityInput;
      const i = next[top] as number;
      if (i < e.parents.length) {
        next[top] = i + 1;
        const pk = (e.parents[i] as EntityUID).key;
        const state = out.get(pk);
        if (state === ON_PATH) {
          throw new EntityError('cycle', `entity hierarchy has a cycle through \`${pk}\``, pk);
        }
        if (state !== undefined) continue;
        const pe = todo.get(pk);
        if (pe !== undefined) {
          if (path.length >= maxDepth) {
            throw new EntityError('limit', `entity hierarchy deeper than ${maxDepth} at \`${pk}\``, pk);
          }
          out.set(pk, ON_PATH);
          path.push(pe);
          next.push(0);
        }
      } else {
        finish(e);
        path.pop();
        next.pop();
      }
    }
  }
  return out as Map<string, StoredEntity>;
}
