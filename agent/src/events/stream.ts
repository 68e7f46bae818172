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

/**
 * The event: the envelope's fields in order (events.jsonl keeps it), the subject's ids only when given, then the
 * body's own fields. Every body is `{ phase, details }`: one object literal per subject shape makes the event
 * whole in one allocation, where adding ten fields one by one grew its property store three times over (issue 18:
 * a tenth of a simulated month's allocation). Any other body is copied field by field, in its own order.
 */
function envelope(
  seq: number,
  deviceId: string,
  subject: EventSubject,
  simTime: number,
  wallTime: number,
  thread: number,
  body: ImeEventBody,
): ImeEvent {
  const { userId, appId } = subject;
  if (!isPhaseAndDetails(body)) {
    const event: Record<string, unknown> = { seq, deviceId };
    if (userId !== undefined) event.userId = userId;
    if (appId !== undefined) event.appId = appId;
    event.simTime = simTime;
    event.wallTime = wallTime;
    event.thread = thread;
    return Object.assign(event, body) as unknown as ImeEvent;
  }
  const { phase, details } = body;
  const event =
    userId === undefined
      ? appId === undefined
        ? { seq, deviceId, simTime, wallTime, thread, phase, details }
        : { seq, deviceId, appId, simTime, wallTime, thread, phase, details }
      : appId === undefined
        ? { seq, deviceId, userId, simTime, wallTime, thread, phase, details }
        : { seq, deviceId, userId, appId, simTime, wallTime, thread, phase, details };
  return event as ImeEvent;
}

/** True when `body`'s own enumerable fields are exactly `phase` then `details`. */
function isPhaseAndDetails(body: ImeEventBody): boolean {
  let index = 0;
  for (const key in body) {
    if (index === 0 ? key !== "phase" : index === 1 ? key !== "details" : true) return false;
    index += 1;
  }
  return index === 2 && Object.getPrototypeOf(body) === Object.prototype;
}

/** Hands the event (`this`) to one listener: `Set#forEach`'s callback, one function for every stream. */
function deliver(this: ImeEvent, listener: ImeEventListener): void {
  listener(this);
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
    emit(body, subject = NO_SUBJECT) {
      seq += 1;
      const event = envelope(
        seq,
        options.deviceId,
        subject,
        options.clock.now(),
        wall(),
        subject.thread ?? threadOf(body.phase),
        body,
      );
      // forEach sees additions and removals during the loop as for-of did, without an iterator result per listener.
      listeners.forEach(deliver, event);
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
