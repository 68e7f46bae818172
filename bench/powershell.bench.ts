// PowerShell on the virtual device: a 200-line install script and a detection script, each evaluated
// from its text (parse + run) on a fresh device, against the cmd interpreter running an equivalent
// install.cmd in this same run. Goal (issue 15): each well under 50 ms after start-up.
import { createDevice, type Device } from "../agent/src/host/index.ts";
import { runPowerShell, runPowerShellSync } from "../agent/src/host/installer/powershell/index.ts";
import { MODELLED_PROGRAMS, runCmdScript } from "../agent/src/host/process/launcher.ts";
import { processEnvironment } from "../agent/src/host/process/process-environment.ts";

const CACHE = "C:\\Windows\\IMECache\\bench_1";
const SYSTEM32 = { account: "system" as const, bitness: 32 as const };
const SYSTEM64 = { account: "system" as const, bitness: 64 as const };
const clock = { now: () => Date.UTC(2026, 10, 24) };
const ROUNDS = 40;

/** 40 blocks of 5 lines: a folder, a file copy, two registry values, a check — 200 lines. */
function installPs1(): string {
  const lines: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    lines.push(`New-Item -Path "$env:ProgramFiles\\Contoso\\Part${i}" -ItemType Directory -Force | Out-Null`);
    lines.push(
      `Copy-Item -Path "$PSScriptRoot\\payload.txt" -Destination "$env:ProgramFiles\\Contoso\\Part${i}\\payload.txt" -Force`,
    );
    lines.push(`New-Item -Path 'HKLM:\\SOFTWARE\\Contoso\\Part${i}' -Force | Out-Null`);
    lines.push(`Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Contoso\\Part${i}' -Name Version -Value '1.${i}.0'`);
    lines.push(`if (-not (Test-Path "$env:ProgramFiles\\Contoso\\Part${i}\\payload.txt")) { exit 1 }`);
  }
  return lines.join("\r\n");
}

/** The same 200 lines' worth of work as a batch file. */
function installCmd(): string {
  const lines = ["@echo off"];
  for (let i = 0; i < 40; i += 1) {
    lines.push(`if not exist "%ProgramFiles%\\Contoso\\Part${i}" mkdir "%ProgramFiles%\\Contoso\\Part${i}"`);
    lines.push(`copy /y "%~dp0payload.txt" "%ProgramFiles%\\Contoso\\Part${i}\\payload.txt" >nul`);
    lines.push(`reg add "HKLM\\SOFTWARE\\Contoso\\Part${i}" /f >nul`);
    lines.push(`reg add "HKLM\\SOFTWARE\\Contoso\\Part${i}" /v Version /d 1.${i}.0 /f >nul`);
    lines.push(`if not exist "%ProgramFiles%\\Contoso\\Part${i}\\payload.txt" exit /b 1`);
  }
  return lines.join("\r\n");
}

const DETECTION = String.raw`$paths = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
$app = Get-ItemProperty $paths -ErrorAction SilentlyContinue | Where-Object { $_.DisplayName -like 'Contoso*' }
if ($app -and [version]$app.DisplayVersion -ge [version]'4.0') { Write-Output "Detected $($app.DisplayVersion)"; exit 0 }
exit 1`;

function freshDevice(): Device {
  const device = createDevice({ backend: "memory", clock });
  device.fs.writeFile(`${CACHE}\\payload.txt`, "payload");
  device.fs.writeFile(`${CACHE}\\install.cmd`, installCmd());
  device.registry.setValue(
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Contoso",
    "DisplayName",
    { type: "REG_SZ", data: "Contoso Tool" },
  );
  device.registry.setValue(
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Contoso",
    "DisplayVersion",
    { type: "REG_SZ", data: "4.2.1" },
  );
  return device;
}

async function medianMs(work: (device: Device) => Promise<unknown>): Promise<number> {
  await work(freshDevice()); // start-up (module load, JIT) is not part of the figure
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const device = freshDevice();
    const start = performance.now();
    await work(device);
    times.push(performance.now() - start);
    device.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const script = installPs1();
const psInstall = await medianMs(async (device) => {
  const result = await runPowerShell({
    host: device,
    context: SYSTEM32,
    environment: processEnvironment(device, SYSTEM32),
    cwd: CACHE,
    script,
    scriptPath: `${CACHE}\\install.ps1`,
    mode: "file",
    resolver: undefined,
    programs: MODELLED_PROGRAMS,
    startedAtMs: clock.now(),
  });
  if (result.exitCode !== 0) throw new Error(`install.ps1 exited ${result.exitCode}: ${result.stderr}`);
});
const cmdInstall = await medianMs(async (device) => {
  const result = await runCmdScript(`${CACHE}\\install.cmd`, "", {
    host: device,
    context: SYSTEM32,
    cwd: CACHE,
    startedAtMs: clock.now(),
  });
  if (result.exitCode !== 0) throw new Error(`install.cmd exited ${result.exitCode}: ${result.stderr}`);
});
const psDetect = await medianMs(async (device) => {
  const result = runPowerShellSync({
    host: device,
    context: SYSTEM64,
    environment: processEnvironment(device, SYSTEM64),
    cwd: CACHE,
    script: DETECTION,
    mode: "file",
    resolver: undefined,
    programs: MODELLED_PROGRAMS,
    startedAtMs: clock.now(),
  });
  if (result.exitCode !== 0) throw new Error(`detection exited ${result.exitCode}: ${result.stderr}`);
});

const rows = [
  { what: "install.ps1, 200 lines (parse + run)", ms: psInstall },
  { what: "install.cmd, same work (baseline)", ms: cmdInstall },
  { what: "detection script (uninstall keys, both views)", ms: psDetect },
];
console.log("| what | median ms | × install.cmd | goal < 50 ms |");
console.log("|---|---:|---:|---|");
for (const row of rows) {
  console.log(
    `| ${row.what} | ${row.ms.toFixed(2)} | ${(row.ms / cmdInstall).toFixed(2)} | ${row.ms < 50 ? "met" : "MISSED"} |`,
  );
}
