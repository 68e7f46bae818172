// A device file that arrives in pieces: memory up to a limit, then a spool file the device's entry refers to;
// reopening resumes from what was persisted, never from bytes written after it.
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { createDevice } from "@imesim/agent/host";
import { afterEach, describe, expect, it } from "vitest";
import { createDiskSpool } from "../../src/host/files/disk-spool.ts";
import { openGrowingFile } from "../../src/host/files/growing-file.ts";

const PATH = "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Content\\Incoming\\app_1.bin";
const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
const spool = createDiskSpool();
afterEach(() => spool.dispose());

function open(device = createDevice({ backend: "memory", clock: { now: () => 0 } })) {
  return {
    device,
    file: () =>
      openGrowingFile({ fs: device.fs, path: PATH, spool, spoolName: "app_1.bin", memoryBytes: 1000 }),
  };
}

describe("growing file", () => {
  it("moves to a spool file past the memory limit and persists as a backing of what arrived", async () => {
    const { device, file } = open();
    const growing = await file();
    await growing.append(bytes(600, 1));
    expect(growing.onDisk).toBe(false);
    await growing.append(bytes(600, 2));
    expect(growing.onDisk).toBe(true);
    growing.persist();
    const backing = device.fs.diskBacking?.(PATH);
    expect(backing).toEqual({ diskPath: spool.pathOf("app_1.bin"), size: 1200 });
    expect(statSync(backing!.diskPath).size).toBe(1200);
    await growing.close();
    expect(Buffer.from(device.fs.readFile(PATH))).toEqual(Buffer.concat([bytes(600, 1), bytes(600, 2)]));
  });

  it("resumes its own spool file from the persisted size, dropping bytes written after it", async () => {
    const { device, file } = open();
    const first = await file();
    await first.append(bytes(1500, 3));
    first.persist();
    await first.close();
    // A crash after bytes reached the real file but before the device's entry said so.
    appendFileSync(spool.pathOf("app_1.bin")!, bytes(77, 9));
    const again = await file();
    expect(again.size).toBe(1500);
    await again.append(bytes(10, 4));
    again.persist();
    await again.close();
    expect(Buffer.from(device.fs.readFile(PATH))).toEqual(Buffer.concat([bytes(1500, 3), bytes(10, 4)]));
    expect(statSync(spool.pathOf("app_1.bin")!).size).toBe(1510);
  });

  it("takes over a partial file held as bytes (a device that keeps its files itself)", async () => {
    const { device, file } = open();
    device.fs.writeFile(PATH, bytes(2000, 5));
    const growing = await file();
    expect(growing.size).toBe(2000);
    expect(growing.onDisk).toBe(true);
    await growing.append(bytes(5, 6));
    growing.persist();
    await growing.close();
    expect(readFileSync(spool.pathOf("app_1.bin")!)).toEqual(Buffer.concat([bytes(2000, 5), bytes(5, 6)]));
  });
});
