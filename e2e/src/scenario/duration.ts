import { ImesimError } from "@imesim/contracts/errors";

/** The text form of a duration in scenario files: one or more `<number><unit>` parts, e.g. `90s`, `1h30m`, `30d`. */
export const DURATION_PATTERN = "^(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+$";

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Converts a scenario duration (`2h`, `1d12h`, `500ms`) to milliseconds. */
export function parseDuration(text: string, path = ""): number {
  if (!new RegExp(DURATION_PATTERN).test(text)) {
    throw new ImesimError(
      "SCENARIO_BAD_DURATION",
      `Invalid duration "${text}" at ${path || "(root)"}: use e.g. 30s, 5m, 1h30m, 2d`,
      {
        path,
      },
    );
  }
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  }
  return Math.round(total);
}

/** Formats milliseconds as the shortest scenario duration text (`90m` → `1h30m`); used by reports. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const size = UNIT_MS[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${unit}`);
      rest -= count * size;
    }
  }
  return parts.join("");
}
