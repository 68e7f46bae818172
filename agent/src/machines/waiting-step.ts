// The actor logic of a chart step that waits (the service, the network, the installer's process): xstate's promise
// logic without what no step here uses. `fromPromise` makes an AbortController per actor (and keeps it in a
// WeakMap) so a stopped actor can abort its promise; no step reads that signal, and a device runs about 50 such
// actors per 3 hours (issue 18). The snapshots and events are fromPromise's, so a chart invokes it the same way
// (`onDone` gets the output, `onError` the rejection) and stops it the same way.
import type { PromiseActorLogic, PromiseSnapshot } from "xstate";

/** The events the actor sends itself when its promise settles (the names fromPromise uses). */
const RESOLVE = "xstate.promise.resolve";
const REJECT = "xstate.promise.reject";
const STOP = "xstate.stop";

/** Promise actor logic running `run` over the actor's input. */
export function waitingStep<TOutput, TInput>(
  run: (input: TInput) => PromiseLike<TOutput>,
): PromiseActorLogic<TOutput, TInput> {
  return {
    config: run,
    transition: (snapshot, event) => {
      if (snapshot.status !== "active") return snapshot;
      switch (event.type) {
        case RESOLVE:
          return { ...snapshot, status: "done", output: event.data as TOutput, input: undefined };
        case REJECT:
          return { ...snapshot, status: "error", error: event.data, input: undefined };
        case STOP:
          return { ...snapshot, status: "stopped", input: undefined };
        default:
          return snapshot;
      }
    },
    start: (snapshot, { self }) => {
      if (snapshot.status !== "active") return;
      // Settled as fromPromise settles (one `then` on the step's promise), so every step ends on the same tick.
      Promise.resolve(run(snapshot.input as TInput)).then(
        (output) => {
          if (self.getSnapshot().status === "active") self.send({ type: RESOLVE, data: output });
        },
        (error: unknown) => {
          if (self.getSnapshot().status === "active") self.send({ type: REJECT, data: error });
        },
      );
    },
    getInitialSnapshot: (_, input): PromiseSnapshot<TOutput, TInput> => ({
      status: "active",
      output: undefined,
      error: undefined,
      input,
    }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as PromiseSnapshot<TOutput, TInput>,
  };
}
