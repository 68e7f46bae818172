// The compile cache the bin turns on (e2e/bin/compile-cache.cjs): on in the process and in the worker threads it
// starts (they read NODE_COMPILE_CACHE, not the caller's switch), in the project's node_modules unless the user
// named a folder or turned it off. Each case runs in a fresh Node: the cache is a process-wide switch.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const modulePath = createRequire(import.meta.url).resolve("../../bin/compile-cache.cjs");
const { COMPILE_CACHE_DIR } = createRequire(import.meta.url)(modulePath) as { COMPILE_CACHE_DIR: string };
const folder = mkdtempSync(join(tmpdir(), "imesim-compile-cache-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** What a fresh Node reports after useCompileCache(): its env, its own cache folder and a worker's. */
function cacheAfterUse(env: Record<string, string>) {
  const script = `
    const module_ = require("node:module");
    const { Worker } = require("node:worker_threads");
    require(${JSON.stringify(modulePath)}).useCompileCache();
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(require("node:module").getCompileCacheDir() ?? null)', { eval: true });
    worker.once("message", (inWorker) => {
      console.log(JSON.stringify({ env: process.env.NODE_COMPILE_CACHE ?? null, here: module_.getCompileCacheDir() ?? null, inWorker }));
    });`;
  const clean = { ...process.env };
  delete clean.NODE_COMPILE_CACHE;
  delete clean.NODE_DISABLE_COMPILE_CACHE;
  const output = execFileSync(process.execPath, ["-e", script], {
    env: { ...clean, ...env },
    encoding: "utf8",
  });
  return JSON.parse(output) as { env: string | null; here: string | null; inWorker: string | null };
}

describe("the bin's compile cache", () => {
  it("lives in the project's node_modules and reaches the worker threads", () => {
    const seen = cacheAfterUse({});
    expect(COMPILE_CACHE_DIR.endsWith(join("node_modules", ".cache", "imesim-compile"))).toBe(true);
    expect(seen.env).toBe(COMPILE_CACHE_DIR);
    expect(seen.here?.startsWith(COMPILE_CACHE_DIR)).toBe(true);
    expect(seen.inWorker).toBe(seen.here);
  });

  it("keeps a folder the user named", () => {
    const seen = cacheAfterUse({ NODE_COMPILE_CACHE: folder });
    expect(seen.env).toBe(folder);
    expect(seen.here?.startsWith(folder)).toBe(true);
    expect(seen.inWorker).toBe(seen.here);
  });

  it("stays off when the user turned Node's cache off", () => {
    expect(cacheAfterUse({ NODE_DISABLE_COMPILE_CACHE: "1" })).toEqual({
      env: null,
      here: null,
      inWorker: null,
    });
  });
});
