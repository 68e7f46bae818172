// What an admin does to a device by hand, as one code path for `imesim agent ctl` verbs and scenario actions:
// registry edits and reads, the log level in the agent's config, the tail of a log.
import type { Agent } from "@imesim/agent";
import { type Device, journalValueOf } from "@imesim/agent/host";
import { agentConfigText, IME_AGENT_CONFIG_PATH, type ImeLogFile, type ImeLogLevel } from "@imesim/agent/log";
import { ImesimError } from "@imesim/contracts/errors";
import { registryValueOf } from "../run/registry-data.ts";

export type RegistryView = 32 | 64;

/** Sets one value (creating its key), as `reg add /v /t /d /f` would. */
export function setRegistryValue(
  device: Device,
  entry: {
    readonly key: string;
    readonly name: string;
    readonly type?: string;
    readonly data?: string | number | readonly string[];
    readonly view?: RegistryView;
  },
): void {
  device.registry.setValue(entry.key, entry.name, registryValueOf(entry.type, entry.data), {
    view: entry.view ?? 64,
  });
}

/** Deletes one value, or the whole key when `name` is absent (`reg delete [/v]`); false when nothing was there. */
export function deleteRegistry(
  device: Device,
  entry: { readonly key: string; readonly name?: string; readonly view?: RegistryView },
): boolean {
  const access = { view: entry.view ?? 64 } as const;
  return entry.name === undefined
    ? device.registry.deleteKey(entry.key, access)
    : device.registry.deleteValue(entry.key, entry.name, access);
}

/** A key's values and subkey names (`reg query`); CTL_KEY_NOT_FOUND names the key when it is absent. */
export function readRegistryKey(device: Device, key: string, view: RegistryView = 64) {
  const access = { view } as const;
  if (!device.registry.keyExists(key, access))
    throw new ImesimError("CTL_KEY_NOT_FOUND", `registry key "${key}" does not exist (view ${view})`);
  return {
    key,
    view,
    values: device.registry
      .listValues(key, access)
      .map(({ name, value }) => ({ name, ...journalValueOf(value) })),
    subkeys: device.registry.listSubkeys(key, access),
  };
}

/**
 * Writes the agent config with `switchValue` = `level` (ime.md §1.1). Like editing the file on Windows it takes
 * effect when the service next starts; the caller restarts it when the admin would.
 */
export function setLogLevel(device: Device, level: ImeLogLevel): void {
  device.fs.writeFile(IME_AGENT_CONFIG_PATH, agentConfigText(level));
}

/** The log files an agent keeps, by the names an admin types (with or without `.log`, any case). */
export const LOG_NAMES: readonly ImeLogFile[] = [
  "IntuneManagementExtension",
  "AppWorkload",
  "AgentExecutor",
  "HealthScripts",
];

export function logFileOf(name: string): ImeLogFile {
  const base = name.replace(/\.log$/i, "").toLowerCase();
  const file = LOG_NAMES.find((candidate) => candidate.toLowerCase() === base);
  if (file === undefined)
    throw new ImesimError(
      "CTL_UNKNOWN_LOG",
      `no log named "${name}"; the agent writes ${LOG_NAMES.map((n) => `${n}.log`).join(", ")}`,
    );
  return file;
}

/** The last `lines` physical lines of a log's current file (without the BOM), as `Get-Content -Tail` shows. */
export function tailLog(agent: Agent, file: ImeLogFile, lines: number): string[] {
  const text = agent.logs.read(file).replace(/^\uFEFF/, "");
  const all = text.split("\r\n");
  if (all.at(-1) === "") all.pop();
  return all.slice(-lines);
}
