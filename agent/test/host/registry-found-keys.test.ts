// The in-memory registry keeps the key each resolved path led to until its tree's generation moves on (issue 18).
// These are the ways a kept key could go stale: a key created where there was none, a key deleted, moved or
// copied on first write, a rollback, and a device started from another's tree.
import { describe, expect, it } from "vitest";
import { MemoryRegistryStore } from "../../src/host/memory/memory-registry-store.ts";
import { createRegistry } from "../../src/host/registry/registry.ts";

const KEY = "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps\\user\\app_1";
const PARENT = "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps\\user";
const sz = (data: string) => ({ type: "REG_SZ", data }) as const;

const registryOver = (store = new MemoryRegistryStore()) => createRegistry(store, { is64BitWindows: true });

describe("in-memory registry: keys found by path", () => {
  it("sees a key created after a read found none, and loses it when its parent is deleted", () => {
    const registry = registryOver();
    expect(registry.getValue(KEY, "Intent")).toBeUndefined();
    expect(registry.keyExists(KEY)).toBe(false);
    registry.setValue(KEY, "Intent", { type: "REG_DWORD", data: 3 });
    expect(registry.getValue(KEY, "intent")).toEqual({ type: "REG_DWORD", data: 3 });
    expect(registry.keyExists(KEY)).toBe(true);
    registry.deleteKey(PARENT);
    expect(registry.keyExists(KEY)).toBe(false);
    expect(registry.getValue(KEY, "Intent")).toBeUndefined();
    registry.setValue(KEY, "Intent", sz("again"));
    expect(registry.getValue(KEY, "Intent")).toEqual(sz("again"));
  });

  it("reads what a rolled-back transaction put back, keys it created included", () => {
    const registry = registryOver();
    registry.setValue(KEY, "A", sz("kept"));
    const other = `${PARENT}\\app_2`;
    expect(registry.keyExists(other)).toBe(false);
    expect(() =>
      registry.transaction(() => {
        registry.setValue(KEY, "A", sz("changed"));
        registry.setValue(other, "B", sz("new"));
        registry.deleteKey(KEY);
        expect(registry.keyExists(KEY)).toBe(false);
        expect(registry.getValue(other, "B")).toEqual(sz("new"));
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(registry.getValue(KEY, "A")).toEqual(sz("kept"));
    expect(registry.keyExists(other)).toBe(false);
    expect(registry.getValue(other, "B")).toBeUndefined();
  });

  it("writes a device's own copy of a shared base key and keeps reading it, the base untouched", () => {
    const first = new MemoryRegistryStore();
    registryOver(first).setValue(KEY, "A", sz("base"));
    const base = first.root;
    const device = registryOver(new MemoryRegistryStore(base));
    const sibling = registryOver(new MemoryRegistryStore(base));
    expect(device.getValue(KEY, "A")).toEqual(sz("base"));
    device.setValue(KEY, "A", sz("mine"));
    device.setValue(KEY, "B", sz("mine too"));
    expect(device.getValue(KEY, "A")).toEqual(sz("mine"));
    expect(device.listValues(KEY).map((value) => value.name)).toEqual(["A", "B"]);
    expect(sibling.getValue(KEY, "A")).toEqual(sz("base"));
    expect(sibling.getValue(KEY, "B")).toBeUndefined();
    expect(registryOver(first).getValue(KEY, "A")).toEqual(sz("base"));
  });

  it("answers a path array the caller still owns (not frozen) as well", () => {
    const store = new MemoryRegistryStore();
    const path = ["HKEY_LOCAL_MACHINE", "SOFTWARE", "X"];
    expect(store.getValue(path, "v")).toBeUndefined();
    store.setValue(path, "v", sz("1"));
    expect(store.getValue(["hkey_local_machine", "software", "x"], "V")).toEqual(sz("1"));
  });
});

describe("registry value checks", () => {
  it("names the value and key of a bad value, and stores an unsigned DWORD as given", () => {
    const registry = registryOver();
    expect(() => registry.setValue(KEY, "Bad", { type: "REG_DWORD", data: 2 ** 33 })).toThrow(
      `REG_DWORD value "Bad" in "${KEY}": 8589934592 is not a 32-bit integer`,
    );
    const value = { type: "REG_DWORD", data: 7 } as const;
    registry.setValue(KEY, "Good", value);
    expect(registry.getValue(KEY, "Good")).toEqual({ type: "REG_DWORD", data: 7 });
    registry.setValue(KEY, "Signed", { type: "REG_DWORD", data: -1 });
    expect(registry.getValue(KEY, "Signed")).toEqual({ type: "REG_DWORD", data: 0xffffffff });
  });
});

describe("in-memory registry rollback of single values", () => {
  it("puts back each value, its place in the key included, however sets and deletes interleave", () => {
    const registry = registryOver();
    for (const name of ["A", "B", "C", "D"]) registry.setValue(KEY, name, sz(name));
    const before = registry.listValues(KEY);
    const steps: Array<() => void> = [
      () => registry.setValue(KEY, "B", sz("b2")),
      () => registry.deleteValue(KEY, "A"),
      () => registry.setValue(KEY, "E", sz("new")),
      () => registry.setValue(KEY, "A", sz("back at the end")),
      () => registry.deleteValue(KEY, "C"),
      () => registry.setValue(KEY, "D", sz("d2")),
    ];
    // Every prefix of the steps, and the same run inside a nested transaction whose failure the outer one catches.
    for (let count = 1; count <= steps.length; count += 1) {
      expect(() =>
        registry.transaction(() => {
          for (const step of steps.slice(0, count)) step();
          throw new Error("roll back");
        }),
      ).toThrow("roll back");
      expect(registry.listValues(KEY)).toEqual(before);
      registry.transaction(() => {
        registry.setValue(KEY, "Outer", sz("kept"));
        try {
          registry.transaction(() => {
            for (const step of steps.slice(0, count)) step();
            throw new Error("inner");
          });
        } catch {}
      });
      expect(registry.listValues(KEY)).toEqual([...before, { name: "Outer", value: sz("kept") }]);
      registry.deleteValue(KEY, "Outer");
    }
  });
});
