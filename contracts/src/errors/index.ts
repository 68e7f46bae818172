/**
 * The one error type every imesim module throws for bad input or a failed operation.
 * `code` is stable (tests and users match on it); `message` names the input that was wrong;
 * `path` points into a structure (e.g. `DetectionRule[0].DetectionText.Path`) when there is one;
 * `imeErrorCode` carries the real IME/HRESULT code (e.g. 0x87D30067) where one exists.
 */
export class ImesimError extends Error {
  readonly code: string;
  readonly path: string | undefined;
  readonly imeErrorCode: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { path?: string; imeErrorCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ImesimError";
    this.code = code;
    this.path = options.path;
    this.imeErrorCode = options.imeErrorCode;
  }
}

/** True when `error` is an ImesimError, optionally with the given code. */
export function isImesimError(error: unknown, code?: string): error is ImesimError {
  return error instanceof ImesimError && (code === undefined || error.code === code);
}
