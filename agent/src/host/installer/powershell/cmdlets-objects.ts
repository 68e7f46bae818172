// Pipeline and output cmdlets: Where-Object, ForEach-Object, Select-Object, Sort-Object, Measure-Object,
// the Write-* family (Write-Host counts as stdout for the IME, ime.md §7.5), Out-Null/Out-String, the
// transcript, Get-Date and Start-Sleep on the device's clock.
import { ImesimError } from "@imesim/contracts/errors";
import type { ScriptBlockAst } from "./ast.ts";
import { webClient } from "./cmdlets-web.ts";
import { scheduleService } from "./com-task-scheduler.ts";
import { formatDateWith, parseDate } from "./dotnet.ts";
import {
  type Cmdlet,
  type CmdletCall,
  encodeUtf16,
  formatForConsole,
  propertyOf,
  type Run,
} from "./interpreter.ts";
import { binaryOperator, valuesEqual } from "./operators.ts";
import {
  collapse,
  enumerate,
  PsDate,
  PsHashtable,
  PsObject,
  PsScriptBlock,
  type PsValue,
  toBool,
  toNumberOrUndefined,
  toText,
} from "./values.ts";

/** Runs a generator to completion synchronously; these cmdlets' blocks may not start asynchronous programs. */
function runNow<T>(run: Run<T>, line: number): T {
  const step = run.next();
  if (!step.done) {
    throw new ImesimError(
      "PS_NOT_MODELLED",
      `line ${line}: starting a program inside a Where-Object/ForEach-Object block is not modelled`,
    );
  }
  return step.value;
}

function block(value: PsValue | undefined): ScriptBlockAst | undefined {
  return value instanceof PsScriptBlock ? value.block : undefined;
}

const whereObject: Cmdlet = {
  params: [
    "FilterScript",
    "Property",
    "Value",
    "EQ",
    "NE",
    "Like",
    "Match",
    "GT",
    "LT",
    "GE",
    "LE",
    "Contains",
    "In",
    "NotLike",
    "NotMatch",
  ],
  positional: ["FilterScript"],
  aliases: { Property: "Property" },
  *run(call) {
    const script = block(call.named.get("filterscript"));
    if (script !== undefined) {
      const kept: PsValue[] = [];
      for (const item of call.input) {
        if (toBool(collapse(yield* call.ps.invokeBlock(script, { dollarUnder: item, line: call.line }))))
          kept.push(item);
      }
      return kept;
    }
    // Simplified syntax: `Where-Object Name -eq 'x'`.
    const property = toText(call.named.get("filterscript") ?? call.named.get("property") ?? null);
    const op = [
      "eq",
      "ne",
      "like",
      "match",
      "gt",
      "lt",
      "ge",
      "le",
      "contains",
      "in",
      "notlike",
      "notmatch",
    ].find((o) => call.named.has(o));
    if (op === undefined) return call.input.filter((item) => toBool(propertyOf(item, property)));
    const value = call.named.get(op)!;
    return call.input.filter((item) =>
      toBool(
        binaryOperator(
          op,
          propertyOf(item, property),
          value === true ? (call.rest[0] ?? null) : value,
          call.line,
          () => undefined,
        ),
      ),
    );
  },
};

const forEachObject: Cmdlet = {
  params: ["Process", "MemberName", "Begin", "End"],
  positional: ["Process"],
  *run(call) {
    const script = block(call.named.get("process"));
    if (script === undefined) {
      const member = toText(call.named.get("process") ?? call.named.get("membername") ?? null);
      return call.input.map((item) => propertyOf(item, member));
    }
    const out: PsValue[] = [];
    // ForEach-Object runs its block in the caller's scope: assignments inside are seen after the pipeline.
    for (const item of call.input)
      out.push(
        ...(yield* call.ps.invokeBlock(script, { dollarUnder: item, line: call.line, dotSourced: true })),
      );
    return out;
  },
};

