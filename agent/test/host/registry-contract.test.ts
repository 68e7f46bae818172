import { isImesimError } from "@imesim/contracts/errors";
import { describe, expect, it } from "vitest";
import { BACKENDS, openDevice } from "./backends.ts";

const KEY = "HKLM\\SOFTWARE\\Contoso\\App";

describe.each(BACKENDS)("Registry contract (%s backend)", (backend) => {
  it("stores every value type and reads it back exactly", () => {
    const { registry } = openDevice(backend);
    const values = [
      { name: "Sz", value: { type: "REG_SZ", data: "C:\\Program Files\\Contoso" } },
      { name: "Expand", value: { type: "REG_EXPAND_SZ", data: "%ProgramFiles%\\Contoso" } },
      { name: "Dword", value: { type: "REG_DWORD", data: 42 } },
      { name: "Qword", value: { type: "REG_QWORD", data: 0xffff_ffff_ffff_fffen } },
      { name: "Multi", value: { type: "REG_MULTI_SZ", data: ["a", "", "b"] } },
      { name: "Binary", value: { type: "REG_BINARY", data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) } },
      { name: "None", value: { type: "REG_NONE", data: new Uint8Array() } },
      { name: "", value: { type: "REG_SZ", data: "default" } },
    ] as const;
    for (const { name, value } of values) registry.setValue(KEY, name, value);
    for (const { name, value } of values) expect(registry.getValue(KEY, name)).toEqual(value);
    expect(registry.listValues(KEY)).toEqual(values.map(({ name, value }) => ({ name, value })));
  });

  it("matches keys and value names case-insensitively and keeps the first spelling", () => {
    const { registry } = openDevice(backend);
    registry.setValue("HKEY_LOCAL_MACHINE\\Software\\CONTOSO\\App", "DisplayVersion", {
      type: "REG_SZ",
      data: "1.0",
    });
    registry.setValue("hklm\\software\\contoso\\app", "displayversion", { type: "REG_SZ", data: "2.0" });
    expect(registry.getValue("HKLM\\SOFTWARE\\Contoso\\APP", "DISPLAYVERSION")).toEqual({
      type: "REG_SZ",
      data: "2.0",
    });
    expect(registry.listValues(KEY).map((v) => v.name)).toEqual(["DisplayVersion"]);
    expect(registry.listSubkeys("HKLM\\SOFTWARE").filter((k) => k.toLowerCase() === "contoso")).toEqual([
      "CONTOSO",
    ]);
  });

  it("keeps values in creation order when one is overwritten", () => {
    const { registry } = openDevice(backend);
    for (const name of ["b", "a", "c"]) registry.setValue(KEY, name, { type: "REG_DWORD", data: 1 });
    registry.setValue(KEY, "a", { type: "REG_SZ", data: "changed" });
    expect(registry.listValues(KEY).map((v) => v.name)).toEqual(["b", "a", "c"]);
  });

  it("gives each key created without values its own values: a first value lands in that key only, and a rollback empties it again", () => {
    const { registry } = openDevice(backend);
    registry.createKey(`${KEY}\\One`);
    registry.createKey(`${KEY}\\Two`);
    registry.setValue(`${KEY}\\One`, "a", { type: "REG_DWORD", data: 1 });
    expect(registry.listValues(`${KEY}\\Two`)).toEqual([]);
    expect(() =>
      registry.transaction(() => {
        registry.setValue(`${KEY}\\Two`, "b", { type: "REG_DWORD", data: 2 });
        throw new Error("undo");
      }),
    ).toThrow("undo");
    registry.setValue(`${KEY}\\Three\\Deeper`, "c", { type: "REG_DWORD", data: 3 });
    expect(registry.listValues(`${KEY}\\Two`)).toEqual([]);
    expect(registry.listValues(`${KEY}\\Three`)).toEqual([]);
    expect(registry.listValues(`${KEY}\\One`)).toEqual([
      { name: "a", value: { type: "REG_DWORD", data: 1 } },
    ]);
    expect(registry.deleteValue(`${KEY}\\Two`, "b")).toBe(false);
  });

  it("lists subkeys sorted case-insensitively, and nothing for a missing key", () => {
    const { registry } = openDevice(backend);
    for (const name of ["beta", "Alpha", "gamma", "ALPHA2"]) registry.createKey(`${KEY}\\${name}`);
    expect(registry.listSubkeys(KEY)).toEqual(["Alpha", "ALPHA2", "beta", "gamma"]);
    expect(registry.listSubkeys("HKLM\\SOFTWARE\\Missing")).toEqual([]);
    expect(registry.listValues("HKLM\\SOFTWARE\\Missing")).toEqual([]);
  });

  it("deletes a key with its whole subtree and its values, but not a sibling that shares a prefix", () => {
    const { registry } = openDevice(backend);
    registry.setValue(`${KEY}\\Sub\\Deeper`, "v", { type: "REG_SZ", data: "x" });
    registry.setValue(`${KEY}Two`, "v", { type: "REG_SZ", data: "kept" });
    expect(registry.deleteKey(KEY)).toBe(true);
    expect(registry.keyExists(KEY)).toBe(false);
    expect(registry.keyExists(`${KEY}\\Sub\\Deeper`)).toBe(false);
    expect(registry.getValue(`${KEY}\\Sub\\Deeper`, "v")).toBeUndefined();
    expect(registry.getValue(`${KEY}Two`, "v")).toEqual({ type: "REG_SZ", data: "kept" });
    expect(registry.deleteKey(KEY)).toBe(false);
    registry.createKey(`${KEY}\\Sub\\Deeper`);
    expect(registry.listValues(`${KEY}\\Sub\\Deeper`)).toEqual([]);
  });

  it("deletes single values and reports whether they existed", () => {
    const { registry } = openDevice(backend);
    registry.setValue(KEY, "", { type: "REG_SZ", data: "default" });
    expect(registry.deleteValue(KEY, "")).toBe(true);
    expect(registry.deleteValue(KEY, "")).toBe(false);
    expect(registry.getValue(KEY, "")).toBeUndefined();
    expect(registry.keyExists(KEY)).toBe(true);
  });

  it("redirects HKLM\\SOFTWARE for the 32-bit view, except the shared keys", () => {
    const { registry } = openDevice(backend);
    registry.setValue(KEY, "Bits", { type: "REG_DWORD", data: 32 }, { view: 32 });
    expect(registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Contoso\\App", "Bits")).toEqual({
      type: "REG_DWORD",
      data: 32,
    });
    expect(registry.keyExists(KEY)).toBe(false);
    // Policies is shared (windows-formats.md §4.1): both views see one key.
    registry.setValue("HKLM\\SOFTWARE\\Policies\\Contoso", "P", { type: "REG_DWORD", data: 1 }, { view: 32 });
    expect(registry.getValue("HKLM\\SOFTWARE\\Policies\\Contoso", "P")).toEqual({
      type: "REG_DWORD",
      data: 1,
    });
    // Classes\CLSID is redirected inside Classes.
    registry.createKey("HKCR\\CLSID\\{00000000-0000-0000-0000-000000000001}", { view: 32 });
    expect(
      registry.keyExists(
        "HKLM\\SOFTWARE\\Classes\\WOW6432Node\\CLSID\\{00000000-0000-0000-0000-000000000001}",
      ),
    ).toBe(true);
    // HKLM\SYSTEM is not redirected.
    registry.setValue("HKLM\\SYSTEM\\Contoso", "S", { type: "REG_DWORD", data: 1 }, { view: 32 });
    expect(registry.getValue("HKLM\\SYSTEM\\Contoso", "S")).toEqual({ type: "REG_DWORD", data: 1 });
  });

  it("has a single view on 32-bit Windows", () => {
    const { registry } = openDevice(backend, { profile: { architecture: "x86" } });
    registry.setValue(KEY, "Bits", { type: "REG_DWORD", data: 32 }, { view: 32 });
    expect(registry.getValue(KEY, "Bits")).toEqual({ type: "REG_DWORD", data: 32 });
    expect(registry.keyExists("HKLM\\SOFTWARE\\WOW6432Node")).toBe(false);
  });

  it("resolves HKCU to the given user's hive under HKU, SYSTEM's by default", () => {
    const { registry } = openDevice(backend);
    const sid = "S-1-12-1-1-2-3-4";
    registry.setValue(
      "HKCU\\Software\\Contoso",
      "Who",
      { type: "REG_SZ", data: "user" },
      { view: 64, userSid: sid },
    );
    registry.setValue("HKCU\\Software\\Contoso", "Who", { type: "REG_SZ", data: "system" });
    expect(registry.getValue(`HKU\\${sid}\\Software\\Contoso`, "Who")).toEqual({
      type: "REG_SZ",
      data: "user",
    });
    expect(registry.getValue("HKEY_USERS\\S-1-5-18\\Software\\Contoso", "Who")).toEqual({
      type: "REG_SZ",
      data: "system",
    });
  });

  it("stores DWORDs unsigned, as Windows does with a negative error code", () => {
    const { registry } = openDevice(backend);
    registry.setValue(KEY, "ErrorCode", { type: "REG_DWORD", data: -2016345060 });
    expect(registry.getValue(KEY, "ErrorCode")).toEqual({ type: "REG_DWORD", data: 0x87d1041c });
  });

  it("refuses values Windows could not hold, naming them, and changes nothing", () => {
    const { registry } = openDevice(backend);
    const bad = () => registry.setValue(KEY, "Big", { type: "REG_DWORD", data: 2 ** 32 });
    expect(bad).toThrow(/REG_DWORD value "Big"/);
    expect(registry.keyExists(KEY)).toBe(false);
    try {
      registry.setValue("HKXX\\Foo", "v", { type: "REG_SZ", data: "" });
      expect.unreachable();
    } catch (error) {
      expect(isImesimError(error, "REGISTRY_INVALID_KEY")).toBe(true);
    }
  });

  it("applies a transaction fully or not at all", () => {
    const { registry } = openDevice(backend);
    registry.setValue(KEY, "Before", { type: "REG_SZ", data: "kept" });
    expect(() =>
      registry.transaction(() => {
        registry.setValue(KEY, "Half", { type: "REG_SZ", data: "lost" });
        registry.deleteValue(KEY, "Before");
        registry.deleteKey("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion");
        throw new Error("abort");
      }),
    ).toThrow("abort");
    expect(registry.getValue(KEY, "Half")).toBeUndefined();
    expect(registry.getValue(KEY, "Before")).toEqual({ type: "REG_SZ", data: "kept" });
    expect(registry.keyExists("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")).toBe(true);
    const result = registry.transaction(() => {
      registry.setValue(KEY, "Committed", { type: "REG_DWORD", data: 1 });
      return "done";
    });
    expect(result).toBe("done");
    expect(registry.getValue(KEY, "Committed")).toEqual({ type: "REG_DWORD", data: 1 });
  });

  it("undoes only a nested transaction's writes when its failure is caught inside the outer one", () => {
    const { registry } = openDevice(backend);
    registry.transaction(() => {
      registry.setValue(KEY, "Outer", { type: "REG_DWORD", data: 1 });
      try {
        registry.transaction(() => {
          registry.setValue(KEY, "Inner", { type: "REG_DWORD", data: 2 });
          throw new Error("inner");
        });
      } catch {
        // The outer transaction carries on without the inner writes.
      }
      registry.setValue(KEY, "After", { type: "REG_DWORD", data: 3 });
    });
    expect(registry.listValues(KEY).map((v) => v.name)).toEqual(["Outer", "After"]);
  });

  it("starts from a base registry with the build, known folders and both Uninstall keys", () => {
    const { registry } = openDevice(backend, { profile: { osVersion: "10.0.26100", osRevision: 2314 } });
    const nt = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    expect(registry.getValue(nt, "CurrentBuild")).toEqual({ type: "REG_SZ", data: "26100" });
    expect(registry.getValue(nt, "UBR")).toEqual({ type: "REG_DWORD", data: 2314 });
    const cv = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion";
    expect(registry.getValue(cv, "ProgramFilesDir")).toEqual({ type: "REG_SZ", data: "C:\\Program Files" });
    expect(registry.getValue(cv, "ProgramFilesDir", { view: 32 })).toEqual({
      type: "REG_SZ",
      data: "C:\\Program Files (x86)",
    });
    expect(registry.keyExists(`${cv}\\Uninstall`)).toBe(true);
    expect(
      registry.keyExists("HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall"),
    ).toBe(true);
  });
});
