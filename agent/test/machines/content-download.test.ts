// The download streams the .bin into the Incoming file as it arrives (issue 19): past 1 MiB the device's file is
// backed by a real file that grows chunk by chunk, and the codec is handed that backing, never a whole Buffer.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createDevice } from "@imesim/agent/host";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createEventStream } from "../../src/events/index.ts";
import { createDiskSpool } from "../../src/host/files/disk-spool.ts";
import { incomingPath } from "../../src/ime/paths.ts";
import { createContentDownloader } from "../../src/machines/content-download.ts";
import type { EnforcementContext } from "../../src/machines/enforcement-types.ts";
import { createTokenProvider } from "../../src/service-client/token-provider.ts";
import { type ImeServiceClient, ServiceError } from "../../src/service-client/types.ts";
import { DEVICE, fakePackage, makePolicy } from "../support/fakes.ts";
import { T0 } from "../support/harness.ts";

const APP = "5eed0000-0000-4000-8000-0000000000aa";
const URL_ = "https://swdc01.manage.microsoft.com/content/app.intunewin.bin";
const CHUNK = 256 * 1024;

/** A .bin of `size` bytes whose every byte says where it is, served in 256 KiB chunks. */
function patterned(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 7 + (i >> 12)) & 0xff;
  return bytes;
}

interface Served {
  /** What the device's Incoming file looked like when each chunk was asked for. */
  readonly seen: { offset: number; diskBytes: number | undefined; backed: number | undefined }[];
  readonly ranges: number[];
}

function setup(content: Uint8Array, dropAt?: number) {
  const clock = createVirtualClock(T0);
  const device = createDevice({ backend: "memory", clock });
  const events = createEventStream({ deviceId: "dev-1", clock });
  const policy = makePolicy(APP);
  const path = incomingPath(policy.Id, policy.Version);
  const served: Served = { seen: [], ranges: [] };
  let dropped = false;
  const service = {
    acquireToken: async () => ({ value: "token", expiresAt: T0 + 3_600_000 }),
    async *downloadContent(request: { fromByte: number }) {
      served.ranges.push(request.fromByte);
      for (let offset = request.fromByte; offset < content.length; offset += CHUNK) {
        const backing = device.fs.diskBacking?.(path);
        served.seen.push({
          offset,
          backed: backing?.size,
          diskBytes: backing === undefined ? undefined : statSync(backing.diskPath).size,
        });
        if (dropAt !== undefined && !dropped && offset >= dropAt) {
          dropped = true;
          throw new ServiceError("connectionDropped", "connection reset by peer");
        }
        // A copy, as a socket gives: the downloader must not rely on the service's buffer.
        yield content.slice(offset, offset + CHUNK);
      }
    },
  } as unknown as ImeServiceClient;
  const spool = createDiskSpool();
  const download = createContentDownloader({
    host: device,
    events,
    clock,
    service,
    tokens: createTokenProvider(service, clock, events),
    agentVersion: "1.93.107.0",
    spool,
  });
  const context = {
    policy,
    userId: DEVICE,
    session: 0,
    contentInfo: { url: URL_, size: content.length, encryption: fakePackage({}).keys },
  } as unknown as EnforcementContext;
  // The download waits out its size over the link on the virtual clock: run the clock while it works.
  const run = async () => {
    const delivery = download(context);
    await clock.runUntil(T0 + 3_600_000);
    return delivery;
  };
  return { device, path, served, spool, run };
}

describe("content download to the Incoming folder", () => {
  it("streams a large .bin into a real file while it arrives, and the device's file is backed by it", async () => {
    const content = patterned(6 * 1024 * 1024 + 123);
    const { device, path, served, spool, run } = setup(content);
    try {
      const delivery = await run();
      expect(delivery.bytes).toBe(content.length);
      // Before the last chunk arrived, the first megabytes were already in the real file and on the device.
      const beforeLast = served.seen.at(-1)!;
      expect(beforeLast.offset).toBeGreaterThan(5 * 1024 * 1024);
      expect(beforeLast.diskBytes).toBe(beforeLast.offset);
      expect(beforeLast.backed).toBeGreaterThanOrEqual(beforeLast.offset - 1024 * 1024);
      expect(served.seen.filter((s) => s.backed !== undefined).length).toBeGreaterThan(10);
      // The finished file: a DiskBacking of the whole .bin, read back byte for byte.
      const backing = device.fs.diskBacking?.(path);
      expect(backing?.size).toBe(content.length);
      expect(Buffer.from(readFileSync(backing!.diskPath)).equals(Buffer.from(content))).toBe(true);
      expect(Buffer.from(device.fs.readFile(path)).equals(Buffer.from(content))).toBe(true);
      expect(device.fs.stat(path)?.size).toBe(content.length);
    } finally {
      await spool.dispose();
    }
  });

  it("keeps a small .bin in memory (no real file)", async () => {
    const content = patterned(300_000);
    const { device, path, served, spool, run } = setup(content);
    await run();
    expect(device.fs.diskBacking?.(path)).toBeUndefined();
    expect(served.seen.every((s) => s.diskBytes === undefined)).toBe(true);
    expect(Buffer.from(device.fs.readFile(path)).equals(Buffer.from(content))).toBe(true);
    expect(spool.pathOf(`${APP}_1.bin`)).toBeUndefined();
  });

  it("resumes a dropped link into the same real file from the byte it reached", async () => {
    const content = patterned(4 * 1024 * 1024);
    const { device, path, served, spool, run } = setup(content, 3 * CHUNK * 4);
    try {
      await run();
      expect(served.ranges).toEqual([0, 3 * CHUNK * 4]);
      const diskPath = device.fs.diskBacking?.(path)?.diskPath ?? "";
      expect(diskPath).toBe(spool.pathOf(`${APP}_1.bin`));
      expect(Buffer.from(readFileSync(diskPath)).equals(Buffer.from(content))).toBe(true);
    } finally {
      await spool.dispose();
    }
    expect(existsSync(device.fs.diskBacking?.(path)?.diskPath ?? "")).toBe(false);
  });
});
