// `imesim test` on a package whose content zip holds a file and a folder of the same name (issue 19): the
// package checks report the invalid content zip, as unpack and inspect do, instead of simulating an install
// that fails with 0x87D30065.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildZip, packageOf, tempFolder } from "../../../contracts/test/intunewin/helpers.ts";
import { runPackagingTest } from "../../src/package-test/index.ts";

const work = tempFolder("imesim-test-hostile-");
afterAll(() => work.cleanup());

function clashingPackage(): string {
  const { bytes } = packageOf(
    buildZip([
      { name: "install.cmd", data: Buffer.from("exit /b 0\r\n") },
      { name: "a", data: Buffer.from("a file") },
      { name: "a/b.txt", data: Buffer.from("a file in folder a") },
    ]),
  );
  const path = join(work.path, "clash.intunewin");
  writeFileSync(path, bytes);
  return path;
}

describe("imesim test on a content zip with a file/folder name clash", () => {
  it("fails on the package check, naming the clash, and simulates nothing", async () => {
    const appFile = join(work.path, "app.yaml");
    writeFileSync(appFile, "name: Clash\ninstall: install.cmd\ndetection:\n  - file: C:\\Clash\\a.txt\n");
    const report = await runPackagingTest({ packagePath: clashingPackage(), appPath: appFile });
    expect(report.package.findings.filter((finding) => finding.severity === "error")).toMatchObject([
      {
        code: "INTUNEWIN_INNER_ZIP_INVALID",
        message: expect.stringMatching(/"a" is both a file and a folder/),
      },
    ]);
    expect(report.simulation).toBeUndefined();
    expect(report.verdict.outcome).toBe("FAIL");
    expect(report.verdict.reasons[0]).toMatch(/^INTUNEWIN_INNER_ZIP_INVALID: /);
  });
});
