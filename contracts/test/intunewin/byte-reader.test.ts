import { describe, expect, it } from "vitest";
import { isImesimError } from "../../src/errors/index.ts";
import { ByteReader } from "../../src/intunewin/byte-reader.ts";

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

describe("ByteReader", () => {
  it("reads exact lengths across chunk boundaries, then streams the rest in order", async () => {
    const reader = new ByteReader(chunks("ab", "cdef", "g", "hijk"));
    expect((await reader.readExact(1)).toString()).toBe("a");
    expect((await reader.readExact(6)).toString()).toBe("bcdefg");
    expect(reader.position).toBe(7);
    const rest: string[] = [];
    for await (const piece of reader.take(3)) rest.push(piece.toString());
    expect(rest.join("")).toBe("hij");
    expect((await reader.readExact(1)).toString()).toBe("k");
    expect(reader.position).toBe(11);
  });

  it("a read past the end is INTUNEWIN_INNER_ZIP_INVALID naming where the data ended", async () => {
    const reader = new ByteReader(chunks("abc", "de"));
    await reader.readExact(2);
    const error = await reader.readExact(10).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isImesimError(error, "INTUNEWIN_INNER_ZIP_INVALID")).toBe(true);
    expect((error as Error).message).toContain("byte 5");
  });
});
