// `imesim test` on packages that install through PowerShell: the install script runs on imesim's
// PowerShell in the IME's 32-bit context, so the verdict is PASS or FAIL with the real detection outcome.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runPackagingTest } from "../../src/package-test/index.ts";

const MSI = fileURLToPath(new URL("../../scenarios/packages/contoso-msi/ContosoTool.msi", import.meta.url));
const PRODUCT_CODE = "{6F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}";
const PSADT = fileURLToPath(new URL("../fixtures/psadt/", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "imesim-ps-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A package folder with `files`, and the short-form app definition beside it. */
function packageWith(
  name: string,
  files: Record<string, string>,
  app: string,
): { packagePath: string; appPath: string } {
  const folder = join(root, name);
  mkdirSync(join(folder, "payload"), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  const appPath = join(root, `${name}.yaml`);
  writeFileSync(appPath, app);
  return { packagePath: folder, appPath };
}

const COPY_AND_REGISTER = String.raw`$ErrorActionPreference = 'Stop'
$target = Join-Path $env:ProgramFiles 'Contoso'
New-Item -Path $target -ItemType Directory -Force | Out-Null
Copy-Item -Path "$PSScriptRoot\payload\tool.txt" -Destination $target -Force
New-Item -Path 'HKLM:\SOFTWARE\Contoso\Tool' -Force | Out-Null
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Contoso\Tool' -Name 'Version' -Value '1.0.0'
Write-Output "Installed to $target"
exit 0
`;

describe("imesim test with PowerShell install scripts", () => {
  it("PASS: a plain install.ps1 that copies files and writes registry values (32-bit view detected)", async () => {
    const pkg = packageWith(
      "plain",
      { "install.ps1": COPY_AND_REGISTER, "payload/tool.txt": "tool" },
      [
        "name: Contoso Tool",
        "install: powershell.exe -ExecutionPolicy Bypass -File install.ps1",
        "detection:",
        "  - registry: HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Tool",
        "    value: Version",
        '    string: "= 1.0.0"',
        "    check32BitOn64System: true",
        "",
      ].join("\n"),
    );
    const report = await runPackagingTest(pkg);
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: true });
    expect(report.verdict).toMatchObject({ outcome: "PASS", conclusive: true });
  });

  it("FAIL 0x87D1041C: the 32-bit PowerShell wrote to Program Files (x86), detection looks in Program Files", async () => {
    const pkg = packageWith(
      "wow64",
      { "install.ps1": COPY_AND_REGISTER, "payload/tool.txt": "tool" },
      [
        "name: Contoso Tool",
        "install: powershell.exe -ExecutionPolicy Bypass -File install.ps1",
        "detection:",
        "  - file: C:\\Program Files\\Contoso\\tool.txt",
        "",
      ].join("\n"),
    );
    const report = await runPackagingTest(pkg);
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: false });
    expect(report.verdict.outcome).toBe("FAIL");
    expect(report.verdict.reasons.join("\n")).toContain("0x87D1041C");
    // The lint names the way out: the 64-bit PowerShell through Sysnative.
    expect(report.lint.map((f) => `${f.code} ${f.message}`).join("\n")).toMatch(
      /POWERSHELL_32BIT.*Sysnative/,
    );
  });

  it("PASS: Start-Process msiexec -Wait -PassThru installs the MSI and exits with its code", async () => {
    const pkg = packageWith(
      "msi",
      {
        "install.ps1": [
          "$msi = Join-Path $PSScriptRoot 'ContosoTool.msi'",
          '$p = Start-Process -FilePath "msiexec.exe" -ArgumentList "/i `"$msi`" /qn /norestart" -Wait -PassThru',
          'Write-Output "msiexec returned $($p.ExitCode)"',
          "exit $p.ExitCode",
          "",
        ].join("\r\n"),
      },
      [
        "name: Contoso Tool",
        "install: powershell.exe -ExecutionPolicy Bypass -File install.ps1",
        "detection:",
        `  - msi: "${PRODUCT_CODE}"`,
        "",
      ].join("\n"),
    );
    copyFileSync(MSI, join(pkg.packagePath, "ContosoTool.msi"));
    const report = await runPackagingTest(pkg);
    expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: true });
    expect(report.verdict).toMatchObject({ outcome: "PASS", conclusive: true });
  });

  it("PASS with a detection script (Write-Host counts as output) that runs before and after the install", async () => {
    const pkg = packageWith(
      "script-detection",
      { "install.ps1": COPY_AND_REGISTER, "payload/tool.txt": "tool" },
      [
        "name: Contoso Tool",
        "install: powershell.exe -ExecutionPolicy Bypass -File install.ps1",
        "detection:",
        "  - script: |",
        "      $v = Get-ItemProperty 'HKLM:\\SOFTWARE\\WOW6432Node\\Contoso\\Tool' -ErrorAction SilentlyContinue",
        "      if ($v.Version -eq '1.0.0') { Write-Host 'Installed' }",
        "",
      ].join("\n"),
    );
    const report = await runPackagingTest(pkg);
    expect(report.simulation).toMatchObject({ conclusive: true, detectedBefore: false, detectedAfter: true });
    expect(report.verdict.outcome).toBe("PASS");
  });

  it("INCONCLUSIVE, naming it, when the install script uses something imesim does not model", async () => {
    const pkg = packageWith(
      "unmodelled",
      { "install.ps1": "Add-Type -AssemblyName System.IO.Compression\nexit 0\n" },
      [
        "name: Contoso Tool",
        "install: powershell.exe -ExecutionPolicy Bypass -File install.ps1",
        "detection:",
        "  - file: C:\\x\\y.txt",
        "",
      ].join("\n"),
    );
    const report = await runPackagingTest(pkg);
    expect(report.verdict.outcome).toBe("INCONCLUSIVE");
    expect(report.simulation?.note).toContain("add-type");
  });

  for (const [version, script] of [
    ["v4", "Invoke-AppDeployToolkit.ps1"],
    ["v3", "Deploy-Application.ps1"],
  ] as const) {
    it(`PASS: a PSADT ${version} package installing its MSI from Files\\`, async () => {
      const folder = join(root, `psadt-${version}`);
      cpSync(join(PSADT, version), folder, { recursive: true });
      mkdirSync(join(folder, "Files"), { recursive: true });
      copyFileSync(join(PSADT, "ContosoPsadt.msi"), join(folder, "Files", "ContosoPsadt.msi"));
      const appPath = join(root, `psadt-${version}.yaml`);
      writeFileSync(
        appPath,
        [
          "name: Contoso Deploy Tool",
          `install: powershell.exe -ExecutionPolicy Bypass -NoProfile -File ${script} -DeploymentType Install -DeployMode Silent`,
          "detection:",
          '  - msi: "{7A1C2E3D-4B5F-4A6B-8C7D-9E0F1A2B3C4D}"',
          "",
        ].join("\n"),
      );
      const report = await runPackagingTest({ packagePath: folder, appPath, setupFile: script });
      expect(report.simulation).toMatchObject({ conclusive: true, exitCode: 0, detectedAfter: true });
      expect(report.verdict).toMatchObject({ outcome: "PASS", conclusive: true });
    });
  }
});
