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
 * Versions are cheap: a version is a frozen base map plus what it sees of a log shared with
 * the versions built after it (each key's states by sequence number; a version sees those not
 * newer than itself). `with()` costs what the change costs — the changed entities and, when
 * their ancestry changes, their descendants, found through a child index built once per base —
 * and the log is folded into a new base once it would hold more than an eighth of the base, so
 * a lookup stays two `Map` reads (one when the version sees no log) and a long chain of
 * versions keeps at most that much history alive.
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

/**
 * A log that would hold more entries than this, or than an eighth of its base, is folded into a
 * new base instead: an O(n) copy at most once per n/8 changed entries, and what a long chain
 * of versions keeps alive stays a fraction of the store.
 */
const MIN_FOLD = 64;

/** One class for every stored entity, so that property reads on the hot path stay monomorphic. */
class Stored implements StoredEntity {
  readonly uid: EntityUID;
  readonly attrs: CedarRecord;
  readonly parents: readonly EntityUID[];
  readonly ancestors: ReadonlySet<string>;
  readonly depth: number;
  readonly tags: ReadonlyMap<string, Value>;
  constructor(e: EntityInput, parents: readonly EntityUID[], ancestors: ReadonlySet<string>, depth: number) {
    this.uid = e.uid;
    // An empty attribute map is the common case for groups: one shared record for all of them.
    this.attrs =
      e.attrs instanceof CedarRecord ? e.attrs : e.attrs.size === 0 ? CedarRecord.EMPTY : new CedarRecord(e.attrs);
    this.parents = parents;
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

/** A key's state as of log sequence number `seq` (`undefined`: removed). */
interface LogEntry {
  readonly seq: number;
  readonly entity: StoredEntity | undefined;
}

/** A key's states in the log, oldest first (strictly increasing `seq`). */
type History = LogEntry[];

/**
 * What the versions over one base share. The log only grows: a version with sequence number
 * `s` sees the newest entry of each key with `seq ≤ s`, so appending for a newer version never
 * changes what an older one sees. Only the version at `head` appends; another one forks.
 */
interface Layer {
  readonly base: Base;
  readonly log: Map<string, History>;
  /** Children by parent key for the edges that log entries add to the base's. */
  readonly logChildren: Map<string, Set<string>>;
  head: number;
  /** Entries in the log, superseded ones included (what the log keeps alive). */
  entries: number;
}

const newLayer = (base: Base): Layer => ({ base, log: new Map(), logChildren: new Map(), head: 0, entries: 0 });

/** The newest entry not newer than `seq`, or `undefined` when the base holds the answer. */
function entryAt(h: History | undefined, seq: number): LogEntry | undefined {
  if (h === undefined) return undefined;
  let hi = h.length - 1;
  const last = h[hi] as LogEntry;
  // The newest version's case, and so the common one: its entry is the last.
  if (last.seq <= seq) return last;
  // An older version: binary search, so that a key updated in every version of a long
  // chain does not make old versions' lookups walk its whole history.
  let lo = 0;
  let found: LogEntry | undefined;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = h[mid] as LogEntry;
    if (e.seq <= seq) {
      found = e;
      lo = mid + 1;
    } else hi = mid;
  }
  return found;
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
  readonly #log: Map<string, History> | undefined;
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

  // Shared by every caller, so it never appends to its log (head −1): each `with()` on it
  // starts a new layer, and no caller's entities stay reachable from it.
  static readonly EMPTY: EntityStore = EntityStore.#ofBase(new Map(), DEFAULT_MAX_HIERARCHY_DEPTH, -1);

  static #ofBase(entities: ReadonlyMap<string, StoredEntity>, maxDepth: number, head = 0): EntityStore {
    const layer = newLayer({ entities, children: undefined });
    layer.head = head;
    return new EntityStore(layer, 0, entities.size, maxDepth);
  }