/** A property by name, or a calculated one `@{Name='x'; Expression={…}}`. */
function selectProperty(call: CmdletCall, item: PsValue, spec: PsValue): { name: string; value: PsValue } {
  if (spec instanceof PsHashtable) {
    const name = toText(spec.get("Name") ?? spec.get("N") ?? spec.get("Label") ?? spec.get("L"));
    const expression = spec.get("Expression") ?? spec.get("E");
    if (expression instanceof PsScriptBlock) {
      return {
        name,
        value: collapse(
          runNow(call.ps.invokeBlock(expression.block, { dollarUnder: item, line: call.line }), call.line),
        ),
      };
    }
    return { name, value: propertyOf(item, toText(expression)) };
  }
  return { name: toText(spec), value: propertyOf(item, toText(spec)) };
}

const selectObject: Cmdlet = {
  params: ["Property", "First", "Last", "Skip", "ExpandProperty", "ExcludeProperty", "Index"],
  switches: ["Unique"],
  positional: ["Property"],
  run(call) {
    let items = [...call.input];
    if (call.named.get("unique") === true)
      items = items.filter((item, i) => items.findIndex((o) => valuesEqual(o, item)) === i);
    const skip = toNumberOrUndefined(call.named.get("skip") ?? null) ?? 0;
    items = items.slice(skip);
    if (call.named.has("first")) items = items.slice(0, toNumberOrUndefined(call.named.get("first")!) ?? 0);
    if (call.named.has("last"))
      items = items.slice(-(toNumberOrUndefined(call.named.get("last")!) ?? 0) || items.length);
    const expand = call.named.get("expandproperty");
    if (expand !== undefined && expand !== null)
      return items.flatMap((item) => enumerate(propertyOf(item, toText(expand))));
    const properties = call.named.get("property");
    if (properties === undefined || properties === null) return items;
    const specs = enumerate(properties);
    if (specs.length === 1 && toText(specs[0]!) === "*") return items;
    return items.map((item) => {
      const object = new PsObject(["Selected.System.Management.Automation.PSCustomObject"]);
      for (const spec of specs) {
        const { name, value } = selectProperty(call, item, spec);
        object.set(name, value);
      }
      return object;
    });
  },
};

function sortKey(call: CmdletCall, item: PsValue, spec: PsValue | undefined): PsValue {
  if (spec === undefined || spec === null) return item;
  if (spec instanceof PsScriptBlock)
    return collapse(
      runNow(call.ps.invokeBlock(spec.block, { dollarUnder: item, line: call.line }), call.line),
    );
  if (spec instanceof PsHashtable) return sortKey(call, item, spec.get("Expression") ?? spec.get("E"));
  return propertyOf(item, toText(spec));
}

const sortObject: Cmdlet = {
  params: ["Property", "Top", "Bottom"],
  switches: ["Descending", "Unique", "CaseSensitive"],
  positional: ["Property"],
  run(call) {
    const specs = enumerate(call.named.get("property") ?? null);
    const keys = specs.length === 0 ? [undefined] : specs;
    const descending = call.named.get("descending") === true;
    const sorted = [...call.input].sort((a, b) => {
      for (const spec of keys) {
        const ka = sortKey(call, a, spec);
        const kb = sortKey(call, b, spec);
        if (valuesEqual(ka, kb)) continue;
        const less = toBool(binaryOperator("lt", ka, kb, call.line, () => undefined));
        return (less ? -1 : 1) * (descending ? -1 : 1);
      }
      return 0;
    });
    if (call.named.get("unique") === true)
      return sorted.filter((item, i) => i === 0 || !valuesEqual(item, sorted[i - 1]!));
    return sorted;
  },
};

