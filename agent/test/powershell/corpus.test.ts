// A corpus of detection, requirement and install scripts in the styles packagers really write (written for
// this test), each run on imesim's PowerShell and judged by the IME's own rules (ime.md §7.5, §7.6, §11b).
import { Operator, ScriptOutputType } from "@imesim/contracts/enums";
import { describe, expect, it } from "vitest";
import type { Device } from "../../src/host/index.ts";
import { runPowerShell } from "../../src/host/installer/powershell/index.ts";
import { createInterpretingScriptRunner, MODELLED_PROGRAMS } from "../../src/host/process/launcher.ts";
import { processEnvironment } from "../../src/host/process/process-environment.ts";
import { checkDetectionScript, checkRequirementScript } from "../../src/rules/index.ts";
import { device, NOW, scriptBody } from "../rules/helpers.ts";

const UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
const UNINSTALL32 = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

function withApp(host: Device, root = UNINSTALL, version = "4.2.1"): void {
  host.registry.setValue(`${root}\\ContosoTool`, "DisplayName", { type: "REG_SZ", data: "Contoso Tool" });
  host.registry.setValue(`${root}\\ContosoTool`, "DisplayVersion", { type: "REG_SZ", data: version });
}

function withExe(host: Device, version = "4.2.1.0", folder = "C:\\Program Files\\Contoso"): void {
  host.fs.writeFile(`${folder}\\tool.exe`, "MZ", { version });
}

interface DetectionCase {
  readonly name: string;
  readonly script: string;
  readonly setup?: (host: Device) => void;
  readonly runAs32Bit?: boolean;
  readonly detected: boolean;
}

