// PackOptions.pool (issue 18): many small packs share one deflate pool, which the caller owns and pack leaves open;
// `imesim run` publishes a scenario's apps this way instead of starting a pool's workers for every app.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDeflatePool, type DeflatePool, packFolder, unpackPackage } from "../../src/intunewin/index.ts";
import { readTree, tempFolder, writeTree } from "./helpers.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("packing on a shared deflate pool", () => {
  it("packs every folder on the caller's pool and leaves it open", async () => {
    const pool = createDeflatePool(1);
    let jobs = 0;
    const counting: DeflatePool = {
      size: pool.size,
      deflate: (...args) => {
        jobs += 1;
        return pool.deflate(...args);
      },
      close: () => pool.close(),
    };
    try {
      for (const name of ["first", "second"]) {
        const root = tempFolder();
        cleanups.push(root.cleanup);
        writeTree(join(root.path, "src"), { "setup.exe": `${name} installer`, "data/readme.txt": name });
        const packed = await packFolder({
          sourceFolder: join(root.path, "src"),
          setupFile: "setup.exe",
          outputFolder: join(root.path, "out"),
          overwrite: true,
          pool: counting,
        });
        const unpacked = await unpackPackage(packed.outputPath, join(root.path, "unpacked"));
        expect(unpacked.detection.SetupFile).toBe("setup.exe");
        expect(readTree(join(root.path, "unpacked"))).toEqual(readTree(join(root.path, "src")));
      }
      expect(jobs).toBeGreaterThanOrEqual(2);
      // Still open after both packs: it compresses another chunk.
      const result = await pool.deflate(Buffer.from("still open"), undefined, true, 6);
      expect(result).toBeDefined();
    } finally {
      await pool.close();
    }
  });
});
