// `imesim explain` narrates the PowerShell workloads (issue 16): platform scripts and remediations.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const scenario = (name: string) => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));
const explain = (name: string) =>
  spawnSync(process.execPath, [BIN, "explain", scenario(name)], { encoding: "utf8" });

describe("imesim explain, scripts", () => {
  it("tells a platform script's run, its registry result and the three-run limit", () => {
    const result = explain("platform-scripts.yaml");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Platform script result recorded");
    expect(result.stdout).toMatch(
      /reg {2}HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Policies\\0{8}-0{4}-0{4}-0{4}-0{12}\\\S+ {2}Result = Success, DownloadCount = 1/,
    );
    expect(result.stdout).toContain("three times in total (DownloadCount 3");
    expect(result.stdout).toContain("log  AgentExecutor.log: Powershell script is successfully executed.");
  });

  it("tells a remediation's queue, detection, fix and recorded status", () => {
    const result = explain("remediation-drift.yaml");
    expect(result.status).toBe(0);
    for (const title of [
      "Remediation run queued",
      "Detection script result",
      "Remediation script ran",
      "Remediation status recorded",
    ])
      expect(result.stdout).toContain(title);
    expect(result.stdout).toContain("log  HealthScripts.log: Job is queued and will be scheduled to run at");
    expect(result.stdout).toContain("HealthScripts.log (imesim's wording): [HS] Remediation status for");
    expect(result.stdout).toMatch(
      /reg {2}HKLM\\.*\\SideCarPolicies\\Scripts\\Reports\\.*_1 {2}Result = \{"RemediationStatus":1/,
    );
  });

  it("tells custom compliance turning non-compliant with the rule's remediation text, and compliant again", () => {
    const result = explain("custom-compliance.yaml");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Custom compliance evaluated");
    expect(result.stdout).toContain(
      "HealthScripts.log (imesim's wording): [HS] Setting FreeGb = 5 is nonCompliant: Only 5 GB are free.",
    );
    expect(result.stdout).toMatch(
      /Compliance discovery result for policy \S+ is NonCompliant[\s\S]*Compliance discovery result for policy \S+ is Compliant/,
    );
  });
});
