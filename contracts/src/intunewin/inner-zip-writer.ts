// Writes the content zip as a stream of bytes, compressing chunks on worker threads.
// Hand-written rather than yazl: yazl deflates on the main thread only, and the bench goal needs both cores.
import { crc32Combine } from "./crc32-combine.ts";
import type { DeflatePool } from "./deflate-pool.ts";
import type { DeflateResult } from "./deflate-worker-source.ts";
import { diskFileSystem, type SourceFileSystem, type SourceItem, sourceItemPath } from "./folder-walk.ts";
import {
  centralDirectoryHeader,
  endOfCentralDirectory,
  localFileHeader,
  toDosDateTime,
  UINT32_MAX,
  writeUInt64,
  ZIP_FLAG,
  ZIP_METHOD,
  ZIP_SIGNATURE,
  type ZipEntryRecord,
  zip64LocalExtra,
} from "./zip-format.ts";

const CHUNK = 512 * 1024;
const CONSUMED: Promise<DeflateResult> = new Promise(() => {});
const DICTIONARY = 32 * 1024;
/** Files up to this size are compressed whole before their header, so the header carries sizes and CRC. */
const BUFFERED_FILE_LIMIT = 8 << 20;
/** Above this, a file might not fit 32-bit sizes once compressed, so it gets Zip64 fields from the start. */
const ZIP64_THRESHOLD = UINT32_MAX - (16 << 20);
// What .NET's ZipArchive writes (checked on the 1.8.4.0 fixture): made by / needed 2.0, FAT host.
const VERSION_20 = 20;
const VERSION_ZIP64 = 45;
const DIRECTORY_BLOCK = 1 << 20;

export interface InnerZipOptions {
  /** The folder the items' names are relative to. */
  sourceFolder: string;
  level: number;
  /** Chunks in flight at once; bounds memory (each is at most 1 MiB in and out). */
  window?: number;
  onRead?: (bytes: number) => void;
  /** Where the items are read from (default the disk). */
  fileSystem?: SourceFileSystem;
}

interface FileJob {
  item: SourceItem;
  chunks: Promise<DeflateResult>[];
}

const DONE_JOB: FileJob = {
  item: { name: "", isDirectory: true, size: 0, modifiedMs: 0 },
  chunks: [],
};

/** A counting semaphore so the reader never runs more than `window` chunks ahead of the writer. */
function semaphore(capacity: number): { acquire(): Promise<void>; release(): void; open(): void } {
  let free = capacity;
  let unbounded = false;
  const queue: (() => void)[] = [];
  return {
    acquire() {
      if (unbounded) return Promise.resolve();
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise((resolve) => queue.push(resolve));
    },
    release() {
      const next = queue.shift();
      if (next === undefined) free += 1;
      else next();
    },
    /** Lets every waiter through, now and later: used when the writer stops early. */
    open() {
      unbounded = true;
      for (const next of queue.splice(0)) next();
    },
  };
}

/**
 * The central directory, built as entries finish: each header is copied into 1 MiB blocks at once, so a folder
 * of 70,000 files holds ~5 MB of bytes rather than 70,000 record objects with a Buffer each.
 */
function directoryBuilder(): {
  add(record: ZipEntryRecord): void;
  blocks(): Buffer[];
  count: number;
  length: number;
} {
  const full: Buffer[] = [];
  let block = Buffer.allocUnsafe(DIRECTORY_BLOCK);
  let used = 0;
  return {
    count: 0,
    length: 0,
    add(record) {
      const header = centralDirectoryHeader(record);
      if (used + header.length > block.length) {
        full.push(block.subarray(0, used));
        block = Buffer.allocUnsafe(Math.max(DIRECTORY_BLOCK, header.length));
        used = 0;
      }
      header.copy(block, used);
      used += header.length;
      this.count += 1;
      this.length += header.length;
    },
    blocks: () => [...full, block.subarray(0, used)],
  };
}

/** Thrown inside the producer once the writer has stopped; never seen by callers. */
const STOPPED = new Error("content zip writer stopped");

