import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../../src/clock/index.ts";
import { createEventStream } from "../../src/events/index.ts";
import { createLogWriter, formatCmtraceLine, parseCmtrace } from "../../src/log/index.ts";
import { temporaryFolder } from "../support/temporary-folder.ts";

const START = Date.UTC(2026, 7, 20, 14, 13, 36, 842);

describe("CMTrace line grammar (ime.md §1.2)", () => {
  it("formats the real AgentExecutor example exactly", () => {
    const line = formatCmtraceLine({
      message: "ExecutorLog AgentExecutor gets invoked",
      localTimeMs: START,
      subMsTicks: 339,
      component: "AgentExecutor",
      type: 1,
      thread: 1,
    });
    expect(line).toBe(
      '<![LOG[ExecutorLog AgentExecutor gets invoked]LOG]!><time="14:13:36.8420339" date="8-20-2026" component="AgentExecutor" context="" type="1" thread="1" file="">\r\n',
    );
  });

  it("does not zero-pad month or day, and pads the time", () => {
    const line = formatCmtraceLine({
      message: "x",
      localTimeMs: Date.UTC(2023, 1, 4, 3, 5, 7, 9),
      component: "AppWorkload",
      type: 2,
      thread: 14,
    });
    expect(line).toContain('time="03:05:07.0090000" date="2-4-2023"');
  });
});

