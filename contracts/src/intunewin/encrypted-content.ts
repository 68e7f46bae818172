import { createDecipheriv, timingSafeEqual } from "node:crypto";
import { ImesimError } from "../errors/index.ts";
import type { DecodedEncryptionInfo } from "./detection-xml.ts";
import { ImeContentErrorCode, IntunewinErrorCode } from "./error-codes.ts";
import type { RandomAccessSource } from "./random-access.ts";
import { inlineHash, type StreamHash } from "./verify-worker.ts";

// intunewin.md §1.3: bytes [0,32) HMAC-SHA256(MacKey, IV ‖ ciphertext), [32,48) IV, [48,end) AES-256-CBC/PKCS7.
export const MAC_LENGTH = 32;
export const IV_LENGTH = 16;
export const HEADER_LENGTH = MAC_LENGTH + IV_LENGTH;
export const AES_BLOCK = 16;

/** Length of the encrypted file for a plaintext of `unencryptedSize` bytes (PKCS#7 always pads). */
export function encryptedLengthFor(unencryptedSize: number): number {
  return HEADER_LENGTH + AES_BLOCK * (Math.floor(unencryptedSize / AES_BLOCK) + 1);
}

/** What one pass over the encrypted file found; the caller decides which failure to report first. */
export interface CryptoVerdict {
  encryptedLength: number;
  storedMac: Buffer;
  storedIv: Buffer;
  computedMac: Buffer;
  plaintextLength: number;
  plaintextDigest: Buffer;
  paddingValid: boolean;
}

/** A slice of another source, e.g. the encrypted entry inside an outer package. */
export function sliceSource(
  source: RandomAccessSource,
  offset: number,
  length: number,
  name: string,
): RandomAccessSource {
  const { readInto } = source;
  return {
    size: length,
    name,
    read: (at, count) => source.read(offset + at, Math.max(0, Math.min(count, length - at))),
    ...(readInto === undefined
      ? {}
      : {
          readInto: (target: Buffer, at: number) =>
            readInto(target.subarray(0, Math.max(0, Math.min(target.length, length - at))), offset + at),
        }),
    close: async () => {},
  };
}

/** Fails fast on what can be seen without reading the whole file: length alignment and IV agreement. */
export async function checkEncryptedHeader(
  source: RandomAccessSource,
  keys: DecodedEncryptionInfo,
  expectedUnencryptedSize?: number,
): Promise<{ storedMac: Buffer; storedIv: Buffer }> {
  const imeErrorCode = ImeContentErrorCode.downloadFailed;
  if (source.size < HEADER_LENGTH + AES_BLOCK) {
    throw new ImesimError(
      IntunewinErrorCode.truncated,
      `${source.name}: encrypted file is ${source.size} bytes, shorter than the 64-byte minimum (MAC, IV, one block)`,
      { imeErrorCode },
    );
  }
  if (expectedUnencryptedSize !== undefined) {
    const expected = encryptedLengthFor(expectedUnencryptedSize);
    if (source.size < expected) {
      throw new ImesimError(
        IntunewinErrorCode.truncated,
        `${source.name}: encrypted file is ${source.size} bytes, expected ${expected} for UnencryptedContentSize ${expectedUnencryptedSize} (truncated)`,
        { imeErrorCode },
      );
    }
    if (source.size !== expected) {
      throw new ImesimError(
        IntunewinErrorCode.encryptedSizeMismatch,
        `${source.name}: encrypted file is ${source.size} bytes, expected 48 + 16·(⌊${expectedUnencryptedSize}/16⌋+1) = ${expected}`,
        { imeErrorCode },
      );
    }
  } else if ((source.size - HEADER_LENGTH) % AES_BLOCK !== 0) {
    throw new ImesimError(
      IntunewinErrorCode.encryptedSizeMismatch,
      `${source.name}: ciphertext length ${source.size - HEADER_LENGTH} is not a multiple of 16 (not AES-CBC, or truncated)`,
      { imeErrorCode },
    );
  }
  const header = await source.read(0, HEADER_LENGTH);
  const storedMac = Buffer.from(header.subarray(0, MAC_LENGTH));
  const storedIv = Buffer.from(header.subarray(MAC_LENGTH, HEADER_LENGTH));
  if (!storedIv.equals(keys.iv)) {
    throw new ImesimError(
      IntunewinErrorCode.ivMismatch,
      `${source.name}: IV in the file (bytes 32-48) differs from InitializationVector`,
      { imeErrorCode },
    );
  }
  return { storedMac, storedIv };
}

