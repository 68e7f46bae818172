// Runs script text as `powershell -File C:\Windows\Temp\test.ps1` (64-bit SYSTEM) on a fresh device.
import { runPowerShellSync } from "../../src/host/installer/powershell/index.ts";
import { MODELLED_PROGRAMS } from "../../src/host/process/launcher.ts";
import { processEnvironment } from "../../src/host/process/process-environment.ts";
import { device, NOW } from "../rules/helpers.ts";

const SYSTEM64 = { account: "system" as const, bitness: 64 as const };

export function runScriptText(script: string, args: string[] = []) {
  const host = device();
  return runPowerShellSync({
    host,
    context: SYSTEM64,
    environment: processEnvironment(host, SYSTEM64),
    cwd: "C:\\Windows\\Temp",
    script,
    scriptPath: "C:\\Windows\\Temp\\test.ps1",
    args,
    mode: "file",
    resolver: undefined,
    programs: MODELLED_PROGRAMS,
    startedAtMs: NOW,
  });
}