  /** Build a store; throws {@link EntityError} on duplicate uids or cycles. */
  static from(inputs: Iterable<EntityInput>, opts: EntityStoreOptions = {}): EntityStore {
    const work = new Map<string, EntityInput | typeof ON_PATH>();
    const given: EntityInput[] = [];
    for (const e of inputs) {
      given.push(e);
      work.set(e.uid.key, pending(e));
    }
    // One map write per entity in the usual case; repeated uids (Cedar accepts identical
    // repeats) are checked on a second pass only when there are some.
    if (work.size < given.length) {
      work.clear();
      for (const e of given) addUnique(work, pending(e));
    }
    const maxDepth = opts.maxHierarchyDepth ?? DEFAULT_MAX_HIERARCHY_DEPTH;
    settle(work, undefined, maxDepth);
    return EntityStore.#ofBase(work as Map<string, StoredEntity>, maxDepth);
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

  *#overlaid(log: Map<string, History>): Generator<StoredEntity, undefined, undefined> {
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
    if (affected.size > 0) this.#addDescendants(affected);
    const work = new Map<string, EntityInput | typeof ON_PATH>();
    for (const k of affected)
      if (!removed.has(k)) work.set(k, pending(changed.get(k) ?? (this.get(k) as StoredEntity)));
    settle(work, (k) => (removed.has(k) ? undefined : this.get(k)), this.#maxDepth);
    const fresh = work as Map<string, StoredEntity | undefined>;
    for (const k of removed) fresh.set(k, undefined);
    for (const [k, e] of changed) {
      if (!affected.has(k)) {
        const old = this.get(k) as StoredEntity;
        const parents = e.parents.every((p, i) => p.key === old.parents[i]?.key) ? old.parents : e.parents;
        fresh.set(k, new Stored(e, parents, old.ancestors, old.depth));
      }
    }
    return this.#commit(fresh, size);
  }

  /** Adds to `keys` every entity that has one of them as an ancestor in this version. */
  #addDescendants(keys: Set<string>): void {
    const layer = this.#layer;
    const base = layer.base;
    base.children ??= childIndex(base.entities);
    const fromBase = base.children;
    // Log edges matter only to a version that sees the log.
    const fromLog = this.#log === undefined ? undefined : layer.logChildren;
    const stack = [...keys];
    for (let k = stack.pop(); k !== undefined; k = stack.pop()) {
      // Both indexes may list a child that no longer has `k` as a parent here: check each one.
      for (const list of [fromBase.get(k), fromLog?.get(k)]) {
        if (list === undefined) continue;
        for (const c of list) {
          if (keys.has(c)) continue;
          const e = this.get(c);
          if (e !== undefined && hasParent(e, k)) {
            keys.add(c);
            stack.push(c);
          }
        }
      }
    }
  }

  /**
   * The version that is this one plus `fresh` (`undefined`: removed). Appended to the shared
   * log when this is the newest version on it; a branch from an older version gets a new log
   * over the same base, starting with what this version sees of the old one (nothing for a
   * version that sees none, such as one fresh from `from()`). Folded into a new base instead
   * when the log would hold too much.
   */
  #commit(fresh: ReadonlyMap<string, StoredEntity | undefined>, size: number): EntityStore {
    const layer = this.#layer;
    const log = this.#log;
    const seq = this.#seq;
    const branch = seq !== layer.head;
    let kept = layer.entries;
    if (branch) {
      kept = 0;
      if (log !== undefined) for (const h of log.values()) if (entryAt(h, seq) !== undefined) kept++;
    }
    if (kept + fresh.size > Math.max(MIN_FOLD, layer.base.entities.size >>> 3)) return this.#fold(fresh);
    let target = layer;
    if (branch) {
      target = newLayer(layer.base);
      if (log !== undefined) {
        for (const [k, h] of log) {
          const at = entryAt(h, seq);
          if (at !== undefined) append(target, k, at.entity, 1);
        }
      }
    }
    const next = target.head + 1;
    for (const [k, e] of fresh) append(target, k, e, next);
    target.head = next;
    return new EntityStore(target, next, size, this.#maxDepth);
  }

