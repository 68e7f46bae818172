// Read-side findings of the issue 3 acceptance check: typed filesystem errors, truncation, Detection.xml's CRC,
// numeric character references, and stopping an unpack with an AbortSignal.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemorySink,
  extractContent,
  inspectPackage,
  packFolder,
  parseDetectionXml,
  readPackage,
  unpackPackage,
} from "../../src/intunewin/index.ts";
import { rejection, tempFolder, writeTree } from "./helpers.ts";

let work: { path: string; cleanup: () => void };
let packagePath: string;

beforeAll(async () => {
  work = tempFolder();
  writeTree(join(work.path, "src"), {
    "install.cmd": "exit /b 0\r\n",
    "files/a.txt": "a".repeat(3000),
    "files/b.txt": "b".repeat(5000),
  });
  packagePath = (
    await packFolder({
      sourceFolder: join(work.path, "src"),
      setupFile: "install.cmd",
      outputFolder: join(work.path, "pkg"),
      overwrite: true,
    })
  ).outputPath;
});
afterAll(() => work.cleanup());

describe("filesystem failures are typed and leave nothing behind", () => {
  it("an output folder under a regular file is INTUNEWIN_IO_FAILED naming the path", async () => {
    const temp = tempFolder();
    try {
      writeFileSync(join(temp.path, "plain-file"), "x");
      const output = join(temp.path, "plain-file", "out");
      const error = await rejection(unpackPackage(packagePath, output));
      expect(error.code).toBe("INTUNEWIN_IO_FAILED");
      expect(error.message).toContain(join(temp.path, "plain-file"));
      expect(readdirSync(temp.path)).toEqual(["plain-file"]);
    } finally {
      temp.cleanup();
    }
  });

  it("a symbolic link to an empty folder receives the content through the link", async () => {
    const temp = tempFolder();
    try {
      mkdirSync(join(temp.path, "real"));
      symlinkSync(join(temp.path, "real"), join(temp.path, "link"));
      const result = await unpackPackage(packagePath, join(temp.path, "link"));
      expect(result.entries.map((entry) => entry.path)).toEqual([
        "install.cmd",
        "files/a.txt",
        "files/b.txt",
      ]);
      expect(readlinkSync(join(temp.path, "link"))).toBe(join(temp.path, "real"));
      expect(readFileSync(join(temp.path, "link", "files", "b.txt"), "utf8")).toBe("b".repeat(5000));
      expect(readdirSync(temp.path).sort()).toEqual(["link", "real"]); // no staging folder left
    } finally {
      temp.cleanup();
    }
  });

  it("parent folders created for the staging folder are removed when the unpack fails", async () => {
    const temp = tempFolder();
    try {
      const bytes = Buffer.from(readFileSync(packagePath));
      const pkg = await readPackage(packagePath);
      const at = pkg.contentLocalHeader.dataOffset + 100; // ciphertext: the MAC check fails after extraction
      await pkg.close();
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      writeFileSync(join(temp.path, "bad.intunewin"), bytes);
      const error = await rejection(
        unpackPackage(join(temp.path, "bad.intunewin"), join(temp.path, "new", "deeper", "out")),
      );
      expect(error.code).toBe("INTUNEWIN_MAC_MISMATCH");
      expect(readdirSync(temp.path)).toEqual(["bad.intunewin"]);
    } finally {
      temp.cleanup();
    }
  });
});

describe("an existing output folder stays itself", () => {
  it("receives the content in place, keeping its identity and mode (a mount point, `-o .`)", async () => {
    const temp = tempFolder();
    try {
      const output = join(temp.path, "out");
      mkdirSync(output);
      chmodSync(output, 0o750);
      const before = statSync(output);
      await unpackPackage(packagePath, output);
      const after = statSync(output);
      expect(after.ino).toBe(before.ino);
      expect(after.mode & 0o777).toBe(0o750);
      expect(readdirSync(output).sort()).toEqual(["files", "install.cmd"]);
      expect(readdirSync(temp.path)).toEqual(["out"]); // no staging folder left
    } finally {
      temp.cleanup();
    }
  });

  it("with overwrite, loses its old entries only once the package verified", async () => {
    const temp = tempFolder();
    try {
      const output = join(temp.path, "out");
      mkdirSync(join(output, "old"), { recursive: true });
      writeFileSync(join(output, "old", "stale.txt"), "stale");
      writeFileSync(join(output, "install.cmd"), "older install");
      const inode = statSync(output).ino;
      await unpackPackage(packagePath, output, { overwrite: true });
      expect(statSync(output).ino).toBe(inode);
      expect(readdirSync(output).sort()).toEqual(["files", "install.cmd"]);
      expect(readFileSync(join(output, "files", "b.txt"), "utf8")).toBe("b".repeat(5000));
    } finally {
      temp.cleanup();
    }
  });
});

