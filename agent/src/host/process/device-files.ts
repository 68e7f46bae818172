// File operations the copy-like commands share, through the process's (WOW64-redirected) view of the device.
import type { CallerProcess } from "./program.ts";
import { joinPath } from "./windows-path.ts";

/** Copies one file (bytes and declared version); false when the device refused the write. */
export function copyDeviceFile(process: CallerProcess, from: string, to: string): boolean {
  try {
    const source = process.devicePath(from);
    const target = process.devicePath(to);
    const data = process.host.fs.readFile(source);
    const version = process.host.fs.fileVersion(source);
    process.host.fs.writeFile(target, data, version === undefined ? undefined : { version });
    return true;
  } catch {
    return false;
  }
}

/** Every file below a folder, as paths relative to it (`sub\file.txt`), folders listed too when asked. */
export function walkFolder(process: CallerProcess, folder: string, includeFolders = false): string[] {
  const out: string[] = [];
  const visit = (relative: string): void => {
    const full = relative === "" ? folder : joinPath(folder, relative);
    let names: string[];
    try {
      names = process.host.fs.list(process.devicePath(full));
    } catch {
      return;
    }
    for (const name of names.sort((a, b) => a.localeCompare(b))) {
      const child = relative === "" ? name : `${relative}\\${name}`;
      const stat = process.stat(joinPath(folder, child));
      if (stat?.kind === "directory") {
        if (includeFolders) out.push(`${child}\\`);
        visit(child);
      } else if (stat !== undefined) out.push(child);
    }
  };
  visit("");
  return out;
}

/** Creates a folder and its parents; false when the device refused. */
export function makeFolder(process: CallerProcess, path: string): boolean {
  try {
    process.host.fs.mkdir(process.devicePath(path));
    return true;
  } catch {
    return false;
  }
}