  /** This version plus `fresh` as a new base: the O(n) step that `MIN_FOLD` spaces out. */
  #fold(fresh: ReadonlyMap<string, StoredEntity | undefined>): EntityStore {
    const entities = new Map<string, StoredEntity>(this.#base);
    const set = (k: string, e: StoredEntity | undefined) => {
      if (e === undefined) entities.delete(k);
      else entities.set(k, e);
    };
    if (this.#log !== undefined) {
      for (const [k, h] of this.#log) {
        const at = entryAt(h, this.#seq);
        if (at !== undefined) set(k, at.entity);
      }
    }
    for (const [k, e] of fresh) set(k, e);
    return EntityStore.#ofBase(entities, this.#maxDepth);
  }
}

/** Record `entity` (or a removal) for `key` at `seq`, indexing the parent edges the base lacks. */
function append(layer: Layer, key: string, entity: StoredEntity | undefined, seq: number): void {
  const h = layer.log.get(key);
  // Only a fork writes a key twice at one `seq` (what the version saw, then the change).
  if (h !== undefined && (h[h.length - 1] as LogEntry).seq === seq) h[h.length - 1] = { seq, entity };
  else {
    if (h === undefined) layer.log.set(key, [{ seq, entity }]);
    else h.push({ seq, entity });
    layer.entries++;
  }
  if (entity === undefined) return;
  const inBase = layer.base.entities.get(key);
  for (const p of entity.parents) {
    if (inBase !== undefined && hasParent(inBase, p.key)) continue;
    const set = layer.logChildren.get(p.key);
    if (set === undefined) layer.logChildren.set(p.key, new Set([key]));
    else set.add(key);
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
function addUnique(into: Map<string, EntityInput | typeof ON_PATH>, e: EntityInput): void {
  const prev = into.get(e.uid.key) as EntityInput | undefined;
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
  return (
    sameParents(a.parents, b.parents) &&
    sameValues(mapOf(a.attrs), mapOf(b.attrs)) &&
    sameValues(mapOf(a.tags), mapOf(b.tags))
  );
}

/** Marks an entity on the current search path in `settle`'s work map. */
const ON_PATH = null;

/** An input that is a stored entity (of any store), as a plain input, so `settle` sees it pending. */
const pending = (e: EntityInput): EntityInput =>
  e instanceof Stored ? { uid: e.uid, attrs: e.attrs, parents: e.parents, tags: e.tags } : e;

/** What every child of one parent shares: its ancestor set, its depth, the parent's own uid. */
interface ViaParent {
  readonly ancestors: ReadonlySet<string>;
  readonly depth: number;
  /** The parent entity's uid, or `undefined` when the parent is not an entity. */
  readonly uid: EntityUID | undefined;
}

/**
 * Replace every input in `work` (keyed by uid; no {@link Stored} among them, see `pending`) by
 * its stored form, in place, so that building a store needs a single map. A parent outside
 * `work` is looked up with `outside` (final there; `undefined` or no function: not an
 * entity). Iterative depth-first search (no recursion, so a 100,000-deep chain cannot overflow
 * the stack); an entity on the current path is marked in `work` itself, which finds cycles.
 */
function settle(
  work: Map<string, EntityInput | typeof ON_PATH>,
  outside: ((key: string) => StoredEntity | undefined) | undefined,
  maxDepth: number,
): void {
  // Most entities have one parent, and siblings share `{parent} ∪ ancestors(parent)`: one set
  // per parent instead of one per entity. Keyed by parents that are final, this small map also
  // settles most entities without a read of the large one.
  const viaParent = new Map<string, ViaParent>();
  const settled = (k: string): StoredEntity | undefined => {
    const s = work.get(k);
    // Once an entity is finished, each parent in `work` is too (or it would be on the path).
    if (s !== undefined) return s as Stored;
    return outside?.(k);
  };
  const via = (p: EntityUID): ViaParent => {
    let v = viaParent.get(p.key);
    if (v === undefined) {
      const pe = settled(p.key);
      v = pe
        ? { ancestors: new Set(pe.ancestors).add(p.key), depth: pe.depth + 1, uid: pe.uid }
        : // A parent that is not an entity is a root: one level above.
          { ancestors: new Set([p.key]), depth: 1, uid: undefined };
      viaParent.set(p.key, v);
    }
    return v;
  };
  const store = (e: EntityInput, parents: readonly EntityUID[], ancestors: ReadonlySet<string>, depth: number) => {
    if (depth > maxDepth) {
      throw new EntityError('limit', `entity hierarchy deeper than ${maxDepth} at \`${e.uid.key}\``, e.uid.key);
    }
    work.set(e.uid.key, new Stored(e, parents, ancestors, depth));
  };
  // Parents are stored as the parent entities' own uids when those exist: the input's copies
  // (one uid object and key string per reference, kept by nothing else once a document is
  // loaded) can then be collected.
  const finish = (e: EntityInput): void => {
    const parents = e.parents;
    if (parents.length === 0) {
      store(e, parents, NO_ANCESTORS, 0);
      return;
    }
    if (parents.length === 1) {
      const p = parents[0] as EntityUID;
      const v = via(p);
      store(e, v.uid === undefined || v.uid === p ? parents : [v.uid], v.ancestors, v.depth);
      return;
    }
    const own = new Set<string>();
    let canonical: EntityUID[] | undefined;
    let depth = 0;
    for (let i = 0; i < parents.length; i++) {
      const p = parents[i] as EntityUID;
      own.add(p.key);
      const pe = settled(p.key);
      if (pe) {
        for (const a of pe.ancestors) own.add(a);
        if (pe.uid !== p) {
          canonical ??= parents.slice();
          canonical[i] = pe.uid;
        }
      }
      const d = pe ? pe.depth + 1 : 1;
      if (d > depth) depth = d;
    }
    store(e, canonical ?? parents, own, depth);
  };
  // The search path: entities and the index of the next parent of each to visit.
  const path: EntityInput[] = [];
  const next: number[] = [];
  // Setting existing keys while iterating is safe: no key is added, and later values are read fresh.
  for (const root of work.values()) {
    if (root === ON_PATH || root instanceof Stored) continue;
    // Entities given after their parent (or with none) need no search.
    if (root.parents.length === 0 || (root.parents.length === 1 && viaParent.has((root.parents[0] as EntityUID).key))) {
      finish(root);
      continue;
    }
    path.push(root);
    next.push(0);
    work.set(root.uid.key, ON_PATH);
    while (path.length > 0) {
      const top = path.length - 1;
      const e = path[top] as EntityInput;
      const i = next[top] as number;
      if (i < e.parents.length) {
        next[top] = i + 1;
        const pk = (e.parents[i] as EntityUID).key;
        const pe = work.get(pk);
        if (pe === ON_PATH) {
          throw new EntityError('cycle', `entity hierarchy has a cycle through \`${pk}\``, pk);
        }
        if (pe === undefined || pe instanceof Stored) continue;
        // With `pk` pushed, the path's first entity is at least `path.length` deep: past the limit
        // only when that exceeds it (anything less is judged exactly when finished), so whether a
        // hierarchy is refused does not depend on the order it was given in.
        if (path.length > maxDepth) {
          throw new EntityError('limit', `entity hierarchy deeper than ${maxDepth} at \`${pk}\``, pk);
        }
        work.set(pk, ON_PATH);
        path.push(pe);
        next.push(0);
      } else {
        finish(e);
        path.pop();
        next.pop();
      }
    }
  }
}
