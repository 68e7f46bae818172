// The event's fields and their order are what events.jsonl and every reader see: the envelope first (seq,
// deviceId, the subject's ids only when given, times, thread), then the body's own fields in the body's order.
import { describe, expect, it } from "vitest";
import { createEventStream } from "../../src/events/stream.ts";
import type { ImeEventBody } from "../../src/events/types.ts";

const streamAt = (simTime: number) =>
  createEventStream({ deviceId: "dev", clock: { now: () => simTime } as never, wallClock: () => 7 });

const body = { phase: "checkin.started", details: { reason: "AgentRestart" } } as ImeEventBody;

describe("event stream envelope", () => {
  it("writes the subject's ids only when given, in envelope order, for every subject shape", () => {
    const stream = streamAt(1000);
    const shapes = [{}, { appId: "a" }, { userId: "u" }, { userId: "u", appId: "a", thread: 9 }];
    const lines = shapes.map((subject) => JSON.stringify(stream.emit(body, subject)));
    expect(lines).toEqual([
      '{"seq":1,"deviceId":"dev","simTime":1000,"wallTime":7,"thread":15,"phase":"checkin.started","details":{"reason":"AgentRestart"}}',
      '{"seq":2,"deviceId":"dev","appId":"a","simTime":1000,"wallTime":7,"thread":15,"phase":"checkin.started","details":{"reason":"AgentRestart"}}',
      '{"seq":3,"deviceId":"dev","userId":"u","simTime":1000,"wallTime":7,"thread":15,"phase":"checkin.started","details":{"reason":"AgentRestart"}}',
      '{"seq":4,"deviceId":"dev","userId":"u","appId":"a","simTime":1000,"wallTime":7,"thread":9,"phase":"checkin.started","details":{"reason":"AgentRestart"}}',
    ]);
    expect(Object.keys(stream.emit(body))).toEqual([
      "seq",
      "deviceId",
      "simTime",
      "wallTime",
      "thread",
      "phase",
      "details",
    ]);
    expect(stream.emit(body, { userId: "u" }).details).toBe(body.details);
  });

  it("copies any other body field by field, in the body's own order", () => {
    const stream = streamAt(5);
    const reordered = { details: { signal: "stop" }, phase: "service.stopping" } as unknown as ImeEventBody;
    expect(Object.keys(stream.emit(reordered))).toEqual([
      "seq",
      "deviceId",
      "simTime",
      "wallTime",
      "thread",
      "details",
      "phase",
    ]);
    const extra = { phase: "service.stopped", details: {}, note: "x" } as unknown as ImeEventBody;
    const event = stream.emit(extra, { appId: "a" });
    expect(Object.keys(event)).toEqual([
      "seq",
      "deviceId",
      "appId",
      "simTime",
      "wallTime",
      "thread",
      "phase",
      "details",
      "note",
    ]);
    expect(event.thread).toBe(1);
    const bare = stream.emit({ phase: "service.stopped" } as unknown as ImeEventBody);
    expect(Object.keys(bare)).toEqual(["seq", "deviceId", "simTime", "wallTime", "thread", "phase"]);
  });
});
