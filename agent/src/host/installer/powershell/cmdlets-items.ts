// The item cmdlets over the FileSystem and Registry providers: what install scripts do to the device
// (New-Item, Copy-Item, Set-ItemProperty, Remove-Item, …) and what detection scripts read (Test-Path,
// Get-Item(Property), Get-ChildItem). Errors use PowerShell's own messages.
import { baseName, joinPath, parentPath } from "../../process/windows-path.ts";
import type { RegistryValue } from "../../types.ts";
import { type Cmdlet, type CmdletCall, decodeText, encodeUtf16, formatForConsole } from "./interpreter.ts";
import { wildcardRegExp } from "./operators.ts";
import {
  childPath,
  describe,
  exists,
  expandPaths,
  fileItem,
  keyItem,
  keyProperties,
  type ProviderPath,
  providerPath,
} from "./provider-paths.ts";
import { enumerate, PsObject, type PsValue, toNumberOrUndefined, toText } from "./values.ts";

const PATH_ALIASES = { LiteralPath: "Path", PSPath: "Path", FullName: "Path", LP: "Path" };

/** The paths a cmdlet works on: -Path/-LiteralPath, or items piped in (their PSPath/FullName). */
function pathsOf(call: CmdletCall, parameter = "path"): string[] {
  const given = call.named.get(parameter);
  if (given !== undefined && given !== null) return enumerate(given).map(pathText);
  return call.input.filter((v) => v !== null).map(pathText);
}

function pathText(value: PsValue): string {
  if (value instanceof PsObject) {
    const pspath = value.get("PSPath");
    if (pspath !== undefined && pspath !== null) return toText(pspath);
    const full = value.get("FullName");
    if (full !== undefined && full !== null) return toText(full);
  }
  return toText(value);
}

function isLiteral(call: CmdletCall): boolean {
  return call.argsText.toLowerCase().includes("-literalpath") || call.argsText.toLowerCase().includes("-lp ");
}

function notFound(call: CmdletCall, path: string): void {
  call.ps.writeError(
    call,
    `Cannot find path '${path}' because it does not exist.`,
    "System.Management.Automation.ItemNotFoundException",
  );
}

function resolveExisting(call: CmdletCall, text: string): ProviderPath[] {
  const found = expandPaths(call.ps, text, isLiteral(call)).filter((p) => exists(call.ps, p));
  if (found.length === 0) notFound(call, describe(providerPath(call.ps, text)));
  return found;
}

function itemOf(call: CmdletCall, path: ProviderPath): PsValue {
  if (path.provider === "FileSystem") return fileItem(call.ps, path.path);
  if (path.provider === "Registry") return keyItem(call.ps, path.key);
  return new PsObject(["System.Collections.DictionaryEntry"], {
    Name: path.name,
    Value: call.ps.environment.get(path.name) ?? null,
  });
}

const testPath: Cmdlet = {
  params: ["Path", "PathType", "Filter", "Include", "Exclude"],
  switches: ["IsValid"],
  positional: ["Path"],
  aliases: PATH_ALIASES,
  run(call) {
    const type = toText(call.named.get("pathtype") ?? "Any").toLowerCase();
    return pathsOf(call).map((text) => {
      if (text === "") return false;
      const found = expandPaths(call.ps, text, isLiteral(call)).filter((p) => exists(call.ps, p));
      if (type === "any") return found.length > 0;
      return found.some((p) => {
        const container = p.provider !== "FileSystem" || call.ps.stat(p.path)?.kind === "directory";
        return type === "container" ? container : !container;
      });
    });
  },
};

const getItem: Cmdlet = {
  params: ["Path", "Filter", "Include", "Exclude"],
  switches: ["Force"],
  positional: ["Path"],
  aliases: PATH_ALIASES,
  run(call) {
    return pathsOf(call).flatMap((text) => resolveExisting(call, text).map((p) => itemOf(call, p)));
  },
};

