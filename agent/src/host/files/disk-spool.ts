// A folder on the real disk for one agent's large device files: the downloaded .bin of the Incoming folder
// (ime.md §3.4) streams into it, so the simulated device never holds a package in memory. Made on first use,
// removed whole by `dispose` (the agent's end); a name claimed again replaces its earlier file, so a device
// downloading the same app again does not pile up copies.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImesimError } from "@imesim/contracts/errors";

export interface DiskSpool {
  /** A real path for `name` (a plain file name), with no file at it: an earlier file of that name is removed. */
  claim(name: string): Promise<string>;
  /** The path `name` was last claimed at, while the spool lasts; undefined when never claimed. */
  pathOf(name: string): string | undefined;
  /** Removes the folder and every file in it; claimed paths are unreadable afterwards. */
  dispose(): Promise<void>;
}

/** A spool whose folder is made under `parent` (the OS temp folder by default) when a file is first claimed. */
export function createDiskSpool(parent: string = tmpdir()): DiskSpool {
  let folder: Promise<string> | undefined;
  const claimed = new Map<string, string>();
  return {
    async claim(name) {
      if (!/^[\w.-]+$/.test(name) || /^\.+$/.test(name)) {
        throw new ImesimError(
          "DISK_SPOOL_BAD_NAME",
          `"${name}" is not a plain file name for the disk spool`,
          {
            path: name,
          },
        );
      }
      folder ??= mkdtemp(join(parent, "imesim-device-files-"));
      const path = join(await folder, name);
      await rm(path, { force: true });
      claimed.set(name, path);
      return path;
    },
    pathOf: (name) => claimed.get(name),
    async dispose() {
      const made = folder;
      folder = undefined;
      claimed.clear();
      if (made !== undefined) await rm(await made, { recursive: true, force: true });
    },
  };
}
