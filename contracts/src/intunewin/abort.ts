import { ImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/** What was stopped, for the message. */
export type AbortableWork = "packing" | "extraction";

/** The error a stopped pack or unpack ends with (INTUNEWIN_ABORTED), carrying the signal's reason. */
export function abortedError(signal: AbortSignal, work: AbortableWork): ImesimError {
  const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : "";
  return new ImesimError(IntunewinErrorCode.aborted, `${work} stopped before it finished${reason}`, {
    cause: signal.reason,
  });
}

/** Throws INTUNEWIN_ABORTED once the signal has fired (read afresh at every call). */
export function throwIfAborted(signal: AbortSignal | undefined, work: AbortableWork): void {
  if (signal?.aborted === true) throw abortedError(signal, work);
}