/** Lets the writer sleep until the reader has queued something new (no busy waiting on 2 cores). */
function signal(): { wait(): Promise<void>; notify(): void } {
  let wake: () => void = () => {};
  let next = new Promise<void>((resolve) => {
    wake = resolve;
  });
  return {
    wait: () => next,
    notify() {
      wake();
      next = new Promise<void>((resolve) => {
        wake = resolve;
      });
    },
  };
}

/** Reads a file in 1 MiB chunks and hands each to the pool, primed with the previous chunk's tail. */
async function submitFile(
  item: SourceItem,
  pool: DeflatePool,
  options: InnerZipOptions,
  slots: ReturnType<typeof semaphore>,
  chunks: Promise<DeflateResult>[],
  queued: ReturnType<typeof signal>,
  stopped: () => boolean,
): Promise<void> {
  const path = sourceItemPath(options.sourceFolder, item);
  const handle = await (options.fileSystem ?? diskFileSystem).open(path);
  try {
    let position = 0;
    let dictionary: Buffer | undefined;
    while (position < item.size) {
      const length = Math.min(CHUNK, item.size - position);
      await slots.acquire();
      if (stopped()) throw STOPPED;
      const data = Buffer.allocUnsafeSlow(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(data, read, length - read, position + read);
        if (bytesRead === 0) throw new Error(`${path} shrank while being packed`);
        read += bytesRead;
      }
      position += length;
      const final = position >= item.size;
      const nextDictionary = final ? undefined : Buffer.from(data.subarray(Math.max(0, length - DICTIONARY)));
      const result = pool.deflate(data, dictionary, final, options.level);
      result.catch(() => {}); // observed by the writer; avoids an unhandled rejection while it waits
      chunks.push(result);
      queued.notify();
      options.onRead?.(length);
      dictionary = nextDictionary;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Yields the content zip of `items` (from walkSourceFolder): deflated files, stored empty files and
 * folder entries, UTF-8 names flagged, Zip64 where sizes or offsets need it.
 */
export async function* writeInnerZip(
  items: SourceItem[],
  pool: DeflatePool,
  options: InnerZipOptions,
): AsyncGenerator<Buffer> {
  const slots = semaphore(options.window ?? pool.size * 2 + 2);
  const jobs: FileJob[] = [];
  const queued = signal();
  // The producer runs ahead of this generator, bounded by the semaphore.
  let producerError: unknown;
  let stopped = false;
  const isStopped = (): boolean => stopped;
  const producer = (async () => {
    for (const item of items) {
      if (stopped) return;
      const chunks: Promise<DeflateResult>[] = [];
      const job: FileJob = { item, chunks };
      jobs.push(job);
      queued.notify();
      if (!item.isDirectory && item.size > 0) {
        await submitFile(item, pool, options, slots, chunks, queued, isStopped);
      }
    }
  })().catch((error: unknown) => {
    producerError = error;
    queued.notify();
  });

  try {
    const directory = directoryBuilder();
    // An entry's record is complete (CRC, sizes) once its data is out, i.e. when the next entry starts.
    let finished: ZipEntryRecord | undefined;
    let offset = 0;
    const emit = (buffer: Buffer): Buffer => {
      offset += buffer.length;
      return buffer;
    };
    for (let index = 0; index < items.length; index += 1) {
      while (jobs.length <= index) {
        if (producerError !== undefined) throw producerError;
        await queued.wait();
      }
      const job = jobs[index] as FileJob;
      jobs[index] = DONE_JOB;
      const { item } = job;
      const { dosDate, dosTime } = toDosDateTime(new Date(item.modifiedMs));
      const record: ZipEntryRecord = {
        name: Buffer.from(item.name, "utf8"),
        versionMadeBy: VERSION_20,
        versionNeeded: VERSION_20,
        flags: ZIP_FLAG.utf8,
        method: item.isDirectory || item.size === 0 ? ZIP_METHOD.stored : ZIP_METHOD.deflated,
        dosTime,
        dosDate,
        crc32: 0,
        compressedSize: 0,
        uncompressedSize: item.size,
        localHeaderOffset: offset,
        externalAttributes: 0,
      };
      if (finished !== undefined) directory.add(finished);
      finished = record;
      if (record.method === ZIP_METHOD.stored) {
        yield emit(localFileHeader(record, Buffer.alloc(0), false));
        continue;
      }
      const chunkCount = Math.ceil(item.size / CHUNK);
      const nextChunk = async (n: number): Promise<DeflateResult> => {
        while (job.chunks.length <= n) {
          if (producerError !== undefined) throw producerError;
          await queued.wait();
        }
        const result = await (job.chunks[n] as Promise<DeflateResult>);
        // Drop the settled promise: it holds the compressed chunk, and a large file has thousands of them.
        job.chunks[n] = CONSUMED;
        slots.release();
        return result;
      };
      if (item.size <= BUFFERED_FILE_LIMIT) {
        const parts: Buffer[] = [];
        let crc = 0;
        for (let n = 0; n < chunkCount; n += 1) {
          const result = await nextChunk(n);
          crc = n === 0 ? result.crc : crc32Combine(crc, result.crc, result.length);
          parts.push(
            Buffer.from(result.compressed.buffer, result.compressed.byteOffset, result.compressed.byteLength),
          );
        }
        record.crc32 = crc;
        record.compressedSize = parts.reduce((sum, part) => sum + part.length, 0);
        yield emit(localFileHeader(record, Buffer.alloc(0), false));
        for (const part of parts) yield emit(part);
        continue;
      }
      // Large file: sizes and CRC follow the data in a data descriptor (APPNOTE 4.3.9), so nothing is buffered.
      const zip64 = item.size >= ZIP64_THRESHOLD;
      record.flags |= ZIP_FLAG.dataDescriptor;
      if (zip64) record.versionNeeded = VERSION_ZIP64;
      // With a data descriptor the local header's CRC and sizes are zero (APPNOTE 4.4.4); a Zip64 entry marks its
      // sizes 0xFFFFFFFF and carries a zeroed Zip64 field, so readers expect 8-byte sizes in the descriptor.
      const streamed = { ...record, uncompressedSize: 0, compressedSize: 0 };
      yield emit(localFileHeader(streamed, zip64 ? zip64LocalExtra(0, 0) : Buffer.alloc(0), zip64));
      let crc = 0;
      let compressed = 0;
      for (let n = 0; n < chunkCount; n += 1) {
        const result = await nextChunk(n);
        crc = n === 0 ? result.crc : crc32Combine(crc, result.crc, result.length);
        compressed += result.compressed.byteLength;
        yield emit(
          Buffer.from(result.compressed.buffer, result.compressed.byteOffset, result.compressed.byteLength),
        );
      }
      record.crc32 = crc;
      record.compressedSize = compressed;
      const descriptor = Buffer.alloc(zip64 ? 24 : 16);
      descriptor.writeUInt32LE(ZIP_SIGNATURE.dataDescriptor, 0);
      descriptor.writeUInt32LE(crc >>> 0, 4);
      if (zip64) {
        writeUInt64(descriptor, compressed, 8);
        writeUInt64(descriptor, item.size, 16);
      } else {
        descriptor.writeUInt32LE(compressed, 8);
        descriptor.writeUInt32LE(item.size, 12);
      }
      yield emit(descriptor);
    }
    await producer;
    if (producerError !== undefined) throw producerError;
    if (finished !== undefined) directory.add(finished);
    const directoryOffset = offset;
    for (const block of directory.blocks()) yield emit(block);
    yield emit(endOfCentralDirectory(directory.count, directoryOffset, directory.length, VERSION_20));
  } finally {
    // Reached early when the consumer stops (an error or an abort): the producer must not read on, and its
    // open file handle is closed before this returns.
    if (!stopped) {
      stopped = true;
      slots.open();
      await producer;
    }
  }
}
