// A copy-on-write tree of case-insensitive names: the in-memory registry and file system are both one.
// Many devices start from one shared, never-mutated base tree; a device copies only the nodes on the path
// to what it changes. A node belongs to the "owner" token that created it and may be mutated in place only
// by that owner; everything else is copied first. A transaction keeps an undo log of what it changes (the
// payload of each node it hands out for writing, each child it sets or removes); rolling back replays it
// backwards. Copying the whole path to every write instead cost a copy of every ancestor's child map per
// transaction, large ones near the root (issue 18).
import { foldCase } from "../paths.ts";

export interface TreeNode<P> {
  /** The name as first created (case preserved). */
  name: string;
  payload: P;
  /** Read-only outside this module: only CowTree adds or removes children (a childless node may share NO_CHILDREN). */
  children: Map<string, TreeNode<P>>;
  owner: number;
}

/**
 * The children of every node that has none yet: most nodes a device creates are leaves (a value's key, a file), and
 * an empty Map apiece was a fifth of what the tree allocated (issue 18). Never changed: a node gets a Map of its own
 * with its first child (#setChild).
 */
const NO_CHILDREN = new Map<string, never>();
function noChildren<P>(): Map<string, TreeNode<P>> {
  return NO_CHILDREN;
}

/**
 * Case-folded names of the frozen paths callers hand over: the registry and file system resolve each spelling once
 * and pass the same frozen array every time (registry.ts, file-system.ts), so each is folded once, for every tree.
 */
const foldedPaths = new WeakMap<readonly string[], readonly string[]>();
/** `names` case-folded (`foldCase`), remembered for a frozen array. */
export function foldedPath(names: readonly string[]): readonly string[] {
  if (!Object.isFrozen(names)) return names.map(foldCase);
  let folded = foldedPaths.get(names);
  if (folded === undefined) {
    folded = names.map(foldCase);
    foldedPaths.set(names, folded);
  }
  return folded;
}

/**
 * Where a frozen path led (undefined: nothing there), and when: the tree's #moved count for a node found, its
 * #generation for a path that led nowhere (an addition can make that path lead somewhere, but no found node leave).
 */
interface Found<P> {
  stamp: number;
  node: TreeNode<P> | undefined;
}

let lastToken = 0;
function freshToken(): number {
  lastToken += 1;
  return lastToken;
}

/** Copies a payload so the copy can be mutated without touching the original. */
export type PayloadCloner<P> = (payload: P) => P;

/** One open transaction (savepoint): where its undo entries start, and the nodes whose payload it saved. */
interface Savepoint<P> {
  readonly mark: number;
  readonly saved: Set<TreeNode<P>>;
}

export class CowTree<P> {
  #root: TreeNode<P>;
  readonly #token = freshToken();
  readonly #clonePayload: PayloadCloner<P>;
  /** Inverse steps of the writes made inside the open transactions, oldest first; empty outside them. */
  readonly #undo: Array<() => void> = [];
  readonly #savepoints: Savepoint<P>[] = [];
  /**
   * Moves on whenever a node may have been put at, or taken from, a place in this tree (a child set or removed,
   * a new root, a rollback), so a caller can keep the node it found at a path until then. Changing a node's
   * payload does not move it: the node at the path stays the same node.
   */
  #generation = 0;
  /**
   * Moves on as #generation does except for a child added where there was none: that only adds a link, so every
   * path that led to a node still leads to it. A device adds about 80 keys and files for 30 other moves, and each
   * made every cached look-up walk again from the root (issue 18).
   */
  #moved = 0;
  /**
   * The node each frozen path led to, kept until the tree moves on (see Found): the IME reads the same few hundred
   * keys and files at every check-in, and walking (and case-folding) 6–8 levels of names for each read was the
   * registry's largest cost (issue 18). In a fleet a walk's cost is its cache misses: 6–8 nodes, their maps and
   * names, of one device among a hundred.
   */
  readonly #found = new WeakMap<readonly string[], Found<P>>();