const getChildItem: Cmdlet = {
  params: ["Path", "Filter", "Include", "Exclude", "Depth", "Attributes"],
  switches: ["Recurse", "Force", "File", "Directory", "Name"],
  positional: ["Path", "Filter"],
  aliases: PATH_ALIASES,
  run(call) {
    const ps = call.ps;
    const filter = call.named.get("filter");
    const include = call.named.get("include");
    const patterns = [filter, ...enumerate(include ?? null)]
      .filter((p) => p !== undefined && p !== null)
      .map((p) => wildcardRegExp(toText(p)));
    const recurse =
      call.named.get("recurse") === true ||
      (include !== undefined && call.named.get("depth") === undefined && false);
    const depth = call.named.has("depth") ? toNumberOrUndefined(call.named.get("depth")!) : undefined;
    const texts = call.named.has("path") || call.input.length > 0 ? pathsOf(call) : ["."];
    const out: PsValue[] = [];
    const visit = (path: ProviderPath, level: number): void => {
      const names =
        path.provider === "FileSystem"
          ? safe(() => ps.host.fs.list(ps.devicePath(path.path)))
          : path.provider === "Registry"
            ? safe(() => ps.host.registry.listSubkeys(path.key, ps.registryAccess()))
            : [];
      for (const name of names.sort((a, b) => a.localeCompare(b))) {
        const child = childPath(path, name);
        const isFolder = child.provider !== "FileSystem" || ps.stat(child.path)?.kind === "directory";
        const wanted =
          (patterns.length === 0 || patterns.some((p) => p.test(name))) &&
          !(call.named.get("file") === true && isFolder) &&
          !(call.named.get("directory") === true && !isFolder);
        if (wanted) out.push(call.named.get("name") === true ? name : itemOf(call, child));
        if ((recurse || depth !== undefined) && isFolder && (depth === undefined || level < depth))
          visit(child, level + 1);
      }
    };
    for (const text of texts) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider === "FileSystem" && ps.stat(path.path)?.kind === "file")
          out.push(itemOf(call, path));
        else visit(path, 0);
      }
    }
    return out;
  },
};

function safe(list: () => string[]): string[] {
  try {
    return list();
  } catch {
    return [];
  }
}

const getItemProperty: Cmdlet = {
  params: ["Path", "Name", "Filter", "Include", "Exclude"],
  positional: ["Path", "Name"],
  aliases: PATH_ALIASES,
  run(call) {
    const names = call.named.has("name") ? enumerate(call.named.get("name")!).map(toText) : undefined;
    const out: PsValue[] = [];
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "Registry") {
          out.push(itemOf(call, path));
          continue;
        }
        const props = keyProperties(call.ps, path.key, names);
        if (props === undefined) {
          call.ps.writeError(
            call,
            `Property ${names?.join(", ")} does not exist at path ${path.key}.`,
            "System.Management.Automation.PSArgumentException",
          );
          continue;
        }
        out.push(props);
      }
    }
    return out;
  },
};

const getItemPropertyValue: Cmdlet = {
  params: ["Path", "Name"],
  positional: ["Path", "Name"],
  aliases: PATH_ALIASES,
  run(call) {
    const names = enumerate(call.named.get("name") ?? null).map(toText);
    const out: PsValue[] = [];
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "Registry") continue;
        const props = keyProperties(call.ps, path.key, undefined);
        for (const name of names) {
          const value = props?.get(name);
          if (value === undefined) {
            call.ps.writeError(
              call,
              `Property ${name} does not exist at path ${path.key}.`,
              "System.Management.Automation.PSArgumentException",
            );
          } else out.push(value);
        }
      }
    }
    return out;
  },
};

/** `-PropertyType String|ExpandString|DWord|QWord|MultiString|Binary` (and `-Type`) as a registry value. */
function registryValueOf(type: string, value: PsValue): RegistryValue {
  switch (type.toLowerCase()) {
    case "dword":
      return { type: "REG_DWORD", data: (toNumberOrUndefined(value) ?? 0) >>> 0 };
    case "qword":
      return { type: "REG_QWORD", data: BigInt(Math.trunc(toNumberOrUndefined(value) ?? 0)) };
    case "expandstring":
      return { type: "REG_EXPAND_SZ", data: toText(value) };
    case "multistring":
      return { type: "REG_MULTI_SZ", data: enumerate(value).map(toText) };
    case "binary":
      return {
        type: "REG_BINARY",
        data: Uint8Array.from(enumerate(value).map((b) => toNumberOrUndefined(b) ?? 0)),
      };
    default:
      return { type: "REG_SZ", data: toText(value) };
  }
}

