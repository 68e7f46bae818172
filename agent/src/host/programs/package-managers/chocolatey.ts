// Chocolatey on the virtual device, modelled natively (not by interpreting its scripts, as PSADT's toolkit):
// - the bootstrap its documented one-liner downloads (https://community.chocolatey.org/install.ps1) installs
//   choco.exe under %ProgramData%\chocolatey (the `bin` shim too), sets the machine variables
//   ChocolateyInstall and PATH, and records the chocolatey package in `lib`;
// - `choco install|upgrade|uninstall <id…> [-y]` installs packages of the modelled catalogue, recording each
//   in lib\<id>\<id>.nupkg as Chocolatey does, and ends with Chocolatey's documented exit codes: 0 success,
//   1 failure (an id its source does not have, an unreachable source), or the package installer's own
//   1641/3010 (Chocolatey passes package exit codes through by default).
import type { CataloguePackage } from "../../process/outside-world.ts";
import { CHOCOLATEY_VERSION, chocolateyRoot } from "../../process/package-manager-files.ts";
import type { CallerProcess, ProgramInvocation, ProgramResult } from "../../process/program.ts";
import type { Host } from "../../types.ts";
import { applyPackage, removePackage } from "./catalogue-effects.ts";

const SOURCE = "https://community.chocolatey.org/api/v2/";

/** Options of choco's install/upgrade/uninstall that take a value (the next argument is not an id). */
const VALUED = new Set([
  "--version",
  "--source",
  "-s",
  "--params",
  "--package-parameters",
  "--install-arguments",
  "--ia",
  "--execution-timeout",
  "--cache-location",
  "--log-file",
]);

function packageIds(argv: readonly string[]): string[] {
  const ids: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith("-")) {
      if (VALUED.has(arg.toLowerCase()) && !arg.includes("=")) i += 1;
      continue;
    }
    ids.push(arg);
  }
  return ids;
}

/** `choco <verb> <id…> -y` over the catalogue of `caller.world`. */
export function runChoco(invocation: ProgramInvocation, caller: CallerProcess): ProgramResult {
  const [verbRaw, ...rest] = invocation.argv;
  const verb = verbRaw?.toLowerCase();
  const root = chocolateyRoot(caller.environment.get("ProgramData") ?? "C:\\ProgramData");
  const header = `Chocolatey v${CHOCOLATEY_VERSION}\r\n`;
  if (verb === undefined || verb === "-v" || verb === "--version")
    return {
      exitCode: 0,
      stdout:
        verb === undefined ? `${header}Please run 'choco -?' for help.\r\n` : `${CHOCOLATEY_VERSION}\r\n`,
    };
  const lib = (id: string) => `${root}\\lib\\${id}`;
  const installed = (id: string) => caller.host.fs.stat(lib(id))?.kind === "directory";
  if (verb === "list") {
    const names =
      caller.host.fs.stat(`${root}\\lib`) === undefined ? [] : caller.host.fs.list(`${root}\\lib`);
    const lines = names.map((id) => `${id} ${versionOf(caller, lib(id), id)}`);
    return {
      exitCode: 0,
      stdout: `${header}${lines.map((l) => `${l}\r\n`).join("")}${lines.length} packages installed.\r\n`,
    };
  }
  if (verb !== "install" && verb !== "upgrade" && verb !== "uninstall")
    return {
      exitCode: 1,
      stdout: `${header}Could not find a command registered that meets '${verbRaw}'.\r\n`,
    };
  const ids = packageIds(rest);
  if (ids.length === 0)
    return {
      exitCode: 1,
      stdout: `${header}Package name is required. Please pass at least one package name to ${verb}.\r\n`,
    };
  let out = header;
  let failed = 0;
  let exitCode = 0;
  for (const id of ids) {
    const result =
      verb === "uninstall"
        ? uninstall(caller, id, installed(id), lib(id))
        : install(caller, verb, id, installed(id), lib(id));
    out += result.text;
    if (result.failed) failed += 1;
    if (result.exitCode !== 0 && exitCode === 0) exitCode = result.exitCode;
  }
  const done = verb === "uninstall" ? "uninstalled" : verb === "upgrade" ? "upgraded" : "installed";
  out += `\r\nChocolatey ${done} ${ids.length - failed}/${ids.length} packages.${failed > 0 ? ` ${failed} packages failed.` : ""}\r\n See the log for details (${root}\\logs\\chocolatey.log).\r\n`;
  appendLog(caller.host, root, out);
  return { exitCode: failed > 0 ? 1 : exitCode, stdout: out };
}

