import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  createDirectorySink,
  createMemorySink,
  extractContent,
  unpackPackage,
  verifyEncryptedContent,
} from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest, type PackedForTest, packTreeForTest, tempFolder } from "./helpers.ts";

let packed: PackedForTest;
let work: { path: string; cleanup: () => void };

beforeAll(async () => {
  work = tempFolder();
  packed = await packTreeForTest(
    work.path,
    { "install.cmd": "exit /b 0\r\n".repeat(200), "data/payload.txt": "payload ".repeat(5000) },
    "install.cmd",
  );
  return () => work.cleanup();
});

/** Unpacks mutated bytes and returns the error code, checking the output folder was never created. */
async function unpackCode(bytes: Buffer): Promise<string> {
  const temp = tempFolder();
  try {
    const path = join(temp.path, "mutated.intunewin");
    writeFileSync(path, bytes);
    const out = join(temp.path, "out");
    const error = await unpackPackage(path, out).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
    expect(existsSync(out)).toBe(false);
    // No staging folder left behind either.
    expect(readdirSync(temp.path)).toEqual(["mutated.intunewin"]);
    return error.code;
  } finally {
    temp.cleanup();
  }
}

/** Rewrites Detection.xml's CRC-32 (local header and central directory) to match edited XML bytes. */
function withXmlCrcFixed(copy: Buffer): Buffer {
  const crcBytes = (bytes: Buffer) => {
    const out = Buffer.alloc(4);
    out.writeUInt32LE(crc32(bytes));
    return out;
  };
  const xml = (bytes: Buffer) => bytes.subarray(packed.xmlOffset, packed.xmlOffset + packed.xmlLength);
  const before = crcBytes(xml(packed.bytes));
  const after = crcBytes(xml(copy));
  for (let at = copy.indexOf(before); at !== -1; at = copy.indexOf(before, at + 4)) after.copy(copy, at);
  return copy;
}

function flipped(offset: number): Buffer {
  const copy = Buffer.from(packed.bytes);
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy;
}

