import { createHmac } from "node:crypto";
import type { TransformOptions } from "node:stream";
import { crc32, createInflateRaw, inflateRawSync, type ZlibOptions } from "node:zlib";
import { ImesimError, isImesimError } from "../errors/index.ts";
import { throwIfAborted } from "./abort.ts";
import { ByteReader } from "./byte-reader.ts";
import { ChunkLedger, type LedgerHold, releaseNow } from "./chunk-ledger.ts";
import {
  ContentMemo,
  contentMemoKey,
  entryCopies,
  MEMO_MAX_BYTES,
  recordingSink,
  replaySink,
  type SinkRecording,
} from "./content-memo.ts";
import type { ContentEntry, ContentSink } from "./content-sink.ts";
import { type DecodedEncryptionInfo, decodeEncryptionInfo, type EncryptionInfo } from "./detection-xml.ts";
import {
  assertVerdict,
  type CryptoVerdict,
  checkEncryptedHeader,
  decryptStream,
  MAC_LENGTH,
  plaintextSource,
} from "./encrypted-content.ts";
import { ImeContentErrorCode, IntunewinErrorCode } from "./error-codes.ts";
import { garbageBudget } from "./garbage-collection.ts";
import { bytesSource, fileSource, type RandomAccessSource, readRange } from "./random-access.ts";
import { safeEntryPath } from "./safe-path.ts";
import { storedPrefix } from "./stored-blocks.ts";
import { inlineHash, type StreamHash, workerHash } from "./verify-worker.ts";
import { fromDosDateTime, LOCAL_HEADER_SIZE, ZIP_METHOD, ZIP_SIGNATURE } from "./zip-format.ts";
import { openZipDirectory, type ZipDirectoryIndex, type ZipEntry } from "./zip-reader.ts";

/** Bounds that stop zip bombs before they fill a disk. */
export interface ExtractionLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /** Declared total size / content-zip size; deflate cannot exceed ~1032:1 honestly. */
  maxExpansionRatio: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxEntries: 200_000,
  maxTotalBytes: 64 * 1024 ** 3,
  maxExpansionRatio: 1100,
};

/** Where the encrypted bytes come from: a path, bytes, or any random-access source. */
export type EncryptedInput = string | Uint8Array | RandomAccessSource;

/** Options of extractContent. */
export interface ExtractOptions {
  /** UnencryptedContentSize from Detection.xml; checked when given. */
  unencryptedContentSize?: number;
  limits?: Partial<ExtractionLimits>;
  /** Called with plaintext bytes processed so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Files the sink may be writing at once (default 1). Above 1, `sink.file` is called for the next entry before
   * the previous call resolved; the directory sink supports that, and unpackPackage uses 2.
   */
  concurrentFiles?: number;
  /** Stops the extraction: the sink is aborted (its staging removed) and INTUNEWIN_ABORTED is thrown. */
  signal?: AbortSignal;
}

/** What a verified extraction produced. */
export interface ExtractionSummary {
  entries: ContentEntry[];
  encryptedSize: number;
  unencryptedSize: number;
}

/** Entries this small (both sides) are inflated in one call; anything bigger streams, so memory stays flat. */
const SMALL_ENTRY = 4 << 20;
const SMALL_ENTRY_OUTPUT = 16 << 20;
const MADE_BY_UNIX = 3;
/** Content below this is hashed inline: a worker's start-up would cost more than it saves. */
const HASH_WORKER_MIN_SIZE = 8 << 20;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function innerInvalid(message: string, path?: string): ImesimError {
  return new ImesimError(IntunewinErrorCode.innerZipInvalid, `content zip: ${message}`, {
    imeErrorCode: ImeContentErrorCode.unzipFailed,
    ...(path === undefined ? {} : { path }),
  });
}