interface Step {
  readonly text: string;
  readonly failed: boolean;
  readonly exitCode: number;
}

function versionOf(caller: CallerProcess, folder: string, id: string): string {
  try {
    const text = new TextDecoder().decode(caller.host.fs.readFile(`${folder}\\${id}.nupkg`));
    return text.split(/\s+/)[1] ?? "";
  } catch {
    return "";
  }
}

function install(
  caller: CallerProcess,
  verb: "install" | "upgrade",
  id: string,
  present: boolean,
  folder: string,
): Step {
  if (id.toLowerCase() === "chocolatey" || present) {
    // The catalogue has one version per id: what is installed is the latest the source has.
    const version = id.toLowerCase() === "chocolatey" ? CHOCOLATEY_VERSION : versionOf(caller, folder, id);
    return {
      text:
        verb === "upgrade"
          ? `${id} v${version} is the latest version available based on your source(s).\r\n`
          : `${id} v${version} already installed.\r\n Use --force to reinstall, specify a version to install, or try upgrade.\r\n`,
      failed: false,
      exitCode: 0,
    };
  }
  const world = caller.world;
  if (world?.offline === true)
    return {
      text: `${id} not installed. Unable to load the service index for source ${SOURCE}.\r\n`,
      failed: true,
      exitCode: 1,
    };
  const pkg = world?.findPackage("choco", id);
  if (pkg === undefined)
    return {
      text: `${id} not installed. The package was not found with the source(s) listed.\r\n Source(s): '${SOURCE}'\r\n`,
      failed: true,
      exitCode: 1,
    };
  applyPackage(caller.host, pkg);
  caller.host.fs.writeFile(`${folder}\\${id}.nupkg`, `${id} ${pkg.version}\r\n`);
  return installedStep(pkg);
}

function installedStep(pkg: CataloguePackage): Step {
  const code = pkg.exitCode ?? 0;
  // Chocolatey counts a package installer's 1641/3010 as success and exits with it (reboot needed).
  const ok = code === 0 || code === 1641 || code === 3010;
  return {
    text: ok
      ? `${pkg.id} v${pkg.version} [Approved]\r\nThe install of ${pkg.id} was successful.\r\n`
      : `${pkg.id} v${pkg.version} [Approved]\r\nERROR: Running installer failed with exit code ${code}.\r\nThe install of ${pkg.id} was NOT successful.\r\n`,
    failed: !ok,
    exitCode: code,
  };
}

function uninstall(caller: CallerProcess, id: string, present: boolean, folder: string): Step {
  if (!present)
    return {
      text: `${id} is not installed. Cannot uninstall a non-existent package.\r\n`,
      failed: true,
      exitCode: 1,
    };
  const pkg = caller.world?.findPackage("choco", id);
  if (pkg !== undefined) removePackage(caller.host, pkg);
  caller.host.fs.remove(folder);
  return { text: `${id} has been successfully uninstalled.\r\n`, failed: false, exitCode: 0 };
}

function appendLog(host: Host, root: string, text: string): void {
  const path = `${root}\\logs\\chocolatey.log`;
  let previous = "";
  try {
    previous = new TextDecoder().decode(host.fs.readFile(path));
  } catch {
    // The first run writes the log.
  }
  host.fs.writeFile(path, previous + text);
}