describe("every corruption fails with its own code and leaves the output untouched", () => {
  it("the pristine package unpacks", async () => {
    const temp = tempFolder();
    const path = join(temp.path, "ok.intunewin");
    writeFileSync(path, packed.bytes);
    const result = await unpackPackage(path, join(temp.path, "out"));
    expect(result.entries.map((entry) => entry.path)).toEqual(["install.cmd", "data/payload.txt"]);
    temp.cleanup();
  });

  it("a flipped byte in the stored MAC", async () => {
    expect(await unpackCode(flipped(packed.contentOffset + 5))).toBe("INTUNEWIN_STORED_MAC_MISMATCH");
  });

  it("a flipped byte in the IV", async () => {
    expect(await unpackCode(flipped(packed.contentOffset + 40))).toBe("INTUNEWIN_IV_MISMATCH");
  });

  it("a flipped byte in the ciphertext", async () => {
    expect(await unpackCode(flipped(packed.contentOffset + 48 + 100))).toBe("INTUNEWIN_MAC_MISMATCH");
  });

  it("a flipped byte in the padding block", async () => {
    expect(await unpackCode(flipped(packed.contentOffset + packed.contentLength - 1))).toBe(
      "INTUNEWIN_MAC_MISMATCH",
    );
  });

  it("a bad Detection.xml (wrong ProfileIdentifier)", async () => {
    const xml = packed.bytes.indexOf("ProfileVersion1", packed.xmlOffset);
    const copy = Buffer.from(packed.bytes);
    copy.write("ProfileVersion2", xml);
    expect(await unpackCode(withXmlCrcFixed(copy))).toBe("INTUNEWIN_DETECTION_XML_INVALID");
  });

  it("a truncated package (a download cut short), wherever it is cut", async () => {
    for (const kept of [packed.bytes.length - 200, packed.bytes.length - 10, 1000, 3]) {
      expect(await unpackCode(packed.bytes.subarray(0, kept))).toBe("INTUNEWIN_TRUNCATED");
    }
  });

  it("a changed byte in Detection.xml without a CRC fix (what unzip -t calls a bad CRC)", async () => {
    const at = packed.bytes.indexOf("<Name>", packed.xmlOffset) + "<Name>".length;
    expect(await unpackCode(flipped(at))).toBe("INTUNEWIN_ZIP_CORRUPT");
  });

  const encryptedFile = () =>
    packed.bytes.subarray(packed.contentOffset, packed.contentOffset + packed.contentLength);
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "resolved",
      (error: unknown) => (isImesimError(error) ? error.code : `untyped: ${String(error)}`),
    );

  it("a truncated encrypted download", async () => {
    const sink = createMemorySink();
    const code = await codeOf(
      extractContent(encryptedFile().subarray(0, packed.contentLength - 16), packed.info, sink, {
        unencryptedContentSize: packed.unencryptedSize,
      }),
    );
    expect(code).toBe("INTUNEWIN_TRUNCATED");
    expect(sink.committed).toBe(false);
  });

  it("a wrong EncryptionKey (MAC still valid) fails on padding or digest", async () => {
    const sink = createMemorySink();
    const wrong = { ...packed.info, EncryptionKey: Buffer.alloc(32, 7).toString("base64") };
    const code = await codeOf(extractContent(encryptedFile(), wrong, sink));
    expect(["INTUNEWIN_BAD_PADDING", "INTUNEWIN_DIGEST_MISMATCH"]).toContain(code);
    expect(sink.committed).toBe(false);
    expect(sink.files.size).toBe(0);
  });

  it("a wrong MacKey", async () => {
    const wrong = { ...packed.info, MacKey: Buffer.alloc(32, 9).toString("base64") };
    expect(await codeOf(extractContent(encryptedFile(), wrong, createMemorySink()))).toBe(
      "INTUNEWIN_MAC_MISMATCH",
    );
  });

  it("a different FileDigest", async () => {
    const wrong = { ...packed.info, FileDigest: Buffer.alloc(32, 1).toString("base64") };
    expect(await codeOf(extractContent(encryptedFile(), wrong, createMemorySink()))).toBe(
      "INTUNEWIN_DIGEST_MISMATCH",
    );
  });

  it("a wrong UnencryptedContentSize", async () => {
    const withSize = (size: number) =>
      codeOf(
        extractContent(encryptedFile(), packed.info, createMemorySink(), { unencryptedContentSize: size }),
      );
    // Same number of AES blocks: only the decrypted length tells.
    expect(await withSize(packed.unencryptedSize + 1)).toBe("INTUNEWIN_CONTENT_SIZE_MISMATCH");
    // Fewer blocks than the file has: the encrypted length is wrong before anything is decrypted.
    expect(await withSize(packed.unencryptedSize - 16)).toBe("INTUNEWIN_ENCRYPTED_SIZE_MISMATCH");
  });

  it("Graph's commit check: length, MAC and digest of an uploaded file", async () => {
    await expect(
      verifyEncryptedContent(encryptedFile(), packed.info, {
        expectedEncryptedSize: packed.contentLength,
        unencryptedContentSize: packed.unencryptedSize,
      }),
    ).resolves.toBeUndefined();
    expect(
      await codeOf(
        verifyEncryptedContent(encryptedFile(), packed.info, {
          expectedEncryptedSize: packed.contentLength + 16,
        }),
      ),
    ).toBe("INTUNEWIN_ENCRYPTED_SIZE_MISMATCH");
    const tampered = Buffer.from(encryptedFile());
    tampered[60] = (tampered[60] ?? 0) ^ 0xff;
    expect(await codeOf(verifyEncryptedContent(tampered, packed.info))).toBe("INTUNEWIN_MAC_MISMATCH");
    // MAC only (no decryption): a wrong FileDigest goes unnoticed, a tampered byte does not.
    const wrongDigest = { ...packed.info, FileDigest: Buffer.alloc(32, 1).toString("base64") };
    await expect(
      verifyEncryptedContent(encryptedFile(), wrongDigest, { decrypt: false }),
    ).resolves.toBeUndefined();
    expect(await codeOf(verifyEncryptedContent(tampered, packed.info, { decrypt: false }))).toBe(
      "INTUNEWIN_MAC_MISMATCH",
    );
    // Graph-supplied keys of the wrong length are refused with their own code and the field named.
    const shortKey = { ...packed.info, MacKey: Buffer.alloc(16).toString("base64") };
    const error = await verifyEncryptedContent(encryptedFile(), shortKey).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INTUNEWIN_ENCRYPTION_INFO_INVALID", path: "EncryptionInfo.MacKey" });
  });
});

