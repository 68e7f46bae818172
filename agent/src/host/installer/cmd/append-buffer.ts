// Output redirected to a file arrives line by line; rewriting the whole file for every line would make a
// long loop quadratic (the FileSystem contract has no append). The buffer keeps appended text per file and
// writes it in one go before anything else touches the file system, so every reader sees it in order.
import type { FileSystem, Host } from "../../types.ts";

export class AppendBuffer {
  private readonly fs: FileSystem;
  private readonly pending = new Map<string, { path: string; chunks: Buffer[] }>();

  constructor(fs: FileSystem) {
    this.fs = fs;
  }

  /** Queues bytes to append to a file (by device path). */
  append(path: string, data: Buffer): void {
    const key = path.toLowerCase();
    const entry = this.pending.get(key);
    if (entry === undefined) this.pending.set(key, { path, chunks: [data] });
    else entry.chunks.push(data);
  }

  /** Writes every queued append to its file. */
  flush(): void {
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const { path, chunks } of entries) {
      const existing = this.fs.stat(path)?.kind === "file" ? this.fs.readFile(path) : new Uint8Array();
      this.fs.writeFile(path, Buffer.concat([existing, ...chunks]));
    }
  }

  /** The file system as seen through the buffer: every call first writes what is queued. */
  view(): FileSystem {
    const fs = this.fs;
    const before = <T>(work: () => T): T => {
      this.flush();
      return work();
    };
    return {
      stat: (path) => before(() => fs.stat(path)),
      readFile: (path) => before(() => fs.readFile(path)),
      writeFile: (path, data, options) => before(() => fs.writeFile(path, data, options)),
      mkdir: (path) => before(() => fs.mkdir(path)),
      remove: (path) => before(() => fs.remove(path)),
      list: (path) => before(() => fs.list(path)),
      rename: (from, to) => before(() => fs.rename(from, to)),
      fileVersion: (path) => before(() => fs.fileVersion(path)),
      freeBytes: (drive) => before(() => fs.freeBytes(drive)),
    };
  }
}

/** The host with its file system seen through `buffer`; everything else (registry, transactions) unchanged. */
export function hostWithBuffer(host: Host, buffer: AppendBuffer): Host {
  const fs = buffer.view();
  return new Proxy(host, {
    get(target, property) {
      if (property === "fs") return fs;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