const measureObject: Cmdlet = {
  params: ["Property"],
  switches: ["Sum", "Average", "Maximum", "Minimum", "Line", "Word", "Character"],
  positional: ["Property"],
  run(call) {
    const property = call.named.get("property");
    const values = call.input.map((item) =>
      property === undefined || property === null ? item : propertyOf(item, toText(property)),
    );
    const numbers = values.map((v) => toNumberOrUndefined(v) ?? 0);
    const result = new PsObject(["Microsoft.PowerShell.Commands.GenericMeasureInfo"], {
      Count: values.length,
    });
    if (call.named.get("sum") === true)
      result.set(
        "Sum",
        numbers.reduce((a, b) => a + b, 0),
      );
    if (call.named.get("average") === true)
      result.set(
        "Average",
        numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length,
      );
    if (call.named.get("maximum") === true)
      result.set("Maximum", numbers.length === 0 ? null : Math.max(...numbers));
    if (call.named.get("minimum") === true)
      result.set("Minimum", numbers.length === 0 ? null : Math.min(...numbers));
    return [result];
  },
};

const writeOutput: Cmdlet = {
  params: ["InputObject"],
  switches: ["NoEnumerate"],
  positional: ["InputObject"],
  run(call) {
    const given = call.named.get("inputobject");
    return [...(given === undefined ? [] : enumerate(given)), ...call.rest, ...call.input];
  },
};

const writeHost: Cmdlet = {
  params: ["Object", "ForegroundColor", "BackgroundColor", "Separator"],
  switches: ["NoNewline"],
  positional: ["Object"],
  run(call) {
    const parts = [...enumerate(call.named.get("object") ?? null), ...call.rest, ...call.input];
    const separator = toText(call.named.get("separator") ?? " ");
    call.ps.writeHost(parts.map(toText).join(separator), call.named.get("nonewline") !== true);
    return [];
  },
};

const writeError: Cmdlet = {
  params: [
    "Message",
    "Category",
    "ErrorId",
    "TargetObject",
    "Exception",
    "ErrorRecord",
    "RecommendedAction",
    "CategoryReason",
  ],
  positional: ["Message"],
  run(call) {
    const message = toText(call.named.get("message") ?? call.named.get("exception") ?? call.input[0] ?? null);
    call.ps.writeError(
      { ...call, name: call.ps.scriptName() },
      message,
      "Microsoft.PowerShell.Commands.WriteErrorException",
    );
    return [];
  },
};

/** Write-Warning goes to the console, not to stderr (ime.md §7.5: it does not count as STDERR). */
const writeWarning: Cmdlet = {
  params: ["Message"],
  positional: ["Message"],
  run(call) {
    const preference = toText(
      call.named.get("warningaction") ?? call.ps.variable("WarningPreference"),
    ).toLowerCase();
    if (preference !== "silentlycontinue" && preference !== "ignore")
      call.ps.writeHost(`WARNING: ${toText(call.named.get("message") ?? call.input[0] ?? null)}`);
    return [];
  },
};

function preferenceStream(variable: string, prefix: string, switchName: string): Cmdlet {
  return {
    params: ["Message", "MessageData", "Tags"],
    positional: ["Message"],
    run(call) {
      const on =
        call.named.get(switchName) === true ||
        toText(call.ps.variable(variable)).toLowerCase() === "continue";
      if (on)
        call.ps.writeHost(
          `${prefix}${toText(call.named.get("message") ?? call.named.get("messagedata") ?? call.input[0] ?? null)}`,
        );
      return [];
    },
  };
}

const outNull: Cmdlet = { params: ["InputObject"], run: () => [] };

const outString: Cmdlet = {
  params: ["InputObject", "Width"],
  switches: ["Stream", "NoNewline"],
  run(call) {
    const items = [...enumerate(call.named.get("inputobject") ?? null), ...call.input];
    if (call.named.get("stream") === true) return items.map(formatForConsole);
    return [`${items.map(formatForConsole).join("\r\n")}\r\n`];
  },
};

const formatPassThrough: Cmdlet = {
  params: ["Property", "AutoSize", "Wrap", "GroupBy"],
  switches: ["AutoSize", "Wrap", "Force"],
  positional: ["Property"],
  run: (call) => [...call.input],
};

