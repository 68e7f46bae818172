// Where the package managers imesim models live on the device, and how they get there: Chocolatey's
// bootstrap (what https://community.chocolatey.org/install.ps1 does: choco.exe under
// %ProgramData%\chocolatey, the `bin` shim, the machine variables ChocolateyInstall and PATH, the chocolatey
// package in `lib`) and the App Installer's winget.exe (provisioned with Windows). The files are marker files
// (process-view.ts), so the launcher runs the models for them. The PowerShell bootstrap cmdlet, the device
// image and the models share this module, which is why it sits beside the launcher, not among the programs.
import type { FileSystem, Host } from "../types.ts";
import { modelledProgramFile } from "./process-view.ts";

/** The Chocolatey CLI version the model reports (a 2.x release, whose `list` is local-only). */
export const CHOCOLATEY_VERSION = "2.4.1";
const MACHINE_ENVIRONMENT = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

/** Where Chocolatey installs: %ProgramData%\chocolatey (the ChocolateyInstall variable). */
export function chocolateyRoot(programData: string): string {
  return `${programData.replace(/\\+$/, "")}\\chocolatey`;
}

/**
 * What the bootstrap script does to the device; returns the folder of the `choco` shim, which the script
 * also adds to the running process's PATH.
 */
export function installChocolatey(host: Host, programData: string): string {
  const root = chocolateyRoot(programData);
  const program = modelledProgramFile("choco.exe");
  host.fs.writeFile(`${root}\\choco.exe`, program, { version: `${CHOCOLATEY_VERSION}.0` });
  host.fs.writeFile(`${root}\\bin\\choco.exe`, program, { version: `${CHOCOLATEY_VERSION}.0` });
  host.fs.writeFile(`${root}\\lib\\chocolatey\\chocolatey.nupkg`, `chocolatey ${CHOCOLATEY_VERSION}\r\n`);
  host.fs.mkdir(`${root}\\logs`);
  const registry = host.registry;
  registry.setValue(MACHINE_ENVIRONMENT, "ChocolateyInstall", { type: "REG_SZ", data: root }, { view: 64 });
  const path = registry.getValue(MACHINE_ENVIRONMENT, "Path", { view: 64 });
  const current = path?.type === "REG_SZ" || path?.type === "REG_EXPAND_SZ" ? path.data : "";
  if (!current.toLowerCase().includes(`${root}\\bin`.toLowerCase()))
    registry.setValue(
      MACHINE_ENVIRONMENT,
      "Path",
      { type: "REG_EXPAND_SZ", data: current === "" ? `${root}\\bin` : `${current};${root}\\bin` },
      { view: 64 },
    );
  return `${root}\\bin`;
}

/** The App Installer package folder winget.exe lives in (a current release; the version part varies). */
export const APP_INSTALLER_FOLDER = "Microsoft.DesktopAppInstaller_1.24.25200.0_x64__8wekyb3d8bbwe";

/** Puts the App Installer's winget.exe on a device (Windows 10 1809+ and 11 ship it provisioned). */
export function provisionWinget(fs: FileSystem, programFiles = "C:\\Program Files"): string {
  const path = `${programFiles}\\WindowsApps\\${APP_INSTALLER_FOLDER}\\winget.exe`;
  fs.writeFile(path, modelledProgramFile("winget.exe"), { version: "1.24.25200.0" });
  return path;
}
