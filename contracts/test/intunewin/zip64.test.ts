import { closeSync, ftruncateSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMemorySink, extractContent, inspectPackage, packFolder } from "../../src/intunewin/index.ts";
import { bytesSource } from "../../src/intunewin/random-access.ts";
import {
  centralDirectoryHeader,
  endOfCentralDirectory,
  localFileHeader,
  ZIP_FLAG,
  ZIP_METHOD,
} from "../../src/intunewin/zip-format.ts";
import { readZipDirectory } from "../../src/intunewin/zip-reader.ts";
import { encryptForTest, tempFolder } from "./helpers.ts";

/** A zip of `count` empty stored entries, so the entry count alone forces Zip64 end records. */
function zipWithEntries(count: number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let index = 0; index < count; index += 1) {
    const record = {
      name: Buffer.from(`d/${index}.txt`),
      versionMadeBy: 20,
      versionNeeded: 20,
      flags: ZIP_FLAG.utf8,
      method: ZIP_METHOD.stored,
      dosTime: 0,
      dosDate: 33,
      crc32: 0,
      compressedSize: 0,
      uncompressedSize: 0,
      localHeaderOffset: offset,
      externalAttributes: 0,
    };
    const local = localFileHeader(record, Buffer.alloc(0), false);
    locals.push(local);
    centrals.push(centralDirectoryHeader(record));
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  return Buffer.concat([...locals, directory, endOfCentralDirectory(count, offset, directory.length, 45)]);
}

describe("Zip64", () => {
  it("reads and extracts a content zip whose entry count needs Zip64 end records", async () => {
    const zip = zipWithEntries(70_000);
    const directory = await readZipDirectory(bytesSource(zip));
    expect(directory.zip64).toBe(true);
    expect(directory.entries).toHaveLength(70_000);
    const { encrypted, info } = encryptForTest(zip);
    const sink = createMemorySink();
    const summary = await extractContent(encrypted, info, sink);
    expect(summary.entries).toHaveLength(70_000);
    expect(sink.files.get("d/69999.txt")?.length).toBe(0);
  });

  it("packs and verifies a file over 4 GiB (Zip64 sizes and data descriptor in the content zip)", {
    timeout: 240_000,
  }, async () => {
    const temp = tempFolder();
    try {
      const source = join(temp.path, "src");
      const big = join(source, "disk.img");
      writeFileSync(join(temp.path, "placeholder"), "");
      const { mkdirSync } = await import("node:fs");
      mkdirSync(source);
      writeFileSync(join(source, "install.cmd"), "exit /b 0");
      // A sparse file: 4 GiB + 1 MiB of zeros that costs no disk, and compresses ~1000:1.
      const fd = openSync(big, "w");
      ftruncateSync(fd, 4 * 1024 ** 3 + 1024 ** 2);
      closeSync(fd);
      const packed = await packFolder({
        sourceFolder: source,
        setupFile: "install.cmd",
        outputFolder: join(temp.path, "out"),
        overwrite: true,
      });
      const result = await inspectPackage(packed.outputPath);
      expect(result.findings).toEqual([]);
      expect(result.entries.find((entry) => entry.path === "disk.img")?.size).toBe(4 * 1024 ** 3 + 1024 ** 2);
    } finally {
      temp.cleanup();
    }
  });
});
