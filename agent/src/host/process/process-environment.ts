// The environment block a new process starts with on the device, for its account and bitness
// (windows-formats.md §4.3): every interpreter and modelled program starts from the same one.
import type { Host, ProcessContext } from "../types.ts";
import { Environment } from "./environment.ts";

/** Variables a process environment holds on Windows; read through `Host.expandEnvironment` when the host has no block. */
const KNOWN_VARIABLES = [
  "ALLUSERSPROFILE",
  "APPDATA",
  "CommonProgramFiles",
  "CommonProgramFiles(x86)",
  "CommonProgramW6432",
  "COMPUTERNAME",
  "ComSpec",
  "DriverData",
  "HOMEDRIVE",
  "HOMEPATH",
  "LOCALAPPDATA",
  "NUMBER_OF_PROCESSORS",
  "OneDrive",
  "OS",
  "Path",
  "PATHEXT",
  "PROCESSOR_ARCHITECTURE",
  "PROCESSOR_ARCHITEW6432",
  "ProgramData",
  "ProgramFiles",
  "ProgramFiles(x86)",
  "ProgramW6432",
  "PSModulePath",
  "PUBLIC",
  "SystemDrive",
  "SystemRoot",
  "TEMP",
  "TMP",
  "USERDOMAIN",
  "USERNAME",
  "USERPROFILE",
  "windir",
];

interface HostWithEnvironment extends Host {
  environment(context: ProcessContext): Readonly<Record<string, string>>;
}

function hasEnvironmentBlock(host: Host): host is HostWithEnvironment {
  return typeof (host as Partial<HostWithEnvironment>).environment === "function";
}

/** The environment a new process in `context` starts with (system vs user, 32 vs 64-bit; windows-formats.md §4.3). */
export function processEnvironment(host: Host, context: ProcessContext): Environment {
  if (hasEnvironmentBlock(host)) return new Environment(Object.entries(host.environment(context)));
  const entries: Array<[string, string]> = [];
  for (const name of KNOWN_VARIABLES) {
    const value = host.expandEnvironment(`%${name}%`, context);
    if (value !== `%${name}%`) entries.push([name, value]);
  }
  return new Environment(entries);
}
