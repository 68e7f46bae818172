import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../../scenarios/not-detected-after-install.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-explain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("imesim explain", () => {
  it("narrates the run with the IME's reasons, its log lines and registry writes, and writes the charts as Mermaid", () => {
    const result = spawnSync(process.execPath, [BIN, "explain", SCENARIO, "--mermaid", dir], {
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Installer finished — Wrong Detection");
    expect(result.stdout).toContain("HRESULT_FROM_WIN32");
    expect(result.stdout).toContain("log  AppWorkload.log: [Win32App] lpExitCode 0");
    expect(result.stdout).toMatch(
      /reg {2}HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps\\.*EnforcementStateMessage = \{"EnforcementState":5000,"ErrorCode":-2016345060/,
    );
    for (const chart of ["service", "checkin", "subgraph", "enforcement"]) {
      expect(readFileSync(join(dir, `${chart}.mmd`), "utf8")).toMatch(/^stateDiagram-v2/);
    }
  });
});
