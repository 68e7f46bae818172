// Issue 19: the data folder's SQLite file holds every app's encryption keys, so nobody but the owner reads it.
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/index.ts";

const parent = mkdtempSync(join(tmpdir(), "imesim-modes-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("the data folder", () => {
  it("is made 0700 with the database, its WAL and SHM, and the keys 0600", async () => {
    const dataDir = join(parent, "fresh", "service");
    const server = await buildServer({ dataDir, insecureAdmin: true });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of ["imesim.sqlite", "imesim.sqlite-wal", "imesim.sqlite-shm"]) {
        expect(existsSync(join(dataDir, file))).toBe(true);
        expect(modeOf(join(dataDir, file))).toBe(0o600);
      }
      expect(modeOf(join(dataDir, "pki"))).toBe(0o700);
      expect(modeOf(join(dataDir, "blobs"))).toBe(0o700);
    } finally {
      await server.close();
    }
  });

  it("narrows a data folder an older version left readable to others", async () => {
    const dataDir = join(parent, "old");
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(join(dataDir, "imesim.sqlite"), "");
    chmodSync(join(dataDir, "imesim.sqlite"), 0o644);
    chmodSync(dataDir, 0o755);
    const server = await buildServer({ dataDir, insecureAdmin: true });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, "imesim.sqlite"))).toBe(0o600);
      expect(modeOf(join(dataDir, "imesim.sqlite-wal"))).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  // A container's unprivileged user restarting on a bind mount that root made 0777 for it (the testcontainers
  // mock-crash test): the folder is not the service's to chmod, and trying (EPERM) used to stop the restart.
  // Only root can hand a folder to another owner, so only root can set this up.
  it.runIf(process.getuid?.() === 0)("leaves a folder another user owns as its owner set it", async () => {
    const dataDir = join(parent, "bind-mount");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "imesim.sqlite"), "");
    chmodSync(dataDir, 0o777);
    chownSync(dataDir, 1000, 1000);
    const server = await buildServer({ dataDir, insecureAdmin: true });
    try {
      expect(modeOf(dataDir)).toBe(0o777);
      expect(modeOf(join(dataDir, "imesim.sqlite"))).toBe(0o600);
    } finally {
      await server.close();
    }
  });
});