async function openInput(input: EncryptedInput): Promise<{ source: RandomAccessSource; owned: boolean }> {
  if (typeof input === "string") return { source: await fileSource(input), owned: true };
  if (input instanceof Uint8Array) return { source: bytesSource(input, "<encrypted content>"), owned: true };
  return { source: input, owned: false };
}

/**
 * The checked content zip, with its entries in the order of their data. Entries are decoded again when their
 * turn comes rather than kept: with 70,000 small files, holding them all from the start is what grew the heap.
 */
interface ExtractionPlan {
  directory: ZipDirectoryIndex;
  /** Directory indexes sorted by local header offset. */
  order: Uint32Array;
}

/**
 * The content zip's central directory. A missing EOCD here is a broken content zip (the outer readers' hints,
 * "truncated download" or "you gave the inner file", would point the user the wrong way).
 */
async function readInnerDirectory(plain: RandomAccessSource, maxEntries: number): Promise<ZipDirectoryIndex> {
  try {
    return await openZipDirectory(plain, maxEntries);
  } catch (error) {
    if (
      isImesimError(error, IntunewinErrorCode.truncated) ||
      isImesimError(error, IntunewinErrorCode.encryptedFileGivenInsteadOfPackage)
    ) {
      throw innerInvalid("no End of Central Directory record");
    }
    throw error;
  }
}

