// A tiny Map-backed Host for the agent's own tests, so they do not depend on the host package's
// progress. It keeps only what the IME flow touches: case-insensitive keys and paths, no views.
import type { FileStat, FileSystem, Host, Registry, RegistryValue } from "../../src/host/types.ts";

const norm = (path: string): string =>
  path
    .replace(/\//g, "\\")
    .replace(/^HKEY_LOCAL_MACHINE/i, "HKLM")
    .replace(/\\+$/, "")
    .toLowerCase();

/** A registry of nested keys in one Map; transactions snapshot and restore on throw. */
export function createMapRegistry(): Registry & { dump(): Map<string, Map<string, RegistryValue>> } {
  let keys = new Map<string, { name: string; values: Map<string, { name: string; value: RegistryValue }> }>();
  const ensure = (path: string) => {
    const parts = path.replace(/\//g, "\\").split("\\");
    let current = "";
    let entry = keys.get(norm(path));
    for (const part of parts) {
      current = current === "" ? part : `${current}\\${part}`;
      if (!keys.has(norm(current))) keys.set(norm(current), { name: current, values: new Map() });
    }
    entry = keys.get(norm(path))!;
    return entry;
  };
  return {
    keyExists: (path) => keys.has(norm(path)),
    getValue: (path, name) => keys.get(norm(path))?.values.get(name.toLowerCase())?.value,
    setValue(path, name, value) {
      ensure(path).values.set(name.toLowerCase(), { name, value });
    },
    deleteValue: (path, name) => keys.get(norm(path))?.values.delete(name.toLowerCase()) ?? false,
    createKey(path) {
      ensure(path);
    },
    deleteKey(path) {
      const prefix = norm(path);
      let found = false;
      for (const key of [...keys.keys()]) {
        if (key === prefix || key.startsWith(`${prefix}\\`)) {
          keys.delete(key);
          found = true;
        }
      }
      return found;
    },
    listSubkeys(path) {
      const prefix = `${norm(path)}\\`;
      const names = new Set<string>();
      for (const [key, entry] of keys) {
        if (key.startsWith(prefix) && !key.slice(prefix.length).includes("\\")) {
          names.add(entry.name.split("\\").at(-1)!);
        }
      }
      return [...names];
    },
    listValues: (path) =>
      [...(keys.get(norm(path))?.values.values() ?? [])].map(({ name, value }) => ({ name, value })),
    transaction(work) {
      const snapshot = new Map([...keys].map(([k, v]) => [k, { name: v.name, values: new Map(v.values) }]));
      try {
        return work();
      } catch (error) {
        keys = snapshot;
        throw error;
      }
    },
    dump: () => new Map([...keys].map(([k, v]) => [k, new Map([...v.values].map(([n, x]) => [n, x.value]))])),
  };
}

/** A file system of files and folders in Maps; folders are implied by their files. */
export function createMapFileSystem(): FileSystem {
  const files = new Map<string, { data: Uint8Array; version?: string; created: number }>();
  const dirs = new Set<string>();
  const addDirs = (path: string) => {
    const parts = norm(path).split("\\");
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join("\\"));
  };
  const fs: FileSystem = {
    stat(path): FileStat | undefined {
      const file = files.get(norm(path));
      if (file !== undefined) {
        return { kind: "file", size: file.data.length, createdMs: file.created, modifiedMs: file.created };
      }
      return dirs.has(norm(path)) ? { kind: "directory", size: 0, createdMs: 0, modifiedMs: 0 } : undefined;
    },
    readFile(path) {
      const file = files.get(norm(path));
      if (file === undefined) throw new Error(`no such file ${path}`);
      return file.data;
    },
    writeFile(path, data, options) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      const parent = norm(path).split("\\").slice(0, -1).join("\\");
      addDirs(parent);
      files.set(norm(path), {
        data: bytes,
        created: Date.now(),
        ...(options?.version === undefined ? {} : { version: options.version }),
      });
    },
    mkdir(path) {
      addDirs(path);
    },
    remove(path) {
      const target = norm(path);
      let found = files.delete(target) || dirs.delete(target);
      for (const key of [...files.keys()])
        if (key.startsWith(`${target}\\`)) found = files.delete(key) || found;
      for (const key of [...dirs]) if (key.startsWith(`${target}\\`)) found = dirs.delete(key) || found;
      return found;
    },
    list(path) {
      const prefix = `${norm(path)}\\`;
      const names = new Set<string>();
      for (const key of [...files.keys(), ...dirs]) {
        if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split("\\")[0]!);
      }
      return [...names];
    },
    rename(from, to) {
      const file = files.get(norm(from));
      if (file === undefined) throw new Error(`no such file ${from}`);
      files.delete(norm(from));
      files.set(norm(to), file);
    },
    fileVersion: (path) => files.get(norm(path))?.version,
    freeBytes: () => 100 * 1024 ** 3,
  };
  return fs;
}

/** A Host over the two maps; environment expansion knows the variables the IME's flow uses. */
export function createMapHost(): Host & { registry: ReturnType<typeof createMapRegistry> } {
  const registry = createMapRegistry();
  return {
    fs: createMapFileSystem(),
    registry,
    expandEnvironment(text, context) {
      const vars: Record<string, string> = {
        programfiles: context.bitness === 32 ? "C:\\Program Files (x86)" : "C:\\Program Files",
        "programfiles(x86)": "C:\\Program Files (x86)",
        systemroot: "C:\\Windows",
        windir: "C:\\Windows",
        programdata: "C:\\ProgramData",
      };
      return text.replace(/%([^%]+)%/g, (all, name: string) => vars[name.toLowerCase()] ?? all);
    },
  };
}
