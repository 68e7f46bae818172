// winget (the Windows Package Manager, from the App Installer app package) on the virtual device, modelled
// natively over the modelled catalogue:
// - where it is: inside the App Installer's package folder under %ProgramFiles%\WindowsApps. The
//   `%LOCALAPPDATA%\Microsoft\WindowsApps\winget.exe` alias that puts it on a user's PATH does not exist for
//   SYSTEM, so install scripts running under the IME resolve that folder themselves (Resolve-Path on
//   `Microsoft.DesktopAppInstaller_*_x64__8wekyb3d8bbwe`) — which this model supports, and a bare `winget`
//   from SYSTEM is not found, as on Windows;
// - `install|uninstall|list|upgrade` with `--id <id> --exact --silent --accept-*-agreements --scope machine`;
// - exit codes are winget's documented HRESULTs (winget-cli doc/…/returnCodes.md): 0 success,
//   0x8A150014 no package found (an id the source does not have — the model's default for an id outside the
//   catalogue — and for list/uninstall of what is not installed), 0x8A15002B no applicable upgrade,
//   0x8A150006 the installer failed.

import type { CallerProcess, ProgramInvocation, ProgramResult } from "../../process/program.ts";
import { applyPackage, installedVersion, removePackage } from "./catalogue-effects.ts";

export const NO_APPLICATIONS_FOUND = 0x8a150014 | 0;
export const UPDATE_NOT_APPLICABLE = 0x8a15002b | 0;
export const INSTALL_FAILED = 0x8a150006 | 0;
const INVALID_ARGUMENTS = 0x8a150002 | 0;

const VALUED = new Set([
  "--id",
  "--name",
  "--moniker",
  "--version",
  "-v",
  "--source",
  "-s",
  "--scope",
  "--override",
  "--log",
  "-o",
  "--location",
  "-l",
  "--locale",
  "--architecture",
  "-a",
  "--custom",
  "--query",
  "-q",
]);

/** The id asked for: `--id x`, `--query x`, or the first bare argument. */
function requestedId(argv: readonly string[]): string | undefined {
  let bare: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!.toLowerCase();
    if (VALUED.has(arg)) {
      if (["--id", "--query", "-q", "--name", "--moniker"].includes(arg)) return argv[i + 1];
      i += 1;
    } else if (!arg.startsWith("-") && bare === undefined) bare = argv[i];
  }
  return bare;
}

/** `winget <command> …`. */
export function runWinget(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const [commandRaw, ...rest] = invocation.argv;
  const command = commandRaw?.toLowerCase();
  if (command === "--version" || command === "-v") return { exitCode: 0, stdout: "v1.24.25200\r\n" };
  const id = requestedId(rest);
  const verbs: Record<string, "install" | "uninstall" | "list" | "upgrade"> = {
    install: "install",
    add: "install",
    uninstall: "uninstall",
    remove: "uninstall",
    rm: "uninstall",
    list: "list",
    ls: "list",
    upgrade: "upgrade",
    update: "upgrade",
  };
  const verb = command === undefined ? undefined : verbs[command];
  if (verb === undefined || (id === undefined && verb !== "list"))
    return {
      exitCode: INVALID_ARGUMENTS,
      stdout: `${command === undefined ? "" : `Unrecognized command: '${commandRaw}'\r\n`}Argument error: the command needs a package (--id <id>).\r\n`,
    };
  const host = caller.host;
  const installed = id === undefined ? undefined : installedVersion(host, { id });
  if (verb === "list") {
    if (id !== undefined && installed === undefined)
      return {
        exitCode: NO_APPLICATIONS_FOUND,
        stdout: "No installed package found matching input criteria.\r\n",
      };
    return {
      exitCode: 0,
      stdout: `Name Id Version Source\r\n-----------------------\r\n${id ?? ""} ${id ?? ""} ${installed ?? ""} winget\r\n`,
    };
  }
  if (verb === "uninstall") {
    const pkg = caller.world?.findPackage("winget", id!);
    if (installed === undefined || pkg === undefined)
      return {
        exitCode: NO_APPLICATIONS_FOUND,
        stdout: "No installed package found matching input criteria.\r\n",
      };
    removePackage(host, pkg);
    return {
      exitCode: 0,
      stdout: `Found ${pkg.name ?? pkg.id} [${pkg.id}]\r\nStarting package uninstall...\r\nSuccessfully uninstalled\r\n`,
    };
  }
  if (caller.world?.offline === true)
    return {
      exitCode: NO_APPLICATIONS_FOUND,
      stdout:
        "Failed when searching source; results will not be included: winget\r\nNo package found matching input criteria.\r\n",
    };
  const pkg = caller.world?.findPackage("winget", id!);
  if (pkg === undefined)
    return { exitCode: NO_APPLICATIONS_FOUND, stdout: "No package found matching input criteria.\r\n" };
  if (installed !== undefined)
    // The catalogue holds one version per id: an installed package has no newer version to move to.
    return {
      exitCode: UPDATE_NOT_APPLICABLE,
      stdout: `Found an existing package already installed. Trying to upgrade the installed package...\r\nNo available upgrade found.\r\n`,
    };
  if (verb === "upgrade")
    return {
      exitCode: NO_APPLICATIONS_FOUND,
      stdout: "No installed package found matching input criteria.\r\n",
    };
  const code = pkg.exitCode ?? 0;
  const found = `Found ${pkg.name ?? pkg.id} [${pkg.id}] Version ${pkg.version}\r\nStarting package install...\r\n`;
  // Our reading: winget treats the restart codes 1641/3010 as success (the package is installed).
  if (code !== 0 && code !== 1641 && code !== 3010)
    return { exitCode: INSTALL_FAILED, stdout: `${found}Installer failed with exit code: ${code}\r\n` };
  applyPackage(host, pkg);
  return { exitCode: 0, stdout: `${found}Successfully installed\r\n` };
}
