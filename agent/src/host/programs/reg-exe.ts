// reg.exe add/delete/query/import (windows-formats.md §6.10): messages, exit codes and the query layout.
// Without /reg:32 or /reg:64 it uses its own bitness's view, so a 32-bit install writes to WOW6432Node (§4.1).

import type { CallerProcess, ProgramInvocation, ProgramResult } from "../process/program.ts";
import { exportRegFile, importRegFile } from "../registry/reg-file.ts";
import type { RegistryAccess, RegistryValue } from "../types.ts";

const SUCCESS = "The operation completed successfully.\r\n";
const NOT_FOUND = "ERROR: The system was unable to find the specified registry key or value.\r\n";
const SYSTEM_SID = "S-1-5-18";

const ROOTS: Record<string, string> = {
  HKLM: "HKEY_LOCAL_MACHINE",
  HKEY_LOCAL_MACHINE: "HKEY_LOCAL_MACHINE",
  HKCU: "HKEY_CURRENT_USER",
  HKEY_CURRENT_USER: "HKEY_CURRENT_USER",
  HKCR: "HKEY_CLASSES_ROOT",
  HKEY_CLASSES_ROOT: "HKEY_CLASSES_ROOT",
  HKU: "HKEY_USERS",
  HKEY_USERS: "HKEY_USERS",
  HKCC: "HKEY_CURRENT_CONFIG",
  HKEY_CURRENT_CONFIG: "HKEY_CURRENT_CONFIG",
};

// Options followed by a value, per operation (`/s` is a separator for ADD but "recursive" for QUERY).
const VALUED_OPTIONS: Record<string, readonly string[]> = {
  ADD: ["/v", "/t", "/s", "/d"],
  DELETE: ["/v"],
  QUERY: ["/v", "/t"],
};

const TYPES = [
  "REG_SZ",
  "REG_MULTI_SZ",
  "REG_EXPAND_SZ",
  "REG_DWORD",
  "REG_QWORD",
  "REG_BINARY",
  "REG_NONE",
] as const;

interface Parsed {
  readonly key: string;
  readonly options: Map<string, string | true>;
  readonly access: RegistryAccess;
}

function usage(operation: string): ProgramResult {
  return { exitCode: 1, stderr: `ERROR: Invalid syntax.\r\nType "REG ${operation} /?" for usage.\r\n` };
}

/** Runs `reg <operation> …` against the device's registry. */
export function runReg(invocation: ProgramInvocation, process: CallerProcess): ProgramResult {
  const [operationRaw, ...rest] = invocation.argv;
  const operation = (operationRaw ?? "").toUpperCase();
  const valued = VALUED_OPTIONS[operation] ?? [];
  const parsed = parseArguments(rest, invocation, valued);
  switch (operation) {
    case "ADD":
      return parsed === undefined ? usage("ADD") : regAdd(parsed, process);
    case "DELETE":
      return parsed === undefined ? usage("DELETE") : regDelete(parsed, process);
    case "QUERY":
      return parsed === undefined ? usage("QUERY") : regQuery(parsed, process);
    case "IMPORT":
      return regImport(rest[0], invocation, process);
    case "EXPORT":
      return regExport(rest, invocation, process);
    default:
      return { exitCode: 1, stderr: 'ERROR: Invalid syntax.\r\nType "REG /?" for usage.\r\n' };
  }
}

function parseArguments(
  args: readonly string[],
  invocation: ProgramInvocation,
  valued: readonly string[],
): Parsed | undefined {
  const [keyRaw, ...rest] = args;
  if (keyRaw === undefined) return undefined;
  const options = new Map<string, string | true>();
  let view = invocation.context.bitness;
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i]!;
    const lower = word.toLowerCase();
    if (lower === "/reg:32" || lower === "/reg:64") {
      view = lower === "/reg:32" ? 32 : 64;
      continue;
    }
    if (!/^[/-]/.test(word)) return undefined;
    const option = `/${lower.slice(1)}`;
    if (options.has(option)) return undefined;
    if (valued.includes(option)) {
      const value = rest[i + 1];
      if (value === undefined) return undefined;
      options.set(option, value);
      i += 1;
    } else options.set(option, true);
  }
  const key = normalizeKey(keyRaw);
  if (key === undefined) return undefined;
  // HKCU of the SYSTEM account is HKU\S-1-5-18 (windows-formats.md §4.4).
  const userSid =
    invocation.context.userSid ?? (invocation.context.account === "system" ? SYSTEM_SID : undefined);
  return { key, options, access: userSid === undefined ? { view } : { view, userSid } };
}