describe("hostile content zips are refused after the MAC verifies", () => {
  const refused = async (zip: Buffer, limits?: { maxEntries?: number; maxTotalBytes?: number }) => {
    const { encrypted, info } = encryptForTest(zip);
    const sink = createMemorySink();
    const error = await extractContent(encrypted, info, sink, limits === undefined ? {} : { limits }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(sink.committed).toBe(false);
    expect(sink.files.size).toBe(0);
    if (!isImesimError(error)) throw new Error(`expected an ImesimError, got ${String(error)}`);
    return error.code;
  };

  it("path traversal", async () => {
    expect(await refused(buildZip([{ name: "../evil.cmd", data: Buffer.from("x") }]))).toBe(
      "INTUNEWIN_UNSAFE_PATH",
    );
    expect(await refused(buildZip([{ name: "a\\..\\..\\evil.cmd", data: Buffer.from("x") }]))).toBe(
      "INTUNEWIN_UNSAFE_PATH",
    );
  });

  it("absolute and drive paths", async () => {
    expect(await refused(buildZip([{ name: "/etc/passwd", data: Buffer.from("x") }]))).toBe(
      "INTUNEWIN_UNSAFE_PATH",
    );
    expect(await refused(buildZip([{ name: "C:\\Windows\\evil.dll", data: Buffer.from("x") }]))).toBe(
      "INTUNEWIN_UNSAFE_PATH",
    );
  });

  it("symbolic links", async () => {
    expect(
      await refused(
        buildZip([{ name: "link", data: Buffer.from("/etc/passwd"), unixMode: 0o120777, deflate: false }]),
      ),
    ).toBe("INTUNEWIN_UNSAFE_PATH");
  });

  it("too many entries and too much output (zip bombs)", async () => {
    const many = buildZip(
      Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from("x") })),
    );
    expect(await refused(many, { maxEntries: 10 })).toBe("INTUNEWIN_ZIP_BOMB");
    const zeros = buildZip([{ name: "zeros.bin", data: Buffer.alloc(20 << 20) }]);
    expect(await refused(zeros, { maxTotalBytes: 1 << 20 })).toBe("INTUNEWIN_ZIP_BOMB");
  });

  it("an entry that inflates beyond the size it declares", async () => {
    const zip = buildZip([{ name: "zeros.bin", data: Buffer.alloc(1 << 20) }]);
    // Shrink the declared size in the central directory (the copy the reader plans from).
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(1000, central + 24);
    expect(await refused(zip)).toBe("INTUNEWIN_ZIP_BOMB");
  });

  it("a file and a folder of the same name: an invalid content zip, refused before anything is written", async () => {
    const zip = buildZip([
      { name: "a", data: Buffer.from("file") },
      { name: "a/b.txt", data: Buffer.from("inside") },
    ]);
    const { encrypted, info } = encryptForTest(zip);
    const temp = tempFolder();
    try {
      const out = join(temp.path, "out");
      const error = await extractContent(encrypted, info, await createDirectorySink(out)).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "INTUNEWIN_INNER_ZIP_INVALID", path: "a/b.txt" });
      expect(readdirSync(temp.path)).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });

  it("an entry whose data does not match its CRC", async () => {
    const zip = buildZip([{ name: "a.txt", data: Buffer.from("hello hello hello"), deflate: false }]);
    const at = zip.indexOf("hello");
    zip[at] = 0x48; // the CRC still describes "hello…"
    expect(await refused(zip)).toBe("INTUNEWIN_INNER_ZIP_INVALID");
  });
});
