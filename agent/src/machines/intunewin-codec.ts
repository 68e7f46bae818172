// The real content steps over contracts' .intunewin codec: HMAC check, decryption with the FileDigest
// check, and extraction of the zip inside — each a streaming pass over the downloaded .bin.
import { ImesimError } from "@imesim/contracts/errors";
import type { DecryptInfo } from "@imesim/contracts/gateway";
import {
  createMemorySink,
  type EncryptionInfo,
  extractContent,
  verifyEncryptedContent,
} from "@imesim/contracts/intunewin";
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

/** The ContentCodec the agent uses by default. */
export function createIntunewinCodec(): ContentCodec {
  return {
    async verify(encrypted, keys) {
      await verifyEncryptedContent(encrypted, encryptionInfoOf(keys), { decrypt: false });
    },
    async decrypt(encrypted, keys) {
      await verifyEncryptedContent(encrypted, encryptionInfoOf(keys));
    },
    async unzip(encrypted, keys): Promise<PackageEntry[]> {
      const sink = createMemorySink();
      await extractContent(encrypted, encryptionInfoOf(keys), sink);
      return [...sink.files].map(([path, data]) => ({ path, data: new Uint8Array(data) }));
    },
  };
}