const startTranscript: Cmdlet = {
  params: ["Path", "LiteralPath", "OutputDirectory"],
  switches: ["Append", "Force", "NoClobber", "IncludeInvocationHeader", "UseMinimalHeader"],
  positional: ["Path"],
  run(call) {
    const ps = call.ps;
    const documents = `${ps.environment.get("USERPROFILE") ?? "C:\\Windows\\system32\\config\\systemprofile"}\\Documents`;
    const path = toText(
      call.named.get("path") ??
        call.named.get("literalpath") ??
        `${documents}\\PowerShell_transcript.${ps.computerName}.txt`,
    );
    const header = `**********************\r\nWindows PowerShell transcript start\r\nStart time: ${formatDateWith(new PsDate(ps.now()), "yyyyMMddHHmmss")}\r\nMachine: ${ps.computerName}\r\n**********************\r\n`;
    const existing = call.named.get("append") === true ? (ps.readText(path) ?? "") : "";
    ps.transcript = { path, text: existing + header };
    ps.writeText(path, ps.transcript.text);
    ps.writeHost(`Transcript started, output file is ${path}`);
    return [];
  },
};

const stopTranscript: Cmdlet = {
  run(call) {
    const ps = call.ps;
    if (ps.transcript === undefined) {
      ps.writeError(
        call,
        "An error occurred stopping transcription: The host is not currently transcribing.",
        "System.Management.Automation.PSInvalidOperationException",
      );
      return [];
    }
    const { path } = ps.transcript;
    ps.transcript.text += `**********************\r\nWindows PowerShell transcript end\r\nEnd time: ${formatDateWith(new PsDate(ps.now()), "yyyyMMddHHmmss")}\r\n**********************\r\n`;
    ps.host.fs.writeFile(ps.devicePath(path), encodeUtf16(ps.transcript.text));
    ps.transcript = undefined;
    return [`Transcript stopped, output file is ${path}`];
  },
};

const getDate: Cmdlet = {
  params: ["Date", "Format", "UFormat", "Year", "Month", "Day", "Hour", "Minute", "Second"],
  positional: ["Date"],
  run(call) {
    const given = call.named.get("date");
    let date =
      given instanceof PsDate
        ? given
        : given === undefined || given === null
          ? new PsDate(call.ps.now())
          : parseDate(toText(given));
    if (date === undefined) {
      call.ps.writeError(
        call,
        `Cannot bind parameter 'Date'. Cannot convert value "${toText(given ?? null)}" to type "System.DateTime".`,
      );
      return [];
    }
    const d = new Date(date.ms);
    for (const [name, set] of [
      ["year", (v: number) => d.setUTCFullYear(v)],
      ["month", (v: number) => d.setUTCMonth(v - 1)],
      ["day", (v: number) => d.setUTCDate(v)],
      ["hour", (v: number) => d.setUTCHours(v)],
      ["minute", (v: number) => d.setUTCMinutes(v)],
      ["second", (v: number) => d.setUTCSeconds(v)],
    ] as const) {
      const v = toNumberOrUndefined(call.named.get(name) ?? null);
      if (call.named.has(name) && v !== undefined) set(v);
    }
    date = new PsDate(d.getTime());
    const format = call.named.get("format");
    if (format !== undefined && format !== null) return [formatDateWith(date, toText(format))];
    const uformat = call.named.get("uformat");
    if (uformat !== undefined && uformat !== null) {
      return [
        toText(uformat).replace(/%([YmdHMS])/g, (_, c: string) =>
          formatDateWith(date!, { Y: "yyyy", m: "MM", d: "dd", H: "HH", M: "mm", S: "ss" }[c] ?? c),
        ),
      ];
    }
    return [date];
  },
};

/** Start-Sleep advances the process's simulated time instead of waiting. */
const startSleep: Cmdlet = {
  params: ["Seconds", "Milliseconds", "Duration"],
  positional: ["Seconds"],
  aliases: { s: "Seconds", ms: "Milliseconds" },
  run(call) {
    const seconds = toNumberOrUndefined(call.named.get("seconds") ?? null) ?? 0;
    const ms = toNumberOrUndefined(call.named.get("milliseconds") ?? null) ?? 0;
    call.ps.elapsedMs += seconds * 1000 + ms;
    return [];
  },
};