/** The type an untyped Set-ItemProperty writes: numbers become DWORD, arrays MULTI_SZ, the rest strings. */
function inferredType(value: PsValue, existing: RegistryValue | undefined): string {
  if (existing !== undefined)
    return existing.type
      .replace("REG_", "")
      .replace("EXPAND_SZ", "ExpandString")
      .replace("MULTI_SZ", "MultiString")
      .replace(/^SZ$/, "String");
  if (typeof value === "number") return "DWord";
  if (Array.isArray(value)) return "MultiString";
  return "String";
}

const newItem: Cmdlet = {
  params: ["Path", "Name", "ItemType", "Value", "Type"],
  switches: ["Force"],
  positional: ["Path"],
  aliases: { ...PATH_ALIASES, Type: "ItemType" },
  run(call) {
    const ps = call.ps;
    const out: PsValue[] = [];
    const name = call.named.get("name");
    for (const text of pathsOf(call)) {
      const path = providerPath(ps, name === undefined || name === null ? text : `${text}\\${toText(name)}`);
      const force = call.named.get("force") === true;
      const type = toText(
        call.named.get("itemtype") ?? (path.provider === "Registry" ? "Key" : "File"),
      ).toLowerCase();
      if (exists(ps, path) && !force) {
        call.ps.writeError(
          call,
          `An item with the specified name ${describe(path)} already exists.`,
          "System.IO.IOException",
        );
        continue;
      }
      if (path.provider === "Registry") {
        const parent = parentPath(path.key);
        if (!force && !ps.host.registry.keyExists(parent, ps.registryAccess())) {
          notFound(call, describe({ provider: "Registry", key: parent }));
          continue;
        }
        ps.host.registry.createKey(path.key, ps.registryAccess());
        const value = call.named.get("value");
        if (value !== undefined && value !== null)
          ps.host.registry.setValue(
            path.key,
            "",
            { type: "REG_SZ", data: toText(value) },
            ps.registryAccess(),
          );
        out.push(keyItem(ps, path.key));
      } else if (path.provider === "FileSystem") {
        if (!force && ps.stat(parentPath(path.path)) === undefined && type !== "directory") {
          notFound(call, parentPath(path.path));
          continue;
        }
        if (type === "directory") ps.createFolder(path.path);
        else ps.writeText(path.path, toText(call.named.get("value") ?? ""));
        out.push(fileItem(ps, path.path));
      }
    }
    return out;
  },
};

const setItemProperty: Cmdlet = {
  params: ["Path", "Name", "Value", "Type", "PropertyType"],
  switches: ["Force", "PassThru"],
  positional: ["Path", "Name", "Value"],
  aliases: { ...PATH_ALIASES, PropertyType: "Type" },
  run(call) {
    return writeProperty(call, false);
  },
};

const newItemProperty: Cmdlet = {
  params: ["Path", "Name", "Value", "PropertyType", "Type"],
  switches: ["Force"],
  positional: ["Path", "Name", "Value"],
  aliases: { ...PATH_ALIASES, Type: "PropertyType" },
  run(call) {
    return writeProperty(call, true);
  },
};

function writeProperty(call: CmdletCall, creating: boolean): PsValue[] {
  const ps = call.ps;
  const name = toText(call.named.get("name") ?? "");
  const value = call.named.get("value") ?? null;
  const out: PsValue[] = [];
  for (const text of pathsOf(call)) {
    for (const path of resolveExisting(call, text)) {
      if (path.provider !== "Registry") continue;
      const existing = ps.host.registry.getValue(path.key, name, ps.registryAccess());
      if (creating && existing !== undefined && call.named.get("force") !== true) {
        ps.writeError(call, "The property already exists.", "System.IO.IOException");
        continue;
      }
      const type = toText(
        call.named.get(creating ? "propertytype" : "type") ?? inferredType(value, existing),
      );
      ps.host.registry.setValue(path.key, name, registryValueOf(type, value), ps.registryAccess());
      if (creating || call.named.get("passthru") === true)
        out.push(keyProperties(ps, path.key, [name]) ?? null);
    }
  }
  return out;
}

