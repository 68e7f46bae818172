import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import {
  createMemorySink,
  extractContent,
  inspectPackage,
  parseDetectionXml,
  readPackage,
} from "../../src/intunewin/index.ts";
import { buildZip, encryptForTest, fixture } from "./helpers.ts";

const PACKAGE = readFileSync(fixture("Rhuberry_TimeZoneAutoUpdate__install.intunewin"));
const XML =
  '<ApplicationInfo ToolVersion="1.8.7.0"><Name>a</Name><UnencryptedContentSize>1</UnencryptedContentSize></ApplicationInfo>';
const CONTENT_ZIP = buildZip([
  { name: "install.cmd", data: Buffer.from("exit /b 0\r\n".repeat(40)) },
  { name: "sub/file.txt", data: Buffer.from("hello"), deflate: false },
]);

/** Runs `action` and fails the property unless it succeeds or throws an ImesimError. */
async function onlyTypedErrors(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isImesimError(error)) throw error;
  }
}

/** Applies random byte edits, truncation or insertion to `base`. */
const mutation = (base: Buffer) =>
  fc.oneof(
    fc
      .array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((edits) => {
        const copy = Buffer.from(base);
        for (const [at, value] of edits) copy[at] = value;
        return copy;
      }),
    fc.nat(base.length).map((length) => base.subarray(0, length)),
    fc
      .tuple(fc.nat(base.length), fc.uint8Array({ minLength: 1, maxLength: 64 }))
      .map(([at, bytes]) => Buffer.concat([base.subarray(0, at), Buffer.from(bytes), base.subarray(at)])),
  );

describe("readers under mutation: no crash, no hang, only typed errors", () => {
  it("parseDetectionXml on arbitrary and mutated text", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          mutation(Buffer.from(XML)).map((b) => b.toString("latin1")),
        ),
        async (text) => {
          await onlyTypedErrors(async () => parseDetectionXml(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("readPackage and inspectPackage on mutated packages", async () => {
    await fc.assert(
      fc.asyncProperty(mutation(PACKAGE), async (bytes) => {
        await onlyTypedErrors(async () => (await readPackage(bytes)).close());
        const result = await inspectPackage(bytes);
        expect(Array.isArray(result.findings)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("extractContent on mutated content zips whose MAC is valid", async () => {
    await fc.assert(
      fc.asyncProperty(mutation(CONTENT_ZIP), async (zip) => {
        const { encrypted, info } = encryptForTest(zip);
        const sink = createMemorySink();
        await onlyTypedErrors(() => extractContent(encrypted, info, sink));
        // Either everything verified and was committed, or nothing is visible.
        if (!sink.committed) expect(sink.files.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