/** Checks one content-zip entry against the extraction rules and says what it becomes on disk. */
function contentEntryOf(zip: ZipEntry): ContentEntry {
  const safe = safeEntryPath(zip.fileName);
  const host = zip.versionMadeBy >> 8;
  if (host === MADE_BY_UNIX && ((zip.externalAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    throw new ImesimError(IntunewinErrorCode.unsafePath, `entry "${zip.fileName}" is a symbolic link`, {
      path: zip.fileName,
    });
  }
  if (zip.method !== ZIP_METHOD.stored && zip.method !== ZIP_METHOD.deflated) {
    throw innerInvalid(
      `entry "${zip.fileName}" uses compression method ${zip.method} (only stored and deflate)`,
      zip.fileName,
    );
  }
  if ((zip.flags & 0x0001) !== 0) throw innerInvalid(`entry "${zip.fileName}" is encrypted`, zip.fileName);
  return {
    path: safe.path,
    isDirectory: safe.isDirectory,
    size: zip.uncompressedSize,
    modified: fromDosDateTime(zip.dosDate, zip.dosTime),
  };
}

function nameClash(entryName: string, filePath: string): ImesimError {
  return innerInvalid(
    `entry "${entryName}" clashes with the folder of another entry: "${filePath}" is both a file and a folder`,
    entryName,
  );
}

/**
 * Records the folders a path lies in (lower-cased, as Windows compares names) and refuses one that another
 * entry holds as a file: `a` beside `a/b.txt` cannot both be extracted, on Windows or anywhere else.
 */
function assertParentsAreFolders(
  path: string,
  seen: ReadonlySet<string>,
  folders: Set<string>,
  entryName: string,
): void {
  const lower = path.toLowerCase();
  for (let end = lower.lastIndexOf("/"); end > 0; end = lower.lastIndexOf("/", end - 1)) {
    const parent = lower.slice(0, end);
    if (folders.has(parent)) return; // its own parents were recorded when it was
    if (seen.has(parent)) throw nameClash(entryName, path.slice(0, end));
    folders.add(parent);
  }
}

/** Checks the content zip's directory against safety limits and turns it into an extraction plan. */
function planEntries(
  directory: ZipDirectoryIndex,
  zipSize: number,
  limits: ExtractionLimits,
): ExtractionPlan {
  if (directory.count > limits.maxEntries) {
    throw new ImesimError(
      IntunewinErrorCode.zipBomb,
      `content zip has ${directory.count} entries, limit ${limits.maxEntries}`,
    );
  }
  let total = 0;
  const seen = new Set<string>();
  const folders = new Set<string>();
  const offsets = new Float64Array(directory.count);
  for (let index = 0; index < directory.count; index += 1) {
    const zip = directory.entry(index);
    const content = contentEntryOf(zip);
    // Windows paths are case-insensitive: two names differing only in case would overwrite each other.
    const key = content.path.toLowerCase();
    if (seen.has(key)) throw innerInvalid(`entry "${zip.fileName}" appears twice`, zip.fileName);
    seen.add(key);
    if (content.isDirectory) folders.add(key);
    else if (folders.has(key)) throw nameClash(zip.fileName, content.path);
    assertParentsAreFolders(content.path, seen, folders, zip.fileName);
    total += zip.uncompressedSize;
    offsets[index] = zip.localHeaderOffset;
  }
  if (total > limits.maxTotalBytes) {
    throw new ImesimError(
      IntunewinErrorCode.zipBomb,
      `content expands to ${total} bytes, limit ${limits.maxTotalBytes}`,
    );
  }
  if (total > Math.max(zipSize, 1 << 20) * limits.maxExpansionRatio) {
    throw new ImesimError(
      IntunewinErrorCode.zipBomb,
      `content expands ${Math.round(total / Math.max(zipSize, 1))}:1, beyond the ${limits.maxExpansionRatio}:1 limit`,
    );
  }
  const order = new Uint32Array(directory.count);
  for (let index = 0; index < order.length; index += 1) order[index] = index;
  order.sort((a, b) => (offsets[a] ?? 0) - (offsets[b] ?? 0));
  return { directory, order };
}

/**
 * Yields an entry's uncompressed bytes, checking size and CRC-32 against the directory. `fed` is called once
 * every compressed byte of the entry has been taken from the reader, so the next entry may start reading.
 */
async function* entryData(
  reader: ByteReader,
  entry: ZipEntry,
  fed: () => void,
  collected: (bytes: number) => void,
  ledger: ChunkLedger | undefined,
): AsyncGenerator<Buffer> {
  let produced = 0;
  let crc = 0;
  // Inflated chunks are new memory that turns to garbage once written; stored ones are views of the plaintext.
  const fresh = entry.method !== ZIP_METHOD.stored;
  const account = (chunk: Buffer, isView = !fresh): void => {
    produced += chunk.length;
    if (!isView) collected(chunk.length);
    if (produced > entry.uncompressedSize) {
      throw new ImesimError(
        IntunewinErrorCode.zipBomb,
        `entry "${entry.fileName}" inflates beyond its declared ${entry.uncompressedSize} bytes`,
        { path: entry.fileName },
      );
    }
    crc = crc32(chunk, crc);
  };
  if (entry.method === ZIP_METHOD.stored) {
    if (entry.compressedSize !== entry.uncompressedSize)
      throw innerInvalid(`stored entry "${entry.fileName}" has two sizes`);
    const hold = ledger?.hold(reader.position);
    for await (const chunk of reader.take(entry.compressedSize)) {
      account(chunk);
      yield chunk;
      // The sink asked for the next chunk: it is done with this one (ContentSink.releasesChunks).
      hold?.move(reader.position);
    }
    hold?.release();
    fed();
  } else if (entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY_OUTPUT) {
    const compressed = await reader.readExact(entry.compressedSize);
    fed();
    let plain: Buffer;
    try {
      plain = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.uncompressedSize) + 1 });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
        account(Buffer.alloc(entry.uncompressedSize + 1));
      throw innerInvalid(
        `entry "${entry.fileName}" does not inflate (${(error as Error).message})`,
        entry.fileName,
      );
    }
    account(plain, ledger !== undefined);
    yield plain;
    if (ledger !== undefined) releaseNow(plain);
  } else {
    yield* inflateStreaming(reader, entry, account, fed, ledger);
  }
  if (produced !== entry.uncompressedSize) {
    throw innerInvalid(
      `entry "${entry.fileName}" has ${produced} bytes, directory says ${entry.uncompressedSize}`,
      entry.fileName,
    );
  }
  if (crc >>> 0 !== entry.crc32 >>> 0)
    throw innerInvalid(`entry "${entry.fileName}" fails its CRC-32 check`, entry.fileName);
}

