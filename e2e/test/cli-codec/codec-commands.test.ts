import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imesim } from "./run-imesim.ts";

const FIXTURE = fileURLToPath(
  new URL("../../../fixtures/intunewin/Rhuberry_TimeZoneAutoUpdate__install.intunewin", import.meta.url),
);

describe("imesim pack / unpack / inspect", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "imesim-cli-codec-"));
    mkdirSync(join(root, "src", "files"), { recursive: true });
    writeFileSync(join(root, "src", "install.ps1"), "Write-Output 'installed'\r\n");
    writeFileSync(join(root, "src", "files", "payload.txt"), "payload\n".repeat(1000));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("packs with IntuneWinAppUtil's flags, then unpacks the same files", () => {
    const packed = imesim(
      "pack",
      "-c",
      join(root, "src"),
      "-s",
      "install.ps1",
      "-o",
      join(root, "out"),
      "-q",
    );
    expect(packed.status).toBe(0);
    expect(packed.stdout.trim()).toBe(join(root, "out", "install.intunewin"));
    expect(packed.stderr).toBe(""); // not a terminal: no progress bar
    const unpacked = imesim("unpack", join(root, "out", "install.intunewin"), "-o", join(root, "back"));
    expect(unpacked.status).toBe(0);
    expect(unpacked.stdout.split("\n").filter(Boolean)).toEqual(["install.ps1", "files/payload.txt"]);
    expect(readFileSync(join(root, "back", "files", "payload.txt"), "utf8")).toBe("payload\n".repeat(1000));
  });

  it("exits 2 for unusable input: missing setup file, no -q for a missing output folder", () => {
    const missing = imesim(
      "pack",
      "-c",
      join(root, "src"),
      "-s",
      "setup.exe",
      "-o",
      join(root, "out2"),
      "-q",
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("INTUNEWIN_SETUP_FILE_MISSING");
    const noFolder = imesim(
      "pack",
      "-c",
      join(root, "src"),
      "-s",
      "install.ps1",
      "-o",
      join(root, "nowhere"),
    );
    expect(noFolder.status).toBe(2);
    expect(existsSync(join(root, "nowhere"))).toBe(false);
    expect(imesim("pack", "-c", join(root, "src")).status).toBe(2);
  });

  it("exits 1 and leaves the output folder alone when a package fails verification", () => {
    const bytes = Buffer.from(readFileSync(FIXTURE));
    bytes[200] = (bytes[200] ?? 0) ^ 0xff; // inside the ciphertext of the content entry
    writeFileSync(join(root, "tampered.intunewin"), bytes);
    const result = imesim("unpack", join(root, "tampered.intunewin"), "-o", join(root, "tampered-out"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("INTUNEWIN_MAC_MISMATCH");
    expect(existsSync(join(root, "tampered-out"))).toBe(false);
  });

  it("inspect --json reports the Detection.xml values of a real package", () => {
    const result = imesim("inspect", FIXTURE, "--json");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      detection: Record<string, unknown>;
      findings: unknown[];
      entries: { path: string }[];
    };
    expect(report.detection).toMatchObject({
      ToolVersion: "1.8.7.0",
      SetupFile: "install.ps1",
      UnencryptedContentSize: 2338,
    });
    expect(report.entries.map((entry) => entry.path)).toEqual(["install.ps1", "uninstall.ps1"]);
    expect(report.findings).toEqual([]);
  });

  it("inspect names the encrypted inner file handed over instead of the package", () => {
    const inner = join(root, "IntunePackage.intunewin");
    const unzip = spawnSync("unzip", ["-p", FIXTURE, "IntuneWinPackage/Contents/IntunePackage.intunewin"]);
    writeFileSync(inner, unzip.stdout);
    const result = imesim("inspect", inner);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("INTUNEWIN_EOCD_NOT_FOUND");
    expect(result.stdout).toContain("End of Central Directory not found");
  });

  it("inspect exits 2 like unpack when the input cannot be opened", () => {
    const missing = join(root, "nonexistent.intunewin");
    const inspected = imesim("inspect", missing);
    expect(inspected.status).toBe(2);
    expect(inspected.stdout).toBe("");
    expect(inspected.stderr).toMatch(
      /^imesim inspect: cannot open .*nonexistent\.intunewin: .*ENOENT.* \[INTUNEWIN_IO_FAILED\]\n$/,
    );
    expect(imesim("inspect", missing, "--json").status).toBe(2);
    expect(imesim("inspect", root).status).toBe(2); // a folder is not a package file
    expect(imesim("unpack", missing, "-o", join(root, "never")).status).toBe(2);
  });

  it("unpack into a non-empty folder names the flag that replaces it", () => {
    const target = join(root, "occupied");
    mkdirSync(target);
    writeFileSync(join(target, "keep.txt"), "keep");
    const result = imesim("unpack", FIXTURE, "-o", target);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--force");
    expect(readFileSync(join(target, "keep.txt"), "utf8")).toBe("keep");
    expect(imesim("unpack", FIXTURE, "-o", target, "--force").status).toBe(0);
    expect(existsSync(join(target, "install.ps1"))).toBe(true);
  });
});
