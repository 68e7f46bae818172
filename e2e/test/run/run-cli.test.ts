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

  it("runs a fleet and prints the portal-style summary", () => {
    const result = run(SCENARIO, "--devices", "3");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Fleet of 3 devices:");
    expect(result.stdout).toMatch(/Broken MSI\s+0\s+3\s+0\s+0\s+0\s+errors: 0x80070643 ×3/);
  });
});
