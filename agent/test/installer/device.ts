// Shared setup for the installer tests: a fresh in-memory device and helpers to run cmd text on it.
import { createDevice, type Device } from "../../src/host/index.ts";
import type { CmdRunResult } from "../../src/host/installer/cmd/index.ts";
import { runCmdLine, runCmdScript } from "../../src/host/process/launcher.ts";
import type { ProgramResolver } from "../../src/host/process/program.ts";
import type { ProcessContext } from "../../src/host/types.ts";

export const START_MS = Date.UTC(2026, 10, 24, 13, 0, 0);
export const CACHE = "C:\\Windows\\IMECache\\app_1";
export const SYSTEM32: ProcessContext = { account: "system", bitness: 32 };
export const SYSTEM64: ProcessContext = { account: "system", bitness: 64 };

/** A fresh in-memory device with the IMECache folder the IME installs from. */
export function newDevice(): Device {
  const device = createDevice({ backend: "memory", clock: { now: () => START_MS } });
  device.fs.mkdir(CACHE);
  return device;
}

export interface ScriptRun extends CmdRunResult {
  readonly device: Device;
}

/** Writes `lines` as install.cmd in the IMECache folder and runs it as the IME would (32-bit SYSTEM by default). */
export async function runScript(
  lines: readonly string[],
  options: {
    device?: Device;
    context?: ProcessContext;
    resolver?: ProgramResolver;
    name?: string;
    args?: string;
  } = {},
): Promise<ScriptRun> {
  const device = options.device ?? newDevice();
  const path = `${CACHE}\\${options.name ?? "install.cmd"}`;
  device.fs.writeFile(path, `${lines.join("\r\n")}\r\n`);
  const result = await runCmdScript(path, options.args ?? "", {
    host: device,
    context: options.context ?? SYSTEM32,
    cwd: CACHE,
    startedAtMs: START_MS,
    ...(options.resolver === undefined ? {} : { resolver: options.resolver }),
  });
  return { ...result, device };
}

/** Runs one command line as `cmd /c` in the IMECache folder. */
export async function runLine(
  text: string,
  options: { device?: Device; context?: ProcessContext } = {},
): Promise<ScriptRun> {
  const device = options.device ?? newDevice();
  const result = await runCmdLine(text, {
    host: device,
    context: options.context ?? SYSTEM32,
    cwd: CACHE,
    startedAtMs: START_MS,
  });
  return { ...result, device };
}

/** A file's text on the device. */
export function readText(device: Device, path: string): string {
  return Buffer.from(device.fs.readFile(path)).toString("latin1");
}