describe("a package cut short is reported as truncated", () => {
  it("names truncation, not the encrypted inner file, for a zip without its end", async () => {
    const bytes = readFileSync(packagePath);
    const error = await rejection(readPackage(bytes.subarray(0, Math.floor(bytes.length / 2))));
    expect(error.code).toBe("INTUNEWIN_TRUNCATED");
    expect(error.message).toContain("truncated");
    expect(error.message).not.toContain("inner file");
  });

  it("an empty file is truncated too", async () => {
    expect((await rejection(readPackage(Buffer.alloc(0)))).code).toBe("INTUNEWIN_TRUNCATED");
  });

  it("keeps the inner-file hint for a file that does not start like a zip", async () => {
    const pkg = await readPackage(packagePath);
    const chunks: Buffer[] = [];
    for await (const chunk of pkg.contentChunks()) chunks.push(chunk);
    await pkg.close();
    const error = await rejection(readPackage(Buffer.concat(chunks)));
    expect(error.code).toBe("INTUNEWIN_EOCD_NOT_FOUND");
    expect(error.message).toContain("encrypted inner file");
  });
});

describe("the outer zip's CRC-32 of Detection.xml", () => {
  it("a changed byte in <Name> is INTUNEWIN_ZIP_CORRUPT naming the entry and both CRCs", async () => {
    const bytes = Buffer.from(readFileSync(packagePath));
    const at = bytes.lastIndexOf("<Name>") + "<Name>".length;
    bytes[at] = "X".charCodeAt(0);
    const result = await inspectPackage(bytes);
    expect(result.valid).toBe(false);
    const finding = result.findings[0];
    expect(finding?.code).toBe("INTUNEWIN_ZIP_CORRUPT");
    expect(finding?.message).toContain("IntuneWinPackage/Metadata/Detection.xml");
    expect(finding?.message).toMatch(/stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
    const temp = tempFolder();
    try {
      writeFileSync(join(temp.path, "renamed.intunewin"), bytes);
      const error = await rejection(
        unpackPackage(join(temp.path, "renamed.intunewin"), join(temp.path, "out")),
      );
      expect(error.code).toBe("INTUNEWIN_ZIP_CORRUPT");
      expect(existsSync(join(temp.path, "out"))).toBe(false);
    } finally {
      temp.cleanup();
    }
  });
});

describe("Detection.xml numeric character references", () => {
  const withName = async (name: string): Promise<string> => {
    const pkg = await readPackage(packagePath);
    const xml = pkg.detectionXml.toString("utf8");
    await pkg.close();
    return xml.replace(/<Name>[^<]*<\/Name>/, `<Name>${name}</Name>`);
  };

  it("decodes hexadecimal and decimal references as .NET's reader does", async () => {
    expect(parseDetectionXml(await withName("Smile &#x263A; &#9786; &#x1F600;")).Name).toBe("Smile ☺ ☺ 😀");
  });

  it("decodes a control character written as a reference (how XmlSerializer writes one)", async () => {
    expect(parseDetectionXml(await withName("a&#x1;b&#9;c")).Name).toBe("a\u0001b\tc");
  });

  it("decodes once: an escaped ampersand before # stays text", async () => {
    expect(parseDetectionXml(await withName("&amp;#65; &#38;lt; &#60;")).Name).toBe("&#65; &lt; <");
  });

  it("refuses references to no character", async () => {
    for (const reference of ["&#0;", "&#xD800;", "&#x110000;"]) {
      const error = await rejection(
        Promise.resolve().then(async () => parseDetectionXml(await withName(reference))),
      );
      expect(error.code).toBe("INTUNEWIN_DETECTION_XML_INVALID");
    }
  });

  it("still refuses external entities", async () => {
    const xml = (await withName("&ext;")).replace(
      "<ApplicationInfo",
      '<!DOCTYPE ApplicationInfo [<!ENTITY ext SYSTEM "file:///etc/passwd">]><ApplicationInfo',
    );
    expect((await rejection(Promise.resolve().then(() => parseDetectionXml(xml)))).code).toBe(
      "INTUNEWIN_DETECTION_XML_INVALID",
    );
  });
});

describe("an AbortSignal stops extraction", () => {
  it("an already aborted signal commits nothing", async () => {
    const pkg = await readPackage(packagePath);
    const content = await pkg.openContent();
    const sink = createMemorySink();
    try {
      const error = await rejection(
        extractContent(content, pkg.detection.EncryptionInfo, sink, { signal: AbortSignal.abort() }),
      );
      expect(error.code).toBe("INTUNEWIN_ABORTED");
      expect(sink.committed).toBe(false);
    } finally {
      await content.close();
      await pkg.close();
    }
  });

  it("aborting mid-unpack removes the staging folder and leaves the output untouched", async () => {
    const temp = tempFolder();
    try {
      const controller = new AbortController();
      const error = await rejection(
        unpackPackage(packagePath, join(temp.path, "out"), {
          signal: controller.signal,
          onProgress: () => controller.abort(new Error("test stop")),
        }),
      );
      expect(error.code).toBe("INTUNEWIN_ABORTED");
      expect(readdirSync(temp.path)).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });
});
