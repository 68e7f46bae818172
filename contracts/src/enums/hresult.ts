/**
 * HRESULT_FROM_WIN32 as the IME applies it to an unmapped exit code (ime.md §5.1):
 * `0x80070000 | (code & 0xFFFF)` for a positive code, so 1603 → 0x80070643 and
 * 3221225794 (0xC0000142) → 0x80070142 (the real log prints -2147024574). 0 and negative codes pass through.
 * Returned as an unsigned 32-bit number; use `toSigned32` for the value the registry and reports hold.
 */
export function hresultFromWin32(exitCode: number): number {
  const code = toUnsigned32(exitCode);
  if (exitCode <= 0) return code;
  return (0x80070000 | (code & 0xffff)) >>> 0;
}

/** The signed 32-bit reading of a code (0x87D1041C → -2016345060), as the IME stores ErrorCode. */
export function toSigned32(value: number): number {
  return value | 0;
}

/** The unsigned 32-bit reading of a code (-2016345060 → 0x87D1041C). */
export function toUnsigned32(value: number): number {
  return value >>> 0;
}

/** Formats a code as the logs and docs show it: `0x` + 8 upper-case hex digits (0x87D1041C), signed input accepted. */
export function formatHex(value: number): string {
  return `0x${toUnsigned32(value).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** Formats a code without the `0x` prefix, as DO errors print it (`ErrorCode: 80070005`). */
export function formatHexBare(value: number): string {
  return toUnsigned32(value).toString(16).toUpperCase().padStart(8, "0");
}
