// Copies a whole registry or file tree from one backend to another (seeding a SQLite device from a base image).
import type { FilePath, FileStore } from "../files/file-store.ts";
import type { KeyPath, RegistryStore } from "../registry/registry-store.ts";

/** Copies every key and value of `from` into `to`. */
export function copyRegistry(from: RegistryStore, to: RegistryStore): void {
  const walk = (path: KeyPath): void => {
    to.createKey(path);
    for (const { name, value } of from.values(path)) to.setValue(path, name, value);
    for (const child of from.subkeys(path)) walk([...path, child]);
  };
  for (const hive of from.subkeys([])) walk([hive]);
}

/** Copies every folder and file of `from` into `to` (free space is not copied). */
export function copyFiles(from: FileStore, to: FileStore): void {
  const walk = (path: FilePath): void => {
    for (const entry of from.children(path)) {
      const child = [...path, entry.name];
      if (entry.kind === "directory") {
        to.putDirectory(child, entry.createdMs);
        walk(child);
      } else {
        to.putFile(child, from.read(child)!, entry);
      }
    }
  };
  for (const drive of from.children([])) {
    to.putDirectory([drive.name], drive.createdMs);
    walk([drive.name]);
  }
}
