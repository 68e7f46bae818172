import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../../scenarios/unmapped-exit-code.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-run-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, "run", ...args], { encoding: "utf8" });

describe("imesim run", () => {
  it("fails a scenario whose expectation breaks, saying which and why", () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(
      broken,
      readFileSync(SCENARIO, "utf8").replace('errorCode: "0x80070643"', 'errorCode: "0x87D1041C"'),
    );
    const result = run(broken);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '✗ expect[0] app "Broken MSI" errorCode: expected 0x87D1041C, found 0x80070643',
    );
    expect(result.stdout).toContain("FAIL: 1 of");
  });

  it("writes logs, the .reg export and the reports to --out, and JUnit on request", () => {
    const out = join(dir, "out");
    const result = run(SCENARIO, "--out", out, "--report", "junit");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("<testsuite");
    const log = readFileSync(join(out, "device-0001", "Logs", "AppWorkload.log"), "utf8");
    expect(log.startsWith("\uFEFF<![LOG[")).toBe(true);
    expect(log).toContain("lpExitCode 1603");
    // regedit writes version 5.00 exports as UTF-16LE with the ff fe BOM (windows-formats.md §3.1).
    const regBytes = readFileSync(join(out, "device-0001", "IntuneManagementExtension.reg"));
    expect([...regBytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const reg = regBytes.subarray(2).toString("utf16le");
    expect(reg.startsWith("Windows Registry Editor Version 5.00\r\n")).toBe(true);
    expect(reg).toContain('"EnforcementStateMessage"=');
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8")).passed).toBe(true);
  });

  it("exits 2 with line and column for an invalid scenario", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nduration: soon\napps: []\n");
    const result = run(bad);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("bad.yaml:2:11: duration: must be a duration");
  });

  it("runs a fleet and prints the portal-style summary, with the expectations counted rather than listed", () => {
    const result = run(SCENARIO, "--devices", "3");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Fleet of 3 devices:");
    expect(result.stdout).toMatch(/Broken MSI\s+0\s+3\s+0\s+0\s+0\s+0\s+0\s+errors: 0x80070643 ×3/);
    expect(result.stdout).toContain("Expectations: 15 held (--verbose lists every one)\n");
    expect(result.stdout).not.toContain("✓ expect");
  });

  it("lists every expectation of every device of a fleet with --verbose", () => {
    const verbose = run(SCENARIO, "--devices", "2", "--verbose");
    expect(verbose.status).toBe(0);
    expect(verbose.stdout.match(/✓ expect\[\d\] .* \[device \d\]: /g)).toHaveLength(10);
  });

  it("lists only the broken expectations of a fleet, each with its device", () => {
    const broken = join(dir, "broken-fleet.yaml");
    writeFileSync(
      broken,
      readFileSync(SCENARIO, "utf8").replace('errorCode: "0x80070643"', 'errorCode: "0x87D1041C"'),
    );
    const result = run(broken, "--devices", "2");
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("Expectations: 8 held, 2 broken (--verbose lists every one):\n");
    expect(result.stdout.match(/✗ expect\[0\] app "Broken MSI" errorCode \[device [12]\]: /g)).toHaveLength(
      2,
    );
    expect(result.stdout).not.toContain("✓ expect");
  });

  it("counts an app assigned to nobody as not targeted, and --out still writes each device's .reg", () => {
    const unassigned = join(dir, "unassigned.yaml");
    writeFileSync(
      unassigned,
      "name: unassigned\nduration: 2h\napps:\n  - name: Shelf App\n    short: { install: s.exe, detection: [{ file: C:\\s.exe }] }\n" +
        "    package: { files: { s.exe: x } }\n    assignments: []\n",
    );
    const out = join(dir, "unassigned-out");
    const result = run(unassigned, "--devices", "2", "--out", out);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Shelf App\s+0\s+0\s+0\s+0\s+0\s+2\s+0\n/);
    for (const number of ["0001", "0002"]) {
      // The IME wrote nothing under its key: regedit's header and no keys, as UTF-16LE with the BOM.
      const reg = readFileSync(join(out, `device-${number}`, "IntuneManagementExtension.reg"));
      expect(reg.subarray(2).toString("utf16le")).toBe("Windows Registry Editor Version 5.00\r\n\r\n");
      expect([...reg.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    }
  });
});
