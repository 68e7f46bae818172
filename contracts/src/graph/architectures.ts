import { ImesimError } from "../errors/index.ts";
import {
  GraphContractErrorCode,
  type GraphWindowsArchitecture,
  WINDOWS_ARCHITECTURES,
} from "./graph-enums.ts";

/**
 * Normalizes a `windowsArchitecture` flags string ("X64, x86" → "x64,x86"), the comma-separated form
 * Graph serialises flags in (graph-win32.md §1.6). Unknown members are rejected at `path`.
 */
export function normalizeArchitectureFlags(value: string, path: string): string {
  return parseArchitectureFlags(value, path).join(",");
}

/** The members of a `windowsArchitecture` flags string, lower-cased and checked. */
export function parseArchitectureFlags(value: string, path: string): GraphWindowsArchitecture[] {
  const members: GraphWindowsArchitecture[] = [];
  for (const part of value.split(",")) {
    const name = part.trim().toLowerCase();
    const member = WINDOWS_ARCHITECTURES.find((m) => m === name);
    if (member === undefined) {
      throw new ImesimError(
        GraphContractErrorCode.Invalid,
        `Invalid architecture at ${path}: "${part.trim()}" is not one of ${WINDOWS_ARCHITECTURES.join(", ")}`,
        { path },
      );
    }
    if (!members.includes(member)) members.push(member);
  }
  return members;
}
