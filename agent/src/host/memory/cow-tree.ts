// A copy-on-write tree of case-insensitive names: the in-memory registry and file system are both one.
// Many devices start from one shared, never-mutated base tree; a device copies only the nodes on the path
// to what it changes. A node belongs to the "owner" token that created it and may be mutated in place only
// by that owner; everything else is copied first. A transaction switches to a fresh token, so every write
// inside copies, and rolling back is just putting the old root back.
import { foldCase } from "../paths.ts";

export interface TreeNode<P> {
  /** The name as first created (case preserved). */
  name: string;
  payload: P;
  children: Map<string, TreeNode<P>>;
  owner: number;
}

let lastToken = 0;
function freshToken(): number {
  lastToken += 1;
  return lastToken;
}

/** Copies a payload so the copy can be mutated without touching the original. */
export type PayloadCloner<P> = (payload: P) => P;

export class CowTree<P> {
  #root: TreeNode<P>;
  #token = freshToken();
  readonly #clonePayload: PayloadCloner<P>;

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

  /** The node at `names`, or undefined. */
  find(names: readonly string[]): TreeNode<P> | undefined {
    let node: TreeNode<P> | undefined = this.#root;
    for (const name of names) {
      node = node.children.get(foldCase(name));
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The node at names already case-folded (`foldCase`), or undefined: `find` without folding each name again. */
  findFolded(folded: readonly string[]): TreeNode<P> | undefined {
    let node: TreeNode<P> | undefined = this.#root;
    for (const key of folded) {
      node = node.children.get(key);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /**
   * The node at `names`, made mutable (copied along the path as needed). Missing nodes are created with
   * `create(name)` when given; without it, undefined is returned for a missing path and nothing changes.
   */
  mutable(names: readonly string[], create?: (name: string) => P): TreeNode<P> | undefined {
    if (create === undefined && this.find(names) === undefined) return undefined;
    let node = this.#own(this.#root);
    this.#root = node;
    for (const name of names) {
      const key = foldCase(name);
      const child = node.children.get(key);
      let next: TreeNode<P>;
      if (child === undefined) {
        // Only reachable with `create`: the path was checked above.
        next = { name, payload: create!(name), children: new Map(), owner: this.#token };
      } else {
        next = this.#own(child);
      }
      if (next !== child) node.children.set(key, next);
      node = next;
    }
    return node;
  }

  /** Removes the node at `names` with everything below it; false when it was not there. */
  remove(names: readonly string[]): boolean {
    if (names.length === 0 || this.find(names) === undefined) return false;
    const parent = this.mutable(names.slice(0, -1))!;
    return parent.children.delete(foldCase(names[names.length - 1]!));
  }

  /** Detaches the node at `names` (for moves), leaving it intact; undefined when missing. */
  detach(names: readonly string[]): TreeNode<P> | undefined {
    const node = this.find(names);
    if (node === undefined || names.length === 0) return undefined;
    this.mutable(names.slice(0, -1))!.children.delete(foldCase(names[names.length - 1]!));
    return node;
  }

  /** Attaches `node` under `parentNames` as `name` (the parent must exist). */
  attach(parentNames: readonly string[], name: string, node: TreeNode<P>): void {
    const parent = this.mutable(parentNames)!;
    // The moved subtree keeps sharing its nodes; only the renamed top node is copied.
    parent.children.set(foldCase(name), {
      ...node,
      name,
      owner: node.owner === this.#token ? node.owner : 0,
    });
  }

  /**
   * Runs `work` so that either all its changes stay or, when it throws, none do. Nested transactions behave
   * like SQLite savepoints: a failure caught inside the outer one undoes only the inner writes.
   */
  transaction<T>(work: () => T, extra?: { save(): () => void }): T {
    const savedRoot = this.#root;
    const savedToken = this.#token;
    const restoreExtra = extra?.save();
    this.#token = freshToken();
    try {
      return work();
    } catch (error) {
      this.#root = savedRoot;
      this.#token = savedToken;
      restoreExtra?.();
      throw error;
    }
  }

  #own(node: TreeNode<P>): TreeNode<P> {
    if (node.owner === this.#token) return node;
    return {
      name: node.name,
      payload: this.#clonePayload(node.payload),
      children: new Map(node.children),
      owner: this.#token,
    };
  }
}
