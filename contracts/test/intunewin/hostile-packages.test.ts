// Issue 19's attacks on the read side: a deflated content entry that inflates far beyond its sizes, a file and
// a folder of the same name in the content zip, and entity references Detection.xml cannot expand.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  encryptedLengthFor,
  inspectPackage,
  parseDetectionXml,
  unpackPackage,
} from "../../src/intunewin/index.ts";
import { buildZip, packageOf, type RawZipEntry, rejection, tempFolder } from "./helpers.ts";

const SMALL_CONTENT = buildZip([{ name: "install.cmd", data: Buffer.from("exit /b 0\r\n") }]);
// 64 MiB of zeros deflate to about 64 KiB: the package stays small, the inflated entry does not.
const BOMB_PADDING = Buffer.alloc(64 << 20);

describe("a deflated content entry inflates no further than its sizes allow", () => {
  let temp: { path: string; cleanup: () => void };
  let savedTmp: string | undefined;
  beforeEach(() => {
    temp = tempFolder();
    mkdirSync(join(temp.path, "tmp"));
    // The inflated copy goes to the temp folder: point it somewhere this test can look into.
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = join(temp.path, "tmp");
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    temp.cleanup();
  });

  /** Bytes left in the redirected temp folder (inflated copies not cleaned up). */
  const leftInTemp = (): string[] =>
    readdirSync(join(temp.path, "tmp"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);

  it("stops at the declared size: unpack and inspect name the bomb, nothing stays in the temp folder", async () => {
    // The headers declare the honest encrypted length; 64 MiB of zeros follow it inside the deflate stream.
    const { bytes, encryptedLength } = packageOf(SMALL_CONTENT, (encrypted) => ({
      data: Buffer.concat([encrypted, BOMB_PADDING]),
      declaredSize: encrypted.length,
    }));
    expect(bytes.length).toBeLessThan(1 << 20);
    const path = join(temp.path, "bomb.intunewin");
    writeFileSync(path, bytes);
    const error = await rejection(unpackPackage(path, join(temp.path, "out")));
    expect(error.code).toBe("INTUNEWIN_ZIP_BOMB");
    expect(error.message).toContain(
      `beyond ${encryptedLength} bytes (the size the central directory declares)`,
    );
    expect(leftInTemp()).toEqual([]);
    const inspected = await inspectPackage(path);
    expect(inspected.valid).toBe(false);
    expect(inspected.findings.map((finding) => finding.code)).toContain("INTUNEWIN_ZIP_BOMB");
  });

  it("stops at the length the MAC covers when the declared size lies too", async () => {
    const macCovered = encryptedLengthFor(SMALL_CONTENT.length);
    const { bytes } = packageOf(SMALL_CONTENT, (encrypted) => ({
      data: Buffer.concat([encrypted, BOMB_PADDING]),
      declaredSize: 1 << 30,
    }));
    const error = await rejection(unpackPackage(bytes, join(temp.path, "out")));
    expect(error.code).toBe("INTUNEWIN_ZIP_BOMB");
    expect(error.message).toContain(
      `beyond ${macCovered} bytes (the encrypted length UnencryptedContentSize`,
    );
  });

  it("an honest deflated content entry still unpacks", async () => {
    const { bytes } = packageOf(SMALL_CONTENT, (data) => ({ data }));
    const result = await unpackPackage(bytes, join(temp.path, "out"));
    expect(result.entries.map((entry) => entry.path)).toEqual(["install.cmd"]);
  });
});

describe("a file and a folder of the same name in the content zip", () => {
  const clashes: Record<string, RawZipEntry[]> = {
    "file first": [
      { name: "install.cmd", data: Buffer.from("exit /b 0") },
      { name: "a", data: Buffer.from("file") },
      { name: "a/b.txt", data: Buffer.from("inside") },
    ],
    "folder first": [
      { name: "install.cmd", data: Buffer.from("exit /b 0") },
      { name: "A/b.txt", data: Buffer.from("inside") },
      { name: "a", data: Buffer.from("file") },
    ],
    "deeper, case-insensitive": [
      { name: "install.cmd", data: Buffer.from("exit /b 0") },
      { name: "x/Y", data: Buffer.from("file") },
      { name: "X/y/z/c.txt", data: Buffer.from("inside") },
    ],
  };

  for (const [label, entries] of Object.entries(clashes)) {
    it(`is an invalid content zip for unpack and inspect alike (${label})`, async () => {
      const { bytes } = packageOf(buildZip(entries));
      const temp = tempFolder();
      try {
        const error = await rejection(unpackPackage(bytes, join(temp.path, "out")));
        expect(error.code).toBe("INTUNEWIN_INNER_ZIP_INVALID");
        expect(error.message).toMatch(/is both a file and a folder/);
        expect(readdirSync(temp.path)).toEqual([]);
      } finally {
        temp.cleanup();
      }
      const inspected = await inspectPackage(bytes);
      expect(inspected.valid).toBe(false);
      const errors = inspected.findings.filter((finding) => finding.severity === "error");
      expect(errors.map((finding) => finding.code)).toEqual(["INTUNEWIN_INNER_ZIP_INVALID"]);
    });
  }

  it("folders named by several entries, explicitly or not, are no clash", async () => {
    const { bytes } = packageOf(
      buildZip([
        { name: "install.cmd", data: Buffer.from("exit /b 0") },
        { name: "a/", data: Buffer.alloc(0), deflate: false },
        { name: "a/b.txt", data: Buffer.from("b") },
        { name: "A/c/d.txt", data: Buffer.from("d") },
        { name: "a/c/e.txt", data: Buffer.from("e") },
      ]),
    );
    expect((await inspectPackage(bytes)).valid).toBe(true);
  });
});

describe("Detection.xml entity references", () => {
  const { bytes } = packageOf(SMALL_CONTENT);
  const xml = (() => {
    const start = bytes.indexOf("<ApplicationInfo");
    const end = bytes.indexOf("</ApplicationInfo>") + "</ApplicationInfo>".length;
    return bytes.subarray(start, end).toString("utf8");
  })();
  const withName = (name: string, prolog = ""): string =>
    prolog + xml.replace(/<Name>[^<]*<\/Name>/, `<Name>${name}</Name>`);
  const parseError = (text: string) => {
    try {
      parseDetectionXml(text);
    } catch (error) {
      if (isImesimError(error)) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error("parsed");
  };

  it("an undeclared reference is invalid, not a literal name", () => {
    const error = parseError(withName("&lol9;"));
    expect(error.code).toBe("INTUNEWIN_DETECTION_XML_INVALID");
    expect(error.message).toContain("&lol9; is not expanded");
  });

  it("nested entities of a DTD (billion laughs) are invalid", () => {
    const prolog = '<!DOCTYPE ApplicationInfo [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>';
    const error = parseError(withName("&lol2;", prolog));
    expect(error.code).toBe("INTUNEWIN_DETECTION_XML_INVALID");
    expect(error.message).toContain("document type declaration");
  });

  it("XML's own and character references still decode, and escaped text stays text", () => {
    expect(parseDetectionXml(withName("a &amp; b &lt;c&gt; &#x263A; &amp;lol9;")).Name).toBe(
      "a & b <c> ☺ &lol9;",
    );
    expect(parseDetectionXml(withName("<![CDATA[&lol9;]]>")).Name).toBe("&lol9;");
  });
});
