// The in-memory registry backend: a copy-on-write tree, so thousands of devices share one base registry.
import { foldCase } from "../paths.ts";
import type { KeyPath, NamedValue, RegistryStore } from "../registry/registry-store.ts";
import type { RegistryValue } from "../types.ts";
import { CowTree, type TreeNode } from "./cow-tree.ts";

/** A key's values by folded name; Map keeps creation order, which regedit's export follows. */
export type KeyValues = Map<string, NamedValue>;
export type RegistryNode = TreeNode<KeyValues>;

const cloneValues = (values: KeyValues): KeyValues => new Map(values);
const emptyValues = (): KeyValues => new Map();

/** An empty registry tree to build a base image into. */
export function emptyRegistryRoot(): RegistryNode {
  return CowTree.root<KeyValues>(new Map());
}

/**
 * Folded names of the paths the registry hands over: it resolves each spelling once and passes the same frozen
 * array every time (registry.ts), so reads fold nothing.
 */
const foldedPaths = new WeakMap<KeyPath, readonly string[]>();
function folded(path: KeyPath): readonly string[] {
  if (!Object.isFrozen(path)) return path.map(foldCase);
  let names = foldedPaths.get(path);
  if (names === undefined) {
    names = path.map(foldCase);
    foldedPaths.set(path, names);
  }
  return names;
}

/** Value names folded, by spelling: the IME reads and writes the same few dozen names over and over. */
const foldedNames = new Map<string, string>();
/** Past this many spellings (a bulk import) the memo starts over. */
const FOLDED_NAMES_SIZE = 4096;
function foldedName(name: string): string {
  let key = foldedNames.get(name);
  if (key === undefined) {
    key = foldCase(name);
    if (foldedNames.size >= FOLDED_NAMES_SIZE) foldedNames.clear();
    foldedNames.set(name, key);
  }
  return key;
}

/** Where a frozen path led at one generation of a store's tree (undefined: no key there). */
interface FoundKey {
  generation: number;
  node: RegistryNode | undefined;
}

export class MemoryRegistryStore implements RegistryStore {
  readonly #tree: CowTree<KeyValues>;
  /**
   * The key each frozen path led to, kept until the tree's generation moves on (a key created, deleted or
   * copied): the IME reads the same few hundred keys at every check-in, and walking 6–8 levels of names for
   * each read was the registry's largest cost (issue 18).
   */
  readonly #found = new WeakMap<KeyPath, FoundKey>();

  /** A store whose starting content is `base`; `base` itself is never modified. */
  constructor(base: RegistryNode = emptyRegistryRoot()) {
    this.#tree = new CowTree(base, cloneValues);
  }

  /** The current root, to share as another device's base once this store is no longer written. */
  get root(): RegistryNode {
    return this.#tree.root;
  }

  /** The key at `path`, or undefined. */
  #find(path: KeyPath): RegistryNode | undefined {
    if (!Object.isFrozen(path)) return this.#tree.findFolded(path.map(foldCase));
    const generation = this.#tree.generation;
    let found = this.#found.get(path);
    if (found === undefined) {
      found = { generation, node: this.#tree.findFolded(folded(path)) };
      this.#found.set(path, found);
    } else if (found.generation !== generation) {
      found.generation = generation;
      found.node = this.#tree.findFolded(folded(path));
    }
    return found.node;
  }

  hasKey(path: KeyPath): boolean {
    return this.#find(path) !== undefined;
  }

  createKey(path: KeyPath): void {
    if (this.#find(path) === undefined) this.#tree.mutable(path, emptyValues, folded(path));
  }

  deleteKey(path: KeyPath): boolean {
    return this.#tree.remove(path);
  }

  subkeys(path: KeyPath): string[] {
    const node = this.#find(path);
    return node === undefined ? [] : Array.from(node.children.values(), (child) => child.name);
  }

  getValue(path: KeyPath, name: string): RegistryValue | undefined {
    return this.#find(path)?.payload.get(foldedName(name))?.value;
  }

  setValue(path: KeyPath, name: string, value: RegistryValue): void {
    const node = this.#tree.mutable(path, emptyValues, folded(path))!;
    const key = foldedName(name);
    const existing = node.payload.get(key);
    node.payload.set(key, { name: existing?.name ?? name, value });
  }

  deleteValue(path: KeyPath, name: string): boolean {
    const key = foldCase(name);
    if (this.#find(path)?.payload.has(key) !== true) return false;
    return this.#tree.mutable(path)!.payload.delete(key);
  }

  values(path: KeyPath): NamedValue[] {
    const node = this.#find(path);
    return node === undefined ? [] : Array.from(node.payload.values());
  }

  atomic<T>(work: () => T): T {
    return work();
  }

  transaction<T>(work: () => T): T {
    return this.#tree.transaction(work);
  }
}
