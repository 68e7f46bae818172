// A device file that arrives in pieces (the downloaded .bin in Content\Incoming, ime.md §3.4): small ones are
// gathered in memory and written once; past `memoryBytes` the bytes stream into a file of the disk spool and
// the device's entry refers to it (DiskBacking), so a package of any size costs a few chunks of memory.
// `persist` makes the device's entry show what has arrived, so a crash or a dropped link resumes from there.
import { copyFile, type FileHandle, open, truncate } from "node:fs/promises";
import type { FileSystem } from "../types.ts";
import type { DiskSpool } from "./disk-spool.ts";
import type { DiskBacking } from "./file-store.ts";

export interface GrowingFile {
  /** Bytes held so far (what a resume asks the server to skip). */
  readonly size: number;
  /** True once the bytes live in a spool file rather than in memory. */
  readonly onDisk: boolean;
  append(chunk: Uint8Array): Promise<void>;
  /** Writes the device's entry at the file's path with every byte appended so far. */
  persist(): void;
  /** Closes the real file; the device's entry (as last persisted) stays. */
  close(): Promise<void>;
}

export interface GrowingFileOptions {
  readonly fs: FileSystem;
  /** The device path (`C:\\Program Files (x86)\\…\\Incoming\\<id>_<ver>.bin`). */
  readonly path: string;
  readonly spool: DiskSpool;
  /** The spool file's name (plain, unique per device path). */
  readonly spoolName: string;
  /** Up to this many bytes stay in memory. */
  readonly memoryBytes: number;
}

/** Opens the file at `path`, keeping what a previous attempt left there (a partial download is resumed). */
export async function openGrowingFile(options: GrowingFileOptions): Promise<GrowingFile> {
  const { fs, path, spool, spoolName, memoryBytes } = options;
  let chunks: Uint8Array[] = [];
  let size = 0;
  let handle: FileHandle | undefined;
  let diskPath: string | undefined;

  const toDisk = async (): Promise<FileHandle> => {
    diskPath = await spool.claim(spoolName);
    handle = await open(diskPath, "w");
    let position = 0;
    for (const chunk of chunks) position += await writeAll(handle, chunk, position);
    chunks = [];
    return handle;
  };

  const stat = fs.stat(path);
  if (stat?.kind === "file" && stat.size > 0) {
    const backing = fs.diskBacking?.(path);
    if (backing !== undefined && backing.diskPath === spool.pathOf(spoolName)) {
      // Our own spool file from an earlier attempt: bytes past the persisted size are not trusted.
      diskPath = backing.diskPath;
      await truncate(diskPath, backing.size);
      handle = await open(diskPath, "r+");
    } else if (backing !== undefined) {
      const target = await spool.claim(spoolName);
      await copyFile(backing.diskPath, target);
      await truncate(target, backing.size);
      diskPath = target;
      handle = await open(target, "r+");
    } else {
      chunks = [fs.readFile(path)];
      if (stat.size > memoryBytes) await toDisk();
    }
    size = stat.size;
  }

  return {
    get size() {
      return size;
    },
    get onDisk() {
      return diskPath !== undefined;
    },
    async append(chunk) {
      if (chunk.length === 0) return;
      if (handle === undefined && size + chunk.length <= memoryBytes) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      const file = handle ?? (await toDisk());
      size += await writeAll(file, chunk, size);
    },
    persist() {
      if (diskPath !== undefined) {
        const backing: DiskBacking = { diskPath, size };
        fs.writeFile(path, backing);
        return;
      }
      const bytes = chunks.length === 1 ? chunks[0]! : concat(chunks, size);
      chunks = [bytes];
      fs.writeFile(path, bytes);
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

/** Writes all of `chunk` at `position`; resolves with its length. */
async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number): Promise<number> {
  for (let done = 0; done < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
  return chunk.length;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