const DETECTION: readonly DetectionCase[] = [
  {
    name: "file exists → Write-Output",
    script: String.raw`if (Test-Path "C:\Program Files\Contoso\tool.exe") { Write-Output "Installed" }`,
    setup: (h) => withExe(h),
    detected: true,
  },
  {
    name: "file missing → no output, exit 0",
    script: String.raw`if (Test-Path "C:\Program Files\Contoso\tool.exe") { Write-Output "Installed" }`,
    detected: false,
  },
  {
    name: "Write-Host counts as stdout",
    script: String.raw`if (Test-Path "$env:ProgramFiles\Contoso\tool.exe") { Write-Host "Found it" ; exit 0 } else { exit 1 }`,
    setup: (h) => withExe(h),
    detected: true,
  },
  {
    name: "output then exit 1 is not detected",
    script: `Write-Output "Found"
exit 1`,
    detected: false,
  },
  {
    name: "file version at least (Get-Item VersionInfo)",
    script: String.raw`$file = "C:\Program Files\Contoso\tool.exe"
if (Test-Path $file) {
  $v = (Get-Item $file).VersionInfo.FileVersion
  if ([version]$v -ge [version]"4.2.0") { Write-Output "Detected $v"; exit 0 }
}
exit 1`,
    setup: (h) => withExe(h),
    detected: true,
  },
  {
    name: "file version too old",
    script: String.raw`$f = Get-Item -Path 'C:\Program Files\Contoso\tool.exe' -ErrorAction SilentlyContinue
if ($f -and [version]$f.VersionInfo.FileVersion -ge [version]'5.0') { 'ok' }`,
    setup: (h) => withExe(h, "4.9.9.9"),
    detected: false,
  },
  {
    name: "registry value equals",
    script: String.raw`$val = Get-ItemProperty -Path "HKLM:\SOFTWARE\Contoso\Tool" -Name "Version" -ErrorAction SilentlyContinue
if ($val.Version -eq "2.0") { "Detected" }`,
    setup: (h) =>
      h.registry.setValue("HKLM\\SOFTWARE\\Contoso\\Tool", "Version", { type: "REG_SZ", data: "2.0" }),
    detected: true,
  },
  {
    name: "registry DWORD via Get-ItemPropertyValue",
    script: String.raw`try {
  $enabled = Get-ItemPropertyValue -Path HKLM:\SOFTWARE\Contoso\Tool -Name Enabled -ErrorAction Stop
  if ($enabled -eq 1) { Write-Output "Enabled" }
} catch { exit 1 }`,
    setup: (h) =>
      h.registry.setValue("HKLM\\SOFTWARE\\Contoso\\Tool", "Enabled", { type: "REG_DWORD", data: 1 }),
    detected: true,
  },
  {
    name: "missing value with -ErrorAction Stop is caught",
    script: String.raw`try {
  Get-ItemPropertyValue -Path HKLM:\SOFTWARE\Contoso\Tool -Name Enabled -ErrorAction Stop | Out-Null
  "present"
} catch { exit 1 }`,
    detected: false,
  },
  {
    name: "missing key without -ErrorAction writes to stderr → not detected",
    script: String.raw`$v = Get-ItemProperty HKLM:\SOFTWARE\Nothing\Here
"checked"`,
    detected: false,
  },
  {
    name: "uninstall key search across both views (64-bit entry)",
    script: String.raw`$paths = @(
  'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
  'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
)
$app = Get-ItemProperty $paths -ErrorAction SilentlyContinue | Where-Object { $_.DisplayName -like "Contoso Tool*" }
if ($app) { Write-Output "$($app.DisplayName) $($app.DisplayVersion)" }`,
    setup: (h) => withApp(h),
    detected: true,
  },
  {
    name: "uninstall key search across both views (32-bit entry)",
    script: String.raw`$paths = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall'
foreach ($p in $paths) {
  Get-ChildItem $p | ForEach-Object {
    $props = Get-ItemProperty $_.PSPath
    if ($props.DisplayName -match '^Contoso Tool$' -and [version]$props.DisplayVersion -ge [version]'4.0') { Write-Output "found in $p"; exit 0 }
  }
}
exit 1`,
    setup: (h) => withApp(h, UNINSTALL32),
    detected: true,
  },
  {
    name: "RunAs32Bit: the 64-bit key path is redirected to WOW6432Node",
    script: String.raw`if (Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\ContosoTool') { 'found' }`,
    setup: (h) => withApp(h),
    runAs32Bit: true,
    detected: false,
  },
  {
    name: "RunAs32Bit: $env:ProgramFiles is Program Files (x86)",
    script: String.raw`if (Test-Path "$env:ProgramFiles\Contoso\tool.exe") { 'x86 copy' }`,
    setup: (h) => withExe(h, "1.0.0.0", "C:\\Program Files (x86)\\Contoso"),
    runAs32Bit: true,
    detected: true,
  },
  {
    name: "64-bit check with [Environment]::Is64BitProcess",
    script: `if ([Environment]::Is64BitProcess) { Write-Output "64" } else { exit 1 }`,
    detected: true,
  },
  {
    name: "Write-Error means not detected",
    script: `Write-Output "Installed"
Write-Error "but broken"`,
    detected: false,
  },
  {
    name: "Write-Warning alone is not STDERR (and prints)",
    script: `Write-Warning "only a warning"`,
    detected: true,
  },
  {
    name: "date check: installed within the last 30 days",
    script: String.raw`$installed = Get-ItemPropertyValue 'HKLM:\SOFTWARE\Contoso\Tool' -Name InstallDate
if ([datetime]$installed -gt (Get-Date).AddDays(-30)) { "recent" }`,
    setup: (h) =>
      h.registry.setValue("HKLM\\SOFTWARE\\Contoso\\Tool", "InstallDate", {
        type: "REG_SZ",
        data: "2026-11-20",
      }),
    detected: true,
  },
  {
    name: "Win32_Product by name finds nothing on a fresh device",
    script: `$p = Get-CimInstance -ClassName Win32_Product -Filter "Name like 'Contoso%'"
if ($p) { $p.Version }`,
    detected: false,
  },
  {
    name: "string contains / -match with $Matches",
    script: String.raw`$text = Get-Content 'C:\ProgramData\Contoso\state.txt' -Raw
if ($text -match 'version=(\d+\.\d+)') { "v$($Matches[1])" }`,
    setup: (h) => h.fs.writeFile("C:\\ProgramData\\Contoso\\state.txt", "name=tool\r\nversion=3.5\r\n"),
    detected: true,
  },
  {
    name: "folder with children (Get-ChildItem -Recurse -Filter)",
    script: String.raw`$dlls = Get-ChildItem -Path 'C:\Program Files\Contoso' -Recurse -Filter *.dll
if (($dlls | Measure-Object).Count -ge 2) { "complete" }`,
    setup: (h) => {
      h.fs.writeFile("C:\\Program Files\\Contoso\\a.dll", "x");
      h.fs.writeFile("C:\\Program Files\\Contoso\\lib\\b.dll", "x");
    },
    detected: true,
  },
  {
    name: "switch on the version's major part",
    script: String.raw`$v = [version](Get-ItemPropertyValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\ContosoTool' DisplayVersion)
switch ($v.Major) { 3 { "old" ; exit 1 } 4 { "current" } default { exit 1 } }`,
    setup: (h) => withApp(h),
    detected: true,
  },
];

