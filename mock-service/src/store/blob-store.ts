import { createHash, randomUUID } from "node:crypto";
import {
  type BigIntStats,
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdirSync,
  openSync,
  type ReadStream,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { ImesimError } from "@imesim/contracts/errors";
import { deviceCache } from "../device-cache.ts";

/** Small blobs kept in memory per store (BlobStore.smallFile): a fleet's packages, a few KiB each. */
const SMALL_BLOBS = 64;

/** Which bytes a blob is (device, inode, size, change time), and its size. */
function blobIdentity(info: BigIntStats): { identity: string; size: number } {
  return { identity: `${info.dev}:${info.ino}:${info.size}:${info.ctimeNs}`, size: Number(info.size) };
}

/** Checked at the moment a write would land: false when the target may no longer change (a commit froze it). */
export type MayReplace = () => boolean;

/**
 * Content bytes on disk beside the database: staged blocks of uploads in progress, and the
 * assembled encrypted `.bin` of each content file. Blocks are keyed by the hex of their id so
 * any base64 block id (with `+` and `/`) is a safe file name.
 *
 * Every write streams into a temporary file of its own (a fresh name per write, so concurrent writes to
 * one target never share one) and lands with a rename: a reader never sees half a blob, and of concurrent
 * complete writes the last rename wins, as in Azure Storage.
 */
export class BlobStore {
  readonly root: string;
  // Small assembled blobs by file id, with the identity (blobIdentity) of the file they were read from.
  readonly #small = deviceCache<{ readonly identity: string; readonly bytes: Buffer }>(SMALL_BLOBS);

  // True when the folder is this store's alone (see the constructor): a kept small blob is then current.
  readonly #soleWriter: boolean;

  /**
   * `soleWriter`: nothing but this store changes the folder while it runs (a service whose data folder is removed
   * when it stops), so a blob changes only through its own writes, which drop what was kept of it; a download
   * then needs no stat of the file to know the kept bytes are current.
   */
  constructor(dataDir: string, options: { readonly soleWriter?: boolean } = {}) {
    this.#soleWriter = options.soleWriter === true;
    this.root = join(dataDir, "blobs");
    mkdirSync(join(this.root, "files"), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.root, "blocks"), { recursive: true, mode: 0o700 });
    this.#removeStaleTemporaries();
  }

  /** Path of a content file's assembled blob (it may not exist yet). */
  filePath(fileId: string): string {
    return join(this.root, "files", `${fileId}.bin`);
  }

  /** Byte length of a content file's assembled blob, or undefined when none was assembled. */
  fileSize(fileId: string): number | undefined {
    try {
      return statSync(this.filePath(fileId)).size;
    } catch {
      return undefined;
    }
  }

  /**
   * A content file's assembled blob as it is now: its size, and its bytes when it holds at most `limit`. Every
   * device of a fleet downloads the same few small packages, and opening, reading and closing the file for each
   * one was most of a download's disk work; the bytes are kept in memory with the identity of the file they came
   * from (device, inode, size, change time) and served again only while the file on disk still has it. A blob
   * lands by rename (a new inode), so a replaced blob is read afresh. Undefined when none was assembled.
   */
  smallFile(fileId: string, limit: number): { readonly size: number; readonly bytes?: Buffer } | undefined {
    if (this.#soleWriter) {
      const kept = this.#small.get(fileId);
      if (kept !== undefined) return { size: kept.bytes.length, bytes: kept.bytes };
    }
    const path = this.filePath(fileId);
    let info: ReturnType<typeof blobIdentity>;
    try {
      info = blobIdentity(statSync(path, { bigint: true }));
    } catch {
      return undefined;
    }
    if (info.size > limit) return { size: info.size };
    const known = this.#small.get(fileId);
    if (known !== undefined && known.identity === info.identity)
      return { size: info.size, bytes: known.bytes };
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return undefined;
    }
    try {
      // The identity of the file actually read (it may have been replaced since the stat above).
      const opened = blobIdentity(fstatSync(fd, { bigint: true }));
      if (opened.size > limit) return { size: opened.size };
      const bytes = Buffer.alloc(opened.size);
      let read = 0;
      while (read < bytes.length) {
        const got = readSync(fd, bytes, read, bytes.length - read, read);
        if (got === 0) break;
        read += got;
      }
      // Shorter than its stat said: not a blob the store wrote (it lands whole); served as read, not kept.
      if (read < bytes.length) return { size: read, bytes: bytes.subarray(0, read) };
      this.#small.set(fileId, { identity: opened.identity, bytes });
      return { size: opened.size, bytes };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Which bytes the blob is right now (device, inode, size, change time), or undefined when there is none:
   * equal before and after a verification means the verified bytes are the stored ones.
   */
  fileIdentity(fileId: string): string | undefined {
    try {
      return blobIdentity(statSync(this.filePath(fileId), { bigint: true })).identity;
    } catch {
      return undefined;
    }
  }

  /** Stores one uploaded block (Azure Put Block), streamed; a repeated id replaces the earlier bytes. */
  async putBlock(
    fileId: string,
    blockId: string,
    source: AsyncIterable<Uint8Array>,
    limit: number,
    mayReplace: MayReplace,
  ): Promise<number> {
    const folder = join(this.root, "blocks", fileId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const target = join(folder, blockFileName(blockId));
    // The id beside the bytes, one file per block, so parallel Put Blocks need no shared index for Get Block List.
    await writeFile(`${target}${blockIdSuffix}`, blockId, { mode: 0o600 });
    return this.#write(target, source, limit, mayReplace);
  }

  /**
   * Blocks staged and not in the committed list (Get Block List's uncommitted list), in no particular order.
   * Staged blocks stay on disk after a block list (see assemble), so the committed ones are left out here.
   */
  async uncommittedBlocks(fileId: string): Promise<BlockEntry[]> {
    const folder = join(this.root, "blocks", fileId);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return [];
    }
    const committed = new Set((await this.committedBlocks(fileId)).map((block) => block.name));
    const entries: BlockEntry[] = [];
    for (const name of names) {
      if (!name.endsWith(blockIdSuffix)) continue;
      const bytes = name.slice(0, -blockIdSuffix.length);
      try {
        const size = (await stat(join(folder, bytes))).size;
        const id = await readFile(join(folder, name), "utf8");
        if (!committed.has(id)) entries.push({ name: id, size });
      } catch {
        // An id whose bytes are still being written is not a block yet.
      }
    }
    return entries;
  }

  /** The blocks the blob was committed from, in order (Get Block List's committed list); none for a single-shot blob. */
  async committedBlocks(fileId: string): Promise<BlockEntry[]> {
    try {
      return JSON.parse(await readFile(this.#committedListPath(fileId), "utf8")) as BlockEntry[];
    } catch {
      return [];
    }
  }

  #committedListPath(fileId: string): string {
    return join(this.root, "files", `${fileId}.blocks.json`);
  }

  /** True when a block with that id was staged for the file. */
  async hasBlock(fileId: string, blockId: string): Promise<boolean> {
    try {
      await stat(this.#blockPath(fileId, blockId));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Concatenates staged blocks in list order into the file's blob (Azure Put Block List). The blocks stay
   * (Azure keeps a blob's committed blocks) until the file is committed or removed, so two block lists for
   * one file can assemble at once. Throws BLOB_BLOCK_MISSING when a listed block is gone.
   */
  async assemble(fileId: string, blockIds: readonly string[], mayReplace: MayReplace): Promise<number> {
    const blocks = this.#blockPath.bind(this, fileId);
    async function* concatenated(): AsyncGenerator<Uint8Array> {
      for (const blockId of blockIds) {
        try {
          yield* createReadStream(blocks(blockId));
        } catch (cause) {
          throw new ImesimError(
            "BLOB_BLOCK_MISSING",
            `The block list names block '${blockId}', which is gone.`,
            {
              cause,
            },
          );
        }
      }
    }
    const sizes = await Promise.all(
      blockIds.map((blockId) =>
        stat(blocks(blockId)).then(
          (info) => info.size,
          () => 0,
        ),
      ),
    );
    const length = await this.#write(
      this.filePath(fileId),
      concatenated(),
      Number.POSITIVE_INFINITY,
      mayReplace,
      fileId,
    );
    const committed: BlockEntry[] = blockIds.map((name, index) => ({ name, size: sizes[index] ?? 0 }));
    const list = this.#committedListPath(fileId);
    const temporary = `${list}.${randomUUID()}.tmp`;
    await writeFile(temporary, JSON.stringify(committed), { mode: 0o600 });
    renameSync(temporary, list);
    // Committing a list drops the staged blocks it left out, as Azure does; the listed ones stay until the
    // file is committed (see above), so a second list naming them can still assemble.
    const listed = new Set(blockIds.map((blockId) => blockFileName(blockId)));
    const folder = join(this.root, "blocks", fileId);
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const bytes = name.endsWith(blockIdSuffix) ? name.slice(0, -blockIdSuffix.length) : name;
      if (!listed.has(bytes) && !name.endsWith(".tmp")) rmSync(join(folder, name), { force: true });
    }
    return length;
  }

  /** Streams a whole blob in one go (Azure Put Blob). */
  async writeFile(
    fileId: string,
    source: AsyncIterable<Uint8Array>,
    limit: number,
    mayReplace: MayReplace,
  ): Promise<number> {
    const length = await this.#write(this.filePath(fileId), source, limit, mayReplace, fileId);
    // A blob written whole has no blocks (Azure's Put Blob).
    rmSync(this.#committedListPath(fileId), { force: true });
    return length;
  }

  /** A read stream over `[start, end]` (inclusive) of a file's blob. */
  readRange(fileId: string, start: number, end: number, highWaterMark: number): ReadStream {
    return createReadStream(this.filePath(fileId), { start, end, highWaterMark });
  }

  /** Drops a file's staged blocks (once its content is committed they are never read again). */
  removeBlocks(fileId: string): void {
    rmSync(join(this.root, "blocks", fileId), { recursive: true, force: true });
  }

  /** Removes a file's blob and any staged blocks. */
  removeFile(fileId: string): void {
    this.#small.delete(fileId);
    rmSync(this.filePath(fileId), { force: true });
    rmSync(this.#committedListPath(fileId), { force: true });
    this.removeBlocks(fileId);
  }

  #blockPath(fileId: string, blockId: string): string {
    return join(this.root, "blocks", fileId, blockFileName(blockId));
  }

  /**
   * Streams `source` into a temporary file next to `target` (BLOB_TOO_LARGE past `limit` bytes), then
   * renames it over `target` if `mayReplace()` still holds at that moment (BLOB_FROZEN otherwise). The check
   * and the rename run in one turn of the event loop, so nothing lands after a commit froze the file. Landing a
   * file's blob (`fileId`) drops the bytes kept of the one it replaces in that same turn.
   */
  async #write(
    target: string,
    source: AsyncIterable<Uint8Array>,
    limit: number,
    mayReplace: MayReplace,
    fileId?: string,
  ): Promise<number> {
    const temporary = `${target}.${randomUUID()}.tmp`;
    let length = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            length += chunk.length;
            if (length > limit)
              throw new ImesimError("BLOB_TOO_LARGE", `The body is larger than ${limit} bytes.`);
            yield chunk;
          }
        },
        createWriteStream(temporary, { mode: 0o600 }),
      );
      if (!mayReplace())
        throw new ImesimError("BLOB_FROZEN", "The content file is committed or being committed.");
      renameSync(temporary, target);
      if (fileId !== undefined) this.#small.delete(fileId);
      return length;
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  // Temporary files are this process's writes in flight; any found at start were left by a process that was
  // killed mid-write (kill -9 during an upload) and would otherwise stay forever.
  #removeStaleTemporaries(): void {
    const files = join(this.root, "files");
    const blocks = join(this.root, "blocks");
    const folders = [files, ...readdirSync(blocks).map((name) => join(blocks, name))];
    for (const folder of folders) {
      let names: string[];
      try {
        names = readdirSync(folder);
      } catch {
        continue;
      }
      for (const name of names) if (name.endsWith(".tmp")) rmSync(join(folder, name), { force: true });
    }
  }
}

/** One block of a blob as Get Block List names it: its id (base64) and its length. */
export interface BlockEntry {
  readonly name: string;
  readonly size: number;
}

// Suffix of the file that holds a staged block's id beside its bytes.
const blockIdSuffix = ".id";

function blockFileName(blockId: string): string {
  // Azure allows block ids up to 64 bytes; hashing keeps any id a short, safe file name.
  return createHash("sha256").update(blockId).digest("hex");
}
