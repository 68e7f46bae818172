// The opt-in change journal: what it records at the store level, how changes are stamped with their step, the
// baseline, rolled-back transactions, and that a device without a journal is untouched.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChangeJournal, createDevice, type DeviceChange } from "../../src/host/index.ts";
import { fixedClock, tempFolder } from "./backends.ts";

const IME = "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension";
const ROOTS = {
  registry: [["HKEY_LOCAL_MACHINE", "SOFTWARE", "Microsoft", "IntuneManagementExtension"]],
  folders: [["C:", "Windows", "IMECache"]],
};

function journaledDevice(backend: "memory" | "sqlite" = "memory") {
  const clock = fixedClock(1_000);
  const journal = new ChangeJournal(() => clock.now());
  const device = createDevice({
    backend: backend === "memory" ? "memory" : { sqlitePath: join(tempFolder(), "device.sqlite") },
    clock,
    journal,
  });
  return { clock, journal, device };
}

const strip = (changes: readonly DeviceChange[]) =>
  changes.map(({ simTime: _time, ...rest }) => rest as Record<string, unknown>);

describe("ChangeJournal", () => {
  it("records nothing before start, then the baseline under its roots as seq 0", () => {
    const { journal, device } = journaledDevice();
    device.registry.setValue(`${IME}\\Settings`, "Interval", { type: "REG_DWORD", data: 3600 });
    device.fs.writeFile("C:\\Windows\\IMECache\\old\\setup.exe", new Uint8Array(5));
    device.registry.setValue("HKLM\\SOFTWARE\\Contoso", "Outside", { type: "REG_SZ", data: "not a root" });
    expect(journal.changes).toEqual([]);
    journal.start(ROOTS);
    expect(strip(journal.changes)).toEqual([
      {
        seq: 0,
        area: "registry",
        op: "createKey",
        key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension",
      },
      {
        seq: 0,
        area: "registry",
        op: "createKey",
        key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Settings",
      },
      {
        seq: 0,
        area: "registry",
        op: "setValue",
        key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Settings",
        name: "Interval",
        value: { type: "REG_DWORD", data: 3600 },
      },
      { seq: 0, area: "files", op: "mkdir", path: "C:\\Windows\\IMECache" },
      { seq: 0, area: "files", op: "mkdir", path: "C:\\Windows\\IMECache\\old" },
      { seq: 0, area: "files", op: "write", path: "C:\\Windows\\IMECache\\old\\setup.exe", size: 5 },
    ]);
  });

  it("stamps each change with the first event emitted after it, with its time", () => {
    const { journal, device, clock } = journaledDevice();
    journal.start({ registry: [], folders: [] });
    device.registry.setValue(`${IME}\\Win32Apps`, "A", { type: "REG_QWORD", data: 5n });
    clock.advance(10);
    device.registry.setValue(`${IME}\\Win32Apps`, "A", {
      type: "REG_BINARY",
      data: new Uint8Array([1, 255]),
    });
    expect(journal.changes).toEqual([]);
    journal.stepEnded(7);
    device.fs.writeFile("C:\\Windows\\IMECache\\app_1\\setup.exe", "abc");
    device.fs.rename("C:\\Windows\\IMECache\\app_1", "C:\\Windows\\IMECache\\app_2");
    device.registry.deleteValue(`${IME}\\Win32Apps`, "A");
    device.registry.deleteValue(`${IME}\\Win32Apps`, "missing");
    device.fs.remove("C:\\Windows\\IMECache\\app_2");
    journal.stepEnded(8);
    device.registry.deleteKey(`${IME}\\Win32Apps`);
    const all = journal.finish();
    const key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\Win32Apps";
    expect(all.map((change) => [change.seq, change.simTime])).toEqual([
      [7, 1_000],
      [7, 1_000],
      [7, 1_000],
      [7, 1_010],
      ...Array.from({ length: 6 }, () => [8, 1_010]),
      [9, 1_010],
    ]);
    expect(strip(all)).toEqual([
      // Neither the IME's key nor Win32Apps existed: both are recorded, outermost first.
      { seq: 7, area: "registry", op: "createKey", key: key.slice(0, key.lastIndexOf("\\")) },
      { seq: 7, area: "registry", op: "createKey", key },
      { seq: 7, area: "registry", op: "setValue", key, name: "A", value: { type: "REG_QWORD", data: "5" } },
      {
        seq: 7,
        area: "registry",
        op: "setValue",
        key,
        name: "A",
        // The earlier data is in the journal already: no `before`.
        value: { type: "REG_BINARY", data: "01ff" },
      },
      // C:\Windows is in the base image: only the folders below it are created.
      { seq: 8, area: "files", op: "mkdir", path: "C:\\Windows\\IMECache" },
      { seq: 8, area: "files", op: "mkdir", path: "C:\\Windows\\IMECache\\app_1" },
      { seq: 8, area: "files", op: "write", path: "C:\\Windows\\IMECache\\app_1\\setup.exe", size: 3 },
      {
        seq: 8,
        area: "files",
        op: "move",
        path: "C:\\Windows\\IMECache\\app_1",
        to: "C:\\Windows\\IMECache\\app_2",
      },
      // Deleting a value that is not there changes nothing and is not recorded.
      { seq: 8, area: "registry", op: "deleteValue", key, name: "A" },
      { seq: 8, area: "files", op: "remove", path: "C:\\Windows\\IMECache\\app_2" },
      // After the last event: the seq the next event would have had.
      { seq: 9, area: "registry", op: "deleteKey", key },
    ]);
  });

  it("skips rewrites of the same data and keeps `before` for a value it had not seen", () => {
    const { journal, device } = journaledDevice();
    const key = `${IME}\\Win32Apps`;
    device.registry.setValue(key, "Old", { type: "REG_MULTI_SZ", data: ["a", "b"] });
    device.registry.setValue(key, "Gone", { type: "REG_DWORD", data: 4 });
    journal.start({ registry: [], folders: [] });
    device.registry.setValue(key, "Old", { type: "REG_MULTI_SZ", data: ["a", "b"] });
    device.registry.setValue(key, "Old", { type: "REG_MULTI_SZ", data: ["a", "c"] });
    device.registry.setValue(key, "Old", { type: "REG_MULTI_SZ", data: ["a", "d"] });
    device.registry.setValue(key, "Bytes", { type: "REG_BINARY", data: new Uint8Array([1]) });
    device.registry.setValue(key, "Bytes", { type: "REG_BINARY", data: new Uint8Array([1]) });
    device.registry.deleteValue(key, "Gone");
    journal.stepEnded(2);
    expect(
      journal.changes.map((change) =>
        change.area === "registry" && "name" in change ? [change.op, change.name, "before" in change] : [],
      ),
    ).toEqual([
      ["setValue", "Old", true],
      ["setValue", "Old", false],
      ["setValue", "Bytes", false],
      ["deleteValue", "Gone", true],
    ]);
    const first = journal.changes[0];
    expect(first?.area === "registry" && first.op === "setValue" && first.before).toEqual({
      type: "REG_MULTI_SZ",
      data: ["a", "b"],
    });
  });

  it("drops the changes of a transaction that throws (it rolled back)", () => {
    const { journal, device } = journaledDevice();
    journal.start({ registry: [], folders: [] });
    device.registry.setValue(`${IME}\\Kept`, "v", { type: "REG_DWORD", data: 1 });
    expect(() =>
      device.transaction(() => {
        device.registry.setValue(`${IME}\\Lost`, "v", { type: "REG_DWORD", data: 2 });
        throw new Error("boom");
      }),
    ).toThrow("boom");
    journal.stepEnded(1);
    expect(device.registry.keyExists(`${IME}\\Lost`)).toBe(false);
    expect(journal.changes.some((change) => change.area === "registry" && change.key.endsWith("Lost"))).toBe(
      false,
    );
    expect(journal.changes.some((change) => change.area === "registry" && change.key.endsWith("Kept"))).toBe(
      true,
    );
  });

  it("records a SQLite device's changes too", () => {
    const { journal, device } = journaledDevice("sqlite");
    journal.start(ROOTS);
    device.fs.writeFile("C:\\Windows\\IMECache\\a.bin", new Uint8Array(42));
    journal.stepEnded(3);
    expect(strip(journal.changes).at(-1)).toEqual({
      seq: 3,
      area: "files",
      op: "write",
      path: "C:\\Windows\\IMECache\\a.bin",
      size: 42,
    });
    device.close();
  });

  it("leaves a device without a journal exactly as it was (its stores are not wrapped)", () => {
    const clock = fixedClock(1_000);
    const plain = createDevice({ backend: "memory", clock });
    const { device } = journaledDevice();
    for (const target of [plain, device]) {
      target.registry.setValue(`${IME}\\X`, "v", { type: "REG_SZ", data: "same" });
      target.fs.writeFile("C:\\Windows\\IMECache\\f.txt", "same");
    }
    expect(device.registry.listValues(`${IME}\\X`)).toEqual(plain.registry.listValues(`${IME}\\X`));
    expect(device.fs.stat("C:\\Windows\\IMECache\\f.txt")).toEqual(
      plain.fs.stat("C:\\Windows\\IMECache\\f.txt"),
    );
    expect(device.fs.freeBytes()).toBe(plain.fs.freeBytes());
    // The plain device's stores are the backends themselves, not the journal's wrappers.
    const store = (plain.registry as unknown as { store: object }).store;
    expect(store.constructor.name).toBe("MemoryRegistryStore");
  });
});
