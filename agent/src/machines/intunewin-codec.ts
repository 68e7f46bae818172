// The real content steps over contracts' .intunewin codec: HMAC check, decryption with the FileDigest
// check, and extraction of the zip inside — each a streaming pass over the downloaded .bin.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";
import type { DecryptInfo } from "@imesim/contracts/gateway";
import {
  type EncryptedInput,
  type EncryptionInfo,
  extractContent,
  fileSource,
  type RandomAccessSource,
  verifyEncryptedContent,
} from "@imesim/contracts/intunewin";
import { type DiskBacking, isDiskBacking } from "../host/files/file-store.ts";
import { createSpillSink } from "../host/files/spill-sink.ts";
import type { ContentCodec, PackageEntry } from "./ports.ts";

/** DecryptInfo (gateway spelling, `IV`) as the codec's EncryptionInfo (Detection.xml spelling). */
function encryptionInfoOf(keys: DecryptInfo): EncryptionInfo {
  if (keys.ProfileIdentifier === "NoEncryption") {
    // The mock serves encrypted content only; plain content (S11's "NoEncryption") is not simulated.
    throw new ImesimError(
      "CONTENT_NOT_ENCRYPTED",
      "DecryptInfo says NoEncryption, which imesim does not simulate",
      {
        path: "DecryptInfo.ProfileIdentifier",
      },
    );
  }
  const missing = (["MacKey", "Mac", "FileDigest"] as const).filter((name) => keys[name] === undefined);
  if (missing.length > 0) {
    throw new ImesimError("CONTENT_KEYS_INCOMPLETE", `DecryptInfo lacks ${missing.join(", ")}`, {
      path: `DecryptInfo.${missing[0]}`,
    });
  }
  return {
    EncryptionKey: keys.EncryptionKey,
    MacKey: keys.MacKey!,
    InitializationVector: keys.IV,
    Mac: keys.Mac!,
    ProfileIdentifier: keys.ProfileIdentifier,
    FileDigest: keys.FileDigest!,
    FileDigestAlgorithm: keys.FileDigestAlgorithm ?? "SHA256",
  };
}

/**
 * Runs `work` over the .bin: bytes as they are, a DiskBacking as positional reads of its first `size` bytes
 * (a large .bin is never read into memory whole).
 */
async function overContent<T>(
  encrypted: Uint8Array | DiskBacking,
  work: (input: EncryptedInput) => Promise<T>,
): Promise<T> {
  if (!isDiskBacking(encrypted)) return work(encrypted);
  const file = await fileSource(encrypted.diskPath);
  const size = Math.min(encrypted.size, file.size);
  const bounded: RandomAccessSource = {
    size,
    name: file.name,
    read: (offset, length) => file.read(offset, Math.max(0, Math.min(length, size - offset))),
    // Closed below, once the work is done.
    close: async () => {},
  };
  try {
    return await work(bounded);
  } finally {
    await file.close();
  }
}

/**
 * The ContentCodec the agent uses by default. Large unzipped files are left in a temporary folder the device's
 * file entries refer to (host/files/spill-sink.ts); `dispose` removes it.
 */
export function createIntunewinCodec(): ContentCodec {
  let spillFolder: Promise<string> | undefined;
  return {
    async verify(encrypted, keys) {
      await overContent(encrypted, (input) =>
        verifyEncryptedContent(input, encryptionInfoOf(keys), { decrypt: false }),
      );
    },
    async decrypt(encrypted, keys) {
      await overContent(encrypted, (input) => verifyEncryptedContent(input, encryptionInfoOf(keys)));
    },
    async unzip(encrypted, keys): Promise<PackageEntry[]> {
      const sink = createSpillSink(() => (spillFolder ??= mkdtemp(join(tmpdir(), "imesim-device-content-"))));
      await overContent(encrypted, (input) => extractContent(input, encryptionInfoOf(keys), sink));
      return [...sink.files].map(([path, data]) => ({ path, data }));
    },
    async dispose() {
      if (spillFolder !== undefined) await rm(await spillFolder, { recursive: true, force: true });
    },
  };
}