function normalizeKey(raw: string): string | undefined {
  const trimmed = raw.replace(/^\\\\[^\\]+\\/, "").replace(/\\+$/, "");
  const [root = "", ...names] = trimmed.split("\\");
  const full = ROOTS[root.toUpperCase()];
  return full === undefined ? undefined : [full, ...names].join("\\");
}

function valueName(parsed: Parsed): string | undefined {
  if (parsed.options.has("/ve")) return "";
  const name = parsed.options.get("/v");
  return typeof name === "string" ? name : undefined;
}

function regAdd(parsed: Parsed, process: CallerProcess): ProgramResult {
  const { registry } = process.host;
  const name = valueName(parsed);
  const typeOption = parsed.options.get("/t");
  const type = typeof typeOption === "string" ? typeOption.toUpperCase() : "REG_SZ";
  if (!(TYPES as readonly string[]).includes(type)) return usage("ADD");
  if (name === undefined && (parsed.options.has("/d") || parsed.options.has("/t"))) return usage("ADD");
  try {
    if (name === undefined) {
      registry.createKey(parsed.key, parsed.access);
      return { exitCode: 0, stdout: SUCCESS };
    }
    const dataOption = parsed.options.get("/d");
    const data = typeof dataOption === "string" ? dataOption : "";
    const separator = parsed.options.get("/s");
    const value = toValue(
      type as (typeof TYPES)[number],
      data,
      typeof separator === "string" ? separator : "\\0",
    );
    if (value === undefined) return usage("ADD");
    if (!parsed.options.has("/f") && registry.getValue(parsed.key, name, parsed.access) !== undefined) {
      // The overwrite prompt gets no answer without a console; we take it as No (windows-formats.md §7 item 9).
      return {
        exitCode: 1,
        stdout: `Value ${name === "" ? "(Default)" : name} exists, overwrite(Yes/No)? \r\nThe operation was canceled by the user.\r\n`,
      };
    }
    registry.setValue(parsed.key, name, value, parsed.access);
    return { exitCode: 0, stdout: SUCCESS };
  } catch {
    return { exitCode: 1, stderr: "ERROR: Access is denied.\r\n" };
  }
}

function toValue(type: (typeof TYPES)[number], data: string, separator: string): RegistryValue | undefined {
  switch (type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return { type, data };
    case "REG_MULTI_SZ":
      return { type, data: data === "" ? [] : data.split(separator) };
    case "REG_DWORD": {
      const n = parseRegNumber(data === "" ? "0" : data);
      return n === undefined || n > 0xffffffffn || n < 0n ? undefined : { type, data: Number(n) };
    }
    case "REG_QWORD": {
      const n = parseRegNumber(data === "" ? "0" : data);
      return n === undefined || n < 0n ? undefined : { type, data: n };
    }
    case "REG_BINARY":
    case "REG_NONE": {
      if (!/^([0-9a-fA-F]{2})*$/.test(data)) return undefined;
      return { type, data: Uint8Array.from(Buffer.from(data, "hex")) };
    }
  }
}

function parseRegNumber(text: string): bigint | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return BigInt(text);
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  return undefined;
}

function regDelete(parsed: Parsed, process: CallerProcess): ProgramResult {
  const { registry } = process.host;
  if (!registry.keyExists(parsed.key, parsed.access)) return { exitCode: 1, stderr: NOT_FOUND };
  const name = valueName(parsed);
  if (!parsed.options.has("/f")) {
    // The confirmation gets no answer without a console: taken as No (our choice, §7 item 9).
    const what =
      name === undefined && !parsed.options.has("/va")
        ? `the registry key ${parsed.key}`
        : `the registry value ${name ?? "(all)"}`;
    return {
      exitCode: 1,
      stdout: `Permanently delete ${what} (Yes/No)? \r\nThe operation was canceled by the user.\r\n`,
    };
  }
  if (parsed.options.has("/va")) {
    for (const { name: each } of registry.listValues(parsed.key, parsed.access))
      registry.deleteValue(parsed.key, each, parsed.access);
  } else if (name !== undefined) {
    if (!registry.deleteValue(parsed.key, name, parsed.access)) return { exitCode: 1, stderr: NOT_FOUND };
  } else {
    registry.deleteKey(parsed.key, parsed.access);
  }
  return { exitCode: 0, stdout: SUCCESS };
}

