// The waiting steps' actor logic behaves as xstate's fromPromise does for the charts: onDone gets the promise's value,
// onError its rejection, and a step whose state was left before it settled sends nothing.
import { describe, expect, it } from "vitest";
import { assign, createActor, fromPromise, setup, waitFor } from "xstate";
import { waitingStep } from "../../src/machines/waiting-step.ts";

/** A chart that runs `step` once: done → `done` with the output, error → `failed` with the error. */
const chartOf = (step: ReturnType<typeof waitingStep<number, number>>) =>
  setup({
    types: { context: {} as { result: unknown } },
    actors: { step },
  }).createMachine({
    context: { result: undefined },
    initial: "running",
    states: {
      running: {
        invoke: {
          src: "step",
          input: 20,
          onDone: { target: "done", actions: assign({ result: ({ event }) => event.output }) },
          onError: { target: "failed", actions: assign({ result: ({ event }) => event.error }) },
        },
        on: { LEAVE: "left" },
      },
      left: {},
      done: { type: "final" },
      failed: { type: "final" },
    },
  });

describe("waitingStep", () => {
  it("hands the promise's value to onDone, as fromPromise does", async () => {
    for (const step of [
      waitingStep(async (n: number) => n + 1),
      fromPromise<number, number>(async ({ input }) => input + 1),
    ]) {
      const actor = createActor(chartOf(step as never)).start();
      const snapshot = await waitFor(actor, (s) => s.status === "done");
      expect(snapshot.value).toBe("done");
      expect(snapshot.context.result).toBe(21);
    }
  });

  it("hands the rejection to onError", async () => {
    const failure = new Error("no answer");
    const actor = createActor(chartOf(waitingStep(() => Promise.reject(failure)))).start();
    const snapshot = await waitFor(actor, (s) => s.status === "done");
    expect(snapshot.value).toBe("failed");
    expect(snapshot.context.result).toBe(failure);
  });

  it("sends nothing once its state is left", async () => {
    let settle: (n: number) => void = () => {};
    const actor = createActor(chartOf(waitingStep(() => new Promise<number>((r) => (settle = r))))).start();
    actor.send({ type: "LEAVE" });
    settle(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(actor.getSnapshot().value).toBe("left");
    expect(actor.getSnapshot().context.result).toBeUndefined();
  });
});
