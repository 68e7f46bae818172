import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMemorySink,
  inspectPackage,
  readPackage,
  unpackPackage,
  writeDetectionXml,
} from "../../src/intunewin/index.ts";
import { extractPackageContent } from "../../src/intunewin/unpack.ts";
import { fixture, tempFolder } from "./helpers.ts";

// Expected values from fixtures/intunewin/MANIFEST.md.
const FIXTURES = [
  {
    file: "MrMeeb_Intune-Winget-Universal-App-Installer__install.intunewin",
    toolVersion: "1.8.5.0",
    setupFile: "install.cmd",
    encrypted: 736,
    unencrypted: 686,
    files: ["install.cmd"],
  },
  {
    file: "kevin92fung_Intune-Chocolatey__install.intunewin",
    toolVersion: "1.8.6.0",
    setupFile: "install.ps1",
    encrypted: 992,
    unencrypted: 932,
    files: ["install.ps1"],
  },
  {
    file: "Rhuberry_TimeZoneAutoUpdate__install.intunewin",
    toolVersion: "1.8.7.0",
    setupFile: "install.ps1",
    encrypted: 2400,
    unencrypted: 2338,
    files: ["install.ps1", "uninstall.ps1"],
  },
  {
    file: "JayRHa_CompanyPortalSystemTrayTool__install.intunewin",
    toolVersion: "1.8.4.0",
    setupFile: "install.bat",
    encrypted: 371200,
    unencrypted: 371149,
    // Stored with '\' separators in the zip (MANIFEST.md); extracted as nested folders.
    files: [
      "deinstall.bat",
      "Install-IntuneSystemTrayV2.ps1",
      "install.bat",
      "StartCompanyPortalSystemtray.xml",
      "IntuneSystemTrayV2/CMTrace.exe",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/Create-IntuneSystemtrayV2.ps1",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/companyPortal.ico",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/companyPortal.png",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/exit.png",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/password.png",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/remoteAssistance.png",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/sync.png",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/sysInfo.png",
      "IntuneSystemTrayV2/IntuneSystemTrayV2/icons/troubleshoot.png",
    ],
  },
];

describe("real Microsoft-built packages", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  for (const expected of FIXTURES) {
    it(`unpacks, verifies and lists ${expected.file}`, async () => {
      const temp = tempFolder();
      cleanup = temp.cleanup;
      const out = join(temp.path, "content");
      const result = await unpackPackage(fixture(expected.file), out);
      expect(result.entries.map((entry) => entry.path)).toEqual(expected.files);
      expect(result.unencryptedSize).toBe(expected.unencrypted);
      expect(result.encryptedSize).toBe(expected.encrypted);
      for (const path of expected.files) expect(existsSync(join(out, ...path.split("/")))).toBe(true);
    });

    it(`inspect reports the Detection.xml values of ${expected.file}`, async () => {
      const result = await inspectPackage(fixture(expected.file));
      expect(result.findings).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.detection?.ToolVersion).toBe(expected.toolVersion);
      expect(result.detection?.SetupFile).toBe(expected.setupFile);
      expect(result.detection?.Name).toBe(expected.setupFile);
      expect(result.detection?.FileName).toBe("IntunePackage.intunewin");
      expect(result.sizes).toMatchObject({
        encrypted: expected.encrypted,
        unencrypted: expected.unencrypted,
      });
    });
  }

  it("extracts the same bytes as unzip does from the decrypted content", async () => {
    const temp = tempFolder();
    cleanup = temp.cleanup;
    const pkg = await readPackage(fixture("Rhuberry_TimeZoneAutoUpdate__install.intunewin"));
    const sink = createMemorySink();
    await extractPackageContent(pkg, sink);
    await pkg.close();
    // Decrypt with openssl as MANIFEST.md describes and let Info-ZIP's unzip be the referee.
    const { EncryptionKey, InitializationVector } = pkg.detection.EncryptionInfo;
    const inner = join(temp.path, "inner.bin");
    execFileSync("sh", [
      "-c",
      `unzip -p "$1" IntuneWinPackage/Contents/IntunePackage.intunewin | tail -c +49 | openssl enc -d -aes-256-cbc -K $2 -iv $3 > "$4"`,
      "sh",
      fixture("Rhuberry_TimeZoneAutoUpdate__install.intunewin"),
      Buffer.from(EncryptionKey, "base64").toString("hex"),
      Buffer.from(InitializationVector, "base64").toString("hex"),
      inner,
    ]);
    for (const name of ["install.ps1", "uninstall.ps1"]) {
      expect(sink.files.get(name)?.equals(execFileSync("unzip", ["-p", inner, name]))).toBe(true);
    }
  });

  it("re-serializes each fixture's Detection.xml byte for byte", async () => {
    for (const expected of FIXTURES) {
      const pkg = await readPackage(fixture(expected.file));
      expect(writeDetectionXml(pkg.detection)).toBe(pkg.detectionXml.toString("utf8"));
      await pkg.close();
    }
  });

  it("names the encrypted inner file given instead of the package", async () => {
    const pkg = await readPackage(fixture("MrMeeb_Intune-Winget-Universal-App-Installer__install.intunewin"));
    const chunks: Buffer[] = [];
    for await (const chunk of pkg.contentChunks()) chunks.push(chunk);
    await pkg.close();
    const result = await inspectPackage(Buffer.concat(chunks));
    expect(result.findings[0]?.code).toBe("INTUNEWIN_EOCD_NOT_FOUND");
    expect(result.findings[0]?.message).toContain("End of Central Directory not found");
    expect(readFileSync(fixture(FIXTURES[0]?.file ?? "")).length).toBe(1985);
  });
});