interface RequirementCase {
  readonly name: string;
  readonly script: string;
  readonly outputType: number;
  readonly operator: number;
  readonly value: string;
  readonly setup?: (host: Device) => void;
  readonly met: boolean;
}

const REQUIREMENTS: readonly RequirementCase[] = [
  {
    name: "boolean: 64-bit OS",
    script: "[Environment]::Is64BitOperatingSystem",
    outputType: ScriptOutputType.Boolean,
    operator: Operator.Equal,
    value: "True",
    met: true,
  },
  {
    name: "string: edition from the registry, compared case-insensitively",
    script: String.raw`(Get-ItemProperty 'HKLM:\SOFTWARE\Contoso\Tool').Edition`,
    outputType: ScriptOutputType.String,
    operator: Operator.Equal,
    value: "enterprise",
    setup: (h) =>
      h.registry.setValue("HKLM\\SOFTWARE\\Contoso\\Tool", "Edition", { type: "REG_SZ", data: "Enterprise" }),
    met: true,
  },
  {
    name: "integer: free-space style arithmetic",
    script: `$gb = 64
Write-Output ([int]($gb * 1024))`,
    outputType: ScriptOutputType.Integer,
    operator: Operator.GreaterThanOrEqual,
    value: "50000",
    met: true,
  },
  {
    name: "version: installed version below the new one",
    script: String.raw`$v = Get-ItemPropertyValue 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\ContosoTool' -Name DisplayVersion
Write-Output $v`,
    outputType: ScriptOutputType.Version,
    operator: Operator.LessThan,
    value: "5.0.0",
    setup: (h) => withApp(h),
    met: true,
  },
  {
    name: "two lines of output never equal one value",
    script: `"first"
"ok"`,
    outputType: ScriptOutputType.String,
    operator: Operator.Equal,
    value: "ok",
    met: false,
  },
  {
    name: "no output is not met",
    script: "$null = 1",
    outputType: ScriptOutputType.String,
    operator: Operator.Equal,
    value: "ready",
    met: false,
  },
  {
    name: "Write-Host output counts (LF stripped)",
    script: `Write-Host "ready"`,
    outputType: ScriptOutputType.String,
    operator: Operator.Equal,
    value: "ready",
    met: true,
  },
  {
    name: "unparsable integer output is not met",
    script: `"many"`,
    outputType: ScriptOutputType.Integer,
    operator: Operator.GreaterThan,
    value: "1",
    met: false,
  },
];

function contextFor(host: Device) {
  return {
    host,
    profile: host.profile,
    account: "system" as const,
    scripts: createInterpretingScriptRunner({ clock: { now: () => NOW } }),
    appId: "6e0911dd-6755-4eb7-8a75-ba02e685232b",
  };
}

describe("detection scripts of the community patterns", () => {
  for (const c of DETECTION) {
    it(`${c.name}: ${c.detected ? "detected" : "not detected"}`, () => {
      const host = device();
      c.setup?.(host);
      const result = checkDetectionScript(
        { scriptBody: scriptBody(c.script), enforceSignatureCheck: false, runAs32Bit: c.runAs32Bit ?? false },
        contextFor(host),
      );
      expect(result.met).toBe(c.detected);
    });
  }

  it("EnforceSignatureCheck refuses an unsigned script: exit 1, not detected (§11b)", () => {
    const host = device();
    const result = checkDetectionScript(
      { scriptBody: scriptBody('"Installed"'), enforceSignatureCheck: true, runAs32Bit: false },
      contextFor(host),
    );
    expect(result.met).toBe(false);
    expect(result.lines.at(-1)).toContain("exitCode: 1 EnforceSignatureCheck: 1");
  });

  it("a construct imesim does not model stops with its line", () => {
    const host = device();
    const run = () =>
      checkDetectionScript(
        {
          scriptBody: scriptBody('"a"\nAdd-Type -AssemblyName System.Web\n"b"'),
          enforceSignatureCheck: false,
          runAs32Bit: false,
        },
        contextFor(host),
      );
    expect(run).toThrow(/line 2: `Add-Type` is not modelled/);
  });
});

