/**
 * HRESULT_FROM_WIN32 as the IME applies it to an unmapped exit code (ime.md §5.1):
 * `0x80070000 | (code & 0xFFFF)` for any non-zero code, so 1603 → 0x80070643 and
 * 3221225794 (0xC0000142) → 0x80070142 (the real log prints -2147024574). Unlike the C macro, codes
 * already ≥ 0x80000000 are not passed through: the IME reads the exit code as an unsigned DWORD, and the
 * real log shows 0xC0000142 folded to 0x80070142. A negative input is the signed reading of the same
 * DWORD and gives the same result. Returned unsigned; use `toSigned32` for the value the registry holds.
 */
export function hresultFromWin32(exitCode: number): number {
  const code = toUnsigned32(exitCode);
  if (code === 0) return 0;
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
