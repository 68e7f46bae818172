import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/test-containers.ts", import.meta.url));

describe("npm run test:containers", () => {
  it("fails at once saying Docker is required when no engine answers, never a silent pass", () => {
    for (const env of [
      // No docker CLI at all.
      { PATH: dirname(process.execPath) },
      // A CLI whose engine is not there.
      { PATH: process.env.PATH ?? "", DOCKER_HOST: "unix:///nonexistent/docker.sock" },
    ]) {
      const result = spawnSync(process.execPath, [SCRIPT], { encoding: "utf8", env, timeout: 60_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /^Docker is required for npm run test:containers, and no engine answered: \S/,
      );
      expect(result.stdout).not.toContain("Compose scenarios:");
    }
  });
});
