import { describe, expect, it } from "vitest";
import { frozenParseMemo } from "../../src/schema/index.ts";

describe("frozenParseMemo", () => {
  it("parses a text once, hands every reader the same deep-frozen result, and forgets the oldest text first", () => {
    const parsed: string[] = [];
    const parse = frozenParseMemo((text: string) => {
      parsed.push(text);
      return { text, inner: { list: [text] } };
    }, 2);
    const first = parse("a");
    expect(parse("a")).toBe(first);
    expect(Object.isFrozen(first.inner.list)).toBe(true);
    expect(() => first.inner.list.push("b")).toThrow(TypeError);
    parse("b");
    parse("c"); // "a" is the oldest of three: forgotten
    parse("b");
    parse("a");
    expect(parsed).toEqual(["a", "b", "c", "a"]);
  });

  it("does not remember a text the parse rejects", () => {
    let calls = 0;
    const parse = frozenParseMemo((text: string) => {
      calls += 1;
      throw new SyntaxError(`bad ${text}`);
    }, 4);
    expect(() => parse("x")).toThrow("bad x");
    expect(() => parse("x")).toThrow("bad x");
    expect(calls).toBe(2);
  });
});
