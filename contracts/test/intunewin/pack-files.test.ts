// packFiles (issue 18): `imesim run` packs a scenario's inline package files in memory, on this thread, instead of
// writing them to a folder, packing it on a worker and reading the package back. The package must be the one
// packFolder makes of that folder: same entries, order, times, compression and Detection.xml (but for the fresh keys).
import { createDecipheriv, randomBytes } from "node:crypto";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createDeflatePool,
  createInlineDeflatePool,
  type DetectionXml,
  packFiles,
  packFolder,
  readPackage,
} from "../../src/intunewin/index.ts";
import { tempFolder, writeTree } from "./helpers.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The decrypted content zip and Detection.xml of a package, whatever its keys. */
async function opened(input: string | Buffer): Promise<{ contentZip: Buffer; detection: DetectionXml }> {
  const pkg = typeof input === "string" ? await readPackage(input) : await readPackage(input, "memory");
  try {
    const content = await pkg.openContent();
    const encrypted = await content.read(0, content.size);
    await content.close();
    const info = pkg.detection.EncryptionInfo;
    const decipher = createDecipheriv(
      "aes-256-cbc",
      Buffer.from(info.EncryptionKey, "base64"),
      Buffer.from(info.InitializationVector, "base64"),
    );
    const contentZip = Buffer.concat([decipher.update(encrypted.subarray(48)), decipher.final()]);
    return { contentZip, detection: pkg.detection };
  } finally {
    await pkg.close();
  }
}

const withoutKeys = ({ EncryptionInfo: _keys, ...rest }: DetectionXml) => rest;

describe("packFiles", () => {
  it("makes the package packFolder makes of the folder the files would be written to", async () => {
    const files = {
      "setup.exe": "installer",
      "Install-App.ps1": "Write-Host install\n".repeat(2000),
      "install.bat": "@echo off",
      "data\\config.xml": "<config/>",
      "data/sub/empty.txt": "",
      "big.bin": randomBytes(200 * 1024).toString("latin1"),
    };
    const modifiedMs = Date.UTC(2026, 0, 2, 3, 4, 6);
    const root = tempFolder();
    cleanups.push(root.cleanup);
    const tree = Object.fromEntries(
      Object.entries(files).map(([name, text]) => [name.replaceAll("\\", "/"), text]),
    );
    writeTree(join(root.path, "src"), tree);
    for (const path of [
      "setup.exe",
      "Install-App.ps1",
      "install.bat",
      "data/config.xml",
      "data/sub/empty.txt",
      "big.bin",
    ])
      utimesSync(join(root.path, "src", path), modifiedMs / 1000, modifiedMs / 1000);
    const onDisk = await packFolder({
      sourceFolder: join(root.path, "src"),
      setupFile: "setup.exe",
      outputFolder: join(root.path, "out"),
      overwrite: true,
    });
    const inMemory = await packFiles({ files, setupFile: "setup.exe", modifiedMs });

    expect(inMemory.fileName).toBe("setup.intunewin");
    const disk = await opened(onDisk.outputPath);
    const memory = await opened(inMemory.bytes);
    expect(memory.contentZip.equals(disk.contentZip)).toBe(true);
    expect(withoutKeys(memory.detection)).toEqual(withoutKeys(disk.detection));
    expect(withoutKeys(inMemory.detection)).toEqual(withoutKeys(onDisk.detection));
  });

  it("compresses on this thread to the bytes a worker pool writes", async () => {
    const inline = createInlineDeflatePool();
    const workers = createDeflatePool(1);
    try {
      const text = Buffer.from("the same line again and again\n".repeat(10_000));
      const random = randomBytes(100 * 1024);
      const dictionary = text.subarray(0, 32 * 1024);
      for (const [data, dict, final] of [
        [text, undefined, true],
        [text, dictionary, false],
        [random, undefined, true],
        [Buffer.from("tiny"), undefined, true],
      ] as const) {
        const [a, b] = await Promise.all([
          inline.deflate(Buffer.from(data), dict, final, 1),
          workers.deflate(Buffer.from(data), dict, final, 1),
        ]);
        expect(Buffer.from(a.compressed).equals(Buffer.from(b.compressed))).toBe(true);
        expect([a.crc, a.length]).toEqual([b.crc, b.length]);
      }
    } finally {
      await Promise.all([inline.close(), workers.close()]);
    }
  });

  it("refuses what packFolder refuses: a missing setup file, names Windows cannot hold, names differing in case", async () => {
    await expect(packFiles({ files: { "other.exe": "x" }, setupFile: "setup.exe" })).rejects.toMatchObject({
      code: "INTUNEWIN_SETUP_FILE_MISSING",
    });
    await expect(
      packFiles({ files: { "setup.exe": "x", "a:b.txt": "y" }, setupFile: "setup.exe" }),
    ).rejects.toMatchObject({
      code: "INTUNEWIN_SOURCE_NAME_INVALID",
      message: expect.stringContaining("a:b.txt"),
    });
    await expect(
      packFiles({
        files: { "setup.exe": "x", "Readme.txt": "y", "README.txt": "z" },
        setupFile: "setup.exe",
      }),
    ).rejects.toMatchObject({
      code: "INTUNEWIN_SOURCE_NAME_INVALID",
      message: expect.stringContaining("differ only in case"),
    });
  });

  it("refuses paths that leave the folder or are both a file and a folder, naming them", async () => {
    await expect(
      packFiles({ files: { "setup.exe": "x", "../escape.txt": "y" }, setupFile: "setup.exe" }),
    ).rejects.toMatchObject({
      code: "INTUNEWIN_SOURCE_FOLDER_INVALID",
      message: expect.stringContaining("../escape.txt"),
    });
    await expect(
      packFiles({ files: { "setup.exe": "x", data: "y", "data/inner.txt": "z" }, setupFile: "setup.exe" }),
    ).rejects.toMatchObject({
      code: "INTUNEWIN_SOURCE_FOLDER_INVALID",
      message: expect.stringContaining("data/inner.txt"),
    });
    await expect(
      packFiles({ files: { "setup.exe": "x", "data/inner.txt": "z", data: "y" }, setupFile: "setup.exe" }),
    ).rejects.toMatchObject({ code: "INTUNEWIN_SOURCE_FOLDER_INVALID" });
  });
});