const newObject: Cmdlet = {
  params: ["TypeName", "Property", "ArgumentList", "ComObject"],
  switches: ["Strict"],
  positional: ["TypeName", "ArgumentList"],
  run(call) {
    const com = call.named.get("comobject");
    if (com !== undefined && com !== null) {
      if (toText(com).toLowerCase() === "schedule.service") return [scheduleService(call.ps, call.line)];
      throw new ImesimError(
        "PS_NOT_MODELLED",
        `line ${call.line}: \`New-Object -ComObject ${toText(com)}\` is not modelled`,
      );
    }
    const type = toText(call.named.get("typename") ?? null).toLowerCase();
    if (
      type === "psobject" ||
      type === "pscustomobject" ||
      type === "system.management.automation.psobject"
    ) {
      const object = new PsObject(["System.Management.Automation.PSCustomObject"]);
      const props = call.named.get("property");
      if (props instanceof PsHashtable)
        for (const { key, value } of props.entries.values()) object.set(toText(key), value);
      return [object];
    }
    // The web client downloads from the device's modelled internet (cmdlets-web.ts).
    if (type === "system.net.webclient" || type === "net.webclient") return [webClient(call.ps, call.line)];
    // Anything else is a .NET type imesim does not model.
    throw new ImesimError(
      "PS_NOT_MODELLED",
      `line ${call.line}: \`New-Object ${toText(call.named.get("typename") ?? null)}\` is not modelled`,
    );
  },
};

const setVariable: Cmdlet = {
  params: ["Name", "Value", "Scope", "Option"],
  switches: ["Force", "PassThru"],
  positional: ["Name", "Value"],
  run(call) {
    const scope = call.named.get("scope");
    const prefix = scope === undefined || scope === null ? "" : `${toText(scope)}:`;
    call.ps.setVariable(prefix + toText(call.named.get("name") ?? null), call.named.get("value") ?? null);
    return [];
  },
};

const getVariable: Cmdlet = {
  params: ["Name", "Scope"],
  switches: ["ValueOnly"],
  positional: ["Name"],
  run(call) {
    const name = toText(call.named.get("name") ?? null);
    const value = call.ps.variable(name);
    if (call.named.get("valueonly") === true) return [value];
    return [new PsObject(["System.Management.Automation.PSVariable"], { Name: name, Value: value })];
  },
};

const noOp = (params: readonly string[], switches: readonly string[] = []): Cmdlet => ({
  params,
  switches,
  positional: params.slice(0, 1),
  run: () => [],
});

/** The pipeline and output cmdlets by lower-case name. */
export const OBJECT_CMDLETS: ReadonlyArray<readonly [string, Cmdlet]> = [
  ["where-object", whereObject],
  ["foreach-object", forEachObject],
  ["select-object", selectObject],
  ["sort-object", sortObject],
  ["measure-object", measureObject],
  ["write-output", writeOutput],
  ["write-host", writeHost],
  ["write-error", writeError],
  ["write-warning", writeWarning],
  ["write-verbose", preferenceStream("VerbosePreference", "VERBOSE: ", "verbose")],
  ["write-debug", preferenceStream("DebugPreference", "DEBUG: ", "debug")],
  ["write-information", preferenceStream("InformationPreference", "", "informationaction")],
  [
    "write-progress",
    noOp(["Activity", "Status", "PercentComplete", "Id", "CurrentOperation"], ["Completed"]),
  ],
  ["out-null", outNull],
  ["out-string", outString],
  ["out-default", formatPassThrough],
  ["format-table", formatPassThrough],
  ["format-list", formatPassThrough],
  ["start-transcript", startTranscript],
  ["stop-transcript", stopTranscript],
  ["get-date", getDate],
  ["start-sleep", startSleep],
  ["new-object", newObject],
  ["set-variable", setVariable],
  ["get-variable", getVariable],
  ["set-executionpolicy", noOp(["ExecutionPolicy", "Scope"], ["Force"])],
  ["clear-host", noOp([])],
  ["set-strictmode", noOp(["Version"], ["Off"])],
];
