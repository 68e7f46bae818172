// The Windows registry callers see: hive names and aliases, HKCU per user, 32/64-bit views, value checks,
// over any RegistryStore backend.
import { ImesimError } from "@imesim/contracts/errors";
import type { Registry, RegistryAccess, RegistryValue } from "../types.ts";
import { parseKeyPath, storedKeyPath } from "./key-path.ts";
import type { KeyPath, RegistryStore } from "./registry-store.ts";
import { normalizeRegistryValue } from "./registry-value.ts";
import { redirectFor32Bit } from "./wow64-registry.ts";

export interface RegistryOptions {
  /** False on 32-bit (x86) Windows, where there is only one view and nothing is redirected. */
  readonly is64BitWindows: boolean;
}

const DEFAULT_ACCESS: RegistryAccess = { view: 64 };
/** Resolved spellings kept; past this many (a bulk import) a cache starts over. */
const RESOLVED_CACHE_SIZE = 4096;

/**
 * Resolved paths by spelling, one cache per access (view, user) and Windows bitness, shared by every device:
 * resolving is a pure function of those, and the frozen arrays are never changed, so a fleet parses each
 * spelling once instead of once per device (issue 18).
 */
const resolvedCaches = new Map<string, Map<string, KeyPath>>();
function resolvedCacheOf(access: RegistryAccess, is64BitWindows: boolean): Map<string, KeyPath> {
  const id = `${is64BitWindows ? 64 : 32}\u0000${access.view}\u0000${access.userSid ?? ""}`;
  let cache = resolvedCaches.get(id);
  if (cache === undefined) {
    // Each user's HKCU gets a cache: past many users (a large fleet's), they start over too.
    if (resolvedCaches.size >= RESOLVED_CACHE_SIZE) resolvedCaches.clear();
    cache = new Map();
    resolvedCaches.set(id, cache);
  }
  return cache;
}

/** Sorts names as regedit lists subkeys: case-insensitively (windows-formats.md §3.5). */
export function compareKeyNames(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `names` in compareKeyNames order, each upper-cased once rather than at every comparison (the IME lists its
 * Reporting key's 50-odd app keys at every check-in). The sort is stable either way, so the order is the same.
 */
function sortedKeyNames(names: string[]): string[] {
  if (names.length < 2) return names;
  const keyed = names.map((name) => ({ name, upper: name.toUpperCase() }));
  keyed.sort((a, b) => (a.upper < b.upper ? -1 : a.upper > b.upper ? 1 : 0));
  return keyed.map((entry) => entry.name);
}

/** The Registry a device exposes, over `store`. */
export function createRegistry(
  store: RegistryStore,
  options: RegistryOptions,
): Registry & { readonly store: RegistryStore } {
  // The IME reads and writes the same few hundred keys every check-in: each spelling is parsed once per access
  // (a pure function of the text, the view and the user), and the same array goes to the store every time.
  const defaultResolved = resolvedCacheOf(DEFAULT_ACCESS, options.is64BitWindows);
  const resolve = (keyPath: string, access: RegistryAccess = DEFAULT_ACCESS): KeyPath => {
    const resolved =
      access === DEFAULT_ACCESS ? defaultResolved : resolvedCacheOf(access, options.is64BitWindows);
    const hit = resolved.get(keyPath);
    if (hit !== undefined) return hit;
    const stored = storedKeyPath(parseKeyPath(keyPath), access.userSid);
    const path = Object.freeze(
      access.view === 32 && options.is64BitWindows ? redirectFor32Bit(stored) : stored,
    );
    if (resolved.size >= RESOLVED_CACHE_SIZE) resolved.clear();
    resolved.set(keyPath, path);
    return path;
  };
  const resolveWritable = (keyPath: string, access?: RegistryAccess): KeyPath => {
    const path = resolve(keyPath, access);
    if (path.length < 2) {
      throw new ImesimError("REGISTRY_INVALID_KEY", `cannot write to the hive root itself: "${keyPath}"`);
    }
    return path;
  };

  return {
    store,
    keyExists: (keyPath, access) => store.hasKey(resolve(keyPath, access)),
    getValue: (keyPath, valueName, access) => store.getValue(resolve(keyPath, access), valueName),
    setValue(keyPath, valueName, value: RegistryValue, access) {
      const path = resolveWritable(keyPath, access);
      if (valueName.length > 16383) {
        throw new ImesimError(
          "REGISTRY_INVALID_VALUE",
          `value name longer than 16383 characters in "${keyPath}"`,
        );
      }
      const normalized = normalizeRegistryValue(value, valueName, keyPath);
      // Nearly every write is to a key that exists: one step, with no closure to make for it (issue 18).
      if (store.hasKey(path)) {
        store.setValue(path, valueName, normalized);
        return;
      }
      // Creating the key and setting the value land together, as `reg add` does.
      store.atomic(() => {
        store.createKey(path);
        store.setValue(path, valueName, normalized);
      });
    },
    deleteValue: (keyPath, valueName, access) => store.deleteValue(resolve(keyPath, access), valueName),
    createKey: (keyPath, access) => store.createKey(resolveWritable(keyPath, access)),
    deleteKey: (keyPath, access) => store.deleteKey(resolveWritable(keyPath, access)),
    listSubkeys: (keyPath, access) => sortedKeyNames(store.subkeys(resolve(keyPath, access))),
    listValues: (keyPath, access) => store.values(resolve(keyPath, access)),
    transaction: (work) => store.transaction(work),
  };
}
