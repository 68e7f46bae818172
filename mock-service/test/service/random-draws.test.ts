import { describe, expect, it } from "vitest";
import { randomDraws } from "../../src/random-draws.ts";

describe("randomDraws", () => {
  it("hands out pieces of the asked size that never share a byte of a block, and refills after the last", () => {
    const draw = randomDraws(4, 3);
    const first = [draw(), draw(), draw()];
    expect(first.map((piece) => piece.length)).toEqual([4, 4, 4]);
    // One block: consecutive, non-overlapping pieces of the same memory.
    expect(new Set(first.map((piece) => piece.byteOffset)).size).toBe(3);
    expect(first[1]!.byteOffset - first[0]!.byteOffset).toBe(4);
    const before = Buffer.concat(first);
    const next = draw();
    // The fourth draw starts the block over with fresh bytes (12 random bytes equal by chance: 2^-96).
    expect(next.byteOffset).toBe(first[0]!.byteOffset);
    expect(Buffer.concat([draw(), draw()]).length).toBe(8);
    expect(Buffer.concat(first).equals(before)).toBe(false);
  });

  it("keeps its block apart from Node's shared Buffer pool", () => {
    const piece = randomDraws(16)();
    expect(piece.buffer.byteLength).toBe(16 * 256);
  });
});
