import type { TimeSource } from "../clock/types.ts";
import { threadOf } from "./threads.ts";
import type { ImeEvent, ImeEventBody } from "./types.ts";

/** A callback for every event, in emission order. */
export type ImeEventListener = (event: ImeEvent) => void;

/** Who an event is about, beyond the phase itself. */
export interface EventSubject {
  readonly userId?: string;
  readonly appId?: string;
  readonly thread?: number;
}

/** The agent's event stream: the single place steps are recorded. */
export interface ImeEventStream {
  emit(body: ImeEventBody, subject?: EventSubject): ImeEvent;
  subscribe(listener: ImeEventListener): () => void;
}

/** A service-level step's subject: shared rather than a fresh empty object per event. */
const NO_SUBJECT: EventSubject = Object.freeze({});

/** Creates the stream for one device; listeners run synchronously, so a log line lands before the next step. */
export function createEventStream(options: {
  deviceId: string;
  clock: TimeSource;
  wallClock?: () => number;
}): ImeEventStream {
  const listeners = new Set<ImeEventListener>();
  const wall = options.wallClock ?? Date.now;
  let seq = 0;
  return {
    emit(body, subject = NO_SUBJECT) {
      seq += 1;
      // Built field by field in the envelope's order (events.jsonl keeps it), then the body's own fields: the
      // same object the spreads made, without their temporaries (one event per step, issue 18).
      const event: Record<string, unknown> = { seq, deviceId: options.deviceId };
      if (subject.userId !== undefined) event.userId = subject.userId;
      if (subject.appId !== undefined) event.appId = subject.appId;
      event.simTime = options.clock.now();
      event.wallTime = wall();
      event.thread = subject.thread ?? threadOf(body.phase);
      const built = Object.assign(event, body) as unknown as ImeEvent;
      for (const listener of listeners) listener(built);
      return built;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Collects every event into an array (tests, `explain`, scenario expectations). */
export function recordEvents(stream: ImeEventStream): { events: ImeEvent[]; stop: () => void } {
  const events: ImeEvent[] = [];
  const stop = stream.subscribe((event) => events.push(event));
  return { events, stop };
}
