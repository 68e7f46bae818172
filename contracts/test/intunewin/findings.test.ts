import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type DetectionXml,
  inspectPackage,
  unpackPackage,
  writeDetectionXml,
} from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest, type RawZipEntry, tempFolder } from "./helpers.ts";

const CONTENT = buildZip([
  { name: "install.cmd", data: Buffer.from("exit /b 0\r\n") },
  { name: "files/readme.txt", data: Buffer.from("read me") },
]);

/** A package assembled from parts, so each deviation from the tool's layout can be produced on purpose. */
function makePackage(options: {
  fileName?: string;
  entryName?: string;
  setupFile?: string;
  toolVersion?: string;
  deflateOuter?: boolean;
  extraEntries?: RawZipEntry[];
  msi?: boolean;
}): Buffer {
  const { encrypted, info } = encryptForTest(CONTENT);
  const fileName = options.fileName ?? "IntunePackage.intunewin";
  const detection: DetectionXml = {
    ToolVersion: options.toolVersion ?? "1.8.7.0",
    Name: "install.cmd",
    UnencryptedContentSize: CONTENT.length,
    FileName: fileName,
    SetupFile: options.setupFile ?? "install.cmd",
    EncryptionInfo: info,
  };
  const deflate = options.deflateOuter === true;
  return buildZip([
    { name: `IntuneWinPackage/Contents/${options.entryName ?? fileName}`, data: encrypted, deflate },
    {
      name: "IntuneWinPackage/Metadata/Detection.xml",
      data: Buffer.from(writeDetectionXml(detection)),
      deflate,
    },
    ...(options.extraEntries ?? []),
  ]);
}

async function codes(bytes: Buffer): Promise<string[]> {
  return (await inspectPackage(bytes)).findings.map((finding) => finding.code);
}

describe("inspect findings", () => {
  it("flags compressed outer entries (the portal refuses them) but still reads the package", async () => {
    const bytes = makePackage({ deflateOuter: true });
    const result = await inspectPackage(bytes);
    expect(result.findings.filter((f) => f.code === "INTUNEWIN_OUTER_ENTRY_COMPRESSED")).toHaveLength(2);
    expect(result.entries.map((entry) => entry.path)).toEqual(["install.cmd", "files/readme.txt"]);
    const temp = tempFolder();
    try {
      const path = join(temp.path, "deflated.intunewin");
      writeFileSync(path, bytes);
      const unpacked = await unpackPackage(path, join(temp.path, "out"));
      expect(unpacked.entries).toHaveLength(2);
    } finally {
      temp.cleanup();
    }
  });

  it("reads the 1.4-era naming (<setup base>.intunewin) from FileName", async () => {
    const result = await inspectPackage(
      makePackage({ fileName: "install.intunewin", toolVersion: "1.4.0.0" }),
    );
    expect(result.valid).toBe(true);
    expect(result.detection?.FileName).toBe("install.intunewin");
    expect(result.findings.map((f) => f.code)).toEqual(["INTUNEWIN_NOT_MS_TOOL_LAYOUT"]);
  });

  it("reports a FileName with no matching entry", async () => {
    expect(await codes(makePackage({ entryName: "Other.intunewin" }))).toEqual([
      "INTUNEWIN_CONTENT_ENTRY_MISSING",
    ]);
  });

  it("reports a FileName that matches its entry only ignoring case", async () => {
    expect(await codes(makePackage({ entryName: "intunepackage.INTUNEWIN" }))).toContain(
      "INTUNEWIN_FILENAME_MISMATCH",
    );
  });

  it("reports a setup file missing from the content", async () => {
    const result = await inspectPackage(makePackage({ setupFile: "setup.exe" }));
    expect(result.valid).toBe(false);
    expect(result.findings.find((f) => f.code === "INTUNEWIN_SETUP_FILE_NOT_IN_CONTENT")?.message).toContain(
      "0x80070002",
    );
  });

  it("matches a SetupFile with backslashes and other case against the content", async () => {
    const result = await inspectPackage(makePackage({ setupFile: "FILES\\ReadMe.txt" }));
    expect(result.findings.map((f) => f.code)).not.toContain("INTUNEWIN_SETUP_FILE_NOT_IN_CONTENT");
  });

  it("reports an unknown ToolVersion, extra entries and an .msi without MsiInfo", async () => {
    const found = await codes(
      makePackage({
        toolVersion: "9.9.9",
        setupFile: "install.msi",
        extraEntries: [{ name: "IntuneWinPackage/Metadata/extra.txt", data: Buffer.from("x") }],
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        "INTUNEWIN_UNKNOWN_TOOL_VERSION",
        "INTUNEWIN_UNEXPECTED_ENTRIES",
        "INTUNEWIN_MSI_INFO_MISSING",
      ]),
    );
  });
});
