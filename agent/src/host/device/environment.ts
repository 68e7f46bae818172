// The environment block a process gets on the device, by account (SYSTEM vs a user) and bitness
// (windows-formats.md §4.3, §4.4), and %VAR% expansion over it.
import type { ProcessContext } from "../types.ts";
import { type DeviceProfile, is64BitOs } from "./device-profile.ts";

/** The Windows folder as the variables spell it; real x64 images say `C:\WINDOWS` (windows-formats.md §4.3). */
export const WINDOWS_DIR = "C:\\WINDOWS";
export const SYSTEM_PROFILE_DIR = `${WINDOWS_DIR}\\system32\\config\\systemprofile`;

/** The environment variables of a process in `context` on the device, names as Windows spells them. */
export function environmentVariables(
  profile: DeviceProfile,
  context: ProcessContext,
): Record<string, string> {
  const wow64 = is64BitOs(profile) && context.bitness === 32;
  const native =
    profile.architecture === "arm64" ? "ARM64" : profile.architecture === "x64" ? "AMD64" : "x86";
  const programFiles = "C:\\Program Files";
  const programFilesX86 = "C:\\Program Files (x86)";
  const vars: Record<string, string> = {
    ALLUSERSPROFILE: "C:\\ProgramData",
    CommonProgramFiles: `${wow64 ? programFilesX86 : programFiles}\\Common Files`,
    COMPUTERNAME: profile.computerName,
    ComSpec: `${WINDOWS_DIR}\\system32\\cmd.exe`,
    DriverData: `${WINDOWS_DIR}\\System32\\Drivers\\DriverData`,
    NUMBER_OF_PROCESSORS: String(profile.logicalProcessors),
    OS: "Windows_NT",
    PATHEXT: ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC",
    PROCESSOR_ARCHITECTURE: wow64 ? "x86" : native,
    ProgramData: "C:\\ProgramData",
    ProgramFiles: wow64 ? programFilesX86 : programFiles,
    PUBLIC: "C:\\Users\\Public",
    SystemDrive: "C:",
    SystemRoot: WINDOWS_DIR,
    windir: WINDOWS_DIR,
    Path: `${WINDOWS_DIR}\\system32;${WINDOWS_DIR};${WINDOWS_DIR}\\System32\\Wbem;${WINDOWS_DIR}\\System32\\WindowsPowerShell\\v1.0\\`,
    PSModulePath: `${programFiles}\\WindowsPowerShell\\Modules;${WINDOWS_DIR}\\system32\\WindowsPowerShell\\v1.0\\Modules`,
  };
  // 32-bit Windows has no x86 folder and no W6432 variables (they exist only to let WOW64 code find the 64-bit ones).
  if (is64BitOs(profile)) {
    vars["ProgramFiles(x86)"] = programFilesX86;
    vars.ProgramW6432 = programFiles;
    vars["CommonProgramFiles(x86)"] = `${programFilesX86}\\Common Files`;
    vars.CommonProgramW6432 = `${programFiles}\\Common Files`;
    if (wow64) vars.PROCESSOR_ARCHITEW6432 = native;
  }
  const user =
    context.account === "user" ? profile.users.find((u) => sameSid(u.sid, context.userSid)) : undefined;
  if (user === undefined) {
    // LocalSystem (windows-formats.md §4.4); also a user context whose SID the profile does not know.
    Object.assign(vars, {
      USERPROFILE: SYSTEM_PROFILE_DIR,
      APPDATA: `${SYSTEM_PROFILE_DIR}\\AppData\\Roaming`,
      LOCALAPPDATA: `${SYSTEM_PROFILE_DIR}\\AppData\\Local`,
      TEMP: `${WINDOWS_DIR}\\TEMP`,
      TMP: `${WINDOWS_DIR}\\TEMP`,
      USERNAME: `${profile.computerName}$`,
      USERDOMAIN: "WORKGROUP",
    });
  } else {
    const home = `C:\\Users\\${user.name}`;
    Object.assign(vars, {
      USERPROFILE: home,
      HOMEDRIVE: "C:",
      HOMEPATH: `\\Users\\${user.name}`,
      APPDATA: `${home}\\AppData\\Roaming`,
      LOCALAPPDATA: `${home}\\AppData\\Local`,
      TEMP: `${home}\\AppData\\Local\\Temp`,
      TMP: `${home}\\AppData\\Local\\Temp`,
      USERNAME: user.name,
      USERDOMAIN: "AzureAD",
      OneDrive: `${home}\\OneDrive`,
    });
  }
  return vars;
}

function sameSid(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toUpperCase() === b.toUpperCase();
}

/** Variable names as a block spells them, by lower-cased name (see expandVariables). */
const spelledNames = new Map<string, string>();

/**
 * Expands `%NAME%` references (names case-insensitive) as ExpandEnvironmentStrings does: an undefined
 * variable is left as written, `%` without a closing partner stays literal. The blocks `environmentVariables` makes
 * have a fixed set of names, always spelled the same, so one map of spellings by lower-cased name serves every
 * device's blocks, where a folded copy of each block lived, promoted, as long as its device (issue 18).
 */
export function expandVariables(text: string, variables: Readonly<Record<string, string>>): string {
  if (!text.includes("%")) return text;
  return text.replace(/%([^%]+)%/g, (whole, name: string) => {
    const folded = name.toLowerCase();
    let spelled = spelledNames.get(folded);
    if (spelled === undefined || !Object.hasOwn(variables, spelled)) {
      // A name not seen yet, or spelled otherwise in this block: its spelling here, if any.
      spelled = undefined;
      for (const candidate in variables) {
        if (Object.hasOwn(variables, candidate) && candidate.toLowerCase() === folded) spelled = candidate;
      }
      if (spelled === undefined) return whole;
      spelledNames.set(folded, spelled);
    }
    return variables[spelled] as string;
  });
}
