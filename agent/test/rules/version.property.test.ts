import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions, compareVersionText, parseVersion, type Version } from "../../src/rules/index.ts";

const part = fc.integer({ min: 0, max: 2147483647 });
const smallPart = fc.integer({ min: 0, max: 12 });
const version = fc.array(fc.oneof(part, smallPart), { minLength: 2, maxLength: 4 });

describe("version comparison (System.Version, ime.md §7.2)", () => {
  it("is a total order: reflexive, antisymmetric, transitive, total", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(compareVersions(a, b)).toBe(-compareVersions(b, a) || 0);
        if (compareVersions(a, b) === 0) expect(a).toEqual(b);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("agrees with sorting: sorting by it gives a sequence where each is <= the next", () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 30 }), (list) => {
        const sorted = [...list].sort(compareVersions);
        for (let i = 1; i < sorted.length; i += 1) {
          expect(compareVersions(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it("compares parts as numbers, not text, and an absent part sorts before 0 (1.0 < 1.0.0)", () => {
    fc.assert(
      fc.property(version, (v) => {
        // Leading zeros do not change a part's value.
        const padded = v.map((n) => `00${n}`).join(".");
        expect(compareVersionText(padded, v.join("."))).toBe(0);
        expect(compareVersions(parseVersion(padded)!, v)).toBe(0);
        if (v.length < 4) expect(compareVersions(v, [...v, 0])).toBe(-1);
      }),
    );
    expect(compareVersionText("1.10", "1.9")).toBe(1);
    expect(compareVersionText("10.0.1", "9.0")).toBe(1);
    expect(compareVersionText("25.01.00.0", "25.1.0.0")).toBe(0);
    expect(compareVersionText("1.0", "1.0.0.0")).toBe(-1);
  });

  it("parses only what System.Version parses: 2 to 4 parts of digits within Int32", () => {
    const valid: Array<[string, Version]> = [
      ["1.2", [1, 2]],
      ["1.2.3.4", [1, 2, 3, 4]],
      [" 5.00.9096.1000 ", [5, 0, 9096, 1000]],
    ];
    for (const [text, parsed] of valid) expect(parseVersion(text)).toEqual(parsed);
    for (const text of ["1", "1.2.3.4.5", "1.-2", "1.a", "1..2", "", "2147483648.0", "v1.2"]) {
      expect(parseVersion(text), text).toBeUndefined();
    }
  });

  it("falls back to a case-insensitive string comparison when a side is not a version", () => {
    expect(compareVersionText("beta", "BETA")).toBe(0);
    expect(compareVersionText("10", "9")).toBe(-1);
    expect(compareVersionText("1.0-rc1", "1.0")).toBe(1);
  });
});