/**
 * Inflates a large entry: the stored blocks it starts with pass through as views of the plaintext (stored-blocks.ts),
 * and from its first other block on, zlib inflates the rest on its thread pool while the main thread keeps decrypting.
 */
async function* inflateStreaming(
  reader: ByteReader,
  entry: ZipEntry,
  account: (chunk: Buffer, isView?: boolean) => void,
  fed: () => void,
  ledger: ChunkLedger | undefined,
): AsyncGenerator<Buffer> {
  const doesNotInflate = (reason: string): ImesimError =>
    innerInvalid(`entry "${entry.fileName}" does not inflate (${reason})`, entry.fileName);
  const hold = ledger?.hold(reader.position);
  // The stored prefix keeps views of its last 32 KiB for zlib's dictionary: those chunks stay until it is built.
  let kept = reader.position;
  const prefix = storedPrefix(reader, entry.compressedSize, doesNotInflate, (position) => {
    kept = position;
  });
  let step = await prefix.next();
  while (step.done !== true) {
    account(step.value, true);
    yield step.value;
    hold?.move(Math.min(kept, reader.position));
    step = await prefix.next();
  }
  const end = step.value;
  hold?.move(reader.position);
  const rest = entry.compressedSize - end.consumed;
  if (end.nextBlockByte === undefined) {
    hold?.release();
    if (!end.ended) throw doesNotInflate("unexpected end of file");
    // Bytes after the final block are not deflate data; zlib would ignore them too.
    await reader.skipTo(reader.position + rest);
    fed();
    return;
  }
  yield* inflateRest(
    reader,
    entry,
    { rest, firstByte: end.nextBlockByte, window: end.window },
    account,
    fed,
    hold,
  );
}

/** Inflates the rest of an entry with zlib: `firstByte` (already read) and then `rest` more compressed bytes. */
async function* inflateRest(
  reader: ByteReader,
  entry: ZipEntry,
  from: { rest: number; firstByte: number; window: Buffer },
  account: (chunk: Buffer, isView?: boolean) => void,
  fed: () => void,
  hold: LedgerHold | undefined,
): AsyncGenerator<Buffer> {
  // 16 MiB of compressed input may wait here, so the shared reader gets past this entry (the reader moves on
  // once an entry's last compressed byte is queued) and the next file inflates on a second core meanwhile;
  // with 4 MiB the two files hardly overlapped. 4 MiB of output lets inflation run ahead of the disk.
  // (zlib streams pass stream options through to Transform; @types/node's ZlibOptions does not list them.)
  const options: ZlibOptions & TransformOptions = {
    chunkSize: 1 << 20,
    writableHighWaterMark: 16 << 20,
    // One output chunk per read, never several joined into a new buffer: the chunks are zlib's own output buffers
    // (1 MiB each, filled in turn), which are released once zlib has moved on and the sink is done with them.
    readableObjectMode: true,
    readableHighWaterMark: 4,
    // Back-references of the first zlib block may reach into the stored bytes passed on before it.
    ...(from.window.length > 0 ? { dictionary: from.window } : {}),
  };
  const inflater = createInflateRaw(options);
  inflater.write(Buffer.from([from.firstByte]));
  let stopped = false;
  // Resolves when the inflater wants more input, or when it is gone (ended early, failed or destroyed).
  const writable = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        inflater.off("drain", done);
        inflater.off("close", done);
        resolve();
      };
      inflater.on("drain", done);
      inflater.on("close", done);
    });
  const feeding = (async () => {
    for await (const chunk of reader.take(from.rest)) {
      if (stopped) continue; // keep reading so the reader ends exactly at the entry's end
      const end = reader.position;
      // zlib reads the chunk on its thread pool until this callback: only then may its memory go.
      const consumed = hold === undefined ? undefined : () => hold.move(end);
      if (!inflater.write(chunk, consumed)) await writable();
    }
    fed();
    if (!stopped) inflater.end();
  })();
  // A failed read (the content zip ends early) must stop the inflater too, or the loop below would wait
  // for input forever; handling it here also keeps the rejection from going unobserved until `finally`.
  feeding.catch((error: unknown) => inflater.destroy(error as Error));
  // The output buffer zlib filled last; an earlier one is released when a chunk of a newer one arrives (zlib has
  // moved on) and the sink has asked for it (it is done with the older chunks).
  let current: Buffer | undefined;
  let ended = false;
  try {
    for await (const out of inflater as AsyncIterable<Buffer>) {
      if (hold !== undefined && current !== undefined && current.buffer !== out.buffer) releaseNow(current);
      current = out;
      account(out, hold !== undefined);
      yield out;
    }
    ended = true;
  } catch (error) {
    if (isImesimError(error)) throw error;
    throw innerInvalid(
      `entry "${entry.fileName}" does not inflate (${(error as Error).message})`,
      entry.fileName,
    );
  } finally {
    stopped = true;
    inflater.destroy();
    await feeding;
    if (ended && hold !== undefined) {
      // zlib has finished with every input and output buffer.
      if (current !== undefined) releaseNow(current);
      hold.release();
    }
  }
}

