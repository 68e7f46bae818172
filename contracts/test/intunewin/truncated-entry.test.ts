import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createMemorySink, extractContent } from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest } from "./helpers.ts";

// Found by the fuzz test: a central directory that claims more compressed bytes than the zip holds sends
// the entry down the streaming inflate path, whose reader then runs dry mid-entry. That must end in one
// typed error — not a hang waiting for input, and not a rejection nobody observes.
describe("an entry whose compressed size runs past the end of the content zip", () => {
  it("fails with INTUNEWIN_INNER_ZIP_INVALID and commits nothing", async () => {
    const zip = buildZip([{ name: "setup.exe", data: randomBytes(64 << 10) }]);
    const directoryOffset = zip.readUInt32LE(zip.length - 22 + 16);
    zip.writeUInt32LE(5 << 20, directoryOffset + 20); // compressed size: 5 MiB, beyond the small-entry path
    const { encrypted, info } = encryptForTest(zip);
    const sink = createMemorySink();
    await expect(extractContent(encrypted, info, sink)).rejects.toMatchObject({
      code: "INTUNEWIN_INNER_ZIP_INVALID",
    });
    expect(sink.committed).toBe(false);
    expect(sink.files.size).toBe(0);
  });
});