const removeItemProperty: Cmdlet = {
  params: ["Path", "Name"],
  switches: ["Force"],
  positional: ["Path", "Name"],
  aliases: PATH_ALIASES,
  run(call) {
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "Registry") continue;
        for (const name of enumerate(call.named.get("name") ?? null).map(toText)) {
          if (!call.ps.host.registry.deleteValue(path.key, name, call.ps.registryAccess()))
            call.ps.writeError(
              call,
              `Property ${name} does not exist at path ${path.key}.`,
              "System.Management.Automation.PSArgumentException",
            );
        }
      }
    }
    return [];
  },
};

const removeItem: Cmdlet = {
  params: ["Path", "Filter", "Include", "Exclude"],
  switches: ["Recurse", "Force"],
  positional: ["Path"],
  aliases: PATH_ALIASES,
  run(call) {
    const ps = call.ps;
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider === "Registry") ps.host.registry.deleteKey(path.key, ps.registryAccess());
        else if (path.provider === "FileSystem") ps.host.fs.remove(ps.devicePath(path.path));
        else ps.environment.set(path.name, undefined);
      }
    }
    return [];
  },
};

function copyTree(call: CmdletCall, from: string, to: string, recurse: boolean): void {
  const ps = call.ps;
  const stat = ps.stat(from);
  if (stat?.kind === "file") {
    const target = ps.stat(to)?.kind === "directory" ? joinPath(to, baseName(from)) : to;
    const source = ps.devicePath(from);
    const version = ps.host.fs.fileVersion(source);
    ps.host.fs.writeFile(
      ps.devicePath(target),
      ps.host.fs.readFile(source),
      version === undefined ? undefined : { version },
    );
    return;
  }
  const target = ps.stat(to)?.kind === "directory" ? joinPath(to, baseName(from)) : to;
  ps.createFolder(target);
  if (!recurse) return;
  for (const name of ps.host.fs.list(ps.devicePath(from)))
    copyTree(call, joinPath(from, name), joinPath(target, name), true);
}

const copyItem: Cmdlet = {
  params: ["Path", "Destination", "Filter", "Include", "Exclude"],
  switches: ["Recurse", "Force", "PassThru", "Container"],
  positional: ["Path", "Destination"],
  aliases: PATH_ALIASES,
  run(call) {
    const ps = call.ps;
    const destination = providerPath(ps, toText(call.named.get("destination") ?? "."));
    if (destination.provider !== "FileSystem") return [];
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "FileSystem") continue;
        if (ps.stat(parentPath(destination.path)) === undefined) {
          notFound(call, parentPath(destination.path));
          continue;
        }
        copyTree(call, path.path, destination.path, call.named.get("recurse") === true);
      }
    }
    return [];
  },
};

const moveItem: Cmdlet = {
  params: ["Path", "Destination"],
  switches: ["Force", "PassThru"],
  positional: ["Path", "Destination"],
  aliases: PATH_ALIASES,
  run(call) {
    const ps = call.ps;
    const destination = providerPath(ps, toText(call.named.get("destination") ?? "."));
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "FileSystem" || destination.provider !== "FileSystem") continue;
        const target =
          ps.stat(destination.path)?.kind === "directory"
            ? joinPath(destination.path, baseName(path.path))
            : destination.path;
        ps.host.fs.rename(ps.devicePath(path.path), ps.devicePath(target));
      }
    }
    return [];
  },
};

