import { DetectionType, Operator } from "@imesim/contracts/enums";
import type { DetectionRule, MsiDetectionRule } from "@imesim/contracts/ime";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { evaluateDetection } from "../../src/rules/index.ts";
import { context, device, scriptBody, USER_SID } from "./helpers.ts";
import { operatorRows } from "./matrix.ts";

const X64_CODE = "{23170F69-40C1-2702-2501-000001000000}";
const X86_CODE = "{23170F69-40C1-2701-2501-000001000000}";
const UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

function prepared(): Device {
  const host = device();
  // As Windows Installer registers them: x64 packages in the 64-bit view, x86 ones under WOW6432Node.
  host.registry.setValue(`${UNINSTALL}\\${X64_CODE}`, "DisplayVersion", {
    type: "REG_SZ",
    data: "25.01.00.0",
  });
  host.registry.setValue(
    `${UNINSTALL}\\${X86_CODE}`,
    "DisplayVersion",
    { type: "REG_SZ", data: "19.00.00.0" },
    { view: 32 },
  );
  return host;
}

function msi(
  code: string,
  version: string | null = null,
  operator: number = Operator.NotConfigured,
): MsiDetectionRule {
  return {
    DetectionType: DetectionType.MsiProductCode,
    DetectionText: {
      ProductCode: code,
      ProductVersion: version,
      ProductVersionOperator: operator as MsiDetectionRule["DetectionText"]["ProductVersionOperator"],
    },
  };
}

describe("MSI product-code detection (ime.md §7.4)", () => {
  it("finds a product in either view, case-insensitively, and reports its version", () => {
    const host = prepared();
    const x64 = evaluateDetection([msi(X64_CODE)], context(host));
    expect(x64).toMatchObject({ state: "Detected", detectedVersion: "25.01.00.0" });
    expect(x64.lines.at(-1)).toBe(
      "[Win32App] Completed detectionManager SideCarProductCodeDetectionManager, applicationDetectedByCurrentRule: True",
    );
    expect(evaluateDetection([msi(X86_CODE.toLowerCase())], context(host))).toMatchObject({
      state: "Detected",
      detectedVersion: "19.00.00.0",
    });
    expect(evaluateDetection([msi("{00000000-0000-0000-0000-000000000000}")], context(host)).state).toBe(
      "NotDetected",
    );
  });

  it("finds a per-user product in the user's own Uninstall key, for user-context apps only", () => {
    const host = device();
    const code = "{11111111-2222-3333-4444-555555555555}";
    host.registry.setValue(
      `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${code}`,
      "DisplayVersion",
      {
        type: "REG_SZ",
        data: "1.0",
      },
      { view: 64, userSid: USER_SID },
    );
    expect(evaluateDetection([msi(code)], context(host, { account: "user" })).state).toBe("Detected");
    expect(evaluateDetection([msi(code)], context(host)).state).toBe("NotDetected");
  });

  it.each(operatorRows("25.0", "25.1.0.0", "25.1.0.1"))(
    "version %s (%i) against %s → %s",
    (_n, operator, value, expected) => {
      const state = evaluateDetection([msi(X64_CODE, value, operator)], context(prepared())).state;
      expect(state).toBe(expected ? "Detected" : "NotDetected");
    },
  );
});

function scriptRule(text: string, runAs32Bit = false): DetectionRule {
  return {
    DetectionType: DetectionType.Script,
    DetectionText: { ScriptBody: scriptBody(text), EnforceSignatureCheck: 0, RunAs32Bit: runAs32Bit ? 1 : 0 },
  };
}

describe("script detection (ime.md §7.5)", () => {
  it.each([
    ["exit 0 with output", { exitCode: 0, stdout: "Detected\r\n", stderr: "" }, "Detected", 0],
    ["exit 0 without output", { exitCode: 0, stdout: "", stderr: "" }, "NotDetected", 0],
    ["exit 0 with only whitespace", { exitCode: 0, stdout: " \r\n", stderr: "" }, "NotDetected", 0],
    ["exit 1 with output", { exitCode: 1, stdout: "Detected", stderr: "" }, "NotDetected", 1],
    [
      "output and STDERR",
      { exitCode: 0, stdout: "Detected", stderr: "Write-Error: boom" },
      "NotDetected",
      -1,
    ],
  ] as const)("%s → %s", (_name, result, state, loggedExit) => {
    const host = device();
    const outcome = evaluateDetection(
      [scriptRule("Write-Output 'Detected'")],
      context(host, { scripts: [{ result }] }),
    );
    expect(outcome.state).toBe(state);
    expect(outcome.lines.at(-2)).toBe(
      `[Win32App] Checked Powershell script exitCode: ${loggedExit} EnforceSignatureCheck: 0 RunAs32Bit: 0 InstallExRunAs: 1, result of applicationDetected: ${
        state === "Detected" ? "True" : "False"
      }`,
    );
  });

  it("decodes the base64 body without its BOM and runs it in the app's context and bitness", () => {
    const host = device();
    const seen: Array<{ script: string; bitness: number; account: string }> = [];
    const scripts = [
      {
        result: (request: { script: string; context: { bitness: number; account: string } }) => {
          seen.push({
            script: request.script,
            bitness: request.context.bitness,
            account: request.context.account,
          });
          return { exitCode: 0, stdout: "ok", stderr: "" };
        },
      },
    ];
    evaluateDetection(
      [scriptRule("if (Test-Path 'C:\\7-Zip\\7z.exe') { 'ok' }", true)],
      context(host, { scripts, account: "user" }),
    );
    expect(seen).toEqual([
      { script: "if (Test-Path 'C:\\7-Zip\\7z.exe') { 'ok' }", bitness: 32, account: "user" },
    ]);
  });

  it("writes the SideCarScriptDetectionManager lines of a real run", () => {
    const host = device();
    const outcome = evaluateDetection(
      [scriptRule("'x'")],
      context(host, { scripts: [{ result: { stdout: "x" } }] }),
    );
    expect(outcome.lines.slice(1, 6).map((l) => l.replace(/\d+$/, "N"))).toEqual([
      "[Win32App] SideCarScriptDetectionManager Launch powershell executor in machine session",
      "[Win32App] SideCarScriptDetectionManager Create proxy process successfully.",
      "[Win32App] SideCarScriptDetectionManager process id = N",
      "[Win32App] SideCarScriptDetectionManager Powershell execution got lpExitCode: 0 lastWin32Error: N",
      "[Win32App] SideCarScriptDetectionManager Powershell ExitCode: N",
    ]);
  });
});
