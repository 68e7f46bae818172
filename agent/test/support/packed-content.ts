// A real .intunewin's encrypted content and keys, for tests and benchmarks that run the agent's default codec
// (verify, decrypt, unzip) on the real format rather than on fakes.ts' transparent package.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { DecryptInfo } from "@imesim/contracts/gateway";
import { packFolder, readPackage } from "@imesim/contracts/intunewin";

/** What GetContentInfo and the content download give the agent: the encrypted file and its DecryptInfo. */
export interface PackedContent {
  readonly bytes: Uint8Array;
  readonly keys: DecryptInfo;
}

/** Packs `files` (relative path → content) with the codec, `setupFile` as the setup file; the folder is removed after. */
export async function packedContent(
  files: Readonly<Record<string, string | Uint8Array>>,
  setupFile: string,
): Promise<PackedContent> {
  const root = mkdtempSync(join(tmpdir(), "imesim-packed-content-"));
  try {
    const source = join(root, "source");
    for (const [path, data] of Object.entries(files)) {
      const target = join(source, ...path.split("/"));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    const packed = await packFolder({
      sourceFolder: source,
      setupFile,
      outputFolder: join(root, "out"),
      overwrite: true,
    });
    const pkg = await readPackage(packed.outputPath);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of pkg.contentChunks()) chunks.push(chunk);
    } finally {
      await pkg.close();
    }
    const info = pkg.detection.EncryptionInfo;
    return {
      bytes: new Uint8Array(Buffer.concat(chunks)),
      keys: {
        EncryptionKey: info.EncryptionKey,
        IV: info.InitializationVector,
        MacKey: info.MacKey,
        Mac: info.Mac,
        ProfileIdentifier: "ProfileVersion1",
        FileDigest: info.FileDigest,
        FileDigestAlgorithm: "SHA256",
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
