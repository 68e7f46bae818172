import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeWindowsPath, parseWindowsPath } from "../../src/host/index.ts";

const nameChar = fc.constantFrom(..."abcXYZ019 ._-()é".split(""));
const segment = fc.oneof(
  fc.string({ unit: nameChar, minLength: 1, maxLength: 8 }).filter((s) => s.replace(/[. ]+$/, "") !== ""),
  fc.constantFrom(".", "..", ""),
);
const rawPath = fc
  .tuple(
    fc.constantFrom("C:", "c:", "D:", "\\\\?\\C:"),
    fc.array(fc.tuple(fc.constantFrom("\\", "/"), segment), { maxLength: 8 }),
    fc.constantFrom("", "\\", "/"),
  )
  .map(([drive, parts, tail]) => `${drive}${parts.map(([sep, name]) => sep + name).join("")}${tail}`);

describe("Windows path normalisation", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(rawPath, (path) => {
        const once = normalizeWindowsPath(path);
        expect(normalizeWindowsPath(once)).toBe(once);
      }),
    );
  });

  it("yields an upper-case drive, only backslashes, and no . or .. names", () => {
    fc.assert(
      fc.property(rawPath, (path) => {
        const normal = normalizeWindowsPath(path);
        expect(normal).toMatch(/^[A-Z]:\\/);
        expect(normal).not.toContain("/");
        expect(parseWindowsPath(normal).names.every((n) => n !== "." && n !== ".." && !/[. ]$/.test(n))).toBe(
          true,
        );
      }),
    );
  });

  it("resolves dot segments and trailing dots like Win32", () => {
    expect(normalizeWindowsPath("c:/Program Files/./App/../App. /x.txt")).toBe(
      "C:\\Program Files\\App\\x.txt",
    );
    expect(normalizeWindowsPath("C:\\..\\..")).toBe("C:\\");
    expect(normalizeWindowsPath("\\\\?\\C:\\Windows\\")).toBe("C:\\Windows");
    expect(() => normalizeWindowsPath("\\\\server\\share")).toThrow(/absolute Windows path/);
  });
});