function regQuery(parsed: Parsed, process: CallerProcess): ProgramResult {
  const { registry } = process.host;
  if (!registry.keyExists(parsed.key, parsed.access)) return { exitCode: 1, stderr: NOT_FOUND };
  const name = valueName(parsed);
  let out = "";
  const printKey = (key: string): number => {
    let found = 0;
    const values = registry
      .listValues(key, parsed.access)
      .filter((v) => name === undefined || v.name.toLowerCase() === name.toLowerCase());
    if (values.length > 0 || name === undefined) {
      out += `\r\n${key}\r\n`;
      for (const v of values)
        out += `    ${v.name === "" ? "(Default)" : v.name}    ${v.value.type}    ${formatData(v.value)}\r\n`;
      found += values.length;
    }
    const subkeys = registry.listSubkeys(key, parsed.access);
    if (parsed.options.has("/s")) {
      for (const sub of subkeys) found += printKey(`${key}\\${sub}`);
    } else if (name === undefined) {
      if (subkeys.length > 0) out += "\r\n";
      for (const sub of subkeys) out += `${key}\\${sub}\r\n`;
    }
    return found;
  };
  const found = printKey(parsed.key);
  if (name !== undefined && found === 0) return { exitCode: 1, stderr: NOT_FOUND };
  return { exitCode: 0, stdout: `${out}\r\n` };
}

function formatData(value: RegistryValue): string {
  switch (value.type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return value.data;
    case "REG_DWORD":
      return `0x${value.data.toString(16)}`;
    case "REG_QWORD":
      return `0x${value.data.toString(16)}`;
    case "REG_MULTI_SZ":
      return value.data.join("\\0");
    case "REG_BINARY":
    case "REG_NONE":
      // Upper-case hex is believed but unconfirmed (windows-formats.md §6.10).
      return Buffer.from(value.data).toString("hex").toUpperCase();
  }
}

/** `reg export <key> <file> [/y] [/reg:32|/reg:64]`: regedit's 5.00 format (UTF-16LE) of the key's subtree. */
function regExport(
  args: readonly string[],
  invocation: ProgramInvocation,
  process: CallerProcess,
): ProgramResult {
  const [keyRaw, file, ...options] = args;
  const key = keyRaw === undefined ? undefined : normalizeKey(keyRaw);
  if (key === undefined || file === undefined) return usage("EXPORT");
  const lower = options.map((o) => o.toLowerCase());
  const view = lower.includes("/reg:64") ? 64 : lower.includes("/reg:32") ? 32 : invocation.context.bitness;
  const userSid =
    invocation.context.userSid ?? (invocation.context.account === "system" ? SYSTEM_SID : undefined);
  const access: RegistryAccess = userSid === undefined ? { view } : { view, userSid };
  if (!process.host.registry.keyExists(key, access)) return { exitCode: 1, stderr: NOT_FOUND };
  const path = process.devicePath(file);
  if (process.host.fs.stat(path) !== undefined && !lower.includes("/y")) {
    // Without /y reg asks before overwriting; with no console the answer is no.
    return {
      exitCode: 1,
      stdout: `File ${file} already exists. Overwrite (Yes/No)? \r\nThe operation was canceled by the user.\r\n`,
    };
  }
  process.host.fs.writeFile(path, exportRegFile(process.host.registry, key, access));
  return { exitCode: 0, stdout: SUCCESS };
}

function regImport(
  file: string | undefined,
  invocation: ProgramInvocation,
  process: CallerProcess,
): ProgramResult {
  if (file === undefined) return usage("IMPORT");
  const view = invocation.argv.some((a) => a.toLowerCase() === "/reg:64")
    ? 64
    : invocation.argv.some((a) => a.toLowerCase() === "/reg:32")
      ? 32
      : invocation.context.bitness;
  const path = process.devicePath(file);
  if (process.host.fs.stat(path)?.kind !== "file") {
    return {
      exitCode: 1,
      stderr: "ERROR: Error opening the file. There may be a disk or file system error.\r\n",
    };
  }
  const userSid =
    invocation.context.userSid ?? (invocation.context.account === "system" ? SYSTEM_SID : undefined);
  try {
    importRegFile(
      process.host.registry,
      process.host.fs.readFile(path),
      userSid === undefined ? { view } : { view, userSid },
    );
  } catch {
    return { exitCode: 1, stderr: "ERROR: Error accessing the registry.\r\n" };
  }
  return { exitCode: 0, stdout: SUCCESS };
}
