import { describe, expect, it } from "vitest";
import {
  decodeRegFile,
  exportRegFile,
  exportRegText,
  formatValueLine,
  importRegFile,
} from "../../src/host/index.ts";
import { BACKENDS, openDevice } from "./backends.ts";

const KEY = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso";

describe("formatValueLine (windows-formats.md §3.2)", () => {
  it("writes each type in regedit's form", () => {
    expect(formatValueLine("Path", { type: "REG_SZ", data: "C:\\Program Files" })).toBe(
      '"Path"="C:\\\\Program Files"',
    );
    expect(formatValueLine('a"b', { type: "REG_SZ", data: "x" })).toBe('"a\\"b"="x"');
    expect(formatValueLine("", { type: "REG_SZ", data: "x" })).toBe('@="x"');
    expect(formatValueLine("N", { type: "REG_DWORD", data: 42 })).toBe('"N"=dword:0000002a');
    expect(formatValueLine("B", { type: "REG_BINARY", data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) })).toBe(
      '"B"=hex:de,ad,be,ef',
    );
    expect(formatValueLine("Z", { type: "REG_NONE", data: new Uint8Array() })).toBe('"Z"=hex(0):');
    expect(formatValueLine("E", { type: "REG_EXPAND_SZ", data: "%A%" })).toBe(
      '"E"=hex(2):25,00,41,00,25,00,00,00',
    );
    expect(formatValueLine("M", { type: "REG_MULTI_SZ", data: ["a", "b"] })).toBe(
      '"M"=hex(7):61,00,00,00,62,00,00,00,00,00',
    );
    expect(formatValueLine("Q", { type: "REG_QWORD", data: 42n })).toBe('"Q"=hex(b):2a,00,00,00,00,00,00,00');
  });

  it("wraps long hex data as regedit does: 23 bytes after @=hex(2):, then 25 per line", () => {
    const text = "%SystemRoot%\\System32\\rundll32.exe shell32.dll,Control_RunDLL";
    const lines = formatValueLine("", { type: "REG_EXPAND_SZ", data: text }).split("\r\n");
    expect(lines[0]).toBe("@=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,74,00,25,\\");
    expect(lines[0]).toHaveLength(79);
    expect(lines[1]).toBe("  00,5c,00,53,00,79,00,73,00,74,00,65,00,6d,00,33,00,32,00,5c,00,72,00,75,00,\\");
    for (const line of lines.slice(1, -1)) expect(line).toHaveLength(78);
    // 124 bytes (61 characters + NUL): 23 + 4 × 25 = 123 fill five lines; the last byte sits alone on the sixth.
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe("  00");
  });
});