const renameItem: Cmdlet = {
  params: ["Path", "NewName"],
  switches: ["Force", "PassThru"],
  positional: ["Path", "NewName"],
  aliases: PATH_ALIASES,
  run(call) {
    const ps = call.ps;
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "FileSystem") continue;
        ps.host.fs.rename(
          ps.devicePath(path.path),
          ps.devicePath(joinPath(parentPath(path.path), toText(call.named.get("newname") ?? ""))),
        );
      }
    }
    return [];
  },
};

const getContent: Cmdlet = {
  params: ["Path", "TotalCount", "Tail", "Encoding", "First", "Head"],
  switches: ["Raw", "Force"],
  positional: ["Path"],
  aliases: { ...PATH_ALIASES, First: "TotalCount", Head: "TotalCount" },
  run(call) {
    const out: PsValue[] = [];
    for (const text of pathsOf(call)) {
      for (const path of resolveExisting(call, text)) {
        if (path.provider !== "FileSystem") continue;
        const content = decodeText(call.ps.host.fs.readFile(call.ps.devicePath(path.path)));
        if (call.named.get("raw") === true) {
          out.push(content);
          continue;
        }
        let lines = content.split(/\r?\n/);
        if (lines.at(-1) === "") lines.pop();
        const total = toNumberOrUndefined(call.named.get("totalcount") ?? null);
        const tail = toNumberOrUndefined(call.named.get("tail") ?? null);
        if (call.named.has("totalcount") && total !== undefined) lines = lines.slice(0, total);
        if (call.named.has("tail") && tail !== undefined) lines = lines.slice(-tail);
        out.push(...lines);
      }
    }
    return out;
  },
};

function writeContent(call: CmdletCall, append: boolean, fromPipeline: boolean): PsValue[] {
  const ps = call.ps;
  const values = fromPipeline
    ? call.named.has("inputobject")
      ? enumerate(call.named.get("inputobject")!)
      : call.input
    : call.named.has("value")
      ? enumerate(call.named.get("value")!)
      : call.input;
  const text = values.map((v) => `${fromPipeline ? formatForConsole(v) : toText(v)}\r\n`).join("");
  const target = toText(call.named.get(fromPipeline ? "filepath" : "path") ?? "");
  const path = providerPath(ps, target);
  if (path.provider !== "FileSystem") return [];
  if (ps.stat(parentPath(path.path)) === undefined) {
    ps.writeError(
      call,
      `Could not find a part of the path '${path.path}'.`,
      "System.IO.DirectoryNotFoundException",
    );
    return [];
  }
  const encoding = toText(call.named.get("encoding") ?? (fromPipeline ? "unicode" : "default")).toLowerCase();
  const existing = append ? (ps.readText(path.path) ?? "") : "";
  const full = existing + text;
  // Windows PowerShell 5.1 defaults: Out-File (and `>`) write UTF-16 LE; Set-Content/Add-Content the ANSI code page.
  ps.host.fs.writeFile(ps.devicePath(path.path), encoding === "unicode" ? encodeUtf16(full) : full);
  return [];
}

const setContent: Cmdlet = {
  params: ["Path", "Value", "Encoding"],
  switches: ["Force", "NoNewline", "PassThru"],
  positional: ["Path", "Value"],
  aliases: PATH_ALIASES,
  run: (call) => writeContent(call, false, false),
};

const addContent: Cmdlet = {
  params: ["Path", "Value", "Encoding"],
  switches: ["Force", "NoNewline", "PassThru"],
  positional: ["Path", "Value"],
  aliases: PATH_ALIASES,
  run: (call) => writeContent(call, true, false),
};

const outFile: Cmdlet = {
  params: ["FilePath", "Encoding", "InputObject", "Width"],
  switches: ["Append", "Force", "NoClobber", "NoNewline"],
  positional: ["FilePath"],
  aliases: { Path: "FilePath", LiteralPath: "FilePath" },
  run: (call) => writeContent(call, call.named.get("append") === true, true),
};

const joinPathCmdlet: Cmdlet = {
  params: ["Path", "ChildPath", "AdditionalChildPath"],
  switches: ["Resolve"],
  positional: ["Path", "ChildPath"],
  run(call) {
    const children = [
      call.named.get("childpath") ?? null,
      ...enumerate(call.named.get("additionalchildpath") ?? null),
      ...call.rest,
    ]
      .filter((c) => c !== null)
      .map(toText);
    return pathsOf(call).map((base) =>
      children.reduce((a, b) => `${a.replace(/[\\/]+$/, "")}\\${b.replace(/^[\\/]+/, "")}`, base),
    );
  },
};

