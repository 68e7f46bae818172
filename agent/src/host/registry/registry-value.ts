// Checking and normalising values before they are stored, so both backends hold only what Windows could.
import { ImesimError } from "@imesim/contracts/errors";
import type { RegistryValue } from "../types.ts";

/**
 * The value `valueName` of `keyPath` as Windows would store it (DWORD/QWORD made unsigned); throws
 * REGISTRY_INVALID_VALUE otherwise. The names come apart so that the text naming the value, and a function
 * making it, are made only for an error (issue 18: the IME writes a registry value for most steps).
 */
export function normalizeRegistryValue(
  value: RegistryValue,
  valueName: string,
  keyPath: string,
): RegistryValue {
  switch (value.type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      if (typeof value.data !== "string") invalidValue(value, valueName, keyPath, "data must be a string");
      return value;
    case "REG_DWORD":
      // A signed 32-bit number (as the IME's ErrorCode) is accepted and stored as the same 32 bits, unsigned.
      if (!Number.isInteger(value.data) || value.data < -0x80000000 || value.data > 0xffffffff) {
        invalidValue(value, valueName, keyPath, `${value.data} is not a 32-bit integer`);
      }
      // Already unsigned: stored as given, as strings are.
      return value.data >>> 0 === value.data ? value : { type: "REG_DWORD", data: value.data >>> 0 };
    case "REG_QWORD":
      if (typeof value.data !== "bigint" || value.data < -(1n << 63n) || value.data >= 1n << 64n) {
        invalidValue(value, valueName, keyPath, `${String(value.data)} is not a 64-bit integer`);
      }
      return { type: "REG_QWORD", data: BigInt.asUintN(64, value.data) };
    case "REG_MULTI_SZ":
      if (!Array.isArray(value.data) || value.data.some((s) => typeof s !== "string" || s.includes("\0"))) {
        invalidValue(value, valueName, keyPath, "data must be strings without NUL characters");
      }
      return { type: "REG_MULTI_SZ", data: [...value.data] };
    case "REG_BINARY":
    case "REG_NONE":
      if (!(value.data instanceof Uint8Array))
        invalidValue(value, valueName, keyPath, "data must be a Uint8Array");
      return { type: value.type, data: new Uint8Array(value.data) };
    default:
      return invalidValue(value, valueName, keyPath, "unknown type");
  }
}

function invalidValue(value: RegistryValue, valueName: string, keyPath: string, why: string): never {
  throw new ImesimError(
    "REGISTRY_INVALID_VALUE",
    `${value.type} value "${valueName}" in "${keyPath}": ${why}`,
  );
}
