import { describe, expect, it } from "vitest";
import { type Finding, lintApp } from "../../src/lint/index.ts";
import {
  fileRule,
  inputOf,
  packageOf,
  policyWith,
  registryRule,
  scriptBody,
  scriptRequirement,
} from "./policy-fixture.ts";

const MSI_PACKAGE = packageOf({ "7z2501-x64.msi": "" });
const MSI = { productCode: "{23170F69-40C1-2702-2501-000001000000}", productVersion: "25.01.00.0" };
const codes = (findings: readonly Finding[]) => findings.map((finding) => finding.code);
const find = (findings: readonly Finding[], code: string) =>
  findings.find((finding) => finding.code === code);

describe("app-definition lint", () => {
  it("finds nothing wrong with the real 7-Zip MSI policy and its package", () => {
    expect(lintApp(inputOf(policyWith(), MSI_PACKAGE, MSI))).toEqual([]);
  });

  it("MSIEXEC_NOT_QUIET: msiexec without a quiet switch waits until the timeout", () => {
    const findings = lintApp(
      inputOf(policyWith({ InstallCommandLine: 'msiexec /i "7z2501-x64.msi"' }), MSI_PACKAGE),
    );
    expect(find(findings, "MSIEXEC_NOT_QUIET")).toMatchObject({
      severity: "error",
      path: "InstallCommandLine",
      imeErrorCode: 0x87d300c9,
    });
    for (const quiet of ["/qn", "/quiet", "-qn", "/QB!", "/passive"]) {
      const ok = lintApp(
        inputOf(policyWith({ InstallCommandLine: `msiexec.exe /i 7z2501-x64.msi ${quiet}` }), MSI_PACKAGE),
      );
      expect(codes(ok)).not.toContain("MSIEXEC_NOT_QUIET");
    }
    const reduced = lintApp(
      inputOf(policyWith({ UninstallCommandLine: "msiexec /x {23170F69-40C1-2702-2501-000001000000} /qr" })),
    );
    expect(find(reduced, "MSIEXEC_NOT_QUIET")).toMatchObject({
      severity: "warning",
      path: "UninstallCommandLine",
    });
  });

  it("USER_PROFILE_DETECTION_FOR_SYSTEM_INSTALL: a system app detected in a user profile or HKCU", () => {
    const policy = policyWith({
      DetectionRule: [
        fileRule("%LOCALAPPDATA%\\Programs\\Tool", "tool.exe", 1),
        registryRule("HKCU\\Software\\Tool", "Version"),
      ],
    });
    const findings = lintApp(inputOf(policy));
    expect(
      findings.filter((f) => f.code === "USER_PROFILE_DETECTION_FOR_SYSTEM_INSTALL").map((f) => f.path),
    ).toEqual(["DetectionRule[0].DetectionText.Path", "DetectionRule[1].DetectionText.Path"]);
    const asUser = policyWith({
      DetectionRule: policy.DetectionRule,
      InstallEx: { ...policy.InstallEx, RunAs: 2 },
    });
    expect(codes(lintApp(inputOf(asUser)))).not.toContain("USER_PROFILE_DETECTION_FOR_SYSTEM_INSTALL");
    const publicProfile = policyWith({
      DetectionRule: [fileRule("C:\\Users\\Public\\Desktop", "Tool.lnk", 1)],
    });
    expect(codes(lintApp(inputOf(publicProfile)))).not.toContain("USER_PROFILE_DETECTION_FOR_SYSTEM_INSTALL");
  });

  it("FILE_DOES_NOT_EXIST_DETECTION: reported as not supported, 0x87D30004", () => {
    const findings = lintApp(
      inputOf(policyWith({ DetectionRule: [fileRule("C:\\Program Files\\Old", "old.exe", 6)] })),
    );
    expect(find(findings, "FILE_DOES_NOT_EXIST_DETECTION")).toMatchObject({
      severity: "error",
      path: "DetectionRule[0].DetectionText.DetectionType",
      imeErrorCode: 0x87d30004,
    });
  });

  it("REBOOT_CODE_NOT_HANDLED: 3010 and 1641 missing would turn a working install into a failure", () => {
    const findings = lintApp(
      inputOf(
        policyWith({
          ReturnCodes: [
            { ReturnCode: 0, Type: 1 },
            { ReturnCode: 1618, Type: 4 },
          ],
        }),
      ),
    );
    const reboot = findings.filter((f) => f.code === "REBOOT_CODE_NOT_HANDLED");
    expect(reboot.map((f) => f.imeErrorCode)).toEqual([0x80070bc2, 0x80070669]);
    expect(reboot[0]?.severity).toBe("warning");
    expect(reboot[0]?.message).toContain("0x80070BC2");
  });

  it("EXIT_ZERO_NOT_SUCCESS, DUPLICATE_RETURN_CODE and RETRY_CODE_1618_NOT_HANDLED", () => {
    const findings = lintApp(
      inputOf(
        policyWith({
          ReturnCodes: [
            { ReturnCode: 0, Type: 0 },
            { ReturnCode: 3010, Type: 2 },
            { ReturnCode: 3010, Type: 1 },
            { ReturnCode: 1641, Type: 3 },
          ],
        }),
      ),
    );
    expect(codes(findings)).toEqual([
      "EXIT_ZERO_NOT_SUCCESS",
      "DUPLICATE_RETURN_CODE",
      "RETRY_CODE_1618_NOT_HANDLED",
    ]);
  });

  it("SCRIPT_REQUIREMENT_OUTPUT_NOT_OF_TYPE: outputs that cannot be the declared type", () => {
    const script = 'if (Test-Path C:\\x) { Write-Output "yes" } else { Write-Output "no" }\n"yes"\n';
    const integer = lintApp(
      inputOf(policyWith({ ExtendedRequirementRules: [scriptRequirement(script, 3, "1")] })),
    );
    expect(find(integer, "SCRIPT_REQUIREMENT_OUTPUT_NOT_OF_TYPE")).toMatchObject({
      severity: "error",
      path: "ExtendedRequirementRules[0].RequirementText.ScriptBody",
    });
    const asString = lintApp(
      inputOf(policyWith({ ExtendedRequirementRules: [scriptRequirement(script, 1, "yes")] })),
    );
    expect(codes(asString)).toEqual([]);
    const boolean = lintApp(
      inputOf(policyWith({ ExtendedRequirementRules: [scriptRequirement("$true\n", 6, "True")] })),
    );
    expect(codes(boolean)).toEqual([]);
  });

  it("SCRIPT_REQUIREMENT_VALUE_NOT_OF_TYPE: a comparison value of the wrong type", () => {
    const findings = lintApp(
      inputOf(policyWith({ ExtendedRequirementRules: [scriptRequirement("Write-Output 3", 5, "three")] })),
    );
    expect(find(findings, "SCRIPT_REQUIREMENT_VALUE_NOT_OF_TYPE")?.path).toBe(
      "ExtendedRequirementRules[0].RequirementText.Value",
    );
  });

  it("MSI_PRODUCT_CODE_MISMATCH: detection names another product than the package's MSI", () => {
    const policy = policyWith({
      DetectionRule: [
        {
          DetectionType: 1,
          DetectionText: {
            ProductCode: "{11111111-2222-3333-4444-555555555555}",
            ProductVersion: null,
            ProductVersionOperator: 0,
          },
        },
      ],
      UninstallCommandLine: "msiexec /x {11111111-2222-3333-4444-555555555555} /qn",
    });
    const findings = lintApp(inputOf(policy, MSI_PACKAGE, MSI));
    expect(find(findings, "MSI_PRODUCT_CODE_MISMATCH")).toMatchObject({
      severity: "error",
      imeErrorCode: 0x87d1041c,
    });
    expect(find(findings, "UNINSTALL_PRODUCT_CODE_MISMATCH")?.severity).toBe("warning");
    const matching = policyWith({
      DetectionRule: [
        {
          DetectionType: 1,
          DetectionText: {
            ProductCode: MSI.productCode.toLowerCase(),
            ProductVersion: null,
            ProductVersionOperator: 0,
          },
        },
      ],
    });
    expect(lintApp(inputOf(matching, MSI_PACKAGE, MSI))).toEqual([]);
  });

  it("INSTALL_FILE_NOT_IN_PACKAGE: the command names a file the package lacks (case-insensitive, either separator)", () => {
    const pkg = packageOf({ "Setup\\Install.cmd": "@echo off\r\nexit /b 0\r\n", "install.ps1": "" });
    const ok = policyWith({
      InstallCommandLine: 'cmd /c ".\\setup\\install.cmd"',
      SetUpFilePath: "Setup/Install.cmd",
    });
    expect(codes(lintApp(inputOf(ok, pkg)))).toEqual([]);
    const missing = policyWith({ InstallCommandLine: "setup.exe /S", SetUpFilePath: "setup.exe" });
    const findings = lintApp(inputOf(missing, pkg));
    expect(find(findings, "INSTALL_FILE_NOT_IN_PACKAGE")?.message).toContain("setup.exe");
    expect(codes(findings)).toContain("SETUP_FILE_NOT_IN_PACKAGE");
    const systemProgram = policyWith({
      InstallCommandLine: "reg.exe add HKLM\\SOFTWARE\\X /f",
      SetUpFilePath: "install.ps1",
    });
    expect(codes(lintApp(inputOf(systemProgram, pkg)))).toEqual([]);
  });

  it("WOW64_PROGRAM_FILES_MISMATCH: the 32-bit install writes Program Files (x86), detection looks in Program Files", () => {
    const pkg = packageOf({
      "install.cmd": '@echo off\r\nxcopy /y /e "%~dp0Tool" "%ProgramFiles%\\Contoso Tool\\"\r\nexit /b 0\r\n',
    });
    const policy = policyWith({
      InstallCommandLine: "install.cmd",
      SetUpFilePath: "install.cmd",
      DetectionRule: [fileRule("C:\\Program Files\\Contoso Tool", "tool.exe", 1)],
    });
    expect(find(lintApp(inputOf(policy, pkg)), "WOW64_PROGRAM_FILES_MISMATCH")).toMatchObject({
      severity: "error",
      path: "DetectionRule[0].DetectionText.Path",
    });
    const checked32 = policyWith({
      ...policy,
      DetectionRule: [fileRule("C:\\Program Files\\Contoso Tool", "tool.exe", 1, true)],
    });
    expect(codes(lintApp(inputOf(checked32, pkg)))).not.toContain("WOW64_PROGRAM_FILES_MISMATCH");
  });

  it("WOW64_REGISTRY_MISMATCH: reg add without /reg:64 lands in WOW6432Node", () => {
    const script = "reg add HKLM\\SOFTWARE\\Contoso\\Tool /v Version /d 1.0 /f\r\n";
    const policy = policyWith({
      InstallCommandLine: "cmd.exe /c install.cmd",
      SetUpFilePath: "install.cmd",
      DetectionRule: [registryRule("HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Tool", "Version")],
    });
    expect(codes(lintApp(inputOf(policy, packageOf({ "install.cmd": script }))))).toContain(
      "WOW64_REGISTRY_MISMATCH",
    );
    const with64 = packageOf({ "install.cmd": script.replace("/f", "/f /reg:64") });
    expect(codes(lintApp(inputOf(policy, with64)))).not.toContain("WOW64_REGISTRY_MISMATCH");
  });

  it("POWERSHELL_32BIT, POWERSHELL_NO_BYPASS and PS1_NOT_EXECUTABLE for script installers", () => {
    const pkg = packageOf({ "install.ps1": "Write-Output done" });
    const plain = lintApp(
      inputOf(
        policyWith({ InstallCommandLine: "powershell.exe -File install.ps1", SetUpFilePath: "install.ps1" }),
        pkg,
      ),
    );
    expect(codes(plain)).toEqual(["POWERSHELL_NO_BYPASS", "POWERSHELL_32BIT"]);
    const sysnative = lintApp(
      inputOf(
        policyWith({
          InstallCommandLine:
            "%SystemRoot%\\Sysnative\\WindowsPowerShell\\v1.0\\powershell.exe -ExecutionPolicy Bypass -File install.ps1",
          SetUpFilePath: "install.ps1",
        }),
        pkg,
      ),
    );
    expect(codes(sysnative)).toEqual([]);
    const direct = lintApp(
      inputOf(policyWith({ InstallCommandLine: "install.ps1", SetUpFilePath: "install.ps1" }), pkg),
    );
    expect(find(direct, "PS1_NOT_EXECUTABLE")?.severity).toBe("error");
  });

  it("NO_DETECTION_RULE, DETECTION_SCRIPT_NO_OUTPUT and SCRIPT_NON_ASCII_WITHOUT_BOM", () => {
    expect(codes(lintApp(inputOf(policyWith({ DetectionRule: [] }))))).toEqual(["NO_DETECTION_RULE"]);
    const silent = policyWith({
      DetectionRule: [
        {
          DetectionType: 3,
          DetectionText: {
            ScriptBody: scriptBody("if (Test-Path C:\\x) { exit 0 } else { exit 1 }"),
            EnforceSignatureCheck: 0,
            RunAs32Bit: 0,
          },
        },
      ],
    });
    expect(codes(lintApp(inputOf(silent)))).toEqual(["DETECTION_SCRIPT_NO_OUTPUT"]);
    const talking = (bom: boolean) =>
      policyWith({
        DetectionRule: [
          {
            DetectionType: 3,
            DetectionText: {
              ScriptBody: scriptBody('Write-Output "Gefunden: Größe"', bom),
              EnforceSignatureCheck: 0,
              RunAs32Bit: 0,
            },
          },
        ],
      });
    expect(codes(lintApp(inputOf(talking(false))))).toEqual(["SCRIPT_NON_ASCII_WITHOUT_BOM"]);
    expect(codes(lintApp(inputOf(talking(true))))).toEqual([]);
  });
});