  constructor(root: TreeNode<P>, clonePayload: PayloadCloner<P>) {
    this.#root = root;
    this.#clonePayload = clonePayload;
  }

  /** A new root node owned by nobody yet (used to build base trees). */
  static root<P>(payload: P): TreeNode<P> {
    return { name: "", payload, children: new Map(), owner: 0 };
  }

  get root(): TreeNode<P> {
    return this.#root;
  }

  /** Unchanged as long as every path leads to the node it led to before (see #generation). */
  get generation(): number {
    return this.#generation;
  }

  /** The node at `names`, or undefined. */
  find(names: readonly string[]): TreeNode<P> | undefined {
    if (!Object.isFrozen(names)) return this.findFolded(names.map(foldCase));
    let found = this.#found.get(names);
    if (found === undefined) {
      const node = this.findFolded(foldedPath(names));
      found = { stamp: node === undefined ? this.#generation : this.#moved, node };
      this.#found.set(names, found);
    } else if (found.stamp !== (found.node === undefined ? this.#generation : this.#moved)) {
      const node = this.findFolded(foldedPath(names));
      found.stamp = node === undefined ? this.#generation : this.#moved;
      found.node = node;
    }
    return found.node;
  }

  /** The node at names already case-folded (`foldCase`), or undefined: `find` without folding each name again. */
  findFolded(folded: readonly string[]): TreeNode<P> | undefined {
    let node: TreeNode<P> | undefined = this.#root;
    // Indexed: the array iterator's result objects were a few KB of garbage per device (issue 18).
    for (let index = 0; index < folded.length; index += 1) {
      node = node.children.get(folded[index]!);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /**
   * The node at `names`, made mutable (copied along the path as needed). Missing nodes are created with
   * `create(name)` when given; without it, undefined is returned for a missing path and nothing changes.
   * Inside a transaction the node's payload is kept to put back on rollback, unless `savePayload` is false: then
   * the caller logs the inverse of its own change (`logUndo`), cheaper than a copy of the whole payload.
   */
  mutable(
    names: readonly string[],
    create?: (name: string) => P,
    savePayload = true,
  ): TreeNode<P> | undefined {
    const found = this.find(names);
    if (found === undefined && create === undefined) return undefined;
    // Already ours, and still where the path leads: writable in place, as the walk below would hand it out. This is
    // every write but a key's first on a device (issue 18).
    if (found !== undefined && found.owner === this.#token && Object.isFrozen(names)) {
      if (savePayload) this.#savePayload(found);
      return found;
    }
    const keys = foldedPath(names);
    const root = this.#root;
    let node = this.#own(root);
    // Whether the node handed out existed before this call (a created or copied one has nothing to restore).
    let existed = node === root;
    if (node !== root) {
      this.#root = node;
      this.#generation += 1;
      this.#moved += 1;
      this.#log(() => {
        this.#root = root;
      });
    }
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index]!;
      const key = keys[index]!;
      const child = node.children.get(key);
      let next: TreeNode<P>;
      if (child === undefined) {
        // Only reachable with `create`: the path was checked above.
        next = { name, payload: create!(name), children: noChildren(), owner: this.#token };
      } else {
        next = this.#own(child);
      }
      existed = next === child;
      if (!existed) this.#setChild(node, key, next);
      node = next;
    }
    // The caller may now change the node's payload: a transaction keeps what it was.
    if (existed && savePayload) this.#savePayload(node);
    return node;
  }

  /** Removes the node at `names` with everything below it; false when it was not there. */
  remove(names: readonly string[]): boolean {
    if (names.length === 0 || this.find(names) === undefined) return false;
    const parent = this.mutable(names.slice(0, -1))!;
    return this.#deleteChild(parent, foldCase(names[names.length - 1]!));
  }

  /** Detaches the node at `names` (for moves), leaving it intact; undefined when missing. */
  detach(names: readonly string[]): TreeNode<P> | undefined {
    const node = this.find(names);
    if (node === undefined || names.length === 0) return undefined;
    this.#deleteChild(this.mutable(names.slice(0, -1))!, foldCase(names[names.length - 1]!));
    return node;
  }

  /** Attaches `node` under `parentNames` as `name` (the parent must exist). */
  attach(parentNames: readonly string[], name: string, node: TreeNode<P>): void {
    const parent = this.mutable(parentNames)!;
    // The moved subtree keeps sharing its nodes; only the renamed top node is copied. Inside a transaction the
    // copy is not ours either: it shares its payload and children with the node a rollback puts back.
    this.#setChild(parent, foldCase(name), {
      ...node,
      name,
      owner: node.owner === this.#token && this.#savepoints.length === 0 ? node.owner : 0,
    });
  }

  /**
   * Runs `work` so that either all its changes stay or, when it throws, none do. Nested transactions behave
   * like SQLite savepoints: a failure caught inside the outer one undoes only the inner writes.
   */
  transaction<T>(work: () => T, extra?: { save(): () => void }): T {
    const savepoint: Savepoint<P> = { mark: this.#undo.length, saved: new Set() };
    const restoreExtra = extra?.save();
    this.#savepoints.push(savepoint);
    try {
      return work();
    } catch (error) {
      for (let i = this.#undo.length - 1; i >= savepoint.mark; i -= 1) this.#undo[i]!();
      this.#undo.length = savepoint.mark;
      this.#generation += 1;
      this.#moved += 1;
      restoreExtra?.();
      throw error;
    } finally {
      this.#savepoints.pop();
      // The outermost transaction is over: nothing is left to roll back to.
      if (this.#savepoints.length === 0) this.#undo.length = 0;
    }
  }

  /** True while a transaction is open: only then is there an undo log to write to. */
  get inTransaction(): boolean {
    return this.#savepoints.length > 0;
  }

  /**
   * Logs the inverse of a change the caller made to a payload it got from `mutable(…, false)`. The step runs on
   * rollback, newest first, interleaved with the tree's own: it must read the node's payload when it runs (an
   * older step may have put back a saved copy), not the one it saw.
   */
  logUndo(undo: () => void): void {
    this.#log(undo);
  }

  /** Records an inverse step when a transaction is open. */
  #log(undo: () => void): void {
    if (this.#savepoints.length > 0) this.#undo.push(undo);
  }

  /** Keeps a copy of `node`'s payload, once per transaction, to put back on rollback. */
  #savePayload(node: TreeNode<P>): void {
    const savepoint = this.#savepoints.at(-1);
    if (savepoint === undefined || savepoint.saved.has(node)) return;
    savepoint.saved.add(node);
    const payload = this.#clonePayload(node.payload);
    this.#undo.push(() => {
      node.payload = payload;
    });
  }

  #setChild(parent: TreeNode<P>, key: string, child: TreeNode<P>): void {
    if (parent.children === NO_CHILDREN) parent.children = new Map();
    const previous = parent.children.get(key);
    parent.children.set(key, child);
    this.#generation += 1;
    if (previous !== undefined) this.#moved += 1;
    // Replacing keeps the key's place in the map; a new key is simply removed again.
    this.#log(
      previous === undefined ? () => parent.children.delete(key) : () => parent.children.set(key, previous),
    );
  }

  #deleteChild(parent: TreeNode<P>, key: string): boolean {
    if (this.#savepoints.length > 0 && parent.children.has(key)) {
      // Deleting and setting again would move the key to the end: keep the map as it was, order included.
      const children = new Map(parent.children);
      this.#undo.push(() => {
        parent.children = children;
      });
    }
    this.#generation += 1;
    this.#moved += 1;
    return parent.children.delete(key);
  }

  #own(node: TreeNode<P>): TreeNode<P> {
    if (node.owner === this.#token) return node;
    return {
      name: node.name,
      payload: this.#clonePayload(node.payload),
      children: node.children.size === 0 ? noChildren() : new Map(node.children),
      owner: this.#token,
    };
  }
}
