// The words beside an error code in the portal view: the IME's own codes by their contracts name (ime.md §5.5),
// Win32 exit codes wrapped as HRESULTs (0x8007xxxx) by their exit code, and the EnforcementState name (§4.2).
import { EnforcementState, formatHex, ImeErrorCode, nameOf, toUnsigned32 } from "@imesim/contracts/enums";

/** `AppNotDetectedAfterInstall` → `App not detected after install`. */
function words(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** `0x87D1041C`, or undefined for 0 (no error). */
export function errorHexOf(code: number | undefined): string | undefined {
  return code === undefined || code === 0 ? undefined : formatHex(toUnsigned32(code));
}

/** What an error code means, or undefined when it is none we know. */
export function errorMeaningOf(code: number | undefined): string | undefined {
  if (code === undefined || code === 0) return undefined;
  const unsigned = toUnsigned32(code);
  const name = nameOf(ImeErrorCode, unsigned);
  if (name !== undefined) return words(name);
  // HRESULT_FROM_WIN32: facility 7 with the failure bit, the low 16 bits are the Win32 error (the exit code).
  if (unsigned >>> 16 === 0x8007)
    return `Win32 error ${unsigned & 0xffff} (the installer's exit code as an HRESULT)`;
  return undefined;
}

/** The IME's EnforcementState name of a code (ime.md §4.2). */
export function stateNameOf(code: number | undefined): string | undefined {
  return code === undefined ? undefined : nameOf(EnforcementState, code);
}
