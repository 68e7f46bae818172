// A download persisted every MiB into a SQLite device: each persist stores only the bytes that are new, so
// the database holds the file once (not once per persist), and it reads back whole after moves and reopening.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDiskSpool } from "../../src/host/files/disk-spool.ts";
import { openGrowingFile } from "../../src/host/files/growing-file.ts";
import { createDevice, openDeviceDatabase } from "../../src/host/index.ts";
import { tempFolder } from "./backends.ts";

const INCOMING = "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Content\\Incoming";
const PATH = `${INCOMING}\\app_1.bin`;
const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
const spool = createDiskSpool();
afterEach(() => spool.dispose());

/** What the database holds for pieced files: piece count and total bytes per folded path. */
function pieces(sqlitePath: string) {
  const db = openDeviceDatabase(sqlitePath);
  try {
    return db
      .prepare("SELECT path, count(*) AS count, sum(length(data)) AS bytes FROM file_pieces GROUP BY path")
      .all();
  } finally {
    db.close();
  }
}

describe("a growing file on a SQLite device", () => {
  it("stores each persist's new bytes only, and reads back the whole file", async () => {
    const sqlitePath = join(tempFolder(), "device.sqlite");
    const device = createDevice({ backend: { sqlitePath }, clock: { now: () => 0 } });
    const growing = await openGrowingFile({
      fs: device.fs,
      path: PATH,
      spool,
      spoolName: "app_1.bin",
      memoryBytes: 100,
    });
    const parts = [bytes(300, 1), bytes(250, 2), bytes(400, 3)];
    for (const part of parts) {
      await growing.append(part);
      growing.persist();
    }
    await growing.close();
    const whole = Buffer.concat(parts);
    expect(Buffer.from(device.fs.readFile(PATH))).toEqual(whole);
    expect(device.fs.stat(PATH)?.size).toBe(950);
    device.close();
    // Three persists, 950 bytes in all: nothing was written twice.
    expect(pieces(sqlitePath)).toEqual([{ path: PATH.toLowerCase(), count: 3, bytes: 950 }]);

    // The bytes live in the database: the spool file can go, and a reopened device still has them.
    spool.dispose();
    const reopened = createDevice({ backend: { sqlitePath }, clock: { now: () => 0 } });
    expect(Buffer.from(reopened.fs.readFile(PATH))).toEqual(whole);
    reopened.close();
  });

  it("keeps a pieced file's bytes through a move and drops them with the file", () => {
    const sqlitePath = join(tempFolder(), "device.sqlite");
    const device = createDevice({ backend: { sqlitePath }, clock: { now: () => 0 } });
    const source = join(tempFolder(), "source.bin");
    const content = bytes(5000, 7);
    writeFileSync(source, content);
    device.fs.writeFile(PATH, { diskPath: source, size: 5000 });
    const staged = "C:\\Windows\\IMECache\\app_1\\app_1.bin";
    device.fs.mkdir("C:\\Windows\\IMECache\\app_1");
    device.fs.rename(PATH, staged);
    expect(Buffer.from(device.fs.readFile(staged))).toEqual(Buffer.from(content));
    // Rewritten as plain bytes, the pieces go.
    device.fs.writeFile(staged, bytes(10, 1));
    expect(device.fs.readFile(staged)).toEqual(bytes(10, 1));
    device.fs.writeFile(PATH, { diskPath: source, size: 5000 });
    device.fs.remove("C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Content");
    device.close();
    expect(pieces(sqlitePath)).toEqual([]);
  });

  it("rewrites the pieces when the backing is another real file or shorter", () => {
    const sqlitePath = join(tempFolder(), "device.sqlite");
    const device = createDevice({ backend: { sqlitePath }, clock: { now: () => 0 } });
    const first = join(tempFolder(), "first.bin");
    const second = join(tempFolder(), "second.bin");
    writeFileSync(first, bytes(800, 1));
    writeFileSync(second, bytes(600, 2));
    device.fs.writeFile(PATH, { diskPath: first, size: 800 });
    device.fs.writeFile(PATH, { diskPath: second, size: 600 });
    expect(device.fs.readFile(PATH)).toEqual(bytes(600, 2));
    device.fs.writeFile(PATH, { diskPath: second, size: 300 });
    expect(device.fs.readFile(PATH)).toEqual(bytes(600, 2).subarray(0, 300));
    device.close();
    expect(pieces(sqlitePath)).toEqual([{ path: PATH.toLowerCase(), count: 1, bytes: 300 }]);
  });
});
