// The IME's log level as an admin sets it on Windows (ime.md §1.1): `switchValue` on the system.diagnostics
// source of the agent's .exe.config, read when the service starts, so an edit takes effect at the next
// (re)start. Only this module reads the file; the agent asks it whether verbose lines are on.
import type { ImeEventStream } from "../events/stream.ts";
import type { FileSystem } from "../host/types.ts";

/** The agent's configuration file on the virtual device (ime.md §1.1). */
export const IME_AGENT_CONFIG_PATH =
  "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Microsoft.Management.Services.IntuneWindowsAgent.exe.config";

/** The two levels the reference names (ime.md §1.1); .NET's other SourceLevels map onto them below. */
export type ImeLogLevel = "Information" | "Verbose";

/**
 * The level a config text sets: the first `switchValue` attribute, parsed as .NET parses SourceLevels
 * (case-insensitive). `Verbose` and `All` include verbose events; anything else (Information, Warning, Off,
 * a typo, no attribute, no file) logs without them, as the IME's default config does.
 */
export function logLevelOfConfig(configText: string | undefined): ImeLogLevel {
  const match = configText === undefined ? null : /\bswitchValue\s*=\s*["']([^"']*)["']/i.exec(configText);
  const value = match?.[1]?.trim().toLowerCase();
  return value === "verbose" || value === "all" ? "Verbose" : "Information";
}

/**
 * A config file with the given level. The real file holds more (runtime bindings, app settings); its exact
 * text is not in the reference, so ours keeps only the system.diagnostics part the level lives in [I].
 */
export function agentConfigText(level: ImeLogLevel): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    "<configuration>",
    "  <system.diagnostics>",
    "    <sources>",
    `      <source name="IntuneManagementExtension" switchValue="${level}">`,
    "        <listeners>",
    '          <add name="IntuneManagementExtensionLogListener" />',
    "        </listeners>",
    "      </source>",
    "    </sources>",
    "  </system.diagnostics>",
    "</configuration>",
    "",
  ].join("\r\n");
}

/** Reads the level from the device's config file; Information when the file is missing or unreadable. */
export function readLogLevel(fs: FileSystem): ImeLogLevel {
  if (fs.stat(IME_AGENT_CONFIG_PATH) === undefined) return "Information";
  try {
    return logLevelOfConfig(Buffer.from(fs.readFile(IME_AGENT_CONFIG_PATH)).toString("utf8"));
  } catch {
    return "Information";
  }
}

/** The level the running service uses: read at creation and at every `service.started`. */
export interface LogLevelSwitch {
  level(): ImeLogLevel;
  verbose(): boolean;
  dispose(): void;
}

export function createLogLevelSwitch(fs: FileSystem, events: ImeEventStream): LogLevelSwitch {
  let level = readLogLevel(fs);
  const unsubscribe = events.subscribe((event) => {
    if (event.phase === "service.started") level = readLogLevel(fs);
  });
  return { level: () => level, verbose: () => level === "Verbose", dispose: unsubscribe };
}
