/**
 * Normalizes what real Graph clients send before a strict schema check, guided by the schema itself:
 * string booleans ("True", "false") become booleans, enum strings match without regard to case
 * (`PerMachine` → `perMachine`), and `@odata.type`-style values match with or without their leading `#`
 * (graph-win32.md §1.10). Anything it does not recognise is left alone for the schema check to report,
 * so leniency never hides a wrong value. Unknown members are kept (the real service ignores them).
 */
export function coerceLenient(schema: unknown, value: unknown): unknown {
  if (!isRecord(schema)) return value;
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf)) {
    if (value === null) return value;
    for (const branch of anyOf) {
      if (isRecord(branch) && branch.type === "null") continue;
      const coerced = coerceLenient(branch, value);
      if (coerced !== value) return coerced;
    }
    return value;
  }
  if (Array.isArray(schema.enum) && typeof value === "string") return matchEnumMember(schema.enum, value);
  if (typeof schema.const === "string" && typeof value === "string")
    return matchEnumMember([schema.const], value);
  if (schema.type === "boolean" && typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    return value;
  }
  if (schema.type === "object" && isRecord(schema.properties) && isRecord(value)) {
    const out: Record<string, unknown> = { ...value };
    for (const [name, member] of Object.entries(schema.properties)) {
      if (Object.hasOwn(value, name)) out[name] = coerceLenient(member, value[name]);
    }
    return out;
  }
  if (schema.type === "array" && Array.isArray(value)) {
    return value.map((item) => coerceLenient(schema.items, item));
  }
  return value;
}

/** The enum member equal to `value` ignoring case and a leading `#`, or `value` itself when none is. */
export function matchEnumMember(members: readonly unknown[], value: string): unknown {
  const wanted = canonicalKey(value);
  for (const member of members) {
    if (typeof member === "string" && canonicalKey(member) === wanted) return member;
  }
  return value;
}

function canonicalKey(text: string): string {
  return text.trim().replace(/^#/, "").toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
