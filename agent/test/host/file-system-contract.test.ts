import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isImesimError } from "@imesim/contracts/errors";
import { describe, expect, it } from "vitest";
import { BACKENDS, fixedClock, openDevice } from "./backends.ts";

const PE_FIXTURE = readFileSync(new URL("../fixtures/pe/version-x64.dll", import.meta.url));
const MB = 1024 * 1024;

function errorCode(work: () => unknown): { code: string; imeErrorCode: number | undefined } {
  try {
    work();
  } catch (error) {
    if (isImesimError(error)) return { code: error.code, imeErrorCode: error.imeErrorCode };
    throw error;
  }
  throw new Error("expected an ImesimError");
}

describe.each(BACKENDS)("FileSystem contract (%s backend)", (backend) => {
  it("writes and reads files, creating parents, case-insensitive and case-preserving, with / accepted", () => {
    const { fs } = openDevice(backend);
    fs.writeFile("C:\\Program Files\\Contoso\\App\\app.txt", "hello");
    expect(new TextDecoder().decode(fs.readFile("c:/program files/contoso/APP/APP.TXT"))).toBe("hello");
    expect(fs.list("C:\\Program Files\\contoso")).toEqual(["App"]);
    expect(fs.stat("C:\\Program Files\\Contoso")?.kind).toBe("directory");
    expect(fs.stat("C:\\Program Files\\Contoso\\App\\app.txt")).toMatchObject({ kind: "file", size: 5 });
    expect(fs.stat("C:\\Program Files\\Contoso\\.\\App\\..\\App\\app.txt. ")?.kind).toBe("file");
    expect(fs.stat("C:\\Program Files\\Missing")).toBeUndefined();
    expect(fs.stat("Q:\\anything")).toBeUndefined();
  });

  it("lists a folder's entries sorted case-insensitively", () => {
    const { fs } = openDevice(backend);
    for (const name of ["b.txt", "A.txt", "c"]) fs.writeFile(`C:\\Data\\${name}`, "");
    fs.mkdir("C:\\Data\\a-folder");
    expect(fs.list("C:\\Data")).toEqual(["a-folder", "A.txt", "b.txt", "c"]);
    expect(fs.list("C:\\Nope")).toEqual([]);
  });

  it("takes created and modified times from the device clock", () => {
    const clock = fixedClock(Date.UTC(2026, 0, 1));
    const { fs } = openDevice(backend, { clock });
    fs.writeFile("C:\\Data\\f.txt", "1");
    clock.advance(60_000);
    fs.writeFile("C:\\Data\\F.TXT", "22");
    expect(fs.stat("C:\\Data\\f.txt")).toEqual({
      kind: "file",
      size: 2,
      createdMs: Date.UTC(2026, 0, 1),
      modifiedMs: Date.UTC(2026, 0, 1) + 60_000,
    });
  });

  it("refuses reserved device names and characters Windows refuses", () => {
    const { fs } = openDevice(backend);
    for (const bad of [
      "C:\\Data\\CON",
      "C:\\Data\\nul.txt",
      "C:\\Data\\a?b",
      "C:\\COM1\\x.txt",
      "C:\\Data\\a|b",
    ]) {
      expect(errorCode(() => fs.writeFile(bad, "x"))).toMatchObject({ imeErrorCode: 0x8007007b });
    }
    expect(fs.stat("C:\\COM1")).toBeUndefined();
    expect(errorCode(() => fs.writeFile("relative\\path.txt", "x")).code).toBe("FS_INVALID_PATH");
  });

  it("accounts free space and fails a write beyond it with 0x80070070, changing nothing", () => {
    const { fs } = openDevice(backend, { profile: { freeDiskSpaceMB: 2 } });
    expect(fs.freeBytes()).toBe(2 * MB);
    fs.writeFile("C:\\Data\\one.bin", new Uint8Array(MB));
    expect(fs.freeBytes("C:")).toBe(MB);
    expect(errorCode(() => fs.writeFile("C:\\Data\\New\\two.bin", new Uint8Array(MB + 1)))).toEqual({
      code: "FS_DISK_FULL",
      imeErrorCode: 0x80070070,
    });
    expect(fs.stat("C:\\Data\\New")).toBeUndefined();
    expect(fs.freeBytes()).toBe(MB);
    // Replacing a file only costs the difference; removing a folder gives everything below back.
    fs.writeFile("C:\\Data\\one.bin", new Uint8Array(MB * 2));
    expect(fs.freeBytes()).toBe(0);
    expect(fs.remove("C:\\Data")).toBe(true);
    expect(fs.freeBytes()).toBe(2 * MB);
    expect(fs.remove("C:\\Data")).toBe(false);
  });

  it("renames files and folders with everything below, refusing an existing target", () => {
    const { fs } = openDevice(backend);
    fs.writeFile("C:\\Old\\Sub\\f.txt", "x");
    fs.writeFile("C:\\Other\\g.txt", "y");
    fs.rename("C:\\Old", "C:\\New");
    expect(fs.stat("C:\\Old")).toBeUndefined();
    expect(new TextDecoder().decode(fs.readFile("C:\\New\\Sub\\f.txt"))).toBe("x");
    expect(fs.list("C:\\New")).toEqual(["Sub"]);
    expect(errorCode(() => fs.rename("C:\\New", "C:\\Other")).imeErrorCode).toBe(0x800700b7);
    fs.rename("C:\\New\\Sub\\f.txt", "C:\\New\\Sub\\F-renamed.TXT");
    expect(fs.list("C:\\New\\Sub")).toEqual(["F-renamed.TXT"]);
    fs.rename("C:\\New", "C:\\NEW");
    expect(fs.list("C:\\").filter((n) => n.toLowerCase() === "new")).toEqual(["NEW"]);
    expect(errorCode(() => fs.rename("C:\\NEW", "C:\\NEW\\Sub\\Inside")).code).toBe("FS_INVALID_MOVE");
  });

  it("reports missing files and writes through a file with the Win32 errors", () => {
    const { fs } = openDevice(backend);
    expect(errorCode(() => fs.readFile("C:\\missing.txt")).imeErrorCode).toBe(0x80070002);
    fs.writeFile("C:\\Data\\file", "x");
    expect(errorCode(() => fs.writeFile("C:\\Data\\file\\child.txt", "x")).imeErrorCode).toBe(0x80070003);
    expect(errorCode(() => fs.writeFile("C:\\Data", "x")).imeErrorCode).toBe(0x80070005);
  });

  it("hands out copies of file bytes, so changing them changes nothing stored", () => {
    const { fs } = openDevice(backend);
    fs.writeFile("C:\\Data\\f.bin", new Uint8Array([1, 2, 3]));
    fs.readFile("C:\\Data\\f.bin").fill(9);
    expect([...fs.readFile("C:\\Data\\f.bin")]).toEqual([1, 2, 3]);
  });

  it("reads the fixed version of a real PE file and declared versions of synthetic ones", () => {
    const { fs } = openDevice(backend);
    fs.writeFile("C:\\Program Files\\Contoso\\contoso.dll", PE_FIXTURE);
    expect(fs.fileVersion("C:\\Program Files\\Contoso\\contoso.dll")).toBe("1.2.3.4");
    fs.writeFile("C:\\Program Files\\Contoso\\app.exe", "MZ not really", { version: "10.0.1.0" });
    expect(fs.fileVersion("C:\\Program Files\\Contoso\\app.exe")).toBe("10.0.1.0");
    fs.writeFile("C:\\Program Files\\Contoso\\readme.txt", "text");
    expect(fs.fileVersion("C:\\Program Files\\Contoso\\readme.txt")).toBeUndefined();
    expect(fs.fileVersion("C:\\Program Files\\Contoso")).toBeUndefined();
    expect(fs.fileVersion("C:\\Program Files\\Contoso\\missing.dll")).toBeUndefined();
  });

  it("keeps a file backed by a real file: its size counts on the disk, its bytes and version read from it", () => {
    const { fs } = openDevice(backend);
    const folder = mkdtempSync(join(tmpdir(), "imesim-backing-"));
    try {
      const diskPath = join(folder, "0");
      writeFileSync(diskPath, PE_FIXTURE);
      const free = fs.freeBytes();
      fs.writeFile("C:\\Windows\\IMECache\\app_1\\contoso.dll", { diskPath, size: PE_FIXTURE.length });
      expect(fs.stat("C:\\Windows\\IMECache\\app_1\\contoso.dll")).toMatchObject({
        kind: "file",
        size: PE_FIXTURE.length,
      });
      expect(fs.freeBytes()).toBe(free - PE_FIXTURE.length);
      expect(Buffer.from(fs.readFile("C:\\Windows\\IMECache\\app_1\\contoso.dll")).equals(PE_FIXTURE)).toBe(
        true,
      );
      expect(fs.fileVersion("C:\\Windows\\IMECache\\app_1\\contoso.dll")).toBe("1.2.3.4");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("starts with the folders of a Windows install", () => {
    const { fs } = openDevice(backend);
    for (const folder of [
      "C:\\Program Files",
      "C:\\Program Files (x86)",
      "C:\\Windows\\System32",
      "C:\\Windows\\SysWOW64",
      "C:\\ProgramData",
      "C:\\Users\\AdeleV\\AppData\\Local\\Temp",
      "C:\\Users\\AdeleV\\AppData\\Roaming",
      "C:\\Windows\\System32\\config\\systemprofile\\AppData\\Local",
    ]) {
      expect(fs.stat(folder)?.kind, folder).toBe("directory");
    }
    expect(fs.fileVersion("C:\\Windows\\System32\\cmd.exe")).toBe("10.0.22631.4460");
  });
});
