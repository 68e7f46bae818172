import { execFileSync } from "node:child_process";
import { createDecipheriv } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import { packFolder, readPackage, unpackPackage } from "../../src/intunewin/index.ts";
import { fileSource } from "../../src/intunewin/random-access.ts";
import { parseExtraFields, readZipDirectory } from "../../src/intunewin/zip-reader.ts";
import { fixture, readTree, tempFolder, writeTree } from "./helpers.ts";

const TREE: Record<string, string | Buffer | null> = {
  "setup.cmd": "@echo off\r\nexit /b 0\r\n",
  "empty.txt": "",
  "docs/readme.txt": "read me\n".repeat(500),
  "docs/nested/deeper/data.bin": Buffer.alloc(300_000, 0xab),
  "docs/nested/empty-leaf": null,
  "empty-top": null,
  "ünïcødé/ファイル ✓.txt": "unicode names survive\n",
  "Mixed Case/File.TXT": "case",
};

describe("pack → unpack round trip", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it("gives back the identical tree: nested and empty folders, empty files, unicode names", async () => {
    const temp = tempFolder();
    cleanup = temp.cleanup;
    const source = join(temp.path, "source");
    writeTree(source, TREE);
    const packed = await packFolder({
      sourceFolder: source,
      setupFile: "setup.cmd",
      outputFolder: join(temp.path, "out"),
      overwrite: true,
    });
    expect(packed.outputPath).toBe(join(temp.path, "out", "setup.intunewin"));
    await unpackPackage(packed.outputPath, join(temp.path, "back"));
    expect(readTree(join(temp.path, "back"))).toEqual(readTree(source));
    // An independent reader agrees: Info-ZIP tests the outer zip's structure and CRCs.
    expect(execFileSync("unzip", ["-tq", packed.outputPath], { encoding: "utf8" })).toContain(
      "No errors detected",
    );
  });

  it("handles many small files and a file larger than the 1 MiB compression chunk", async () => {
    const temp = tempFolder();
    cleanup = temp.cleanup;
    const source = join(temp.path, "source");
    const tree: Record<string, string | Buffer> = { "install.ps1": "Write-Output 1" };
    for (let index = 0; index < 600; index += 1)
      tree[`many/f${index % 7}/file-${index}.txt`] = `content ${index}\n`.repeat(index % 13);
    // Text-like content over 8 MiB takes the data-descriptor path; random bytes prove chunk boundaries are exact.
    tree["large/log.txt"] = Buffer.from(
      Array.from({ length: 400_000 }, (_, i) => `line ${i} of a log\n`).join(""),
    );
    tree["large/random.bin"] = Buffer.from(
      Array.from({ length: 3_000_000 }, (_, i) => (i * 2654435761) >>> 24),
    );
    writeTree(source, tree);
    const packed = await packFolder({
      sourceFolder: source,
      setupFile: "install.ps1",
      outputFolder: join(temp.path, "out"),
      overwrite: true,
    });
    await unpackPackage(packed.outputPath, join(temp.path, "back"));
    expect(readTree(join(temp.path, "back"))).toEqual(readTree(source));
    // Info-ZIP checks the content zip itself (data descriptors, CRCs, UTF-8 names).
    const pkg = await readPackage(packed.outputPath);
    const chunks: Buffer[] = [];
    for await (const chunk of pkg.contentChunks()) chunks.push(chunk);
    await pkg.close();
    const encrypted = Buffer.concat(chunks);
    const { EncryptionKey, InitializationVector } = pkg.detection.EncryptionInfo;
    const decipher = createDecipheriv(
      "aes-256-cbc",
      Buffer.from(EncryptionKey, "base64"),
      Buffer.from(InitializationVector, "base64"),
    );
    const contentZip = join(temp.path, "content.zip");
    writeFileSync(contentZip, Buffer.concat([decipher.update(encrypted.subarray(48)), decipher.final()]));
    expect(execFileSync("unzip", ["-tq", contentZip], { encoding: "utf8" })).toContain("No errors detected");
  });

  it("writes the outer zip as Microsoft's tool does", async () => {
    const temp = tempFolder();
    cleanup = temp.cleanup;
    const source = join(temp.path, "source");
    writeTree(source, { "install.ps1": "Write-Output 'hello'\r\n" });
    const packed = await packFolder({
      sourceFolder: source,
      setupFile: "install.ps1",
      outputFolder: join(temp.path, "out"),
      overwrite: true,
    });
    const mine = await fileSource(packed.outputPath);
    const theirs = await fileSource(fixture("Rhuberry_TimeZoneAutoUpdate__install.intunewin"));
    const describe = async (source: typeof mine) => {
      const { entries } = await readZipDirectory(source);
      return entries.map((entry) => ({
        name: entry.fileName,
        method: entry.method,
        flags: entry.flags,
        madeBy: entry.versionMadeBy,
        needed: entry.versionNeeded,
        centralExtra: entry.centralExtra.length,
        external: entry.externalAttributes,
      }));
    };
    expect(await describe(mine)).toEqual(await describe(theirs));
    const headerExtra = async (source: typeof mine) => {
      const { entries } = await readZipDirectory(source);
      const first = entries[0];
      if (first === undefined) throw new Error("no entries");
      const fixed = await source.read(first.localHeaderOffset, 30);
      const extra = await source.read(
        first.localHeaderOffset + 30 + fixed.readUInt16LE(26),
        fixed.readUInt16LE(28),
      );
      return parseExtraFields(extra).map((field) => ({ id: field.id, data: field.data.toString("hex") }));
    };
    expect(await headerExtra(mine)).toEqual(await headerExtra(theirs));
    await mine.close();
    await theirs.close();
  });

  it("writes Detection.xml byte for byte like the tool, apart from keys, sizes and digests", async () => {
    const temp = tempFolder();
    cleanup = temp.cleanup;
    const source = join(temp.path, "source");
    writeTree(source, {
      "install.ps1": "Write-Output 'hello'\r\n",
      "uninstall.ps1": "Write-Output 'bye'\r\n",
    });
    const packed = await packFolder({
      sourceFolder: source,
      setupFile: "install.ps1",
      outputFolder: join(temp.path, "out"),
      overwrite: true,
    });
    const mask = (xml: string) =>
      xml
        .replace(/<(EncryptionKey|MacKey|InitializationVector|Mac|FileDigest)>[^<]*</g, "<$1>…<")
        .replace(/<UnencryptedContentSize>\d+</, "<UnencryptedContentSize>…<");
    const pkg = await readPackage(packed.outputPath);
    const reference = await readPackage(fixture("Rhuberry_TimeZoneAutoUpdate__install.intunewin"));
    expect(mask(pkg.detectionXml.toString("utf8"))).toBe(mask(reference.detectionXml.toString("utf8")));
    expect(pkg.detectionXml.subarray(0, 3).toString("hex")).not.toBe("efbbbf");
    await pkg.close();
    await reference.close();
  });

  it("behaves like IntuneWinAppUtil about the output: name, refusal to overwrite without -q", async () => {
    const temp = tempFolder();
    cleanup = temp.cleanup;
    const source = join(temp.path, "source");
    writeTree(source, { "Files/setup.exe": "MZ", "Files/readme.txt": "r" });
    const options = {
      sourceFolder: source,
      setupFile: "Files/setup.exe",
      outputFolder: join(temp.path, "out"),
    };
    await expect(packFolder(options)).rejects.toMatchObject({ code: "INTUNEWIN_OUTPUT_FOLDER_MISSING" });
    const packed = await packFolder({ ...options, overwrite: true });
    expect(packed.detection.SetupFile).toBe("Files\\setup.exe");
    expect(packed.detection.Name).toBe("setup.exe");
    expect(packed.outputPath.endsWith("setup.intunewin")).toBe(true);
    await expect(packFolder(options)).rejects.toMatchObject({ code: "INTUNEWIN_OUTPUT_EXISTS" });
    const error = await packFolder({ ...options, setupFile: "missing.exe", overwrite: true }).catch(
      (e: unknown) => e,
    );
    expect(isImesimError(error, "INTUNEWIN_SETUP_FILE_MISSING")).toBe(true);
    expect(readFileSync(packed.outputPath).length).toBeGreaterThan(0);
  });
});