describe.each(BACKENDS)(".reg export and import (%s backend)", (backend) => {
  function populate(device: ReturnType<typeof openDevice>): void {
    const { registry } = device;
    registry.setValue(KEY, "Path", { type: "REG_SZ", data: 'C:\\Program Files\\Contoso "quoted"' });
    registry.setValue(KEY, "", { type: "REG_SZ", data: "default" });
    registry.setValue(KEY, "Lines", { type: "REG_SZ", data: "one\r\ntwo" });
    registry.setValue(KEY, "Count", { type: "REG_DWORD", data: 0xffffffff });
    registry.setValue(KEY, "Big", { type: "REG_QWORD", data: 1n << 40n });
    registry.setValue(KEY, "Expand", {
      type: "REG_EXPAND_SZ",
      data: `%ProgramFiles%\\${"Contoso\\".repeat(12)}app.exe`,
    });
    registry.setValue(KEY, "Multi", { type: "REG_MULTI_SZ", data: ["first", "", "third"] });
    registry.setValue(KEY, "Empty multi", { type: "REG_MULTI_SZ", data: [] });
    registry.setValue(KEY, "Blob", {
      type: "REG_BINARY",
      data: Uint8Array.from({ length: 100 }, (_, i) => i),
    });
    registry.setValue(KEY, "Nothing", { type: "REG_NONE", data: new Uint8Array() });
    registry.setValue(`${KEY}\\zeta`, "v", { type: "REG_SZ", data: "z" });
    registry.setValue(`${KEY}\\Alpha\\Inner`, "Ünïcödé ✓", { type: "REG_SZ", data: "日本語" });
    registry.createKey(`${KEY}\\beta`);
  }

  it("exports the exact layout: BOM, header, blank line before each key, pre-order, trailing blank line", () => {
    const device = openDevice(backend);
    device.registry.setValue(KEY, "Path", { type: "REG_SZ", data: "C:\\Program Files\\Contoso" });
    device.registry.setValue(`${KEY}\\Sub`, "", { type: "REG_SZ", data: "x" });
    const bytes = exportRegFile(device.registry, "HKLM\\SOFTWARE\\Contoso");
    expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x57, 0x00]);
    expect(decodeRegFile(bytes)).toBe(
      "Windows Registry Editor Version 5.00\r\n\r\n" +
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\r\n" +
        '"Path"="C:\\\\Program Files\\\\Contoso"\r\n\r\n' +
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Sub]\r\n" +
        '@="x"\r\n\r\n',
    );
  });

  it("round-trips export → import → export byte for byte, on a fresh device", () => {
    const source = openDevice(backend);
    populate(source);
    const first = exportRegFile(source.registry, KEY);
    const target = openDevice(backend);
    const summary = importRegFile(target.registry, first);
    expect(summary).toMatchObject({ keysCreated: 5, valuesSet: 12 });
    const second = exportRegFile(target.registry, KEY);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(target.registry.getValue(KEY, "Multi")).toEqual({
      type: "REG_MULTI_SZ",
      data: ["first", "", "third"],
    });
    expect(target.registry.getValue(KEY, "Lines")).toEqual({ type: "REG_SZ", data: "one\r\ntwo" });
    expect(target.registry.listSubkeys(KEY)).toEqual(["Alpha", "beta", "zeta"]);
  });

  it("imports deletions, comments, continuations, REGEDIT4 files and a chosen view", () => {
    const device = openDevice(backend);
    populate(device);
    importRegFile(
      device.registry,
      [
        "REGEDIT4",
        "",
        "; a comment",
        `[-${KEY}\\zeta]`,
        `[${KEY}]`,
        '"Path"=-',
        "@=-",
        '"Wrapped" = hex:01,02,\\',
        "    03,04",
        '"Ansi"=hex(2):41,42,00',
        "",
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Thirty-two]",
        '"Bits"=dword:00000020',
      ].join("\r\n"),
      { view: 32 },
    );
    expect(device.registry.keyExists(`${KEY}\\zeta`, { view: 32 })).toBe(false);
    expect(device.registry.getValue(KEY, "Wrapped", { view: 32 })).toEqual({
      type: "REG_BINARY",
      data: new Uint8Array([1, 2, 3, 4]),
    });
    expect(device.registry.getValue(KEY, "Ansi", { view: 32 })).toEqual({
      type: "REG_EXPAND_SZ",
      data: "AB",
    });
    expect(device.registry.getValue("HKLM\\SOFTWARE\\WOW6432Node\\Thirty-two", "Bits")).toEqual({
      type: "REG_DWORD",
      data: 32,
    });
    // The 64-bit keys were not touched by a 32-bit import.
    expect(device.registry.getValue(KEY, "Path")?.type).toBe("REG_SZ");
  });

  it("rejects a bad file naming the line, and applies none of it", () => {
    const device = openDevice(backend);
    const file = [
      "Windows Registry Editor Version 5.00",
      "",
      `[${KEY}]`,
      '"Good"="yes"',
      '"Bad"=dword:xyz',
    ].join("\r\n");
    expect(() => importRegFile(device.registry, file)).toThrow(/line 5/);
    expect(device.registry.keyExists(KEY)).toBe(false);
    expect(() => importRegFile(device.registry, "not a reg file")).toThrow(/not a .reg file/);
    expect(() => importRegFile(device.registry, "REGEDIT4\r\n[HKLM\\SOFTWARE\\X]")).toThrow(/full root name/);
  });

  it("exports HKCU paths under HKEY_CURRENT_USER", () => {
    const device = openDevice(backend);
    const access = { view: 64, userSid: "S-1-12-1-9" } as const;
    device.registry.setValue("HKCU\\Software\\Contoso", "v", { type: "REG_DWORD", data: 1 }, access);
    expect(exportRegText(device.registry, "HKCU\\Software\\Contoso", access)).toContain(
      "[HKEY_CURRENT_USER\\Software\\Contoso]\r\n",
    );
  });
});