const splitPathCmdlet: Cmdlet = {
  params: ["Path"],
  switches: ["Leaf", "Parent", "Qualifier", "NoQualifier", "IsAbsolute", "Resolve", "Extension", "LeafBase"],
  positional: ["Path"],
  aliases: PATH_ALIASES,
  run(call) {
    return pathsOf(call).map((text) => {
      const trimmed = text.replace(/[\\/]+$/, "");
      if (call.named.get("leaf") === true) return trimmed.split(/[\\/]/).pop() ?? "";
      if (call.named.get("leafbase") === true)
        return (trimmed.split(/[\\/]/).pop() ?? "").replace(/\.[^.]*$/, "");
      if (call.named.get("extension") === true) return /\.[^.\\/]*$/.exec(trimmed)?.[0] ?? "";
      if (call.named.get("qualifier") === true) return /^[^:\\]+:/.exec(trimmed)?.[0] ?? "";
      if (call.named.get("noqualifier") === true) return trimmed.replace(/^[^:\\]+:/, "");
      if (call.named.get("isabsolute") === true) return /^([A-Za-z]:\\|\\\\|[A-Za-z]+:)/.test(trimmed);
      const index = trimmed.search(/[\\/][^\\/]*$/);
      if (index < 0) return "";
      return /^[A-Za-z]:$/.test(trimmed.slice(0, index))
        ? `${trimmed.slice(0, index)}\\`
        : trimmed.slice(0, index);
    });
  },
};

const setLocation: Cmdlet = {
  params: ["Path"],
  switches: ["PassThru"],
  positional: ["Path"],
  aliases: PATH_ALIASES,
  run(call) {
    const text = pathsOf(call)[0] ?? "";
    const path = providerPath(call.ps, text);
    if (!exists(call.ps, path)) {
      notFound(call, text);
      return [];
    }
    if (path.provider === "Registry") call.ps.registryLocation = path.key;
    else if (path.provider === "FileSystem") {
      call.ps.registryLocation = undefined;
      call.ps.cwd = path.path;
    }
    return [];
  },
};

const getLocation: Cmdlet = {
  run: (call) => [
    new PsObject(["System.Management.Automation.PathInfo"], { Path: call.ps.cwd }, call.ps.cwd),
  ],
};

const resolvePath: Cmdlet = {
  params: ["Path"],
  positional: ["Path"],
  aliases: PATH_ALIASES,
  run(call) {
    return pathsOf(call).flatMap((text) =>
      resolveExisting(call, text).map((p) => {
        const shown = p.provider === "FileSystem" ? p.path : describe(p);
        return new PsObject(
          ["System.Management.Automation.PathInfo"],
          { Path: shown, ProviderPath: shown },
          shown,
        );
      }),
    );
  },
};

/** The item cmdlets by lower-case name. */
export const ITEM_CMDLETS: ReadonlyArray<readonly [string, Cmdlet]> = [
  ["test-path", testPath],
  ["get-item", getItem],
  ["get-childitem", getChildItem],
  ["get-itemproperty", getItemProperty],
  ["get-itempropertyvalue", getItemPropertyValue],
  ["new-item", newItem],
  ["set-itemproperty", setItemProperty],
  ["new-itemproperty", newItemProperty],
  ["remove-itemproperty", removeItemProperty],
  ["remove-item", removeItem],
  ["copy-item", copyItem],
  ["move-item", moveItem],
  ["rename-item", renameItem],
  ["get-content", getContent],
  ["set-content", setContent],
  ["add-content", addContent],
  ["out-file", outFile],
  ["join-path", joinPathCmdlet],
  ["split-path", splitPathCmdlet],
  ["set-location", setLocation],
  ["get-location", getLocation],
  ["resolve-path", resolvePath],
];
