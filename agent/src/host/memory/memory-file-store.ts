// The in-memory file-system backend: a copy-on-write tree shared with the base image.
import {
  bytesOf,
  type DiskBacking,
  type FileEntry,
  type FilePath,
  type FileStore,
  isDiskBacking,
} from "../files/file-store.ts";
import { CowTree, type TreeNode } from "./cow-tree.ts";

/**
 * What a node holds: entry metadata and, for a file, its bytes (never mutated: writes replace them) or where
 * they lie on the real disk, read when the file is read.
 */
export interface FileNodeData {
  kind: "file" | "directory";
  data: Uint8Array | DiskBacking | undefined;
  createdMs: number;
  modifiedMs: number;
  version: string | undefined;
}
export type FileNode = TreeNode<FileNodeData>;

const cloneData = (payload: FileNodeData): FileNodeData => ({ ...payload });
const EMPTY = new Uint8Array(0);

/** An empty file tree (drives are its children) to build a base image into. */
export function emptyFileRoot(): FileNode {
  return CowTree.root<FileNodeData>({
    kind: "directory",
    data: undefined,
    createdMs: 0,
    modifiedMs: 0,
    version: undefined,
  });
}

function sizeOf(data: FileNodeData["data"]): number {
  if (data === undefined) return 0;
  return isDiskBacking(data) ? data.size : data.length;
}

function toEntry(node: FileNode): FileEntry {
  const { kind, data, createdMs, modifiedMs, version } = node.payload;
  return { name: node.name, kind, size: sizeOf(data), createdMs, modifiedMs, version };
}

export class MemoryFileStore implements FileStore {
  readonly #tree: CowTree<FileNodeData>;
  #free: number;

  /** A store starting from `base` (never modified) with `freeBytes` free on the system drive. */
  constructor(base: FileNode, freeBytes: number) {
    this.#tree = new CowTree(base, cloneData);
    this.#free = freeBytes;
  }

  get root(): FileNode {
    return this.#tree.root;
  }

  entry(path: FilePath): FileEntry | undefined {
    const node = path.length === 0 ? undefined : this.#tree.find(path);
    return node === undefined ? undefined : toEntry(node);
  }

  read(path: FilePath): Uint8Array | undefined {
    const node = this.#tree.find(path);
    if (node?.payload.kind !== "file") return undefined;
    const data = node.payload.data ?? EMPTY;
    // A copy: the stored bytes may be shared with other devices through the base image.
    return isDiskBacking(data) ? bytesOf(data) : data.slice();
  }

  backing(path: FilePath): DiskBacking | undefined {
    const data = this.#tree.find(path)?.payload.data;
    return data !== undefined && isDiskBacking(data) ? data : undefined;
  }

  putFile(
    path: FilePath,
    data: Uint8Array | DiskBacking,
    meta: Omit<FileEntry, "name" | "kind" | "size">,
  ): void {
    const make = (): FileNodeData => ({
      kind: "file",
      data: undefined,
      createdMs: 0,
      modifiedMs: 0,
      version: undefined,
    });
    const node = this.#tree.mutable(path, make)!;
    node.payload.kind = "file";
    node.payload.data = data;
    node.payload.createdMs = meta.createdMs;
    node.payload.modifiedMs = meta.modifiedMs;
    node.payload.version = meta.version;
  }

  putDirectory(path: FilePath, timeMs: number): void {
    this.#tree.mutable(path, () => ({
      kind: "directory",
      data: undefined,
      createdMs: timeMs,
      modifiedMs: timeMs,
      version: undefined,
    }));
  }

  remove(path: FilePath): boolean {
    return this.#tree.remove(path);
  }

  children(path: FilePath): FileEntry[] {
    const node = this.#tree.find(path);
    return node === undefined ? [] : Array.from(node.children.values(), toEntry);
  }

  bytesBelow(path: FilePath): number {
    const node = this.#tree.find(path);
    return node === undefined ? 0 : sumBytes(node);
  }

  move(from: FilePath, to: FilePath): void {
    const node = this.#tree.detach(from);
    if (node !== undefined) this.#tree.attach(to.slice(0, -1), to[to.length - 1]!, node);
  }

  freeBytes(): number {
    return this.#free;
  }

  setFreeBytes(bytes: number): void {
    this.#free = bytes;
  }

  atomic<T>(work: () => T): T {
    return work();
  }

  transaction<T>(work: () => T): T {
    return this.#tree.transaction(work, {
      save: () => {
        const free = this.#free;
        return () => {
          this.#free = free;
        };
      },
    });
  }
}

function sumBytes(node: FileNode): number {
  let total = sizeOf(node.payload.data);
  for (const child of node.children.values()) total += sumBytes(child);
  return total;
}