describe("log writer", () => {
  it("writes a BOM, local time, the component of each file and multi-line messages", async () => {
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    const writer = createLogWriter(stream, { utcOffsetMinutes: 120 });
    stream.emit({ phase: "service.started", details: { agentVersion: "1.101.111.0", reason: "start" } });
    stream.emit(
      {
        phase: "apps.received",
        details: { count: 1, session: 0, policiesJson: '[{"Id":"a",\n"Name":"x"}]' },
      },
      { userId: "u1", thread: 14 },
    );
    const ime = writer.read("IntuneManagementExtension");
    expect(ime.startsWith("\uFEFF<![LOG[EMS Agent Started]LOG]!>")).toBe(true);
    expect(ime).toContain('time="16:13:36.842');
    const records = parseCmtrace(writer.read("AppWorkload"));
    expect(records.map((r) => r.message)).toEqual([
      "[Win32App] Got 1 Win32App(s) for user u1 in session 0",
      'Get policies = [{"Id":"a",\n"Name":"x"}]',
    ]);
    expect(records.every((r) => r.component === "AppWorkload" && r.thread === 14)).toBe(true);
    await clock.settle();
  });

  it("rotates to <Base>-YYYYMMDD-HHMMSS.log on disk when the file would exceed its size", async () => {
    const dir = temporaryFolder("imesim-log-");
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    const writer = createLogWriter(stream, { dir, maxBytes: 1_000, maxHistory: 2 });
    for (let i = 0; i < 30; i++) {
      stream.emit({ phase: "poller.sessions", details: { count: i } });
      await clock.advanceBy(1_000);
    }
    writer.close();
    const names = readdirSync(dir).sort();
    expect(names).toContain("AppWorkload.log");
    const rotated = names.filter((n) => /^AppWorkload-\d{8}-\d{6}\.log$/.test(n));
    expect(rotated).toHaveLength(2);
    expect(writer.rotated("AppWorkload")).toEqual(rotated);
    const current = readFileSync(join(dir, "AppWorkload.log"));
    expect([...current.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(current.length).toBeLessThanOrEqual(1_000);
    expect(parseCmtrace(current.toString("utf8")).at(-1)?.message).toBe(
      "[Win32App] Got 29 active user sessions",
    );
  });

  it("counts what a previous run left in the file it appends to", async () => {
    const dir = temporaryFolder("imesim-log-");
    writeFileSync(join(dir, "AppWorkload.log"), `\uFEFF${"x".repeat(950)}`);
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    const writer = createLogWriter(stream, { dir, maxBytes: 1_000 });
    stream.emit({ phase: "poller.sessions", details: { count: 1 } });
    writer.close();
    expect(writer.rotated("AppWorkload")).toEqual(["AppWorkload-20260820-141336.log"]);
    expect(readFileSync(join(dir, "AppWorkload-20260820-141336.log"), "utf8")).toHaveLength(951);
    expect(parseCmtrace(readFileSync(join(dir, "AppWorkload.log"), "utf8")).map((r) => r.message)).toEqual([
      "[Win32App] Got 1 active user sessions",
    ]);
    await clock.settle();
  });

  it("keeps both files when two rotations fall in the same second", async () => {
    const dir = temporaryFolder("imesim-log-");
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    const writer = createLogWriter(stream, { dir, maxBytes: 300, maxHistory: 5 });
    for (let i = 0; i < 4; i++) stream.emit({ phase: "poller.sessions", details: { count: i } });
    writer.close();
    expect(writer.rotated("AppWorkload")).toEqual([
      "AppWorkload-20260820-141336.log",
      "AppWorkload-20260820-141336-1.log",
      "AppWorkload-20260820-141336-2.log",
    ]);
    const onDisk = readdirSync(dir).filter((n) => n.startsWith("AppWorkload-"));
    expect(onDisk.sort()).toEqual([...writer.rotated("AppWorkload")].sort());
    const messages = [...writer.rotated("AppWorkload"), "AppWorkload.log"].flatMap((n) =>
      parseCmtrace(readFileSync(join(dir, n), "utf8")).map((r) => r.message),
    );
    expect(messages).toEqual([0, 1, 2, 3].map((i) => `[Win32App] Got ${i} active user sessions`));
    await clock.settle();
  });

  it("has every line on disk as its event is emitted, without a flush (issue 13 crash semantics)", () => {
    const dir = temporaryFolder("imesim-log-live-");
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    createLogWriter(stream, { dir });
    stream.emit({ phase: "poller.sessions", details: { count: 1 } });
    const onDisk = parseCmtrace(readFileSync(join(dir, "AppWorkload.log"), "utf8"));
    expect(onDisk.map((record) => record.message)).toEqual(["[Win32App] Got 1 active user sessions"]);
    // AgentExecutor.log is there from the start, with its BOM, before anything ran through it.
    expect(readFileSync(join(dir, "AgentExecutor.log"), "utf8")).toBe("\uFEFF");
  });

  it("never lets a timestamp go backwards, even past 10,000 lines in one millisecond", () => {
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    const writer = createLogWriter(stream);
    for (let i = 0; i < 12_000; i++) stream.emit({ phase: "poller.sessions", details: { count: i } });
    const times = parseCmtrace(writer.read("AppWorkload")).map((record) => record.time);
    expect(times).toHaveLength(12_000);
    expect(times.filter((time, i) => i > 0 && time <= times[i - 1]!)).toEqual([]);
  });

  it("renders logs kept in memory when read, the same text and rotations as logs written as each step happens", async () => {
    const dir = temporaryFolder("imesim-log-");
    const clock = createVirtualClock(START);
    const stream = createEventStream({ deviceId: "dev", clock });
    const limits = { maxBytes: 20_000, maxHistory: 3, utcOffsetMinutes: 60 };
    const inMemory = createLogWriter(stream, limits);
    const onDisk = createLogWriter(stream, { dir, ...limits });
    const same = () => {
      for (const file of ["AppWorkload", "IntuneManagementExtension"] as const) {
        expect(inMemory.read(file)).toBe(onDisk.read(file));
        expect(inMemory.rotated(file)).toEqual(onDisk.rotated(file));
      }
    };
    // Past the 4096 events a memory writer keeps unrendered, reads in between, several rotations of AppWorkload.log.
    for (let i = 0; i < 5_000; i++) {
      if (i % 1_000 === 0)
        stream.emit({ phase: "service.started", details: { agentVersion: "1.101.111.0", reason: "start" } });
      stream.emit({ phase: "poller.sessions", details: { count: i } });
      if (i % 7 === 0) await clock.advanceBy(1_000);
      if (i === 10 || i === 2_500) same();
    }
    same();
    expect(inMemory.rotated("AppWorkload").length).toBe(3);
    onDisk.close();
  });
});
