import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  type ReadStream,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

/**
 * Content bytes on disk beside the database: staged blocks of uploads in progress, and the
 * assembled encrypted `.bin` of each content file. Blocks are keyed by the hex of their id so
 * any base64 block id (with `+` and `/`) is a safe file name.
 */
export class BlobStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, "blobs");
    mkdirSync(join(this.root, "files"), { recursive: true });
    mkdirSync(join(this.root, "blocks"), { recursive: true });
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

  /** Stores one uploaded block (Azure Put Block); a repeated id replaces the earlier bytes. */
  async putBlock(fileId: string, blockId: string, bytes: Buffer): Promise<void> {
    const folder = join(this.root, "blocks", fileId);
    mkdirSync(folder, { recursive: true });
    const target = join(folder, blockFileName(blockId));
    const temporary = `${target}.${process.pid}.tmp`;
    // The id beside the bytes, one file per block, so parallel Put Blocks need no shared index for Get Block List.
    await writeFile(`${target}${blockIdSuffix}`, blockId);
    await writeFile(temporary, bytes);
    renameSync(temporary, target);
  }

  /** Blocks staged and not yet committed (Get Block List's uncommitted list), in no particular order. */
  async uncommittedBlocks(fileId: string): Promise<BlockEntry[]> {
    const folder = join(this.root, "blocks", fileId);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return [];
    }
    const entries: BlockEntry[] = [];
    for (const name of names) {
      if (!name.endsWith(blockIdSuffix)) continue;
      const bytes = name.slice(0, -blockIdSuffix.length);
      try {
        const size = (await stat(join(folder, bytes))).size;
        entries.push({ name: await readFile(join(folder, name), "utf8"), size });
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
      await stat(join(this.root, "blocks", fileId, blockFileName(blockId)));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Concatenates staged blocks in list order into the file's blob (Azure Put Block List).
   * Written to a temporary file and renamed, so a reader never sees a half-written blob.
   */
  async assemble(fileId: string, blockIds: readonly string[]): Promise<number> {
    const target = this.filePath(fileId);
    const temporary = `${target}.${process.pid}.tmp`;
    const handle = await open(temporary, "w");
    let length = 0;
    const committed: BlockEntry[] = [];
    try {
      for (const blockId of blockIds) {
        const bytes = await readFile(join(this.root, "blocks", fileId, blockFileName(blockId)));
        await handle.write(bytes);
        length += bytes.length;
        committed.push({ name: blockId, size: bytes.length });
      }
    } finally {
      await handle.close();
    }
    await writeFile(`${this.#committedListPath(fileId)}.${process.pid}.tmp`, JSON.stringify(committed));
    renameSync(`${this.#committedListPath(fileId)}.${process.pid}.tmp`, this.#committedListPath(fileId));
    renameSync(temporary, target);
    await rm(join(this.root, "blocks", fileId), { recursive: true, force: true });
    return length;
  }

  /** Copies a stream into a file's blob in one go (used by the direct import, not by Graph clients). */
  async writeFile(fileId: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const target = this.filePath(fileId);
    const temporary = `${target}.${process.pid}.tmp`;
    await pipeline(source, createWriteStream(temporary));
    // A blob written whole has no blocks (Azure's Put Blob).
    rmSync(this.#committedListPath(fileId), { force: true });
    renameSync(temporary, target);
    return statSync(target).size;
  }

  /** A read stream over `[start, end]` (inclusive) of a file's blob. */
  readRange(fileId: string, start: number, end: number, highWaterMark: number): ReadStream {
    return createReadStream(this.filePath(fileId), { start, end, highWaterMark });
  }

  /** Removes a file's blob and any staged blocks. */
  removeFile(fileId: string): void {
    rmSync(this.filePath(fileId), { force: true });
    rmSync(this.#committedListPath(fileId), { force: true });
    rmSync(join(this.root, "blocks", fileId), { recursive: true, force: true });
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