/** How decryptStream reads and where it hashes. */
export interface DecryptStreamOptions {
  /** Bytes per read and per decipher call: ~1 MiB is where Node's CBC decryption runs fastest (measured). */
  chunkSize?: number;
  /**
   * The MAC (HMAC-SHA256 with MacKey, IV first) and digest (SHA-256) hashes, when the caller runs them elsewhere
   * (verify-worker.ts); by default both are computed inline. The caller cancels them if it stops early.
   */
  hashes?: { mac: StreamHash; digest: StreamHash };
}

/** Yields `source`'s bytes from `start` in chunks, reading the next chunk while the caller works on this one. */
async function* readAhead(
  source: RandomAccessSource,
  start: number,
  chunkSize: number,
): AsyncGenerator<Buffer> {
  const { readInto } = source;
  const fetch = (position: number, buffer: Buffer | undefined): Promise<Buffer> | undefined => {
    if (position >= source.size) return undefined;
    const length = Math.min(chunkSize, source.size - position);
    if (readInto === undefined || buffer === undefined) return source.read(position, length);
    const target = buffer.subarray(0, length);
    return readInto.call(source, target, position).then((read) => target.subarray(0, read));
  };
  // Two buffers take turns: one is read into while the caller uses the other, which it must be done with
  // (decipher.update copies it) by the time it asks for the next chunk. No garbage per chunk.
  const buffers =
    readInto === undefined ? [] : [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let position = start;
  let turn = 0;
  let next = fetch(position, buffers[turn]);
  while (next !== undefined) {
    const chunk = await next;
    if (chunk.length === 0) return;
    position += chunk.length;
    turn ^= 1;
    next = fetch(position, buffers[turn]);
    yield chunk;
  }
}

/**
 * Streams the encrypted file once: HMAC over IV ‖ ciphertext (unless the caller has it computed elsewhere),
 * AES-256-CBC decryption and SHA-256 of the plaintext together. The digest is always taken here, over exactly
 * the plaintext handed on, so what is extracted is what was checked against FileDigest. The verdict is returned,
 * never thrown, so the caller can rank failures (size, MAC, padding, digest) before trusting anything it extracted.
 */
export async function* decryptStream(
  source: RandomAccessSource,
  keys: DecodedEncryptionInfo,
  verdict: Partial<CryptoVerdict>,
  options: DecryptStreamOptions = {},
): AsyncGenerator<Buffer> {
  const header = await source.read(0, HEADER_LENGTH);
  const storedIv = header.subarray(MAC_LENGTH, HEADER_LENGTH);
  const { mac, digest } = options.hashes ?? {
    mac: inlineHash({ macKey: keys.macKey, prefix: storedIv }),
    digest: inlineHash({}),
  };
  const decipher = createDecipheriv("aes-256-cbc", keys.encryptionKey, storedIv);
  let plaintextLength = 0;
  let encryptedLength = HEADER_LENGTH;
  for await (const chunk of readAhead(source, HEADER_LENGTH, options.chunkSize ?? 1 << 20)) {
    encryptedLength += chunk.length;
    // The MAC copies (or hashes) the chunk before it is decrypted: readAhead reuses its buffer afterwards.
    await mac.update(chunk);
    const plain = decipher.update(chunk);
    if (plain.length > 0) {
      await digest.update(plain);
      plaintextLength += plain.length;
      yield plain;
    }
  }
  let paddingValid = true;
  let last: Buffer = Buffer.alloc(0);
  try {
    last = decipher.final();
  } catch {
    paddingValid = false;
  }
  if (last.length > 0) {
    await digest.update(last);
    plaintextLength += last.length;
  }
  Object.assign(verdict, {
    encryptedLength,
    storedMac: Buffer.from(header.subarray(0, MAC_LENGTH)),
    storedIv: Buffer.from(storedIv),
    computedMac: await mac.digest(),
    plaintextLength,
    plaintextDigest: await digest.digest(),
    paddingValid,
  } satisfies CryptoVerdict);
  if (last.length > 0) yield last;
}

/**
 * Ranks what a pass found and throws the first failure: MAC (constant time), then padding, digest and
 * size. The order makes the root cause win: a flipped ciphertext byte is a MAC failure, not a zip error.
 */
export function assertVerdict(
  name: string,
  keys: DecodedEncryptionInfo,
  verdict: CryptoVerdict,
  expectedUnencryptedSize: number | undefined,
): void {
  const imeErrorCode = ImeContentErrorCode.downloadFailed;
  const contentMacMatches = timingSafeEqual(verdict.computedMac, keys.mac);
  if (!contentMacMatches) {
    throw new ImesimError(
      IntunewinErrorCode.macMismatch,
      `${name}: HMAC-SHA256 over IV ‖ ciphertext does not match Mac: the content was changed after packaging, or MacKey is wrong`,
      { imeErrorCode },
    );
  }
  if (!timingSafeEqual(verdict.storedMac, keys.mac)) {
    throw new ImesimError(
      IntunewinErrorCode.storedMacMismatch,
      `${name}: the MAC stored in bytes 0-32 differs from Mac although the content verifies`,
      { imeErrorCode },
    );
  }
  if (!verdict.paddingValid) {
    throw new ImesimError(
      IntunewinErrorCode.badPadding,
      `${name}: PKCS#7 padding is invalid after decryption: EncryptionKey does not match the content`,
      { imeErrorCode },
    );
  }
  if (!timingSafeEqual(verdict.plaintextDigest, keys.fileDigest)) {
    throw new ImesimError(
      IntunewinErrorCode.digestMismatch,
      `${name}: SHA-256 of the decrypted content does not match FileDigest (wrong EncryptionKey, or a different package's keys)`,
      { imeErrorCode },
    );
  }
  if (expectedUnencryptedSize !== undefined && verdict.plaintextLength !== expectedUnencryptedSize) {
    throw new ImesimError(
      IntunewinErrorCode.contentSizeMismatch,
      `${name}: decrypted content is ${verdict.plaintextLength} bytes, UnencryptedContentSize says ${expectedUnencryptedSize}`,
      { imeErrorCode },
    );
  }
}

/**
 * Random access to the plaintext of an encrypted file, decrypting only the blocks asked for (CBC allows
 * that: block i needs ciphertext block i-1 as its IV). Used to read the inner zip's central directory
 * before the streaming pass; nothing read here is trusted until the pass verifies the MAC.
 */
export async function plaintextSource(
  source: RandomAccessSource,
  keys: DecodedEncryptionInfo,
): Promise<RandomAccessSource> {
  const cipherLength = source.size - HEADER_LENGTH;
  const decryptBlocks = async (firstBlock: number, blockCount: number): Promise<Buffer> => {
    const ivOffset = firstBlock === 0 ? MAC_LENGTH : HEADER_LENGTH + (firstBlock - 1) * AES_BLOCK;
    const iv = await source.read(ivOffset, AES_BLOCK);
    const cipher = await source.read(HEADER_LENGTH + firstBlock * AES_BLOCK, blockCount * AES_BLOCK);
    if (iv.length !== AES_BLOCK || cipher.length % AES_BLOCK !== 0) return Buffer.alloc(0);
    const decipher = createDecipheriv("aes-256-cbc", keys.encryptionKey, iv).setAutoPadding(false);
    return Buffer.concat([decipher.update(cipher), decipher.final()]);
  };
  const totalBlocks = Math.floor(cipherLength / AES_BLOCK);
  let size = totalBlocks * AES_BLOCK;
  if (totalBlocks > 0) {
    const last = await decryptBlocks(totalBlocks - 1, 1);
    const pad = last[AES_BLOCK - 1] ?? 0;
    // An invalid pad is reported by the streaming pass; here the whole length is exposed instead.
    if (pad >= 1 && pad <= AES_BLOCK && last.subarray(AES_BLOCK - pad).every((byte) => byte === pad))
      size -= pad;
  }
  return {
    size,
    name: `${source.name} (decrypted)`,
    async read(offset, length) {
      const end = Math.min(offset + length, size);
      if (offset >= end) return Buffer.alloc(0);
      const firstBlock = Math.floor(offset / AES_BLOCK);
      const lastBlock = Math.floor((end - 1) / AES_BLOCK);
      const plain = await decryptBlocks(firstBlock, lastBlock - firstBlock + 1);
      const skip = offset - firstBlock * AES_BLOCK;
      return plain.subarray(skip, skip + (end - offset));
    },
    close: async () => {},
  };
}
