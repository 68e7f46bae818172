import { ImesimError, isImesimError } from "../errors/index.ts";
import { IntunewinErrorCode } from "./error-codes.ts";

/**
 * A filesystem failure as the codec's typed error, naming what was being done and the path, so the CLI prints
 * one line instead of a stack trace (issue 3 acceptance: EACCES from a read-only parent, ENOTDIR at commit).
 */
export function ioFailed(action: string, path: string, error: unknown): ImesimError {
  // Node's message is "EACCES: permission denied, open '<path>'"; the part before the comma says it all.
  const why = ((error as Error).message ?? String(error)).split(",")[0];
  return new ImesimError(IntunewinErrorCode.ioFailed, `cannot ${action} ${path}: ${why}`, {
    path,
    cause: error,
  });
}

/** Runs a filesystem step, turning its failure into INTUNEWIN_IO_FAILED (the codec's own errors pass). */
export async function io<T>(action: string, path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isImesimError(error)) throw error;
    throw ioFailed(action, path, error);
  }
}
