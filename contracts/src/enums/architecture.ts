/** Legacy `RequiredOSArchitecture` values (ime.md §2.4, older builds). */
export const LegacyArchitecture = {
  X86: 1,
  X64: 2,
  Both: 3,
} as const;
export type LegacyArchitecture = (typeof LegacyArchitecture)[keyof typeof LegacyArchitecture];

/** Current `RequiredOSArchitecture` bit flags (ime.md §2.4). Arm64 = 16 is inferred [I]. */
export const ArchitectureFlag = {
  Arm64: 16,
  X64: 32,
  X86: 64,
} as const;
export type ArchitectureFlag = (typeof ArchitectureFlag)[keyof typeof ArchitectureFlag];

/** A processor architecture a device can have. */
export type ProcessorArchitecture = "x86" | "x64" | "arm64";

/** The architectures a `RequiredOSArchitecture` value allows; old (1–3) and new (bit flags) encodings; 0/null = no restriction. */
export function allowedArchitectures(required: number | null): ProcessorArchitecture[] {
  if (required === null || required === 0) return ["x86", "x64", "arm64"];
  if (required === LegacyArchitecture.X86) return ["x86"];
  if (required === LegacyArchitecture.X64) return ["x64"];
  if (required === LegacyArchitecture.Both) return ["x86", "x64"];
  const allowed: ProcessorArchitecture[] = [];
  if (required & ArchitectureFlag.X64) allowed.push("x64");
  if (required & ArchitectureFlag.X86) allowed.push("x86");
  if (required & ArchitectureFlag.Arm64) allowed.push("arm64");
  return allowed;
}

/** The current bit-flag value for a set of architectures (x64 → 32, x64+x86 → 96). */
export function architectureFlags(architectures: Iterable<ProcessorArchitecture>): number {
  let flags = 0;
  for (const arch of architectures) {
    if (arch === "x64") flags |= ArchitectureFlag.X64;
    else if (arch === "x86") flags |= ArchitectureFlag.X86;
    else flags |= ArchitectureFlag.Arm64;
  }
  return flags;
}

/** The log's `AllowedArchitectures: X64, X86` wording for a `RequiredOSArchitecture` value. */
export function formatAllowedArchitectures(required: number | null): string {
  return allowedArchitectures(required)
    .map((a) => (a === "arm64" ? "Arm64" : a.toUpperCase()))
    .join(", ");
}
