// What checking and extracting small in-memory content gave, shared by every caller in the process. A fleet's
// devices download the same few packages under the same keys (the content is encrypted once, at publishing), and
// each ran the same HMAC, AES and SHA-256 passes and the same inflate over the same bytes: with tiny packages,
// mostly the fixed cost of making a cipher or hash per call (issue 18). A result is kept only for a success, and
// used only for the very bytes (compared with a copy) and the very keys and options it was made from, so a
// changed byte, other keys or a failure take the full pass as before.
import type { ContentEntry, ContentSink } from "./content-sink.ts";
import type { DecodedEncryptionInfo, EncryptionInfo } from "./detection-xml.ts";

/** Content at most this large (encrypted, and extracted) is remembered; anything larger always takes the full pass. */
export const MEMO_MAX_BYTES = 256 << 10;
/**
 * Results kept; past this many (a catalogue of distinct packages) the memo starts over. With the size limit, a memo
 * holds at most 8 MiB of encrypted copies and, for extractions, as much again of plaintext.
 */
const MEMO_ENTRIES = 32;

/** A success, with a copy of the bytes it was made from. */
interface Remembered<T> {
  readonly bytes: Buffer;
  readonly result: T;
}

/** Results by keys and options; a hit also needs the same bytes. */
export class ContentMemo<T> {
  readonly #entries = new Map<string, Remembered<T>>();

  /** What `key` gave for exactly `bytes`, or undefined. */
  get(key: string, bytes: Uint8Array): T | undefined {
    const hit = this.#entries.get(key);
    return hit?.bytes.equals(bytes) ? hit.result : undefined;
  }

  /** Keeps `result` for `key` and `bytes`: a copy of the input taken before the work, which nothing else holds. */
  remember(key: string, bytes: Buffer, result: T): void {
    if (this.#entries.size >= MEMO_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { bytes, result });
  }
}

/**
 * The memo key of a call over `input` with `info` and the options in `extra`, or undefined when the call is not
 * remembered: only bytes of at most MEMO_MAX_BYTES, and keys as Detection.xml spells them (the decoded form's
 * buffers could be changed after the call).
 */
export function contentMemoKey(
  input: unknown,
  info: EncryptionInfo | DecodedEncryptionInfo,
  extra: string,
): string | undefined {
  if (!(input instanceof Uint8Array) || input.length > MEMO_MAX_BYTES || !("MacKey" in info))
    return undefined;
  // Every member, in the order the type lists them, as JSON: members of any text (a ProfileIdentifier with a line
  // break) cannot run into each other.
  return JSON.stringify([
    extra,
    info.EncryptionKey,
    info.MacKey,
    info.InitializationVector,
    info.Mac,
    info.ProfileIdentifier,
    info.FileDigest,
    info.FileDigestAlgorithm,
  ]);
}

/** One call an extraction made on its sink: a directory, or a file with the chunks the sink read of it. */
interface SinkStep {
  readonly entry: ContentEntry;
  readonly chunks?: readonly Buffer[];
}

/** An extraction's calls on its sink, to make again on another sink. */
export interface SinkRecording {
  readonly steps: readonly SinkStep[];
  /** Plaintext bytes recorded; past MEMO_MAX_BYTES the recording is not kept. */
  readonly bytes: number;
}

const entryCopy = (entry: ContentEntry): ContentEntry => ({
  path: entry.path,
  isDirectory: entry.isDirectory,
  size: entry.size,
  modified: new Date(entry.modified.getTime()),
});

/**
 * `sink`, passing every call on and recording it: entries and copies of the chunks as the sink reads them (an
 * extraction may release a chunk's memory once the sink asks for the next).
 */
export function recordingSink(sink: ContentSink): { sink: ContentSink; recording: () => SinkRecording } {
  const steps: SinkStep[] = [];
  let bytes = 0;
  async function* recorded(data: AsyncIterable<Buffer>, chunks: Buffer[]): AsyncGenerator<Buffer> {
    for await (const chunk of data) {
      bytes += chunk.length;
      if (bytes <= MEMO_MAX_BYTES) chunks.push(Buffer.from(chunk));
      yield chunk;
    }
  }
  return {
    sink: {
      ...(sink.releasesChunks === undefined ? {} : { releasesChunks: sink.releasesChunks }),
      directory(entry) {
        steps.push({ entry: entryCopy(entry) });
        return sink.directory(entry);
      },
      file(entry, data) {
        const chunks: Buffer[] = [];
        steps.push({ entry: entryCopy(entry), chunks });
        return sink.file(entry, recorded(data, chunks));
      },
      commit: () => sink.commit(),
      abort: (reason) => sink.abort(reason),
    },
    recording: () => ({ steps, bytes }),
  };
}

/**
 * Makes the recorded calls on `sink`, each with fresh entries and fresh copies of the chunks; `wrap` runs each call as
 * the extraction runs it (its errors become the extraction's).
 */
export async function replaySink(
  recording: SinkRecording,
  sink: ContentSink,
  wrap: (entry: ContentEntry, call: () => Promise<void> | void) => Promise<void>,
): Promise<void> {
  for (const step of recording.steps) {
    const entry = entryCopy(step.entry);
    const { chunks } = step;
    if (chunks === undefined) await wrap(entry, () => sink.directory(entry));
    else await wrap(entry, () => sink.file(entry, copies(chunks)));
  }
}

async function* copies(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield Buffer.from(chunk);
}

/** Copies of `entries`, so a caller changing its summary changes nothing remembered. */
export function entryCopies(entries: readonly ContentEntry[]): ContentEntry[] {
  return entries.map(entryCopy);
}