/** Runs a sink call; the codec's own errors (CRC, size, bomb) pass through, the sink's become INTUNEWIN_IO_FAILED. */
async function toSink(entry: ContentEntry, call: () => Promise<void> | void): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (isImesimError(error)) throw error;
    throw new ImesimError(
      IntunewinErrorCode.ioFailed,
      `cannot write "${entry.path}": ${(error as Error).message}`,
      {
        path: entry.path,
        cause: error,
      },
    );
  }
}

/**
 * Streams each planned entry from the plaintext to the sink, in zip order. With `concurrency` > 1 the next
 * entry starts as soon as the previous one has taken all its bytes from the reader, so one file inflates and
 * reaches the disk while the next is being decrypted.
 */
async function extractEntries(
  reader: ByteReader,
  plan: ExtractionPlan,
  sink: ContentSink,
  concurrency: number,
  collected: (bytes: number) => void,
  signal: AbortSignal | undefined,
  ledger: ChunkLedger | undefined,
): Promise<ContentEntry[]> {
  const inFlight: Promise<void>[] = [];
  const extracted: ContentEntry[] = [];
  let failure: { error: unknown } | undefined;
  for (const index of plan.order) {
    if (failure !== undefined) break;
    throwIfAborted(signal, "extraction");
    const zip = plan.directory.entry(index);
    const content = contentEntryOf(zip);
    extracted.push(content);
    if (zip.localHeaderOffset < reader.position) {
      throw innerInvalid(`entry "${zip.fileName}" overlaps the one before it`);
    }
    await reader.skipTo(zip.localHeaderOffset);
    const fixed = await reader.readExact(LOCAL_HEADER_SIZE);
    if (fixed.readUInt32LE(0) !== ZIP_SIGNATURE.localFileHeader) {
      throw innerInvalid(`local header of "${zip.fileName}" missing`);
    }
    const name = await reader.readExact(fixed.readUInt16LE(26));
    await reader.readExact(fixed.readUInt16LE(28));
    if (!name.equals(zip.name) || fixed.readUInt16LE(8) !== zip.method) {
      throw innerInvalid(
        `local header of "${zip.fileName}" disagrees with the central directory`,
        zip.fileName,
      );
    }
    if (content.isDirectory) {
      await toSink(content, () => sink.directory(content));
      continue;
    }
    let fed: () => void = () => {};
    const taken = new Promise<void>((resolve) => {
      fed = resolve;
    });
    const data = entryData(reader, zip, () => fed(), collected, ledger);
    const done = toSink(content, () => sink.file(content, data)).then(async () => {
      // A sink that stopped early still leaves every byte checked (size, CRC) and the reader in place.
      for await (const _ of data) {
        // drained
      }
    });
    const settled = done.catch((error: unknown) => {
      failure ??= { error };
    });
    inFlight.push(settled);
    // The reader is shared: move on only once this entry no longer needs it (or has finished or failed).
    await Promise.race([taken, settled]);
    while (inFlight.length >= concurrency) await inFlight.shift();
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
  return extracted;
}

/** A small content's extraction: the calls it made on its sink, and what it returned. */
interface RememberedExtraction {
  readonly recording: SinkRecording;
  readonly summary: ExtractionSummary;
}
const extractions = new ContentMemo<RememberedExtraction>();
const verifications = new ContentMemo<true>();

/**
 * Verifies and extracts an encrypted content file (IntunePackage.intunewin, or the .bin the IME downloads)
 * in one streaming pass: MAC, decryption, digest and inflate together, entries going to `sink`, which is
 * committed only when the MAC, IV, padding, FileDigest, size and every entry's CRC all check out.
 * Small content in memory extracted before, the same bytes under the same keys, gives the sink the same calls
 * without the pass (content-memo.ts); progress, a signal, limits or concurrency always take the pass.
 */
export async function extractContent(
  input: EncryptedInput,
  encryptionInfo: EncryptionInfo | DecodedEncryptionInfo,
  sink: ContentSink,
  options: ExtractOptions = {},
): Promise<ExtractionSummary> {
  const plain =
    options.onProgress === undefined &&
    options.signal === undefined &&
    options.limits === undefined &&
    options.concurrentFiles === undefined;
  const key = plain
    ? contentMemoKey(input, encryptionInfo, `extract ${options.unencryptedContentSize}`)
    : undefined;
  if (key === undefined) return extractOnce(input, encryptionInfo, sink, options);
  const bytes = input as Uint8Array;
  const known = extractions.get(key, bytes);
  if (known !== undefined) return replayExtraction(known, sink);
  const copy = Buffer.from(bytes);
  const recorder = recordingSink(sink);
  const summary = await extractOnce(input, encryptionInfo, recorder.sink, options);
  const recording = recorder.recording();
  if (recording.bytes <= MEMO_MAX_BYTES) {
    extractions.remember(key, copy, {
      recording,
      summary: { ...summary, entries: entryCopies(summary.entries) },
    });
  }
  return summary;
}

/** What a remembered extraction's pass does to `sink`, success or a failing sink's error, and its summary. */
async function replayExtraction(known: RememberedExtraction, sink: ContentSink): Promise<ExtractionSummary> {
  try {
    await replaySink(known.recording, sink, toSink);
    await sink.commit();
  } catch (error) {
    await sink.abort(error);
    throw error;
  }
  return { ...known.summary, entries: entryCopies(known.summary.entries) };
}

/** extractContent's streaming pass. */
async function extractOnce(
  input: EncryptedInput,
  encryptionInfo: EncryptionInfo | DecodedEncryptionInfo,
  sink: ContentSink,
  options: ExtractOptions,
): Promise<ExtractionSummary> {
  const keys = "MacKey" in encryptionInfo ? decodeEncryptionInfo(encryptionInfo) : encryptionInfo;
  const limits = { ...DEFAULT_EXTRACTION_LIMITS, ...options.limits };
  const { signal } = options;
  const { source, owned } = await openInput(input);
  let hashes: { mac: StreamHash; digest: StreamHash } | undefined;
  try {
    throwIfAborted(signal, "extraction");
    await checkEncryptedHeader(source, keys, options.unencryptedContentSize);
    hashes = workerHashes(source, keys, sink.releasesChunks === true);
    // Plan from the (still unverified) central directory; a failure here is reported only if the MAC holds.
    const plain = await plaintextSource(source, keys);
    let plan: ExtractionPlan | undefined;
    let entries: ContentEntry[] = [];
    let innerError: unknown;
    try {
      plan = planEntries(await readInnerDirectory(plain, limits.maxEntries), plain.size, limits);
    } catch (error) {
      innerError = error;
    }
    const verdict: Partial<CryptoVerdict> = {};
    const total = plain.size;
    const collected = garbageBudget();
    // A sink that is done with each chunk when it asks for the next lets every chunk be released the moment the
    // last reader of it is done (chunk-ledger.ts); with any other sink V8 collects them, kept in check by `collected`.
    let reader: ByteReader | undefined;
    const ledger = sink.releasesChunks === true ? new ChunkLedger(() => reader?.position ?? 0) : undefined;
    reader = new ByteReader(
      tracked(decryptStream(source, keys, verdict, hashes === undefined ? {} : { hashes }), {
        total,
        onProgress: options.onProgress,
        collected,
        signal,
        ledger,
      }),
      { copyReads: ledger !== undefined },
    );
    if (plan !== undefined) {
      try {
        const concurrency = Math.max(1, options.concurrentFiles ?? 1);
        entries = await extractEntries(reader, plan, sink, concurrency, collected, signal, ledger);
      } catch (error) {
        innerError = error;
        // A failed entry may have left zlib holding an input buffer: release nothing more.
        ledger?.stop();
      }
    }
    // Stopping must not first decrypt the rest of a large package.
    throwIfAborted(signal, "extraction");
    await reader.drain();
    assertVerdict(source.name, keys, verdict as CryptoVerdict, options.unencryptedContentSize);
    if (innerError !== undefined) {
      if (isImesimError(innerError)) throw innerError;
      throw innerInvalid((innerError as Error).message);
    }
    throwIfAborted(signal, "extraction");
    await sink.commit();
    return {
      entries,
      encryptedSize: source.size,
      unencryptedSize: verdict.plaintextLength ?? 0,
    };
  } catch (error) {
    await Promise.all([hashes?.mac.cancel(), hashes?.digest.cancel()]);
    await sink.abort(error);
    throw error;
  } finally {
    if (owned) await source.close();
  }
}

/**
 * Puts the MAC on a worker thread (verify-worker.ts) when the content is big enough to gain from it: a worker
 * costs ~20 ms to start. The digest gets a worker of its own only when chunks are released as they go (`lean`): on
 * the 411 MiB bench it took ~0.2 s off the main thread, and its ~10 MB stay well within the limit there (peak RSS
 * 155 → 167 MB), where with chunks left to the collector it had pushed peak RSS to 201 MB (the limit is 200).
 * Below the size, decryptStream hashes both inline.
 */
function workerHashes(
  source: RandomAccessSource,
  keys: DecodedEncryptionInfo,
  lean: boolean,
): { mac: StreamHash; digest: StreamHash } | undefined {
  if (source.size < HASH_WORKER_MIN_SIZE) return undefined;
  return {
    mac: workerHash({ macKey: keys.macKey, prefix: keys.iv }, `${source.name} (MAC)`),
    digest: lean ? workerHash({}, `${source.name} (digest)`) : inlineHash({}),
  };
}

/** How `tracked` reports and where dead chunks go. */
interface TrackedOptions {
  total: number;
  onProgress: ((done: number, total: number) => void) | undefined;
  collected: (bytes: number) => void;
  signal: AbortSignal | undefined;
  /** Releases each chunk once read; without it, `collected` counts them for a collection. */
  ledger: ChunkLedger | undefined;
}

/** Passes plaintext through, reporting progress and keeping dead chunks from piling up. */
async function* tracked(chunks: AsyncIterable<Buffer>, options: TrackedOptions): AsyncGenerator<Buffer> {
  const { total, onProgress, collected, signal, ledger } = options;
  let done = 0;
  for await (const chunk of chunks) {
    // Every reader of the plaintext stops here, so one check per chunk (1 MiB) stops all of them.
    throwIfAborted(signal, "extraction");
    done += chunk.length;
    // Each plaintext chunk is new memory; ciphertext is read into reused buffers (or is a view of bytes already in
    // memory), and inflated output is counted apart.
    if (ledger === undefined) collected(chunk.length);
    else ledger.add(chunk, done);
    onProgress?.(Math.min(done, total), total);
    yield chunk;
  }
}

/** HMAC over IV ‖ ciphertext only, for callers that check the MAC without decrypting. */
async function assertMacOnly(source: RandomAccessSource, keys: DecodedEncryptionInfo): Promise<void> {
  const hmac = createHmac("sha256", keys.macKey);
  for await (const chunk of readRange(source, MAC_LENGTH, source.size - MAC_LENGTH)) hmac.update(chunk);
  const stored = await source.read(0, MAC_LENGTH);
  const computed = hmac.digest();
  // The verdict ranking applies unchanged; padding and digest count as fine because they were not asked for.
  assertVerdict(
    source.name,
    keys,
    {
      encryptedLength: source.size,
      storedMac: Buffer.from(stored),
      storedIv: keys.iv,
      computedMac: computed,
      plaintextLength: 0,
      plaintextDigest: keys.fileDigest,
      paddingValid: true,
    },
    undefined,
  );
}

/** Options of verifyEncryptedContent. */
interface VerifyOptions {
  expectedEncryptedSize?: number;
  unencryptedContentSize?: number;
  decrypt?: boolean;
}

/**
 * Checks an encrypted file against its keys without extracting (Graph's commit step): length, IV, MAC,
 * and, unless `decrypt` is false, padding, FileDigest and UnencryptedContentSize. Small content in memory that
 * passed the same check before, the same bytes under the same keys, passes without the pass (content-memo.ts).
 */
export async function verifyEncryptedContent(
  input: EncryptedInput,
  encryptionInfo: EncryptionInfo | DecodedEncryptionInfo,
  options: VerifyOptions = {},
): Promise<void> {
  const { expectedEncryptedSize, unencryptedContentSize, decrypt } = options;
  const key = contentMemoKey(
    input,
    encryptionInfo,
    `verify ${decrypt !== false} ${expectedEncryptedSize} ${unencryptedContentSize}`,
  );
  if (key === undefined) return verifyOnce(input, encryptionInfo, options);
  const bytes = input as Uint8Array;
  if (verifications.get(key, bytes) === true) return;
  const copy = Buffer.from(bytes);
  await verifyOnce(input, encryptionInfo, options);
  verifications.remember(key, copy, true);
}

/** verifyEncryptedContent's pass. */
async function verifyOnce(
  input: EncryptedInput,
  encryptionInfo: EncryptionInfo | DecodedEncryptionInfo,
  options: VerifyOptions,
): Promise<void> {
  const keys = "MacKey" in encryptionInfo ? decodeEncryptionInfo(encryptionInfo) : encryptionInfo;
  const { source, owned } = await openInput(input);
  try {
    if (options.expectedEncryptedSize !== undefined && source.size !== options.expectedEncryptedSize) {
      throw new ImesimError(
        IntunewinErrorCode.encryptedSizeMismatch,
        `${source.name}: ${source.size} bytes uploaded, sizeEncrypted says ${options.expectedEncryptedSize}`,
      );
    }
    await checkEncryptedHeader(source, keys, options.unencryptedContentSize);
    if (options.decrypt === false) {
      await assertMacOnly(source, keys);
      return;
    }
    const verdict: Partial<CryptoVerdict> = {};
    for await (const _ of decryptStream(source, keys, verdict)) {
      // hashing happens inside the stream
    }
    const full = verdict as CryptoVerdict;
    assertVerdict(source.name, keys, full, options.unencryptedContentSize);
  } finally {
    if (owned) await source.close();
  }
}
