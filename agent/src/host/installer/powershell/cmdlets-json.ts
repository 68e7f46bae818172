// ConvertTo-Json and ConvertFrom-Json as Windows PowerShell 5.1 has them — the powershell.exe the IME starts
// (ime.md §7.5). Custom compliance discovery scripts end in `return $hash | ConvertTo-Json -Compress`, and
// detection scripts read JSON files, so both shapes matter:
// - 5.1 serialises through .NET's JavaScriptSerializer: `'`, `<`, `>` and `&` come out as \u0027, \u003c,
//   \u003e and \u0026, dates as "\/Date(<ms>)\/", and past -Depth (default 2) an object becomes its string.
// - Its indented layout puts a member 4 columns right of the bracket that opens its container, with
//   `":  "` (two spaces) after a name and the closing bracket under the opening one.
// - ConvertFrom-Json gives PSCustomObjects, and a top-level JSON array comes down the pipeline as ONE object.
import type { Cmdlet } from "./interpreter.ts";
import { errorRecord, TerminatingError } from "./signals.ts";
import {
  enumerate,
  PsDate,
  PsHashtable,
  PsObject,
  PsScriptBlock,
  PsType,
  type PsValue,
  PsVersion,
  toNumberOrUndefined,
  toText,
} from "./values.ts";

const DEFAULT_DEPTH = 2;
/** 5.1 refuses a -Depth above 100 (a parameter validation error). */
const MAX_DEPTH = 100;

/** A JSON tree before layout: scalars already written as JSON text. */
type JsonNode = { kind: "scalar"; text: string } | { kind: "array"; items: JsonNode[] } | ObjectNode;
type ObjectNode = { kind: "object"; members: Array<readonly [string, JsonNode]> };

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
  "'": "\\u0027",
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
};

