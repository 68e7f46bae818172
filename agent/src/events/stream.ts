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
    emit(body, subject = {}) {
      seq += 1;
      const event = {
        seq,
        deviceId: options.deviceId,
        ...(subject.userId === undefined ? {} : { userId: subject.userId }),
        ...(subject.appId === undefined ? {} : { appId: subject.appId }),
        simTime: options.clock.now(),
        wallTime: wall(),
        thread: subject.thread ?? threadOf(body.phase),
        ...body,
      } as ImeEvent;
      for (const listener of listeners) listener(event);
      return event;
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
