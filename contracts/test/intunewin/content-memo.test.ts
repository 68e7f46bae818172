// Small content checked or extracted again (a fleet's devices, the same package under the same keys) gives what the
// full pass gives: the same files to a sink of its own, the same summary, the same failures for anything changed.
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  type ContentSink,
  createMemorySink,
  extractContent,
  verifyEncryptedContent,
} from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest } from "./helpers.ts";

function smallContent() {
  const zip = buildZip([
    { name: "install.cmd", data: Buffer.from("exit /b 0\r\n".repeat(40)) },
    { name: "data/", data: Buffer.alloc(0), deflate: false },
    { name: "data/payload.txt", data: Buffer.from("payload ".repeat(500)) },
  ]);
  return encryptForTest(zip);
}

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => "resolved",
    (error: unknown) => (isImesimError(error) ? error.code : `untyped: ${String(error)}`),
  );

describe("content checked or extracted before", () => {
  it("gives a second sink the same files and the summary, in buffers of its own", async () => {
    const { encrypted, info } = smallContent();
    const first = createMemorySink();
    const firstSummary = await extractContent(encrypted, info, first);
    const second = createMemorySink();
    const secondSummary = await extractContent(Buffer.from(encrypted), { ...info }, second);
    expect(secondSummary).toEqual(firstSummary);
    expect(second.committed).toBe(true);
    expect([...second.files.keys()]).toEqual(["install.cmd", "data/payload.txt"]);
    expect([...second.directories]).toEqual([...first.directories]);
    expect(second.files.get("data/payload.txt")?.toString()).toBe("payload ".repeat(500));
    // Nothing is shared: changing what one caller got changes nothing another gets.
    first.files.get("install.cmd")?.fill(0);
    secondSummary.entries[0]!.modified.setTime(0);
    const third = createMemorySink();
    const thirdSummary = await extractContent(encrypted, info, third);
    expect(third.files.get("install.cmd")?.toString()).toBe("exit /b 0\r\n".repeat(40));
    expect(thirdSummary).toEqual(firstSummary);
  });

  it("fails a changed byte, other keys or another size as the full pass does", async () => {
    const { encrypted, info } = smallContent();
    await extractContent(encrypted, info, createMemorySink());
    await verifyEncryptedContent(encrypted, info);
    await verifyEncryptedContent(encrypted, info, { decrypt: false });
    const flipped = Buffer.from(encrypted);
    flipped[100] = (flipped[100] ?? 0) ^ 1;
    expect(await codeOf(extractContent(flipped, info, createMemorySink()))).toBe("INTUNEWIN_MAC_MISMATCH");
    expect(await codeOf(verifyEncryptedContent(flipped, info))).toBe("INTUNEWIN_MAC_MISMATCH");
    expect(await codeOf(verifyEncryptedContent(flipped, info, { decrypt: false }))).toBe(
      "INTUNEWIN_MAC_MISMATCH",
    );
    const otherKeys = { ...info, FileDigest: Buffer.alloc(32, 7).toString("base64") };
    expect(await codeOf(extractContent(encrypted, otherKeys, createMemorySink()))).toBe(
      "INTUNEWIN_DIGEST_MISMATCH",
    );
    expect(await codeOf(verifyEncryptedContent(encrypted, otherKeys))).toBe("INTUNEWIN_DIGEST_MISMATCH");
    expect(
      await codeOf(extractContent(encrypted, info, createMemorySink(), { unencryptedContentSize: 1 })),
    ).toBe("INTUNEWIN_ENCRYPTED_SIZE_MISMATCH");
  });

  it("checks the caller's bytes as they are now, not as they were when remembered", async () => {
    const { encrypted, info } = smallContent();
    await extractContent(encrypted, info, createMemorySink());
    await verifyEncryptedContent(encrypted, info);
    encrypted[200] = (encrypted[200] ?? 0) ^ 1;
    expect(await codeOf(extractContent(encrypted, info, createMemorySink()))).toBe("INTUNEWIN_MAC_MISMATCH");
    expect(await codeOf(verifyEncryptedContent(encrypted, info))).toBe("INTUNEWIN_MAC_MISMATCH");
  });

  it("aborts a sink that fails, with the error the full pass gives", async () => {
    const { encrypted, info } = smallContent();
    await extractContent(encrypted, info, createMemorySink());
    const aborted: unknown[] = [];
    const failing: ContentSink = {
      directory() {},
      async file(entry) {
        throw new Error(`disk full at ${entry.path}`);
      },
      commit() {},
      abort(reason) {
        aborted.push(reason);
      },
    };
    const error = await extractContent(encrypted, info, failing).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INTUNEWIN_IO_FAILED", path: "install.cmd" });
    expect(aborted).toEqual([error]);
  });
});
