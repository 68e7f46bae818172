// The per-line formatting the writer does for every line, written without ICU and per-line temporaries
// (issue 18): the text must be exactly what the straightforward formatting gave.
import { describe, expect, it } from "vitest";
import { cmtraceLine, formatCmtraceLine, formatCmtraceTime } from "../../src/log/cmtrace.ts";
import { doJobId, formatSize } from "../../src/log/lines.ts";

describe("formatSize (ime.md §1.3.7)", () => {
  it("groups thousands as en-US does, for every digit count", () => {
    const sizes = [0, 7, 12, 999, 1000, 1001, 65_536, 999_999, 1_000_000, 37_187_491, 2 ** 40 + 3, -1234];
    for (let digits = 1; digits <= 16; digits += 1)
      sizes.push(Number("9".repeat(digits)), 10 ** (digits - 1));
    for (const size of sizes) expect(formatSize(size)).toBe(`${size.toLocaleString("en-US")}.00`);
  });

  it("leaves fractions and huge numbers to the locale formatter", () => {
    expect(formatSize(1234.5)).toBe("1,234.5.00");
    expect(formatSize(2 ** 60)).toBe(`${(2 ** 60).toLocaleString("en-US")}.00`);
  });
});

describe("CMTrace line pieces", () => {
  it("writes milliseconds and ticks as seven digits", () => {
    const at = Date.UTC(2026, 0, 5, 9, 8, 7, 6);
    expect(formatCmtraceTime(at, 0)).toBe("09:08:07.0060000");
    expect(formatCmtraceTime(at, 42)).toBe("09:08:07.0060042");
    expect(formatCmtraceTime(at + 993, 9999)).toBe("09:08:07.9999999");
    expect(formatCmtraceTime(at, 10_001)).toBe("09:08:07.0060001");
  });

  it("gives the same line from the entry and from its fields, across seconds, days, types and threads", () => {
    const start = Date.UTC(2026, 11, 31, 23, 59, 59, 998);
    for (const [offset, ticks, type, thread] of [
      [0, 0, 1, 15],
      [1, 3, 2, 15],
      [2, 9999, 3, 26],
      [1000, 1, 1, 52],
      [0, 5, 2, 1],
    ] as const) {
      const entry = {
        message: "a\nb",
        localTimeMs: start + offset,
        subMsTicks: ticks,
        component: "C",
        type,
        thread,
      };
      const line = cmtraceLine("a\nb", start + offset, ticks, "C", type, thread);
      expect(formatCmtraceLine(entry)).toBe(line);
      expect(line).toMatch(
        new RegExp(
          `^<!\\[LOG\\[a\\r\\nb\\]LOG\\]!><time="\\d\\d:\\d\\d:\\d\\d\\.\\d{7}" date="1?\\d-\\d\\d?-202[67]" component="C" context="" type="${type}" thread="${thread}" file="">\\r\\n$`,
        ),
      );
    }
    expect(cmtraceLine("x", Date.UTC(2027, 0, 1), 0, "C", 1, 15)).toContain(
      'time="00:00:00.0000000" date="1-1-2027"',
    );
  });
});

describe("doJobId", () => {
  it("names one FileId's job the same every time, and different files differently", () => {
    const id = doJobId("file-1");
    expect(doJobId("file-1")).toBe(id);
    expect(id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(doJobId("file-2")).not.toBe(id);
  });
});
