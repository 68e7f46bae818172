import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/imesim.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "imesim-serve-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("imesim serve --client-id / --client-secret", () => {
  for (const [flag, value] of [
    ["--client-id", "admin-app"],
    ["--client-secret", "s3cret"],
  ] as const) {
    it(`refuses ${flag} alone (it would silently accept every client), exit 2, nothing started`, () => {
      const data = join(dir, flag.slice(2));
      const result = spawnSync(process.execPath, [BIN, "serve", "--port", "0", "--data", data, flag, value], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe("imesim serve: --client-id and --client-secret go together\n");
      expect(result.stdout).toBe("");
      expect(existsSync(data)).toBe(false);
    });
  }
});