describe("requirement scripts compared by output type", () => {
  for (const c of REQUIREMENTS) {
    it(`${c.name}: ${c.met ? "met" : "not met"}`, () => {
      const host = device();
      c.setup?.(host);
      const result = checkRequirementScript(
        {
          scriptBody: scriptBody(c.script),
          outputType: c.outputType,
          operator: c.operator,
          value: c.value,
          runAsUser: false,
          runAs32Bit: false,
          enforceSignatureCheck: false,
        },
        contextFor(host),
      );
      expect(result.met).toBe(c.met);
    });
  }
});

describe("install scripts", () => {
  const CACHE = "C:\\Windows\\IMECache\\app_1";
  const SYSTEM32 = { account: "system" as const, bitness: 32 as const };

  async function install(script: string, host: Device = device()) {
    host.fs.writeFile(`${CACHE}\\install.ps1`, script);
    host.fs.writeFile(`${CACHE}\\payload\\tool.exe`, "MZ", { version: "4.2.1.0" });
    const result = await runPowerShell({
      host,
      context: SYSTEM32,
      environment: processEnvironment(host, SYSTEM32),
      cwd: CACHE,
      script,
      scriptPath: `${CACHE}\\install.ps1`,
      mode: "file",
      resolver: undefined,
      programs: MODELLED_PROGRAMS,
      startedAtMs: NOW,
    });
    return { ...result, host };
  }

  it("copies files and writes registry values from 32-bit PowerShell (x86 folder, WOW6432Node)", async () => {
    const { exitCode, host } = await install(String.raw`$ErrorActionPreference = 'Stop'
$target = Join-Path $env:ProgramFiles 'Contoso'
New-Item -Path $target -ItemType Directory -Force | Out-Null
Copy-Item -Path "$PSScriptRoot\payload\*" -Destination $target -Recurse -Force
New-Item -Path 'HKLM:\SOFTWARE\Contoso\Tool' -Force | Out-Null
New-ItemProperty -Path 'HKLM:\SOFTWARE\Contoso\Tool' -Name 'Version' -Value '4.2.1' -PropertyType String -Force | Out-Null
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Contoso\Tool' -Name 'Installed' -Value 1 -Type DWord
exit 0`);
    expect(exitCode).toBe(0);
    expect(host.fs.fileVersion("C:\\Program Files (x86)\\Contoso\\tool.exe")).toBe("4.2.1.0");
    expect(host.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\Tool", "Version")).toEqual({
      type: "REG_SZ",
      data: "4.2.1",
    });
    expect(host.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\Tool", "Installed")).toEqual({
      type: "REG_DWORD",
      data: 1,
    });
  });

  it("exits with the code of the program it waited for", async () => {
    const { exitCode } =
      await install(`$p = Start-Process -FilePath "cmd.exe" -ArgumentList '/c exit 3010' -Wait -PassThru -WindowStyle Hidden
exit $p.ExitCode`);
    expect(exitCode).toBe(3010);
  });

  it("& program sets $LASTEXITCODE and output goes down the pipeline", async () => {
    const { exitCode, stdout } = await install(String.raw`$out = & cmd.exe /c "echo hello"
Write-Output "got: $out"
& reg.exe add "HKLM\SOFTWARE\Contoso" /v Flag /t REG_DWORD /d 7 /f | Out-Null
exit $LASTEXITCODE`);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("got: hello");
  });

  it("an uncaught throw ends the script with exit code 1 and the message on stderr", async () => {
    const { exitCode, stderr } = await install(`Write-Output "starting"
throw "Installer payload missing"
Write-Output "never"`);
    expect(exitCode).toBe(1);
    expect(stderr).toContain("Installer payload missing");
  });

  it("writes the transcript it started", async () => {
    const { host } =
      await install(String.raw`Start-Transcript -Path "$env:ProgramData\Contoso\install.log" -Force
Write-Output "step 1"
Stop-Transcript`);
    const log = new TextDecoder("utf-16le").decode(
      host.fs.readFile("C:\\ProgramData\\Contoso\\install.log").subarray(2),
    );
    expect(log).toContain("step 1");
    expect(log).toContain("Windows PowerShell transcript start");
  });

  it("Start-Sleep advances the script's simulated time", async () => {
    const { elapsedMs } = await install("Start-Sleep -Seconds 30\nStart-Sleep -Milliseconds 500");
    expect(elapsedMs).toBe(30_500);
  });
});