function jsonString(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON must escape.
  const escaped = text.replace(/["\\\n\r\t\b\f'<>&\u0000-\u001f]/g, (ch) => {
    return ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}

function scalar(text: string): JsonNode {
  return { kind: "scalar", text };
}

function objectOf(members: Iterable<readonly [string, PsValue]>, depth: number, maxDepth: number): JsonNode {
  return {
    kind: "object",
    members: [...members].map(([name, value]) => [name, toNode(value, depth + 1, maxDepth)] as const),
  };
}

/** A value as JSON; containers deeper than `maxDepth` are written as their string, as 5.1 does. */
function toNode(value: PsValue, depth: number, maxDepth: number): JsonNode {
  if (value === null) return scalar("null");
  if (typeof value === "string") return scalar(jsonString(value));
  if (typeof value === "boolean") return scalar(value ? "true" : "false");
  if (typeof value === "number")
    return scalar(Number.isFinite(value) ? toText(value) : jsonString(toText(value)));
  if (value instanceof PsDate) return scalar(jsonString(`/Date(${value.ms})/`).replace(/\//g, "\\/"));
  if (value instanceof PsScriptBlock || value instanceof PsType) return scalar(jsonString(toText(value)));
  if (depth > maxDepth) return scalar(jsonString(toText(value)));
  if (Array.isArray(value))
    return { kind: "array", items: value.map((item) => toNode(item, depth + 1, maxDepth)) };
  if (value instanceof PsHashtable) {
    const members = [...value.entries.values()].map(({ key, value: item }) => [toText(key), item] as const);
    return objectOf(members, depth, maxDepth);
  }
  if (value instanceof PsVersion) {
    const [major = -1, minor = -1, build = -1, revision = -1] = value.parts;
    return objectOf(
      Object.entries({
        Major: major,
        Minor: minor,
        Build: build,
        Revision: revision,
        MajorRevision: revision === -1 ? -1 : revision >> 16,
        MinorRevision: revision === -1 ? -1 : revision & 0xffff,
      }),
      depth,
      maxDepth,
    );
  }
  const members = [...value.properties.values()].map((property) => [property.name, property.value] as const);
  return objectOf(members, depth, maxDepth);
}

function compressed(node: JsonNode): string {
  if (node.kind === "scalar") return node.text;
  if (node.kind === "array") return `[${node.items.map(compressed).join(",")}]`;
  return `{${node.members.map(([name, item]) => `${jsonString(name)}:${compressed(item)}`).join(",")}}`;
}

/** 5.1's indented layout; `column` is where the container's opening bracket stands. */
function indented(node: JsonNode, column: number): string {
  if (node.kind === "scalar") return node.text;
  const inner = " ".repeat(column + 4);
  const close = `\r\n${" ".repeat(column)}`;
  if (node.kind === "array") {
    if (node.items.length === 0) return `[\r\n${close}]`;
    return `[\r\n${node.items.map((item) => inner + indented(item, column + 4)).join(",\r\n")}${close}]`;
  }
  if (node.members.length === 0) return `{\r\n${close}}`;
  const members = node.members.map(([name, item]) => {
    const head = `${inner}${jsonString(name)}:  `;
    return head + indented(item, head.length);
  });
  return `{\r\n${members.join(",\r\n")}${close}}`;
}

const convertToJson: Cmdlet = {
  params: ["InputObject", "Depth"],
  switches: ["Compress", "EnumsAsStrings", "AsArray"],
  positional: ["InputObject"],
  run(call) {
    const named = call.named.get("inputobject");
    const items = named === undefined ? [...call.input] : [named];
    if (items.length === 0) return [];
    const depthValue = call.named.get("depth");
    const maxDepth = depthValue === undefined ? DEFAULT_DEPTH : toNumberOrUndefined(depthValue);
    if (maxDepth === undefined || !Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH) {
      // A parameter validation failure: terminating, as parameter binding errors are.
      const message = `Cannot validate argument on parameter 'Depth'. The argument "${toText(depthValue ?? null)}" is not a whole number from 1 to ${MAX_DEPTH}.`;
      throw new TerminatingError(
        errorRecord(message, "System.Management.Automation.ParameterBindingValidationException", call.line),
        call.line,
      );
    }
    // Several pipeline objects are collected into one array; one object (or -InputObject) is itself.
    const value: PsValue = items.length === 1 ? items[0]! : items;
    const node = toNode(value, 0, maxDepth);
    return [call.named.get("compress") === true ? compressed(node) : indented(node, 0)];
  },
};

/** JSON text into PowerShell values: objects become PSCustomObjects in their member order. */
function fromJson(value: unknown): PsValue {
  if (value === null || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "string") {
    const date = /^\/Date\((-?\d+)\)\/$/.exec(value);
    return date === null ? value : new PsDate(Number(date[1]));
  }
  if (Array.isArray(value)) return value.map(fromJson);
  const object = new PsObject(["System.Management.Automation.PSCustomObject"]);
  for (const [name, member] of Object.entries(value as Record<string, unknown>))
    object.set(name, fromJson(member));
  return object;
}

const convertFromJson: Cmdlet = {
  params: ["InputObject"],
  positional: ["InputObject"],
  run(call) {
    const named = call.named.get("inputobject");
    // Piped lines (Get-Content without -Raw) are joined into one document, as 5.1 does.
    const text = (named === undefined ? call.input : enumerate(named)).map(toText).join("\n");
    if (text.trim() === "") return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // 5.1 reports the serializer's ArgumentException ("Invalid JSON primitive: …"); try/catch sees it.
      const message = `Invalid JSON primitive: ${(error as Error).message}`;
      throw new TerminatingError(
        errorRecord(message, "System.ArgumentException", call.line, text),
        call.line,
      );
    }
    // A top-level array is one object on the pipeline (5.1), so `| Measure-Object` counts 1.
    return [fromJson(parsed)];
  },
};

/** The JSON cmdlets by lower-case name. */
export const JSON_CMDLETS: ReadonlyArray<readonly [string, Cmdlet]> = [
  ["convertto-json", convertToJson],
  ["convertfrom-json", convertFromJson],
];
