import { describe, expect, it } from "vitest";
import { createActor, createMachine } from "xstate";
import { createVirtualClock, whileHeld } from "../../src/clock/index.ts";

const START = Date.UTC(2026, 0, 1, 8, 0, 0);

describe("virtual clock", () => {
  it("fires timers in due order and jumps time to each one", async () => {
    const clock = createVirtualClock(START);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(["b", clock.now() - START]), 5 * 60_000);
    clock.setTimeout(() => fired.push(["a", clock.now() - START]), 1_000);
    clock.setTimeout(() => fired.push(["c", clock.now() - START]), 5 * 60_000);
    await clock.advanceBy(24 * 3_600_000);
    expect(fired).toEqual([
      ["a", 1_000],
      ["b", 300_000],
      ["c", 300_000],
    ]);
    expect(clock.now()).toBe(START + 24 * 3_600_000);
  });

  it("does not fire cleared timers nor timers beyond the horizon", async () => {
    const clock = createVirtualClock(START);
    const fired: string[] = [];
    const handle = clock.setTimeout(() => fired.push("cleared"), 10);
    clock.clearTimeout(handle);
    clock.setTimeout(() => fired.push("later"), 10_000);
    await clock.advanceBy(9_999);
    expect(fired).toEqual([]);
    expect(clock.nextTimerAt()).toBe(START + 10_000);
    await clock.advanceBy(1);
    expect(fired).toEqual(["later"]);
  });

  it("counts a timer as pending until it fires or is cleared, once, however often it is cleared after", async () => {
    const clock = createVirtualClock(START);
    const fired = clock.setTimeout(() => {}, 10);
    const cleared = clock.setTimeout(() => {}, 20);
    clock.setTimeout(() => {}, 30);
    clock.clearTimeout(cleared);
    clock.clearTimeout(cleared);
    expect(clock.pendingTimers()).toBe(2);
    await clock.advanceBy(10);
    clock.clearTimeout(fired);
    clock.clearTimeout(undefined);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerAt()).toBe(START + 30);
    await clock.advanceBy(20);
    expect(clock.pendingTimers()).toBe(0);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it("lets promise chains started by a timer schedule the next timer before time moves on", async () => {
    const clock = createVirtualClock(START);
    const steps: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve();
        await clock.sleep(60_000);
        steps.push(clock.now() - START);
      }
    };
    void loop();
    await clock.advanceBy(10 * 60_000);
    expect(steps).toEqual([60_000, 120_000, 180_000]);
  });

  it("does not jump while real work holds the clock", async () => {
    const clock = createVirtualClock(START);
    let observed = -1;
    void whileHeld(clock, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      clock.setTimeout(() => {
        observed = clock.now() - START;
      }, 1_000);
    });
    await clock.advanceBy(5_000);
    expect(observed).toBe(1_000);
  });

  it("drives xstate delayed transitions", async () => {
    const clock = createVirtualClock(START);
    const machine = createMachine({
      initial: "waiting",
      states: { waiting: { after: { 3600000: "done" } }, done: { type: "final" } },
    });
    const actor = createActor(machine, { clock }).start();
    await clock.advanceBy(3_599_999);
    expect(actor.getSnapshot().value).toBe("waiting");
    await clock.advanceBy(1);
    expect(actor.getSnapshot().value).toBe("done");
  });

  it("refuses to run backwards", async () => {
    const clock = createVirtualClock(START);
    await expect(clock.runUntil(START - 1)).rejects.toMatchObject({ code: "CLOCK_BACKWARDS" });
  });
});
