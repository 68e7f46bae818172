// Version comparison as the IME does it: System.Version (2 to 4 numeric parts, a missing part is less than
// 0, so 1.0 < 1.0.0), with a string comparison when either side is not version-shaped (ime.md §7.2).
// windows-formats.md §7 item 3 notes one report (memdocs#4160) that looks like a text comparison; we follow
// ime.md's System.Version model, which the reference gives precedence to for IME behaviour.

/** A parsed System.Version: 2 to 4 non-negative 32-bit parts. */
export type Version = readonly number[];

const INT32_MAX = 2147483647;

/** Parses text the way System.Version.TryParse does; undefined when it is not a version. */
export function parseVersion(text: string): Version | undefined {
  const parts = text.trim().split(".");
  if (parts.length < 2 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    if (!/^\d+$/.test(part)) return undefined;
    const value = Number(part);
    if (value > INT32_MAX) return undefined;
    numbers.push(value);
  }
  return numbers;
}

/** System.Version.CompareTo: part by part, an absent build or revision (-1) before any present one. */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  for (let i = 0; i < 4; i += 1) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** String.Compare with OrdinalIgnoreCase: both sides upper-cased, then compared by UTF-16 code unit. */
export function compareTextIgnoreCase(a: string, b: string): -1 | 0 | 1 {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Compares two version texts: as versions when both parse, else as case-insensitive strings. */
export function compareVersionText(actual: string, expected: string): -1 | 0 | 1 {
  const a = parseVersion(actual);
  const b = parseVersion(expected);
  return a !== undefined && b !== undefined ? compareVersions(a, b) : compareTextIgnoreCase(actual, expected);
}
