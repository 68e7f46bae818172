// A temporary folder for one test, removed when the test ends (passed or failed): a developer who runs
// `npm test` again and again must not find thousands of `imesim-*` folders left in their temp directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh folder under the OS temp directory named `<prefix><random>`, gone after the calling test. */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
