// The in-memory registry backend: a copy-on-write tree, so thousands of devices share one base registry.
import { foldCase } from "../paths.ts";
import type { KeyPath, NamedValue, RegistryStore } from "../registry/registry-store.ts";
import type { RegistryValue } from "../types.ts";
import { CowTree, type TreeNode } from "./cow-tree.ts";

/** A key's values by folded name; Map keeps creation order, which regedit's export follows. */
export type KeyValues = Map<string, NamedValue>;
export type RegistryNode = TreeNode<KeyValues>;

/**
 * The values of every key created without any yet: most keys a device creates are path levels that never get a
 * value, and an empty Map apiece lived as long as the device (issue 18). Never changed: `ownValues` gives a key a
 * Map of its own before its first value.
 */
const NO_VALUES: KeyValues = new Map();
const emptyValues = (): KeyValues => NO_VALUES;
/** A copy to write to; an empty key's copy is the shared empty Map again (writes go through `ownValues`). */
const cloneValues = (values: KeyValues): KeyValues => (values.size === 0 ? NO_VALUES : new Map(values));
/** `node`'s values, writable: a Map of its own in place of the shared empty one. */
function ownValues(node: RegistryNode): KeyValues {
  if (node.payload === NO_VALUES) node.payload = new Map();
  return node.payload;
}

/** An empty registry tree to build a base image into. */
export function emptyRegistryRoot(): RegistryNode {
  return CowTree.root<KeyValues>(new Map());
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

export class MemoryRegistryStore implements RegistryStore {
  readonly #tree: CowTree<KeyValues>;
  /** A store whose starting content is `base`; `base` itself is never modified. */
  constructor(base: RegistryNode = emptyRegistryRoot()) {
    this.#tree = new CowTree(base, cloneValues);
  }

  /** The current root, to share as another device's base once this store is no longer written. */
  get root(): RegistryNode {
    return this.#tree.root;
  }

  hasKey(path: KeyPath): boolean {
    return this.#tree.find(path) !== undefined;
  }

  createKey(path: KeyPath): void {
    if (this.#tree.find(path) === undefined) this.#tree.mutable(path, emptyValues);
  }

  deleteKey(path: KeyPath): boolean {
    return this.#tree.remove(path);
  }

  subkeys(path: KeyPath): string[] {
    const node = this.#tree.find(path);
    return node === undefined ? [] : Array.from(node.children.values(), (child) => child.name);
  }

  getValue(path: KeyPath, name: string): RegistryValue | undefined {
    return this.#tree.find(path)?.payload.get(foldedName(name))?.value;
  }

  setValue(path: KeyPath, name: string, value: RegistryValue): void {
    const tree = this.#tree;
    // Inside a transaction, the one value's old entry is what a rollback puts back, not a copy of the whole key.
    const node = tree.mutable(path, emptyValues, false)!;
    const key = foldedName(name);
    const existing = node.payload.get(key);
    if (tree.inTransaction) {
      // A value set again keeps its place in the key; a new one is simply removed again.
      tree.logUndo(
        existing === undefined ? () => node.payload.delete(key) : () => ownValues(node).set(key, existing),
      );
    }
    ownValues(node).set(key, { name: existing?.name ?? name, value });
  }

  deleteValue(path: KeyPath, name: string): boolean {
    const key = foldedName(name);
    if (this.#tree.find(path)?.payload.has(key) !== true) return false;
    return this.#tree.mutable(path)!.payload.delete(key);
  }

  values(path: KeyPath): NamedValue[] {
    const node = this.#tree.find(path);
    return node === undefined ? [] : Array.from(node.payload.values());
  }

  atomic<T>(work: () => T): T {
    return work();
  }

  transaction<T>(work: () => T): T {
    return this.#tree.transaction(work);
  }
}
